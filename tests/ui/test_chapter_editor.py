"""Editing the chapters in the window, as a user does it: every edit and its undo, a rule explained instead of
fixed, the live platform checks, and the edits in exports, the history and the next opening of the same file."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QLineEdit

from tests.helpers import DATA, drop, run_until

PREMIERE = DATA / "premiere.txt"  # lines start at 0:05, 0:20, 1:02 and 3:11; 5:00 long


def _done(make_window, aloop, tiny_model):  # noqa: ANN001, ANN202
    w = make_window(tiny_model)
    drop(w, PREMIERE)
    run_until(aloop, lambda: w.jobs.jobs[0].state == "done", timeout=60)
    return w, w.jobs.jobs[0]


def _select_line(w, n: int) -> None:  # noqa: ANN001
    view = w.workspace.transcript_view
    cursor = QTextCursor(view.document().findBlockByNumber(n))
    view.setTextCursor(cursor)


def _starts(job) -> list[float]:  # noqa: ANN001
    return [c.start_s for c in job.result.chapters]


def test_every_edit_and_its_undo(make_window, aloop, tiny_model, qtbot) -> None:  # noqa: ANN001
    w, job = _done(make_window, aloop, tiny_model)
    ed = w.workspace.chapter_editor
    model = job.result.chapters
    assert model and all(b.isEnabled() for k, b in ed.buttons.items() if k != "revert")
    assert not ed.buttons["revert"].isEnabled()  # nothing edited yet
    undo, redo = ed.undo_action, ed.redo_action
    assert undo in w.menuBar().actions()[1].menu().actions()  # Edit › Undo

    # add at the selected transcript line (1:02)
    _select_line(w, 2)
    ed.buttons["add"].click()
    assert 62.1 in _starts(job) and job.result.edited and ed.buttons["revert"].isEnabled()
    row = _starts(job).index(62.1)
    # rename it in place: F2, type, Enter
    w.workspace.chapter_list.setCurrentRow(row)
    w.workspace.chapter_list.setFocus()
    qtbot.keyClick(w.workspace.chapter_list, Qt.Key.Key_F2)
    line = w.workspace.chapter_list.findChild(QLineEdit)
    assert line is not None and line.text() == "New chapter at 1:02"  # the title alone, not the row's time
    line.selectAll()
    qtbot.keyClicks(line, "Ovens and steam")
    qtbot.keyClick(line, Qt.Key.Key_Return)  # Qt commits the edit on the next turn of the event loop
    run_until(aloop, lambda: job.result.chapters[row].title == "Ovens and steam", timeout=5)
    assert "Ovens and steam" in w.workspace.chapter_list.item(row).text()
    # nudge it a line earlier (0:20), and back later
    w.workspace.chapter_list.setCurrentRow(row)
    ed.buttons["earlier"].click()
    assert job.result.chapters[row].start_s == 20.6
    ed.buttons["later"].click()
    assert job.result.chapters[row].start_s == 62.1
    # move it to another selected line (3:11)
    _select_line(w, 3)
    w.workspace.chapter_list.setCurrentRow(row)
    ed.buttons["move"].click()
    assert job.result.chapters[row].start_s == 191.0
    # undo back through every edit, then redo them all
    after = job.result.chapters
    for _ in range(5):
        undo.trigger()
    assert job.result.chapters == model and not job.result.edited
    for _ in range(5):
        redo.trigger()
    assert job.result.chapters == after
    # merge with the next, and delete: each undone
    w.workspace.chapter_list.setCurrentRow(row - 1)
    ed.buttons["merge"].click()
    assert len(job.result.chapters) == len(after) - 1
    undo.trigger()
    assert job.result.chapters == after
    w.workspace.chapter_list.setCurrentRow(row)
    ed.buttons["delete"].click()
    assert 191.0 not in _starts(job)
    undo.trigger()
    assert job.result.chapters == after
    # revert to the model's chapters is one click, and itself undoable
    ed.buttons["revert"].click()
    assert job.result.chapters == model and not job.result.edited
    undo.trigger()
    assert job.result.chapters == after


def test_a_broken_rule_is_explained_not_fixed(make_window, aloop, tiny_model) -> None:  # noqa: ANN001
    w, job = _done(make_window, aloop, tiny_model)
    ed = w.workspace.chapter_editor
    before = job.result.chapters
    w.workspace.chapter_list.setCurrentRow(0)
    ed.buttons["delete"].click()
    assert job.result.chapters == before
    assert ed.problem.isVisible() and "first chapter can't be deleted" in ed.problem.text()
    _select_line(w, 0)  # 0:05: five seconds after the first chapter's 0:00
    ed.buttons["add"].click()
    assert job.result.chapters == before and "10 s apart" in ed.problem.text()
    assert ed.undo_action.isEnabled() is False  # a refused edit is not on the stack


def test_live_platform_checks_follow_the_edits(make_window, aloop, tiny_model) -> None:  # noqa: ANN001
    w, job = _done(make_window, aloop, tiny_model)
    ed = w.workspace.chapter_editor
    for line in (1, 2, 3):
        if job.transcript.segments[line].start_s not in _starts(job):
            _select_line(w, line)
            assert ed.add(), (ed.problem.text(), _starts(job))
    n = len(job.result.chapters)
    assert n >= 3
    assert "YouTube: accepted" in ed.checks.text() and "Podcasting 2.0: accepted" in ed.checks.text()
    w.workspace.chapter_list.setCurrentRow(n - 1)
    while len(job.result.chapters) > 2:
        w.workspace.chapter_list.setCurrentRow(len(job.result.chapters) - 1)
        ed.delete()
    assert "YouTube needs at least 3 chapters" in ed.checks.text()
    assert "Podcasting 2.0: accepted" in ed.checks.text()


def test_edits_reach_exports_the_history_and_the_next_opening(
    make_window, aloop, tiny_model, tmp_path
) -> None:  # noqa: ANN001
    w, job = _done(make_window, aloop, tiny_model)
    ed = w.workspace.chapter_editor
    _select_line(w, 3)
    ed.add()
    row = _starts(job).index(191.0)
    assert ed.rename(row, "Goodbye")
    # every export and copy uses the edited list
    assert w.exports.export_to_file("markdown", str(tmp_path / "notes.md"))
    assert "Goodbye" in (tmp_path / "notes.md").read_text()
    assert "Goodbye" in (w.exports.text("podcast-json") or "")
    # kept with the result in the history, shown as edited
    entry = next(e for e in w.results.store.history() if e.run == job.run)
    assert entry.edited
    w.commands.history.setChecked(True)
    assert any("edited" in w.history.list.item(i).text() for i in range(w.history.list.count()))
    got = w.results.store.get_entry(job.run)
    assert got is not None and [c.title for c in got[1].chapters][row] == "Goodbye"
    # the same file again: the stored result opens, with the edits, without the model
    w.add_files([str(PREMIERE)])
    again = w.jobs.jobs[-1]
    run_until(aloop, lambda: again.state == "done", timeout=60)
    assert again is not job and again.result.chapters == job.result.chapters and again.result.edited
    # the model's list stays one click away
    w.show_job(again)
    ed.revert()
    assert not again.result.edited and w.results.store.get_entry(job.run)[1].edited is False


def test_retitle_asks_the_model_for_one_chapter_and_is_undoable(make_window, aloop, tiny_model) -> None:  # noqa: ANN001
    w, job = _done(make_window, aloop, tiny_model)
    ed = w.workspace.chapter_editor
    _select_line(w, 3)
    ed.add()
    row = _starts(job).index(191.0)
    w.workspace.chapter_list.setCurrentRow(row)
    stack = ed.undo_group.activeStack()
    before = stack.count()
    w.models.engine.trace = []  # the engine records what it writes from here on
    ed.buttons["retitle"].click()
    assert not ed.buttons["retitle"].isEnabled() and "Asking the model" in ed.problem.text()
    run_until(aloop, lambda: stack.count() == before + 1, timeout=60)
    assert w.models.engine.trace  # the model was asked
    title = job.result.chapters[row].title
    assert title and title != "New chapter at 3:11" and len(title) <= 60
    assert ed.buttons["retitle"].isEnabled() and not ed.problem.isVisible()
    ed.undo_action.trigger()
    assert job.result.chapters[row].title == "New chapter at 3:11"


def test_retitle_without_a_model_says_so(make_window, aloop, tiny_model) -> None:  # noqa: ANN001
    w, job = _done(make_window, aloop, tiny_model)
    ed = w.workspace.chapter_editor
    engine, w.models.engine = w.models.engine, None  # as a failed load leaves it
    try:
        w.workspace.chapter_list.setCurrentRow(0)
        ed.buttons["retitle"].click()
        assert "Choose a model first" in ed.problem.text() and ed.buttons["retitle"].isEnabled()
    finally:
        w.models.engine = engine  # closed with the window
