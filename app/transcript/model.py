"""Domain values for a parsed transcript. Pure Python: no Qt, no llama_cpp."""

from __future__ import annotations

import io
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal, overload

Timing = Literal["exact", "estimated"]


class TranscriptError(Exception):
    """The one error type the reader raises: its message is a sentence meant for the user."""


@dataclass(frozen=True, slots=True)  # slots: a 10 h transcript holds ~100k of these
class Segment:
    start_s: float  # seconds from the start of the media
    end_s: float  # seconds from the start of the media, >= start_s
    speaker: str | None
    text: str  # whitespace folded to single spaces, never empty


class SegmentView(Sequence[Segment]):
    """A sequence whose `Segment`s are made when one is asked for (`_make`): indexing, slicing (to a tuple),
    iterating, and equality with any sequence of the same segments."""

    __slots__ = ()

    def _make(self, i: int) -> Segment:
        raise NotImplementedError

    def __len__(self) -> int:
        raise NotImplementedError

    def speaker(self, i: int) -> str | None:
        """Segment i's speaker; subclasses give it without making the segment."""
        return self._make(i).speaker

    @overload
    def __getitem__(self, i: int) -> Segment: ...

    @overload
    def __getitem__(self, i: slice) -> tuple[Segment, ...]: ...

    def __getitem__(self, i: int | slice) -> Segment | tuple[Segment, ...]:
        if isinstance(i, slice):
            return tuple(self._make(j) for j in range(*i.indices(len(self))))
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(f"{type(self).__name__} index out of range")
        return self._make(i)

    def __iter__(self) -> Iterator[Segment]:
        return (self._make(i) for i in range(len(self)))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    # (Python sets __hash__ to None here, since __eq__ is defined: unhashable like a list, unless a subclass says)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list(self)!r})"


class Segments(SegmentView):
    """A transcript's segments held as columns: every text in one string, the times and speakers in arrays.

    A 10-hour transcript has ~6,000 segments (a subtitle file ~100,000); as `Segment` objects each cost ~150 bytes
    beyond its text (the object, two floats, the text's own header, a speaker string), three times the text
    itself. Here a segment costs 24 bytes beyond its text, and a `Segment` is made only when one is asked for
    (indexing, iterating), so a whole run holds the transcript about once. Written here because the standard
    library has no such container (`array` holds numbers only) and a dataframe library would be a large
    dependency for four columns. Immutable, like the tuple it replaces."""

    __slots__ = ("_text", "_offsets", "_starts", "_ends", "_who", "_speakers")

    def __init__(self, segments: Iterable[Segment] = ()) -> None:
        text = io.StringIO()  # (a list of the texts, joined, would hold every text twice at the end)
        speakers: dict[str, int] = {}
        self._offsets = array("I", [0])  # segment i's text is _text[_offsets[i]:_offsets[i + 1]]
        self._starts = array("d")
        self._ends = array("d")
        self._who = array("i")  # an index into _speakers, -1 for none
        at = 0
        for s in segments:
            text.write(s.text)
            at += len(s.text)
            self._offsets.append(at)
            self._starts.append(s.start_s)
            self._ends.append(s.end_s)
            self._who.append(-1 if s.speaker is None else speakers.setdefault(s.speaker, len(speakers)))
        self._text = text.getvalue()
        self._speakers = tuple(speakers)

    def __len__(self) -> int:
        return len(self._starts)

    def _make(self, i: int) -> Segment:
        return Segment(self._starts[i], self._ends[i], self.speaker(i), self.text(i))

    def text(self, i: int) -> str:
        """Segment i's text (no `Segment` made)."""
        return self._text[self._offsets[i] : self._offsets[i + 1]]

    def speaker(self, i: int) -> str | None:
        who = self._who[i]
        return None if who < 0 else self._speakers[who]

    @property
    def starts(self) -> Sequence[float]:
        """Every segment's start, in seconds (the column itself: not to be changed)."""
        return self._starts

    @property
    def ends(self) -> Sequence[float]:
        return self._ends

    @property
    def speakers(self) -> tuple[str, ...]:
        """The speakers' names in the order they first speak."""
        return self._speakers

    def texts(self) -> Iterator[str]:
        return (self.text(i) for i in range(len(self)))

    def with_text(self, part: str) -> Iterator[int]:
        """The segments whose lower-cased text contains `part` (lower case), in order. The texts are lower-cased
        ~64 kB at a time, so no copy of the whole is made. A match that runs from one segment into the next names
        the first; the caller confirms on the segments' own words."""
        n, step = len(self), 1 << 16
        i = 0
        while i < n:
            a = self._offsets[i]
            j = max(i + 1, bisect_right(self._offsets, a + step, i + 1, n + 1) - 1)  # segments i..j-1
            low = self._text[a : self._offsets[j]].lower()
            if len(low) != self._offsets[j] - a:  # a letter whose lower case is longer (İ): one at a time
                yield from (k for k in range(i, j) if part in self.text(k).lower())
            else:
                at = low.find(part)
                while at >= 0:
                    k = bisect_right(self._offsets, a + at, i, j + 1) - 1
                    yield k
                    at = low.find(part, self._offsets[k + 1] - a)  # the next segment on
            i = j

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Segments):
            return (
                self._text == other._text
                and self._offsets == other._offsets
                and self._starts == other._starts
                and self._ends == other._ends
                and [self._speakers[w] if w >= 0 else None for w in self._who]
                == [other._speakers[w] if w >= 0 else None for w in other._who]
            )
        return super().__eq__(other)

    def __hash__(self) -> int:  # (a Transcript, frozen, hashes its fields)
        return hash((self._text, self._offsets.tobytes(), self._starts.tobytes(), self._ends.tobytes()))


