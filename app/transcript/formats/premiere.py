"""Adobe Premiere Pro / DaVinci Resolve text exports:

00:00:21:00 - 00:00:41:25      (video timecode HH:MM:SS:FF, optionally in brackets; `;` for drop-frame)
Stefan                          (speaker, on its own line)
And we're live. Welcome ...     (text, wrapped over several lines)
"""

from __future__ import annotations

import re

from ..model import Parsed, Segment

NAME = "premiere"

_TC = r"(\d{1,2}):(\d{2}):(\d{2})[:;.](\d{2})"
TIMECODE_LINE = re.compile(rf"^\s*\[?\s*{_TC}\s*[-–]\s*{_TC}\s*\]?\s*$")
_SENTENCE_END = re.compile(r"[.!?,;…]$")


def _seconds(parts: tuple[str, ...], fps: float) -> float:
    h, m, s, f = parts
    return int(h) * 3600 + int(m) * 60 + int(s) + int(f) / fps


def _is_speaker_line(line: str) -> bool:
    words = line.split()
    return 0 < len(words) <= 4 and len(line) <= 40 and not _SENTENCE_END.search(line)


def sniff(text: str) -> float:
    lines = [ln for ln in text.split("\n")[:400] if ln.strip()]
    if not lines:
        return 0.0
    hits = sum(1 for ln in lines if TIMECODE_LINE.match(ln))
    return 0.95 if hits >= 1 and hits >= len(lines) / 20 else 0.0


def parse(text: str, *, fps: float = 30.0) -> Parsed:
    from .header import split_header

    lines = text.split("\n")
    warnings: list[str] = []
    header: list[tuple[int, str]] = []
    blocks: list[tuple[int, float, float, list[str]]] = []
    for no, line in enumerate(lines, 1):
        m = TIMECODE_LINE.match(line)
        if m:
            g = m.groups()
            start, end = _seconds(g[:4], fps), _seconds(g[4:], fps)
            if int(g[3]) >= fps or int(g[7]) >= fps:
                warnings.append(f"Line {no}: frame number beyond {fps:g} fps; is the frame rate right?")
            blocks.append((no, start, end, []))
        elif blocks:
            if line.strip():
                blocks[-1][3].append(line.strip())
        else:
            header.append((no, line))
    title, description, header_warnings = split_header(header)
    warnings += header_warnings
    segments: list[Segment] = []
    for no, start, end, body in blocks:
        speaker = None
        if len(body) >= 2 and _is_speaker_line(body[0]):
            speaker, body = body[0], body[1:]
        if not body:
            warnings.append(f"Line {no}: timecode block with no text, skipped.")
            continue
        if end < start:
            warnings.append(f"Line {no}: block ends before it starts; its end was set to its start.")
            end = start
        segments.append(Segment(start, end, speaker, " ".join(body)))
    return Parsed(segments=segments, timing="exact", title=title, description=description, warnings=warnings)
