"""A result as Markdown: title, summary (with its [hh:mm:ss] references), chapter list."""

from __future__ import annotations

from ..summarize.events import Result
from ..transcript.timefmt import display_time


def to_markdown(r: Result) -> str:
    est = r.timing == "estimated"
    out = [f"# {r.title}", ""]
    if est:
        out += ["*Times are estimated from speaking rate (≈); the transcript has no timestamps.*", ""]
    out += ["## Summary", "", r.summary.strip() or "*(no summary)*", "", "## Chapters", ""]
    out += [f"- {display_time(c.start_s, est)} {c.title}" for c in r.chapters] or ["*(no chapters)*"]
    return "\n".join(out) + "\n"
