"""SubRip (.srt): index line, `00:00:01,000 --> 00:00:02,500`, text. Also without index lines, with `.` as the
decimal mark, and with hours past 99.

Written here rather than with `srt`/`pysubs2`: both treat a blank line as the end of a cue, so a cue whose text has
a blank line inside loses its second half (or turns it into garbage), and `srt` rejects hours past 99. Here a
cue's text runs until the next timing line, and an index line just before it is dropped.
"""

from __future__ import annotations

import re

from ..model import Parsed, Segment
from .common import TS, speaker_prefixes, strip_markup, ts_seconds

NAME = "srt"
TIMING = re.compile(rf"^\s*{TS}\s*-->\s*{TS}(?:\s+.*)?$")


def sniff(text: str) -> float:
    head = text[:20000]
    if head.lstrip().startswith("WEBVTT"):
        return 0.0
    hits = sum(1 for ln in head.split("\n") if TIMING.match(ln) and "," in ln.split("-->")[0])
    dots = sum(1 for ln in head.split("\n") if TIMING.match(ln))
    if hits >= 1:
        return 0.9
    return 0.7 if dots >= 2 else 0.0


def parse(text: str, *, fps: float = 30.0) -> Parsed:
    lines = text.split("\n")
    warnings: list[str] = []
    cues: list[tuple[int, float, float, list[str]]] = []
    before: list[tuple[int, str]] = []
    for no, line in enumerate(lines, 1):
        m = TIMING.match(line)
        if m:
            g = m.groups()
            if cues:
                body = cues[-1][3]
                while body and not body[-1].strip():
                    body.pop()
                if body and body[-1].strip().isdigit():
                    body.pop()  # the index line of this cue, read as text of the previous one
            elif before and before[-1][1].strip().isdigit():
                before.pop()
            cues.append((no, ts_seconds(*g[:4]), ts_seconds(*g[4:]), []))
        elif cues:
            cues[-1][3].append(line)
        elif line.strip():
            before.append((no, line))
    for no, ln in before:
        warnings.append(f"Line {no}: text before the first cue, not used: “{ln.strip()[:60]}”.")
    texts, kept = [], []
    for no, start, end, body in cues:
        t = strip_markup(" ".join(b for b in body if b.strip()))
        if not t:
            warnings.append(f"Line {no}: cue without text, skipped.")
            continue
        if end < start:
            warnings.append(f"Line {no}: cue ends before it starts; its end was set to its start.")
            end = start
        texts.append(t)
        kept.append((start, end))
    segments = [Segment(s, e, spk, t) for (s, e), (spk, t) in zip(kept, speaker_prefixes(texts), strict=True)]
    return Parsed(segments=segments, timing="exact", warnings=warnings)
