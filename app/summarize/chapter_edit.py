"""Edits a person makes to a finished chapter list: rename, delete, merge with the next, add at a line, move to
another line (or nudge to the previous or next one). Each edit returns the new list, or refuses with the rule it
would break in a sentence (`EditRefused`); nothing is fixed silently.

The rules are the list rules (app/summarize/chapters.py), with the platforms' floor for the gap: the first
chapter starts at 0:00, starts are real segment starts in ascending order at least 10 s apart (YouTube's
minimum), titles are 1-60 characters and two in a row are not the same. No Qt: the window keeps the lists on an
undo stack (app/ui/chapter_editor.py).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from ..transcript.timefmt import hms
from .chapters import HARD_MIN_GAP_S, MAX_TITLE, clean_title
from .events import Chapter


class EditRefused(ValueError):
    """The edit would break a rule; the message says which, for the user."""


@dataclass(frozen=True)
class Timeline:
    """Where chapters may start: the transcript's segment starts, and its length."""

    starts: tuple[float, ...]
    duration_s: float
    min_gap_s: float = HARD_MIN_GAP_S

    @classmethod
    def of(cls, starts: Sequence[float], duration_s: float) -> Timeline:
        return cls(tuple(sorted(set(starts))), duration_s)

    def neighbour(self, start_s: float, step: int) -> float | None:
        """The segment start `step` starts after (or before, step < 0) the one at start_s."""
        i = bisect.bisect_left(self.starts, start_s - 1e-6)
        j = i + step
        return self.starts[j] if 0 <= j < len(self.starts) else None


def _ends(chapters: Sequence[Chapter], duration_s: float) -> tuple[Chapter, ...]:
    out = []
    for i, c in enumerate(chapters):
        end = chapters[i + 1].start_s if i + 1 < len(chapters) else duration_s
        out.append(Chapter(c.start_s, c.title, max(end, c.start_s)))
    return tuple(out)


def _title(title: str) -> str:
    t = clean_title(title)
    if not t:
        raise EditRefused("A chapter needs a title.")
    if len(title.strip()) > MAX_TITLE:
        raise EditRefused(
            f"A chapter title can be at most {MAX_TITLE} characters (YouTube and podcast apps cut it)."
        )
    return t


def _check_neighbours(chapters: Sequence[Chapter], i: int, tl: Timeline) -> None:
    c = chapters[i]
    for j in (i - 1, i + 1):
        if not 0 <= j < len(chapters):
            continue
        other = chapters[j]
        if abs(other.start_s - c.start_s) < tl.min_gap_s:
            raise EditRefused(
                f"Chapters must be at least {tl.min_gap_s:.0f} s apart (YouTube's rule): “{c.title}” at "
                f"{hms(c.start_s)} would be {abs(other.start_s - c.start_s):.0f} s from “{other.title}”."
            )
        if other.title.casefold() == c.title.casefold():
            raise EditRefused(f"Two chapters in a row can't have the same title (“{c.title}”).")


def rename(chapters: Sequence[Chapter], i: int, title: str, tl: Timeline) -> tuple[Chapter, ...]:
    out = list(chapters)
    out[i] = Chapter(out[i].start_s, _title(title), out[i].end_s)
    _check_neighbours(out, i, tl)
    return _ends(out, tl.duration_s)


def delete(chapters: Sequence[Chapter], i: int, tl: Timeline) -> tuple[Chapter, ...]:
    if i == 0:
        raise EditRefused(
            "The first chapter can't be deleted: a chapter list starts at 0:00. Merge it with the next one, or "
            "rename it."
        )
    out = list(chapters[:i]) + list(chapters[i + 1 :])
    if i < len(out):
        _check_neighbours(out, i, tl)  # the two that are now side by side
    return _ends(out, tl.duration_s)


def merge_next(chapters: Sequence[Chapter], i: int, tl: Timeline) -> tuple[Chapter, ...]:
    """Chapter i takes in the one after it (its title stays)."""
    if i + 1 >= len(chapters):
        raise EditRefused("The last chapter has no next chapter to merge with.")
    out = list(chapters[: i + 1]) + list(chapters[i + 2 :])
    if i + 1 < len(out):
        _check_neighbours(out, i, tl)
    return _ends(out, tl.duration_s)


def add(chapters: Sequence[Chapter], start_s: float, title: str, tl: Timeline) -> tuple[Chapter, ...]:
    """A new chapter at the segment that starts at start_s."""
    start_s = _real_start(start_s, tl)
    if any(abs(c.start_s - start_s) < 1e-6 for c in chapters):
        raise EditRefused(f"A chapter already starts at {hms(start_s)}.")
    out = sorted([*chapters, Chapter(start_s, _title(title))], key=lambda c: c.start_s)
    i = next(k for k, c in enumerate(out) if c.start_s == start_s)
    _check_neighbours(out, i, tl)
    return _ends(out, tl.duration_s)


def move(chapters: Sequence[Chapter], i: int, start_s: float, tl: Timeline) -> tuple[Chapter, ...]:
    """Chapter i starts at another segment start, between its neighbours."""
    if i == 0:
        raise EditRefused("The first chapter always starts at 0:00; move the next one instead.")
    start_s = _real_start(start_s, tl)
    c = chapters[i]
    if start_s <= chapters[i - 1].start_s or (i + 1 < len(chapters) and start_s >= chapters[i + 1].start_s):
        raise EditRefused(
            f"“{c.title}” can only move between the chapters before and after it; to reorder, delete it and add "
            "it again."
        )
    out = list(chapters)
    out[i] = Chapter(start_s, c.title)
    _check_neighbours(out, i, tl)
    return _ends(out, tl.duration_s)


def nudge(chapters: Sequence[Chapter], i: int, step: int, tl: Timeline) -> tuple[Chapter, ...]:
    """Chapter i to the previous (step -1) or next (+1) segment start."""
    to = tl.neighbour(chapters[i].start_s, step)
    if to is None:
        raise EditRefused("There is no segment start further that way.")
    return move(chapters, i, to, tl)


def _real_start(start_s: float, tl: Timeline) -> float:
    i = bisect.bisect_left(tl.starts, start_s - 1e-6)
    if i < len(tl.starts) and abs(tl.starts[i] - start_s) < 1e-3:
        return tl.starts[i]
    raise EditRefused(f"A chapter starts where a transcript line starts; nothing starts at {hms(start_s)}.")
