"""Formatting times for people: `1:02:03`, `12:30`, with `≈` where the time is estimated."""

from __future__ import annotations


def hms(seconds: float, *, always_hours: bool = False) -> str:
    """`12:30` below an hour (or `00:12:30` with always_hours), `1:02:03` above."""
    total = max(0, int(seconds + 1e-6))
    h, rem = divmod(total, 3600)
    m, s = divmod(rem, 60)
    if always_hours:
        return f"{h:02d}:{m:02d}:{s:02d}"
    if h:
        return f"{h}:{m:02d}:{s:02d}"
    return f"{m}:{s:02d}"


def display_time(seconds: float, estimated: bool) -> str:
    return ("≈" if estimated else "") + hms(seconds)


def parse_hms(text: str) -> float:
    """`hh:mm:ss`, `mm:ss` or `h:mm:ss(.fff)` to seconds. Raises ValueError."""
    parts = text.strip().replace(",", ".").split(":")
    if not 2 <= len(parts) <= 3:
        raise ValueError(text)
    value = 0.0
    for p in parts:
        value = value * 60 + float(p)
    return value
