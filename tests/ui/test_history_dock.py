"""View › History: search, reopen at once without the model, a moved file, delete."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt

from tests.helpers import (
    DATA,
    drop,
    run_until,
)


def test_history_panel_search_reopen_instantly_and_delete(
    make_window, aloop, tiny_model, tmp_path, qtbot
) -> None:  # noqa: ANN001
    from PySide6.QtWidgets import QMessageBox

    w = make_window(tiny_model)
    a, b = tmp_path / "bread.srt", tmp_path / "meeting.srt"
    a.write_text((DATA / "formats" / "subrip.srt").read_text())
    b.write_text((DATA / "formats" / "subrip.srt").read_text().replace("Alice", "Zed"))
    drop(w, a, b)
    run_until(aloop, lambda: [i.state for i in w.jobs.jobs] == ["done", "done"], timeout=60)
    qtbot.keyClick(w, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)  # View › History
    assert w.history_dock.isVisible() and w.history.list.count() == 2
    qtbot.keyClicks(w.history.search, "meeting")
    assert w.history.list.count() == 1

    # reopening shows the stored result at once, without the model
    w.history.list.setCurrentRow(0)
    w.models.engine.trace = []  # the engine records every generated piece from here on
    t0 = time.perf_counter()
    w.history.open_button.click()
    opened = w.current
    assert opened is not None and opened.state == "done" and time.perf_counter() - t0 < 0.5
    assert opened.result == w.jobs.jobs[1].result
    assert w.workspace.chapter_list.count() == len(opened.result.chapters)
    assert w.workspace.summary_view.toPlainText().strip()[:20] == opened.result.summary.strip()[:20]
    assert w.models.engine.trace == [] and w.models.engine.phase == "idle"  # no model request
    run_until(aloop, lambda: opened.transcript is not None)  # the transcript follows from its file
    assert "Zed" in w.workspace.transcript_view.toPlainText()

    # the file gone: the result still opens from the history
    w.history.search.clear()
    a.unlink()
    run_index = next(i for i in range(w.history.list.count()) if "bread" in w.history.list.item(i).toolTip())
    w.history.list.setCurrentRow(run_index)
    w.history.open_button.click()
    assert w.current.result is not None and "no longer at" in w.workspace.header.info.text()

    w.history.delete_button.click()
    assert w.history.list.count() == 1
    w.history.delete_all_button.click()
    box = w.history.confirm
    assert box is not None and box.isVisible()  # asked first, without a nested event loop
    box.button(QMessageBox.StandardButton.Yes).click()
    assert w.history.list.count() == 0 and w.results.store.history() == []
