r"""Helpers shared by the format readers: timestamps, markup, speaker prefixes, and splitting a whole text at
its marker lines.

Speed: a 10 MB transcript is ~100k cues. The readers find their marker lines (timing lines, speaker headers)
with one regex pass over the whole text (`LinePattern`, `marked_blocks`) instead of a Python loop over every line.
The pass searches for "\n" + the line's pattern: a pattern that starts with a literal is found with re's fast
literal scan, while `^` under MULTILINE is tried at every character (measured 4x slower on 10 MB). Line patterns
must not cross a line end: `H` below is horizontal whitespace (what `\s` means inside one line), and negated
classes exclude `\n`.
"""

from __future__ import annotations

import html
import re
from array import array
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
H = r"[^\S\n]"  # whitespace within a line

# h:mm:ss(.,)fff, mm:ss(.,)fff, with any number of hour digits (files past 99 hours exist)
TS = r"(?:(\d+):)?(\d{1,2}):(\d{2})(?:[.,](\d{1,3}))?"
TS_RE = re.compile(rf"^{TS}$")
_TAG = re.compile(r"<[^>]*>|\{\\[^}]*\}")
_NAME_PREFIX = re.compile(
    r"^\s*(?:-\s*)?(?:>>\s*)?([A-Z][\w.'’ -]{0,30}?|SPEAKER[ _]\d+|spk_\d+)\s*:\s+(.+)$", re.S
)


# Lookup tables: a 10 MB subtitle file has ~200k timestamps, and a dict lookup is 3x cheaper than int().
_TWO_DIGITS = {**{str(i): i for i in range(10)}, **{f"{i:02d}": i for i in range(100)}}
_FRACTION = {f"{i:0{n}d}": i / 10**n for n in (1, 2, 3) for i in range(10**n)}


def ts_seconds(h: str | None, m: str, s: str, frac: str | None) -> float:
    """Seconds from the groups of TS (hours, minutes, seconds, fraction digits)."""
    v = _TWO_DIGITS[m] * 60 + _TWO_DIGITS[s]
    if h:
        v += int(h) * 3600
    return v + _FRACTION[frac] if frac else float(v)


def parse_ts(text: str) -> float:
    m = TS_RE.match(text.strip())
    if not m:
        raise ValueError(text)
    return ts_seconds(*m.groups())


def strip_markup(text: str) -> str:
    """Subtitle tags (`<i>`, `<c.colour>`, `<00:01:02.000>`, `{\\an8}`) and HTML entities out; spaces folded."""
    if "<" not in text and "{" not in text and "&" not in text:
        return " ".join(text.split())  # the common case, 3x faster
    return " ".join(html.unescape(_TAG.sub("", text)).split())


def lstripped_head(text: str, n: int) -> str:
    """The first n characters after leading whitespace, without copying a 10 MB text the way lstrip() does."""
    for i, c in enumerate(text):
        if not c.isspace():
            return text[i : i + n]
    return ""


def head_lines(text: str, n: int) -> list[str]:
    """The first n lines, without splitting the whole text (sniffers look at the head of a 10 MB file)."""
    end = -1
    for _ in range(n):
        end = text.find("\n", end + 1)
        if end < 0:
            return text.split("\n")
    return text[:end].split("\n")


class LinePattern:
    """A regex for a whole line (no `^`/`$` in its source; it must not cross a line end). `match(line)` tests one
    line; `finditer(text)` yields (start of the line, match) for every matching line of a whole text."""

    def __init__(self, source: str, flags: int = 0) -> None:
        self.source = source
        self._line = re.compile(rf"(?:{source})$", flags | re.M)
        self._scan = re.compile(rf"\n(?:{source})$", flags | re.M)
        self.groupindex = self._line.groupindex

    def match(self, line: str) -> re.Match[str] | None:
        return self._line.match(line)

    def scan(self, text: str) -> Iterator[re.Match[str]]:
        """Matches of every line but the first; each match starts at the newline before its line."""
        return self._scan.finditer(text)

    def finditer(self, text: str) -> Iterator[tuple[int, re.Match[str]]]:
        m = self._line.match(text)
        if m:
            yield 0, m
        for m in self._scan.finditer(text):
            yield m.start() + 1, m


class Blocks(Generic[T]):
    """The marked lines of a text, iterated as (1-based line number, accepted value, text after the line up to the
    next marked line, starting with its newline, or with the marked line's body group). Each block's text is sliced when iterated, so a reader that turns
    each into its segment never holds a second copy of the whole file."""

    def __init__(self, text: str, starts: Sequence[int], values: list[T], ends: Sequence[int]) -> None:
        self._text, self._starts, self._values, self._ends = text, starts, values, ends

    def __len__(self) -> int:
        return len(self._starts)

    def __iter__(self) -> Iterator[tuple[int, T, str]]:
        text, starts, values, ends = self._text, self._starts, self._values, self._ends
        no, pos = 1, 0
        count = text.count
        last = len(starts) - 1
        for i, start in enumerate(starts):
            no += count("\n", pos, start)
            pos = start
            yield no, values[i], text[ends[i] : starts[i + 1] if i < last else len(text)]