@dataclass(frozen=True)
class Parsed:
    """What one format reader returns, before the times are estimated or the file facts added."""

    segments: list[Segment]
    timing: Timing
    title: str | None = None
    description: str | None = None
    warnings: list[str] = field(default_factory=list)
    format: str | None = None  # a finer name than the reader's (e.g. "json/whisperx")
    notes: list[str] = field(default_factory=list)  # how it was read (an inferred shape), not problems
    duration_s: float | None = None  # the media's duration when the file declares one, seconds
    duration_from: str | None = None  # where the file declares it (`metadata.duration`)


@dataclass(frozen=True)
class Transcript:
    segments: Segments  # any iterable of Segment is taken and held as Segments
    format: str  # the reader that recognized it, e.g. "premiere", "speaker-lines", "plain"
    timing: Timing
    encoding: str
    title: str | None = None
    description: str | None = None
    warnings: tuple[str, ...] = ()
    source: str | None = None  # the path it was read from, if any
    notes: tuple[str, ...] = ()  # how it was read: an inferred shape, where the duration came from
    declared_duration_s: float | None = None  # the media's duration as the file declares it, seconds

    def __post_init__(self) -> None:
        if not isinstance(self.segments, Segments):
            object.__setattr__(self, "segments", Segments(self.segments))

    @property
    def duration_s(self) -> float:
        """The media's duration: the declared one when the file has one (never shorter than the segments)."""
        last = max(self.segments.ends, default=0.0)
        return max(last, self.declared_duration_s or 0.0)

    @property
    def speakers(self) -> list[str]:
        return [s for s in self.segments.speakers if s]

    @property
    def display_title(self) -> str:
        if self.title:
            return self.title
        if self.source:
            from pathlib import Path

            return Path(self.source).stem
        return "Untitled transcript"

    def to_dict(self) -> dict[str, object]:
        return {
            "format": self.format,
            "encoding": self.encoding,
            "title": self.title,
            "description": self.description,
            "duration_s": round(self.duration_s, 3),
            "timing": self.timing,
            "speakers": self.speakers,
            "segments": [
                {
                    "start_s": round(s.start_s, 3),
                    "end_s": round(s.end_s, 3),
                    "speaker": s.speaker,
                    "text": s.text,
                }
                for s in self.segments
            ],
            "warnings": list(self.warnings),
            "notes": list(self.notes),
        }
