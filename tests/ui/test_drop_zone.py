"""The drop zone: highlighted for transcripts, refusing audio with the reason while it is dragged."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent
from PySide6.QtGui import QDragEnterEvent

from tests.helpers import (
    DATA,
    drag_enter,
)


def test_drop_zone_highlights_and_refuses_what_it_cannot_read(make_window, tmp_path) -> None:  # noqa: ANN001
    w = make_window()

    def enter(*paths: Path) -> QDragEnterEvent:
        return drag_enter(w, *paths)[0]

    song = tmp_path / "episode.mp3"
    song.write_bytes(b"ID3" + bytes(100))
    ev = enter(song)
    assert not ev.isAccepted()
    assert (
        w.workspace.drop_zone.refused is not None
        and "“episode.mp3” is audio, not a transcript" in w.workspace.drop_zone.refused
    )
    assert "audio" in w.statusBar().currentMessage()
    w.dragLeaveEvent(QEvent(QEvent.Type.DragLeave))
    assert (
        w.workspace.drop_zone.refused is None
        and w.workspace.drop_zone.title.text() == "Drop transcripts here"
    )
    ev = enter(song, DATA / "premiere.txt")  # a transcript among them: accepted (the song is reported later)
    assert (
        ev.isAccepted()
        and w.workspace.drop_zone.hover
        and w.workspace.drop_zone.title.text() == "Drop to summarize"
    )
