"""Page headers in front of a transcript (copied from a podcast web page): title and description, not speech."""

from __future__ import annotations

import re
from collections import Counter

_PLAYER = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\s*/\s*\d{1,2}:\d{2}(?::\d{2})?\b")
_HEADINGS = {"transcript", "interactive transcript", "show notes", "episode transcript", "full transcript"}
_ARTWORK = re.compile(r"\s*[-–—|]\s*(episode artwork|artwork|cover art|cover image)\s*$", re.IGNORECASE)


def split_header(lines: list[tuple[int, str]]) -> tuple[str | None, str | None, list[str]]:
    """(title, description, warnings) from numbered header lines (1-based line numbers)."""
    warnings: list[str] = []
    candidates: list[tuple[int, str]] = []
    for no, raw in lines:
        line = raw.strip()
        if not line:
            continue
        if _PLAYER.search(line) or line.lower() in _HEADINGS:
            continue  # a web player's "0:00 / 0:00" or a heading: page furniture, not content
        candidates.append((no, _ARTWORK.sub("", line)))
    if not candidates:
        return None, None, warnings
    short = [t for _, t in candidates if len(t) <= 120]
    counts = Counter(short)
    title: str | None = None
    if counts:
        top, n = counts.most_common(1)[0]
        title = top if n >= 2 else short[0]
    long_lines = [t for _, t in candidates if len(t) > 60 and t != title]
    description = max(long_lines, key=len) if long_lines else None
    for no, t in candidates:
        if t != title and t != description:
            warnings.append(f"Line {no}: page header text not used as speech: “{_clip(t)}”.")
    return title, description, warnings


def _clip(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
