"""Whisper's TSV output: `start<TAB>end<TAB>text`, times in milliseconds, with or without a header line."""

from __future__ import annotations

import re

from ..model import Parsed, Segment

NAME = "whisper-tsv"
_ROW = re.compile(r"^\s*(\d+(?:\.\d+)?)\t(\d+(?:\.\d+)?)\t(.*)$")


def sniff(text: str) -> float:
    lines = [ln for ln in text.split("\n")[:50] if ln.strip()]
    if not lines:
        return 0.0
    rows = sum(1 for ln in lines if _ROW.match(ln))
    header = lines[0].strip().lower().split("\t")[:3] == ["start", "end", "text"]
    return 0.95 if rows and rows >= (len(lines) - int(header)) * 0.8 else 0.0


def parse(text: str, *, fps: float = 30.0) -> Parsed:
    segments, warnings = [], []
    for no, line in enumerate(text.split("\n"), 1):
        if not line.strip() or (no == 1 and line.strip().lower().startswith("start\t")):
            continue
        m = _ROW.match(line)
        if not m:
            warnings.append(f"Line {no}: not a start/end/text row, not used: “{line.strip()[:60]}”.")
            continue
        t = " ".join(m.group(3).split())
        if t:
            s, e = float(m.group(1)) / 1000, float(m.group(2)) / 1000
            segments.append(Segment(s, max(s, e), None, t))
    return Parsed(segments=segments, timing="exact", warnings=warnings)
