"""Export and copy from the window, a list that breaks YouTube's rules, and a stopped run's partial result."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from app.summarize import Options
from tests.helpers import (
    DATA,
    drop,
    run_until,
)


def _finished_window(make_window, aloop, model):  # noqa: ANN001, ANN202
    w = make_window(model)
    drop(w, DATA / "premiere.txt")
    run_until(aloop, lambda: w.jobs.jobs[0].state == "done")
    return w


def test_export_from_the_window_menu_and_copy_buttons(make_window, aloop, tiny_model, tmp_path) -> None:  # noqa: ANN001
    import json

    from PySide6.QtWidgets import QFileDialog

    from app.export import render

    w = _finished_window(make_window, aloop, tiny_model)
    result = w.jobs.jobs[0].result
    assert w.workspace.export_button.isEnabled() and w.workspace.copy_button.isEnabled()
    assert w.workspace.export_button.menu() is w.exports.save_menu

    # File › Export › Podcasting 2.0 chapters…: the save dialog opens (non-blocking), the user picks a name
    w.exports.save_actions["podcast-json"].trigger()
    dialog = w.exports.dialog
    assert isinstance(dialog, QFileDialog) and dialog.isVisible()
    assert dialog.acceptMode() == QFileDialog.AcceptMode.AcceptSave
    target = tmp_path / "episode.chapters.json"
    dialog.selectFile(str(target))
    dialog.accept()
    d = json.loads(target.read_text())
    assert d["version"] == "1.2.0"
    assert [c["title"] for c in d["chapters"]] == [c.title for c in result.chapters]
    assert "Saved episode.chapters.json" in w.statusBar().currentMessage()

    # Copy › Markdown puts exactly the Markdown export on the clipboard; Ctrl+Shift+C the summary
    w.exports.copy_actions["markdown"].trigger()
    assert QApplication.clipboard().text() == render(result, "markdown")
    w.exports.copy_summary_action.trigger()
    assert QApplication.clipboard().text() == result.summary.strip()


def test_export_that_breaks_youtube_rules_says_why_and_writes_nothing(
    make_window, aloop, tiny_model, tmp_path
) -> None:  # noqa: ANN001
    from dataclasses import replace

    from app.summarize import Chapter

    w = _finished_window(make_window, aloop, tiny_model)
    item = w.jobs.jobs[0]
    # what the random model wrote varies; the rule is checked on a result with two chapters, as a model may write
    item.result = replace(item.result, chapters=(Chapter(0.0, "Start"), Chapter(120.0, "Ovens")))
    target = tmp_path / "yt.txt"
    assert not w.exports.export_to_file("youtube", str(target))
    assert not target.exists()
    assert "at least 3 chapters" in (w.exports.last_error or "")
    assert w.exports.copy("markdown")  # other formats still work


def test_stopped_run_exports_what_it_has(make_window, aloop, slow_model, tmp_path) -> None:  # noqa: ANN001
    w = make_window(slow_model, Options(summary_max_tokens=3000))
    drop(w, DATA / "premiere.txt")
    # the summary shows whole checked sentences only (defences), which this gibberish model may take long to end:
    # stop once a chapter is there and the model is writing
    run_until(aloop, lambda: w.models.engine.phase == "generating" and w.jobs.jobs[0].chapters, timeout=120)
    w.stop()
    job = w.jobs.jobs[0]
    assert job.state == "stopped" and not w.runner.busy  # shown as stopped at once
    # the partial result comes from the pipeline (its Cancelled event), which keeps it in the history too
    run_until(aloop, lambda: job.result is not None, timeout=10)
    got = w.current_result()
    assert got is not None and got[0] is job.result and "Partial result" in got[0].notes[0]
    assert got[0].chapters == tuple(job.chapters)
    entry, stored = w.results.store.get_entry(w.results.store.history()[0].run)
    assert entry.partial and entry.source == str(DATA / "premiere.txt") and stored.chapters == got[0].chapters
    assert w.exports.export_to_file("markdown", str(tmp_path / "partial.md"))
    text = (tmp_path / "partial.md").read_text()
    assert got[0].chapters[0].title in text and got[0].summary.strip()[:20] in text
