"""Lines with timestamps: `[00:01:23] Name: text`, `(01:23) text`, `00:01:23 text`, `**Name** [1:23] text`,
`Name (01:23): text`, Zoom's `[Name] 11:02:09` headers, and YouTube's copy-paste (`0:00` on its own line, then
the text). Lines without a time continue the entry above. Wall-clock times (a Zoom export starting at 11:02:09)
become media times counted from the first one."""

from __future__ import annotations

import re

from ..model import Parsed, Segment
from .common import TS, speaker_prefixes, ts_seconds

NAME = "timestamped"
_T = rf"[\[(]?{TS}[\])]?"
PATTERNS = [
    # **Name** [1:23] text
    re.compile(rf"^\s*\*\*(?P<name>[^*]{{1,40}})\*\*\s*{_T}\s*:?\s*(?P<rest>.*)$"),
    # [Name] 11:02:09   (Zoom)
    re.compile(rf"^\s*\[(?P<name>[^\]\d][^\]]{{0,40}})\]\s+{TS}\s*$"),
    # Name (01:23): text   /  Name [1:23] text
    re.compile(rf"^\s*(?P<name>[A-Z][\w.'’ -]{{0,30}}?)\s*[\[(]{TS}[\])]\s*:?\s*(?P<rest>.*)$"),
    # [00:01:23] text  /  (01:23) text  /  00:01:23 text  /  0:00 alone
    re.compile(rf"^\s*{_T}\s*(?:[-–—|:]\s*)?(?P<rest>.*)$"),
]
WALL_CLOCK_S = 3600.0  # a first time at or past an hour: the clock of the meeting, not the media


def match(line: str) -> tuple[float, str | None, str] | None:
    """(seconds, speaker or None, text after the time) for a line that starts an entry."""
    for p in PATTERNS:
        m = p.match(line)
        if m:
            named = set(p.groupindex.values())
            h, mi, s, frac = (m.group(i) for i in range(1, p.groups + 1) if i not in named)
            g = m.groupdict()
            return ts_seconds(h, mi, s, frac), (g.get("name") or None), (g.get("rest") or "").strip()
    return None


def sniff(text: str) -> float:
    lines = [ln for ln in text.split("\n")[:500] if ln.strip()]
    if not lines:
        return 0.0
    hits = sum(1 for ln in lines if match(ln) and "-->" not in ln)
    return 0.85 if hits >= 2 and hits >= 0.2 * len(lines) else 0.0


def parse(text: str, *, fps: float = 30.0) -> Parsed:
    warnings: list[str] = []
    entries: list[tuple[float, str | None, list[str]]] = []
    for no, line in enumerate(text.split("\n"), 1):
        m = match(line)
        if m:
            t, name, rest = m
            entries.append((t, name.strip() if name else None, [rest] if rest else []))
        elif entries:
            if line.strip():
                entries[-1][2].append(line.strip())
        elif line.strip():
            warnings.append(f"Line {no}: text before the first timestamp, not used: “{line.strip()[:60]}”.")
    entries = [e for e in entries if any(x.strip() for x in e[2])]
    if not entries:
        return Parsed(segments=[], timing="exact", warnings=warnings)
    offset = 0.0
    first = entries[0][0]
    if first >= WALL_CLOCK_S:
        offset = first
        warnings.append(f"The times look like clock times (first {_clock(first)}); they are shown from 0:00.")
    texts = [" ".join(" ".join(e[2]).split()) for e in entries]
    if any(e[1] for e in entries):
        pairs: list[tuple[str | None, str]] = [(e[1], t) for e, t in zip(entries, texts, strict=True)]
    else:
        pairs = speaker_prefixes(texts)
    segments: list[Segment] = []
    for i, (e, (spk, words)) in enumerate(zip(entries, pairs, strict=True)):
        start = e[0] - offset
        end = entries[i + 1][0] - offset if i + 1 < len(entries) else start + len(words.split()) * 60 / 160
        segments.append(Segment(start, max(start, end), spk, words))
    return Parsed(segments=segments, timing="exact", warnings=warnings)


def _clock(s: float) -> str:
    s = int(s)
    return f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}"
