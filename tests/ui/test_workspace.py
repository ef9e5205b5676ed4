"""The centre of the window: chapters and summary links move the transcript."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl

from tests.helpers import (
    DATA,
    drop,
    run_until,
)


def test_chapter_click_scrolls_transcript(make_window, aloop, tiny_model, qtbot) -> None:  # noqa: ANN001
    w = make_window(tiny_model)
    drop(w, DATA / "premiere.txt")
    run_until(aloop, lambda: w.jobs.jobs[0].state == "done")
    w.workspace.transcript_view.seek(191.0)
    assert w.workspace.transcript_view.highlighted == 3
    row = w.workspace.chapter_list.item(0)
    rect = w.workspace.chapter_list.visualItemRect(row)
    qtbot.mouseClick(w.workspace.chapter_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert w.workspace.transcript_view.highlighted == 0


def test_summary_time_links_seek(make_window, aloop, tiny_model) -> None:  # noqa: ANN001
    w = make_window(tiny_model)
    drop(w, DATA / "premiere.txt")
    run_until(aloop, lambda: w.jobs.jobs[0].state == "done")
    w.workspace.summary_view.set_text("Point one [00:03:11] and more.", estimated=False)
    assert "recap-time:191" in w.workspace.summary_view.toHtml()
    w.workspace.summary_view.anchorClicked.emit(QUrl("recap-time:191"))
    assert w.workspace.transcript_view.highlighted == 3
