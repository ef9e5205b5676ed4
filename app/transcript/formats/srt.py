"""SubRip (.srt): index line, `00:00:01,000 --> 00:00:02,500`, text. Also without index lines, with `.` as the
decimal mark, and with hours past 99.

Written here rather than with `srt`/`pysubs2`: both treat a blank line as the end of a cue, so a cue whose text has
a blank line inside loses its second half (or turns it into garbage), and `srt` rejects hours past 99. Here a
cue's text runs until the next timing line, and an index line just before it is dropped.
"""

from __future__ import annotations

import re

from ..model import Parsed, Segment
from .common import (
    TS,
    H,
    LinePattern,
    marked_blocks,
    numbered_lines,
    split_speakers,
    strip_markup,
    ts_seconds,
)

NAME = "srt"
TIMING = LinePattern(rf"{H}*{TS}{H}*-->{H}*{TS}(?:{H}.*)?")


def sniff(text: str) -> float:
    head = text[:20000]
    if head.lstrip().startswith("WEBVTT"):
        return 0.0
    lines = [m.group(0) for _, m in TIMING.finditer(head)]
    if any("," in ln.split("-->")[0] for ln in lines):
        return 0.9
    return 0.7 if len(lines) >= 2 else 0.0


def _times(m: re.Match[str]) -> tuple[float, float]:
    g = m.groups()
    return ts_seconds(*g[:4]), ts_seconds(*g[4:])


def parse(text: str, *, fps: float = 30.0) -> Parsed:
    warnings: list[str] = []
    before, cues = marked_blocks(text, TIMING, _times)
    before_lines = [(no, ln) for no, ln in numbered_lines(before, 1) if ln.strip()]
    if cues and before_lines and before_lines[-1][1].strip().isdigit():
        before_lines.pop()  # the first cue's index line
    for no, ln in before_lines:
        warnings.append(f"Line {no}: text before the first cue, not used: “{ln.strip()[:60]}”.")
    texts: list[str] = []
    starts: list[float] = []
    ends: list[float] = []
    last = len(cues) - 1
    for i, (no, (start, end), body) in enumerate(cues):
        body = body.rstrip()
        if i < last:  # the next cue's index line, read as the end of this cue's text
            head, _, tail = body.rpartition("\n")
            if tail.strip().isdigit():
                body = head
        t = strip_markup(body)
        if not t:
            warnings.append(f"Line {no}: cue without text, skipped.")
            continue
        if end < start:
            warnings.append(f"Line {no}: cue ends before it starts; its end was set to its start.")
            end = start
        texts.append(t)
        starts.append(start)
        ends.append(end)
    speakers = split_speakers(texts)
    segments = [Segment(s, e, spk, t) for s, e, spk, t in zip(starts, ends, speakers, texts, strict=True)]
    return Parsed(segments=segments, timing="exact", warnings=warnings)
