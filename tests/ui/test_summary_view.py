"""The summary view: streamed text shown in batches, Markdown re-rendered a few times, times as links."""

from __future__ import annotations

from PySide6.QtCore import QUrl

from tests.helpers import run_until


def test_streamed_text_is_batched_and_times_become_links(aloop, qtbot) -> None:  # noqa: ANN001
    from app.ui.summary_view import SummaryView

    v = SummaryView()
    qtbot.addWidget(v)
    pieces = [f"word{i} " for i in range(300)] + ["see [00:03:11]."]
    for p in pieces:
        v.append(p)  # as fast as a model could ever write
    assert v.text == "".join(pieces) and v.renders == 0  # nothing rendered per piece
    run_until(aloop, lambda: v.renders >= 1 and "word299" in v.toPlainText())
    assert v.renders <= 3  # one Markdown render for the whole burst, not one per piece
    v.finish()
    assert "recap-time:191" in v.toHtml() and "3:11" in v.toPlainText()
    seeks: list[float] = []
    v.seek.connect(seeks.append)
    v.anchorClicked.emit(QUrl("recap-time:191"))
    v.anchorClicked.emit(QUrl("https://example.com"))  # not a time: nothing happens
    assert seeks == [191.0]
    v.set_text("New [00:00:05] text", estimated=True)
    assert v.text == "New [00:00:05] text" and "≈0:05" in v.toPlainText()  # estimated times say so
