"""Helpers shared by the format readers: timestamps, markup, speaker prefixes."""

from __future__ import annotations

import html
import re
from collections import Counter

# h:mm:ss(.,)fff, mm:ss(.,)fff, with any number of hour digits (files past 99 hours exist)
TS = r"(?:(\d+):)?(\d{1,2}):(\d{2})(?:[.,](\d{1,3}))?"
TS_RE = re.compile(rf"^{TS}$")
_TAG = re.compile(r"<[^>]*>|\{\\[^}]*\}")
_NAME_PREFIX = re.compile(
    r"^\s*(?:-\s*)?(?:>>\s*)?([A-Z][\w.'’ -]{0,30}?|SPEAKER[ _]\d+|spk_\d+)\s*:\s+(.+)$", re.S
)


def ts_seconds(h: str | None, m: str, s: str, frac: str | None) -> float:
    value = int(h or 0) * 3600 + int(m) * 60 + int(s)
    if frac:
        value += int(frac) / (10 ** len(frac))
    return float(value)


def parse_ts(text: str) -> float:
    m = TS_RE.match(text.strip())
    if not m:
        raise ValueError(text)
    return ts_seconds(*m.groups())


def strip_markup(text: str) -> str:
    """Subtitle tags (`<i>`, `<c.colour>`, `<00:01:02.000>`, `{\\an8}`) and HTML entities out; spaces folded."""
    return " ".join(html.unescape(_TAG.sub("", text)).split())


def speaker_prefixes(texts: list[str]) -> list[tuple[str | None, str]]:
    """Split `Name: text` when names repeat and are used consistently (≥ 30 % of cues); else keep the text."""
    found = [_NAME_PREFIX.match(t) for t in texts]
    names = Counter(m.group(1).strip() for m in found if m)
    short = {n: c for n, c in names.items() if len(n.split()) <= 3}
    good = {n for n, c in short.items() if c >= 2}
    if good and sum(short.values()) >= 0.5 * len(texts):
        good = set(short)  # most cues are labelled: a name heard once is still a speaker (a short meeting)
    used = sum(1 for m in found if m and m.group(1).strip() in good)
    if not good or used < 0.3 * max(1, len(texts)):
        return [(None, t) for t in texts]
    out: list[tuple[str | None, str]] = []
    last: str | None = None
    for t, m in zip(texts, found, strict=True):
        if m and m.group(1).strip() in good:
            last = m.group(1).strip()
            out.append((last, " ".join(m.group(2).split())))
        else:
            out.append((last, t))  # a cue without a prefix continues the last speaker's turn
    return out
