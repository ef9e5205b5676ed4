"""Adobe Premiere Pro / DaVinci Resolve text exports:

00:00:21:00 - 00:00:41:25      (video timecode HH:MM:SS:FF, optionally in brackets; `;` for drop-frame)
Stefan                          (speaker, on its own line)
And we're live. Welcome ...     (text, wrapped over several lines)
"""

from __future__ import annotations

import re

from ..model import Parsed, Segment
from .common import H, LinePattern, head_lines, marked_blocks, numbered_lines

NAME = "premiere"

_TC = r"(\d{1,2}):(\d{2}):(\d{2})[:;.](\d{2})"
TIMECODE_LINE = LinePattern(rf"{H}*\[?{H}*{_TC}{H}*[-–]{H}*{_TC}{H}*\]?{H}*")
_SENTENCE_END = re.compile(r"[.!?,;…]$")


def _is_speaker_line(line: str) -> bool:
    words = line.split()
    return 0 < len(words) <= 4 and len(line) <= 40 and not _SENTENCE_END.search(line)


def sniff(text: str) -> float:
    lines = [ln for ln in head_lines(text, 400) if ln.strip()]
    if not lines:
        return 0.0
    hits = sum(1 for ln in lines if TIMECODE_LINE.match(ln))
    return 0.95 if hits >= 1 and hits >= len(lines) / 20 else 0.0


def parse(text: str, *, fps: float = 30.0) -> Parsed:
    from .header import split_header

    warnings: list[str] = []

    def times(m: re.Match[str]) -> tuple[float, float, bool]:
        g = m.groups()
        start = int(g[0]) * 3600 + int(g[1]) * 60 + int(g[2]) + int(g[3]) / fps
        end = int(g[4]) * 3600 + int(g[5]) * 60 + int(g[6]) + int(g[7]) / fps
        return start, end, int(g[3]) >= fps or int(g[7]) >= fps

    before, blocks = marked_blocks(text, TIMECODE_LINE, times)
    title, description, header_warnings = split_header(list(numbered_lines(before, 1)))
    warnings += header_warnings
    segments: list[Segment] = []
    canonical: dict[str, str] = {}
    for no, (start, end, beyond), raw in blocks:
        if beyond:
            warnings.append(f"Line {no}: frame number beyond {fps:g} fps; is the frame rate right?")
        body = [ln.strip() for ln in raw.split("\n") if ln and not ln.isspace()]
        speaker = None
        if len(body) >= 2 and _is_speaker_line(body[0]):
            speaker = canonical.setdefault(body[0], body[0])
            body = body[1:]
        if not body:
            warnings.append(f"Line {no}: timecode block with no text, skipped.")
            continue
        if end < start:
            warnings.append(f"Line {no}: block ends before it starts; its end was set to its start.")
            end = start
        segments.append(Segment(start, end, speaker, " ".join(" ".join(body).split())))
    return Parsed(segments=segments, timing="exact", title=title, description=description, warnings=warnings)
