"""Otter-style text exports: a header line `Name  0:03` (name, two or more spaces, time), then the paragraph;
the `Transcribed by https://otter.ai` footer is dropped."""

from __future__ import annotations

import re

from ..model import Parsed, Segment
from .common import TS, ts_seconds

NAME = "otter"
HEADER = re.compile(rf"^(\S.{{0,40}}?)\s{{2,}}{TS}\s*$|^(\S.{{0,40}}?)\s+{TS}\s*$")
_FOOTER = re.compile(r"^\s*Transcribed by\b", re.IGNORECASE)


def _match(line: str) -> tuple[str, float] | None:
    m = HEADER.match(line)
    if not m:
        return None
    g = m.groups()
    if g[0] is not None:
        if g[0][:1] in "[(*":
            return None
        return g[0].strip(), ts_seconds(*g[1:5])
    name = g[5].strip()
    if len(name.split()) > 4 or name.endswith((".", ",", "?", "!")) or name[:1] in "[(*":
        return None
    return name, ts_seconds(*g[6:10])


def sniff(text: str) -> float:
    lines = text.split("\n")[:400]
    headers = [i for i, ln in enumerate(lines) if _match(ln)]
    # a header is followed by text; headers make up a fair share of the non-blank lines
    good = [i for i in headers if i + 1 < len(lines) and lines[i + 1].strip() and not _match(lines[i + 1])]
    nonblank = sum(1 for ln in lines if ln.strip())
    return 0.88 if len(good) >= 2 and len(good) >= 0.2 * nonblank else 0.0


def parse(text: str, *, fps: float = 30.0) -> Parsed:
    lines = text.split("\n")
    warnings = []
    turns: list[tuple[str, float, list[str]]] = []
    for no, line in enumerate(lines, 1):
        h = _match(line)
        if h:
            turns.append((h[0], h[1], []))
        elif _FOOTER.match(line):
            warnings.append(f"Line {no}: export footer dropped: “{line.strip()[:60]}”.")
        elif turns:
            if line.strip():
                turns[-1][2].append(line.strip())
        elif line.strip():
            warnings.append(f"Line {no}: text before the first speaker, not used: “{line.strip()[:60]}”.")
    segments = []
    for i, (name, start, body) in enumerate(turns):
        t = " ".join(" ".join(body).split())
        if not t:
            continue
        end = turns[i + 1][1] if i + 1 < len(turns) else start + len(t.split()) * 60 / 160
        segments.append(Segment(start, max(start, end), name, t))
    return Parsed(segments=segments, timing="exact", warnings=warnings)
