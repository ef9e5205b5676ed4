"""The transcript view: one block per segment with its time and speaker; seeking scrolls and highlights."""

from __future__ import annotations

from app.transcript import read_file
from tests.helpers import DATA


def test_blocks_seek_and_clear(qtbot) -> None:  # noqa: ANN001
    from app.ui.transcript_view import TranscriptView

    v = TranscriptView()
    qtbot.addWidget(v)
    t = read_file(DATA / "premiere.txt")  # segment starts 5.0, 20.6, 62.1, 191.0
    v.set_transcript(t)
    assert v.document().blockCount() == len(t.segments)
    first = v.document().findBlockByNumber(0).text()
    assert "0:05" in first and t.segments[0].text in first
    assert (v.segment_at(0), v.segment_at(20.6), v.segment_at(100), v.segment_at(10_000)) == (0, 1, 2, 3)
    assert v.seek(191.0) == 3 and v.highlighted == 3 and len(v.extraSelections()) == 1
    v.set_transcript(None)
    assert v.toPlainText() == "" and v.highlighted is None and v.seek(5.0) == -1
