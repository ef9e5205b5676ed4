"""Otter-style text exports: a header line `Name  0:03` (name, two or more spaces, time), then the paragraph;
the `Transcribed by https://otter.ai` footer is dropped."""

from __future__ import annotations

import re

from ..model import Parsed, Segment
from .common import TS, H, LinePattern, head_lines, marked_blocks, numbered_lines, ts_seconds

NAME = "otter"
# The lookahead (the line ends with a time) rejects a paragraph line in one cheap pass before the lazy name
# search is tried at every length (2.5x faster on a 10 MB export).
HEADER = LinePattern(
    rf"(?=.*:\d\d(?:[.,]\d{{1,3}})?{H}*$)(?:(\S.{{0,40}}?){H}{{2,}}{TS}{H}*|(\S.{{0,40}}?){H}+{TS}{H}*)"
)
_FOOTER = re.compile(rf"^{H}*Transcribed by\b", re.IGNORECASE | re.M)


def _accept(m: re.Match[str]) -> tuple[str, float] | None:
    g = m.groups()
    if g[0] is not None:
        if g[0][:1] in "[(*":
            return None
        return g[0].strip(), ts_seconds(*g[1:5])
    name = g[5].strip()
    if len(name.split()) > 4 or name.endswith((".", ",", "?", "!")) or name[:1] in "[(*":
        return None
    return name, ts_seconds(*g[6:10])


def _match(line: str) -> tuple[str, float] | None:
    m = HEADER.match(line)
    return _accept(m) if m else None


def sniff(text: str) -> float:
    lines = head_lines(text, 400)
    headers = [i for i, ln in enumerate(lines) if _match(ln)]
    # a header is followed by text; headers make up a fair share of the non-blank lines
    good = [i for i in headers if i + 1 < len(lines) and lines[i + 1].strip() and not _match(lines[i + 1])]
    nonblank = sum(1 for ln in lines if ln.strip())
    return 0.88 if len(good) >= 2 and len(good) >= 0.2 * nonblank else 0.0


def parse(text: str, *, fps: float = 30.0) -> Parsed:
    warnings = []
    before, blocks = marked_blocks(text, HEADER, _accept)
    for no, line in numbered_lines(before, 1):
        if _FOOTER.match(line):
            warnings.append(f"Line {no}: export footer dropped: “{line.strip()[:60]}”.")
        elif line.strip():
            warnings.append(f"Line {no}: text before the first speaker, not used: “{line.strip()[:60]}”.")
    turns: list[tuple[str, float, str]] = []
    canonical: dict[str, str] = {}
    for no, (name, start), body in blocks:
        if _FOOTER.search(body):
            kept = []
            for line_no, line in numbered_lines(body, no):
                if _FOOTER.match(line):
                    warnings.append(f"Line {line_no}: export footer dropped: “{line.strip()[:60]}”.")
                else:
                    kept.append(line)
            body = "\n".join(kept)
        turns.append((canonical.setdefault(name, name), start, " ".join(body.split())))
    segments = []
    for i, (name, start, t) in enumerate(turns):
        if not t:
            continue
        end = turns[i + 1][1] if i + 1 < len(turns) else start + len(t.split()) * 60 / 160
        segments.append(Segment(start, max(start, end), name, t))
    return Parsed(segments=segments, timing="exact", warnings=warnings)
