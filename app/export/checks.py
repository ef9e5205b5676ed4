"""Whether a chapter list would be accepted where people publish it, in words: the rules the YouTube and
Podcasting 2.0 exports enforce, asked live while chapters are edited. The exports themselves are the judges
(formats.py), so the live check and the file written can never disagree."""

from __future__ import annotations

from ..summarize.events import Result
from .formats import ExportError, to_podcasting20, to_youtube

PLATFORMS = (("YouTube", to_youtube), ("Podcasting 2.0", to_podcasting20))


def platform_checks(r: Result) -> list[tuple[str, str | None]]:
    """(platform, None when the list is accepted, else the rule it breaks) for each platform."""
    out: list[tuple[str, str | None]] = []
    for name, render in PLATFORMS:
        try:
            render(r)
        except ExportError as e:
            out.append((name, str(e)))
        else:
            out.append((name, None))
    return out
