"""The window as a whole, offscreen, driven like a user would: drops, keys, the app process; with real generated models."""

from __future__ import annotations

import os
import time
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from app.summarize import Options
from tests.helpers import (
    DATA,
    REV,
    SEED_003,
    drop,
    needs_seeds,
    rev_docx,
    run_until,
)


def test_empty_state_is_a_drop_zone_and_no_model_says_so(make_window) -> None:  # noqa: ANN001
    w = make_window()
    assert w.workspace.currentWidget() is w.workspace.drop_zone
    assert "Drop transcripts here" in w.workspace.drop_zone.title.text()
    assert "speaker-labelled" in w.workspace.drop_zone.detail.text()
    assert w.banner.isVisible() and "GGUF" in w.banner.text.text()


def test_drop_file_streams_chapters_and_summary_to_finished(make_window, aloop, endless_model) -> None:  # noqa: ANN001
    w = make_window(endless_model)
    seen_chapters: list[int] = []
    w.workspace.chapter_list.model().rowsInserted.connect(
        lambda *_: seen_chapters.append(w.workspace.chapter_list.count())
    )
    drop(w, DATA / "premiere.txt")
    assert w.workspace.currentWidget() is w.workspace.content_split
    run_until(aloop, lambda: w.jobs.jobs[0].state == "done")
    item = w.jobs.jobs[0]
    assert item.result is not None
    assert w.workspace.transcript_view.document().blockCount() == 4
    assert "Alice" in w.workspace.transcript_view.toPlainText()
    assert w.workspace.chapter_list.count() == len(item.result.chapters) >= 1
    assert seen_chapters  # rows were added while running, not only at the end
    assert w.workspace.summary_view.toPlainText().strip()
    assert not w.progress.busy and "done" in w.progress.stage.text()


def test_drop_word_document_shows_its_turns_and_runs(make_window, aloop, endless_model, tmp_path) -> None:  # noqa: ANN001
    """A Rev-style Word export dropped on the window is read like its text export and summarized."""
    w = make_window(endless_model)
    drop(w, rev_docx(tmp_path / "interview.docx"))
    run_until(aloop, lambda: w.jobs.jobs[0].state == "done")
    shown = w.workspace.transcript_view.toPlainText()
    assert all(text in shown for _speaker, _time, text in REV) and "Speaker 2" in shown
    assert w.jobs.jobs[0].result is not None and w.workspace.chapter_list.count() >= 1


@needs_seeds
def test_drop_seed_file_runs_many_windows(make_window, aloop, tiny_model) -> None:  # noqa: ANN001
    w = make_window(tiny_model)
    drop(w, SEED_003)
    chapters_when_first_summary_text: list[int] = []
    w.workspace.summary_view.textChanged.connect(
        lambda: (
            chapters_when_first_summary_text.append(w.workspace.chapter_list.count())
            if not chapters_when_first_summary_text and w.workspace.summary_view.toPlainText()
            else None
        )
    )
    run_until(aloop, lambda: w.jobs.jobs[0].finished, timeout=120)
    assert w.jobs.jobs[0].state == "done", w.jobs.jobs[0].error
    r = w.jobs.jobs[0].result
    assert r is not None and r.stats.windows > 1
    assert chapters_when_first_summary_text and chapters_when_first_summary_text[0] >= 1
    assert w.workspace.transcript_view.document().blockCount() == 115


def test_heartbeat_keeps_ticking_during_load_and_long_prompt(make_window, aloop, slow_model) -> None:  # noqa: ANN001
    ticks: list[float] = []
    timer = QTimer(interval=5)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    w = make_window(slow_model, Options(window_tokens=3000, summary_max_tokens=50, notes_max_tokens=20))
    text = "\n".join(
        f"Ann: sentence number {i} about the long topic of the day, with some detail." for i in range(300)
    )
    p = Path(w.config.path).parent / "long.txt"
    p.write_text(text)
    drop(w, p)
    phases: set[str] = set()
    run_until(aloop, lambda: phases.add(w.models.engine.phase) or w.jobs.jobs[0].state == "done", timeout=120)
    timer.stop()
    assert {"prompt", "generating"} <= phases
    gaps = [b - a for a, b in zip(ticks, ticks[1:])]
    assert len(ticks) > 100
    # gross limit only: the strict responsiveness figures are measured in tests/bench
    assert max(gaps) < 0.25, max(gaps)