def marked_blocks(
    text: str,
    marker: LinePattern,
    accept: Callable[[re.Match[str]], T | None],
    body_group: str | tuple[str, ...] | None = None,
) -> tuple[str, Blocks[T]]:
    """Split text at the lines where `marker` matches and `accept` returns a value (not None): the text before the
    first marked line, and the blocks. With `body_group`, a block's text starts where that group of the marked
    line starts (the words after a time stamp; of several groups, the first that matched), not at the end of the
    line. The positions are kept in arrays (8 bytes a line, where a list of ints costs 36): with the accepted
    values they are what a long file's reading holds beside its text."""
    groups = (body_group,) if isinstance(body_group, str) else body_group or ()

    def body(m: re.Match[str]) -> int:
        for g in groups:
            if (at := m.start(g)) >= 0:
                return at
        return m.end()

    starts = array("q")  # where each marked line starts
    values: list[T] = []
    ends = array("q")  # where each marked line's body starts
    first = marker.match(text)
    if first is not None and (v := accept(first)) is not None:
        starts.append(0)
        values.append(v)
        ends.append(body(first))
    for m in marker.scan(text):  # the hot loop: one iteration per marked line of a 10 MB file
        v = accept(m)
        if v is not None:
            starts.append(m.start() + 1)
            values.append(v)
            ends.append(body(m))
    return (text[: starts[0]] if starts else text), Blocks(text, starts, values, ends)


def numbered_lines(text: str, first_no: int) -> Iterator[tuple[int, str]]:
    """(line number, line) for the lines of a slice of a text whose first line is line first_no."""
    for i, line in enumerate(text.split("\n")):
        yield first_no + i, line


# Words that begin a line of text before a colon without naming anyone ("Note: ...", "Step two: "): never a
# speaker prefix.
_NOT_NAMES = frozenset(
    [
        "note",
        "notes",
        "tip",
        "tips",
        "warning",
        "caution",
        "step",
        "example",
        "remember",
        "reminder",
        "chapter",
        "part",
        "section",
        "update",
        "source",
        "important",
        "hint",
        "summary",
        "edit",
        "disclaimer",
        "spoiler",
        "fact",
        "bonus",
        "rule",
        "lesson",
        "day",
        "level",
        "translation",
        "lyrics",
        "ps",
        "nb",
    ]
)
_SENTENCE_END = tuple(".?!…\"”’')]—-♪")


def _turn_prefixes(texts: list[str], names: list[str | None], good: set[str]) -> bool:
    """Whether a few prefixed cues mark turns: the name is given on the first cue of a turn only, and the cues
    after it, until the next name, are that speaker's. Told from a colon that is part of the text by: two
    speakers or more, at least three prefixes, the name changing at (nearly) every prefix, a prefixed cue coming
    after a finished sentence."""
    if len(good) < 2:
        return False
    at = [i for i, n in enumerate(names) if n in good]
    if len(at) < 3:
        return False
    changes = sum(1 for a, b in zip(at, at[1:], strict=False) if names[a] != names[b])
    after_sentence = sum(1 for i in at if i == 0 or texts[i - 1].endswith(_SENTENCE_END))
    return changes >= 0.75 * (len(at) - 1) and after_sentence >= 0.75 * len(at)


def split_speakers(texts: list[str], known: frozenset[str] | set[str] = frozenset()) -> list[str | None]:
    """Split `Name: text` when names repeat and are used consistently (≥ 30 % of cues), or mark the start of each
    turn (`_turn_prefixes`): the texts lose their prefixes in place, and the speaker of each text is returned (None
    where there is none). A name in `known` (a speaker the file names elsewhere) is a speaker even when it labels
    one cue only. The texts are whitespace-folded already. Parallel lists rather than a tuple per cue: this runs on ~100k cues."""
    canonical: dict[str, str] = {}  # one string per name, not one per cue
    names: list[str | None] = []
    cuts: list[int] = []  # where the text after `Name: ` starts
    match = _NAME_PREFIX.match
    for t in texts:
        m = match(t) if ":" in t else None  # no colon, no label: most unlabelled cues skip the regex
        if m is not None and m.group(1).split(None, 1)[0].lower() in _NOT_NAMES:
            m = None
        if m is None:
            names.append(None)
            cuts.append(0)
        else:
            n = m.group(1).strip()
            names.append(canonical.setdefault(n, n))
            cuts.append(m.start(2))
    counts = Counter(n for n in names if n)
    short = {n: c for n, c in counts.items() if len(n.split()) <= 3}
    good = {n for n, c in short.items() if c >= 2}
    good |= {n for n in short if n in known}
    if good and sum(short.values()) >= 0.5 * len(texts):
        good = set(short)  # most cues are labelled: a name heard once is still a speaker (a short meeting)
    used = sum(1 for n in names if n in good)
    if not good or (used < 0.3 * max(1, len(texts)) and not _turn_prefixes(texts, names, good)):
        return [None] * len(texts)
    speakers: list[str | None] = []
    last: str | None = None
    for i, n in enumerate(names):
        if n in good:
            last = n
            texts[i] = texts[i][cuts[i] :]
        speakers.append(last)  # a cue without a prefix continues the last speaker's turn
    return speakers
