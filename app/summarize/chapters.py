"""Chapters that exist in the transcript.

The model writes lines `[hh:mm:ss] Title`. A GBNF grammar built per window admits only that window's real segment
start times, so a chapter can never carry an invented time; `parse_chapter_lines` also snaps or drops times for
engines that run without the grammar. `ChapterList` applies the list rules: the first chapter starts at 0:00,
later ones at segment starts, ascending, at least `min_gap_s` apart, no duplicate titles in a row, titles at most
60 characters.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from ..transcript import Segment
from .events import Chapter

MAX_TITLE = 60
HARD_MIN_GAP_S = 10.0  # YouTube's rule, and below it a chapter is not a chapter
LINE = re.compile(r"^\s*[-*•]?\s*\[?\(?(\d{1,2}(?::\d{2}){1,2})\]?\)?\s*[-–—:]?\s*(.+?)\s*$")


def stamp(seconds: float) -> str:
    """The `hh:mm:ss` a window line carries for a segment starting at `seconds` (floored, like the display)."""
    t = int(seconds)
    return f"{t // 3600:02d}:{t // 60 % 60:02d}:{t % 60:02d}"


def window_starts(segments: Sequence[Segment]) -> dict[str, float]:
    """stamp -> exact segment start, first segment wins when two start within the same second."""
    out: dict[str, float] = {}
    for s in segments:
        out.setdefault(stamp(s.start_s), s.start_s)
    return out


def _gbnf_literal(text: str) -> str:
    return json.dumps(text)  # a JSON string literal is a valid GBNF literal for this alphabet


def _time_rule(starts: Sequence[str]) -> str:
    """The GBNF rule `time` admitting exactly the stamps `starts` (a window's real line starts)."""
    if not starts:
        raise ValueError("a window without segments has no line starts")
    return "time ::= " + " | ".join(_gbnf_literal(s) for s in starts) + "\n"


def chapter_grammar(starts: Sequence[str], max_chapters: int) -> str:
    """GBNF admitting 1..max_chapters lines `[stamp] Title\\n` whose stamps are exactly `starts`."""
    n = max(1, max_chapters)
    return (
        f"root ::= line{{1,{n}}}\n"
        'line ::= "[" time "] " title "\\n"\n'
        + _time_rule(starts)
        # A title starts with a letter or digit and has no brackets or line breaks; 3..60 characters.
        + f"title ::= [A-Za-z0-9] [^\\x00-\\x1F\\x7F\\[\\]]{{2,{MAX_TITLE - 1}}}\n"
    )


def notes_grammar(starts: Sequence[str], max_bullets: int) -> str:
    """GBNF admitting 1..max_bullets lines `- [stamp] text\\n` whose stamps are exactly `starts` (the window's
    real line starts): the second try at a part's notes when the first answer had nothing usable (a small model
    that repeated the task instead of doing it). The text has no brackets or line breaks and starts with a
    letter, digit or quote mark."""
    return (
        f"root ::= bullet{{1,{max(1, max_bullets)}}}\n"
        'bullet ::= "- [" time "] " text "\\n"\n'
        + _time_rule(starts)
        + "text ::= [A-Za-z0-9\"'] [^\\x00-\\x1F\\x7F\\[\\]]{8} [^\\x00-\\x1F\\x7F\\[\\]]*\n"
    )


def parse_chapter_lines(text: str, starts: dict[str, float], snap_s: float = 30.0) -> list[tuple[float, str]]:
    """(start_s, title) for each usable line. Times not in `starts` snap to the nearest real start within
    snap_s seconds, or the line is dropped."""
    exact = sorted(starts.values())
    out: list[tuple[float, str]] = []
    for raw in text.splitlines():
        m = LINE.match(raw)
        if not m:
            continue
        stamp_text, title = m.group(1), clean_title(m.group(2))
        if not title:
            continue
        parts = [int(p) for p in stamp_text.split(":")]
        secs = float(sum(v * 60**i for i, v in enumerate(reversed(parts))))
        key = stamp(secs)
        if key in starts:
            out.append((starts[key], title))
            continue
        nearest = min(exact, key=lambda s: abs(s - secs), default=None)
        if nearest is not None and abs(nearest - secs) <= snap_s:
            out.append((nearest, title))
    return out


def clean_title(title: str) -> str:
    title = "".join(ch for ch in title if (ch.isprintable() or ch == " ") and ch != "\ufffd")
    title = " ".join(title.replace("**", "").strip(" \"'`*#-–—:").split())
    if len(title) > MAX_TITLE:
        cut = title[: MAX_TITLE - 1].rsplit(" ", 1)[0].rstrip(" ,;:-")
        title = (cut or title[: MAX_TITLE - 1]) + "…"
    return title


class ChapterList:
    """The growing chapter list of one run. `offer` accepts a candidate or says why not."""

    def __init__(self, min_gap_s: float = 60.0, duration_s: float | None = None) -> None:
        self.min_gap_s = max(HARD_MIN_GAP_S, min_gap_s)
        self.duration_s = duration_s
        self.chapters: list[Chapter] = []
        self.late_dropped = 0  # chapters refused because they began within min_gap_s of the end

    def offer(self, start_s: float, title: str) -> Chapter | None:
        title = clean_title(title)
        if not title:
            return None
        if not self.chapters:
            chapter = Chapter(0.0, title)  # the first chapter covers any lead-in
        else:
            last = self.chapters[-1]
            if start_s < last.start_s + self.min_gap_s:
                return None
            if self.duration_s is not None and start_s > self.duration_s - self.min_gap_s:
                self.late_dropped += 1  # a chapter shorter than the minimum, at the very end, is no chapter
                return None
            if title.casefold() == last.title.casefold():
                return None  # the same topic continuing over a window boundary stays one chapter
            chapter = Chapter(start_s, title)
        self.chapters.append(chapter)
        return chapter

    def finished(self, duration_s: float) -> tuple[Chapter, ...]:
        out = []
        for i, c in enumerate(self.chapters):
            end = self.chapters[i + 1].start_s if i + 1 < len(self.chapters) else duration_s
            out.append(Chapter(c.start_s, c.title, max(end, c.start_s)))
        return tuple(out)

    def titles(self) -> list[str]:
        return [c.title for c in self.chapters]


def valid_chapter_list(chapters: Sequence[Chapter], min_gap_s: float = HARD_MIN_GAP_S) -> list[str]:
    """The rule violations of a finished list (empty when it is valid). Used by tests and exports."""
    problems = []
    if chapters and chapters[0].start_s != 0:
        problems.append("first chapter does not start at 0:00")
    for a, b in zip(chapters, chapters[1:], strict=False):
        if b.start_s - a.start_s < min_gap_s:
            problems.append(f"chapters at {a.start_s} and {b.start_s} are less than {min_gap_s} s apart")
        if a.title.casefold() == b.title.casefold():
            problems.append(f"duplicate title in a row: {b.title}")
    for c in chapters:
        if len(c.title) > MAX_TITLE or not c.title.strip():
            problems.append(f"bad title length: {c.title!r}")
    return problems