def test_app_process_summarizes_argv_files_and_exits(tiny_model, tmp_path) -> None:  # noqa: ANN001
    """`recap FILE --model M`: the real entry point in its own process (offscreen), as a double-click runs it."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", RECAP_CONFIG_DIR=str(tmp_path), PYTHONPATH=str(root))
    args = [sys.executable, "-m", "app", "--exit-when-done", "--model", str(tiny_model)]
    r = subprocess.run(
        [*args, str(DATA / "premiere.txt")], env=env, capture_output=True, text=True, timeout=120
    )
    assert r.returncode == 0, r.stderr[-2000:]
    assert (tmp_path / "settings.json").read_text().count(str(tiny_model)) == 1  # --model is remembered
    r = subprocess.run([*args, str(DATA / "empty.txt")], env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 1, r.stderr[-2000:]


def test_every_control_has_an_accessible_name_and_a_tooltip(make_window) -> None:  # noqa: ANN001
    from PySide6.QtGui import QAccessible
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QComboBox,
        QLineEdit,
        QProgressBar,
        QTextEdit,
        QWidget,
    )

    w = make_window()
    w.workspace.setCurrentWidget(w.workspace.content_split)
    w.file_list.show()
    w.commands.history.trigger()
    QApplication.processEvents()
    kinds = (QAbstractButton, QComboBox, QLineEdit, QAbstractItemView, QTextEdit, QProgressBar)
    controls = [
        c
        for c in w.findChildren(QWidget)
        if isinstance(c, kinds) and c.isVisibleTo(w) and not c.objectName().startswith("qt_")  # Qt's own
    ]
    assert len(controls) > 15
    for c in controls:
        iface = QAccessible.queryAccessibleInterface(c)
        name = iface.text(QAccessible.Text.Name) if iface is not None else ""
        assert name, f"{type(c).__name__} has no accessible name"
        assert c.toolTip(), f"{type(c).__name__} “{name}” has no tooltip"


def test_keyboard_shortcuts(make_window, aloop, tiny_model, qtbot) -> None:  # noqa: ANN001
    w = make_window(tiny_model)
    from PySide6.QtTest import QTest

    w.activateWindow()
    assert QTest.qWaitForWindowActive(w)  # shortcuts go to the active window
    qtbot.keyClick(w, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert w._open_dialog.isVisible()  # Ctrl+O: the open dialog (non-blocking)
    w._open_dialog.close()
    w.activateWindow()
    assert QTest.qWaitForWindowActive(w)
    qtbot.keyClick(w, Qt.Key.Key_F1)
    assert w._about.isVisible() and "Recap" in w._about.text() and "mutagen" in w._about.informativeText()
    w._about.close()
    w.activateWindow()
    assert QTest.qWaitForWindowActive(w)
    drop(w, DATA / "premiere.txt")
    run_until(aloop, lambda: w.jobs.jobs[0].state == "done")
    first = w.jobs.jobs[0].result
    qtbot.keyClick(w, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # Ctrl+Enter: summarize again
    run_until(aloop, lambda: w.jobs.jobs[0].state == "done" and w.jobs.jobs[0].result is not first)
    qtbot.keyClick(w, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.clipboard().text() == w.jobs.jobs[0].result.summary.strip()
    qtbot.keyClick(w, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    assert w.history_dock.isVisible()


def test_notes_so_far_show_while_the_parts_are_read_and_the_summary_replaces_them(
    make_window, aloop, tiny_model
) -> None:  # noqa: ANN001
    """A transcript of several parts: each part's notes stream into the summary pane under "Notes so far" while
    the rest is read, and the summary, when it comes, takes their place."""
    w = make_window(tiny_model, Options(window_tokens=400, notes_max_tokens=40, summary_max_tokens=60))
    text = "\n".join(
        f"{'Ann' if i % 2 else 'Ben'}: point {i} on the budget, the hiring plan and the release date."
        for i in range(160)
    )
    p = Path(w.config.path).parent / "parts.txt"
    p.write_text(text)
    view = w.workspace.summary_view
    seen: list[tuple[str, str]] = []  # (what the pane showed, what the run was doing), at each change
    view.textChanged.connect(lambda: seen.append((view.toPlainText(), w.jobs.jobs[0].stage)))
    first_notes_during: list[str] = []  # what the run was doing when the first notes were sent to the pane
    w.runner.summaryDelta.connect(
        lambda job, _text: first_notes_during.append(job.stage) if not first_notes_during else None
    )
    # at each new stage after the notes began (the next part, the summary), the notes shown are rendered to
    # their last bullet: no Markdown left plain while the next part's titles are asked
    tails: list[tuple[str, str]] = []
    w.runner.jobChanged.connect(
        lambda job, stage: tails.append((stage, view.plain_tail)) if job.notes_part is not None else None
    )
    drop(w, p)
    run_until(aloop, lambda: w.jobs.jobs[0].state == "done", timeout=120)
    job = w.jobs.jobs[0]
    assert job.result is not None and job.result.stats.windows > 2
    assert [s for s, _ in tails if s.startswith("Reading part")], tails
    assert all(tail == "" for _, tail in tails), tails
    with_notes = [(s, n) for s, n in seen if s.startswith("Notes so far")]
    assert with_notes, "no notes were shown while reading"
    assert any("Part 1 of" in s for s, _ in with_notes)
    # the first notes came while the first part was read, not once every part was
    assert first_notes_during[0].startswith("Reading part 1 of")
    # then the summary replaced them: the pane ends with the summary alone
    final = view.toPlainText()
    assert "Notes so far" not in final and "Part 1 of" not in final
    assert final.strip() and job.summary == job.result.summary
