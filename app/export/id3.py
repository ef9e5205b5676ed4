"""Chapters into an MP3 the user chooses, as ID3v2 CHAP frames under one CTOC table of contents (the ID3
chapter addendum that Apple Podcasts, Overcast, Pocket Casts and VLC read). Written with mutagen, the maintained
tagging library: the audio frames are not touched, and the file's other tags (title, artist, artwork) are kept.
Chapters Recap wrote before are replaced, not duplicated.
"""

from __future__ import annotations

from pathlib import Path

from mutagen.id3 import CHAP, CTOC, ID3, TIT2, CTOCFlags, ID3NoHeaderError
from mutagen.mp3 import MP3, HeaderNotFoundError

from ..summarize.events import Result
from .formats import ExportError, _media_spans

TOC_ID = "toc"


def write_id3_chapters(r: Result, mp3: str | Path) -> int:
    """Write the chapters into the file; returns how many were written."""
    path = Path(mp3)
    ch = _media_spans(r, "MP3 chapters")
    try:
        MP3(path)  # an MP3 at all? (mutagen finds the first MPEG frame)
    except HeaderNotFoundError as e:
        raise ExportError(f"“{path.name}” is not an MP3 file Recap can tag.") from e
    except OSError as e:
        raise ExportError(f"“{path.name}” could not be opened: {e.strerror or e}.") from e
    try:
        tags = ID3(path)
    except ID3NoHeaderError:
        tags = ID3()
    for key in [k for k in tags if k.startswith(("CHAP:", "CTOC:"))]:
        del tags[key]
    ids = [f"chp{i}" for i in range(len(ch))]
    tags.add(
        CTOC(
            element_id=TOC_ID,
            flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
            child_element_ids=ids,
            sub_frames=[TIT2(text=[r.title])],
        )
    )
    for cid, s in zip(ids, ch, strict=True):
        tags.add(
            CHAP(
                element_id=cid,
                start_time=int(round(s.start_s * 1000)),
                end_time=int(round(max(s.end_s, s.start_s) * 1000)),
                sub_frames=[TIT2(text=[s.title])],
            )
        )
    try:
        tags.save(path, v2_version=4)
    except OSError as e:
        raise ExportError(f"“{path.name}” could not be written: {e.strerror or e}.") from e
    return len(ch)
