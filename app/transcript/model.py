"""Domain values for a parsed transcript. Pure Python: no Qt, no llama_cpp."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Timing = Literal["exact", "estimated"]


class TranscriptError(Exception):
    """The one error type the reader raises: its message is a sentence meant for the user."""


@dataclass(frozen=True, slots=True)  # slots: a 10 h transcript holds ~100k of these
class Segment:
    start_s: float  # seconds from the start of the media
    end_s: float  # seconds from the start of the media, >= start_s
    speaker: str | None
    text: str  # whitespace folded to single spaces, never empty


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
    segments: tuple[Segment, ...]
    format: str  # the reader that recognized it, e.g. "premiere", "speaker-lines", "plain"
    timing: Timing
    encoding: str
    title: str | None = None
    description: str | None = None
    warnings: tuple[str, ...] = ()
    source: str | None = None  # the path it was read from, if any
    notes: tuple[str, ...] = ()  # how it was read: an inferred shape, where the duration came from
    declared_duration_s: float | None = None  # the media's duration as the file declares it, seconds

    @property
    def duration_s(self) -> float:
        """The media's duration: the declared one when the file has one (never shorter than the segments)."""
        last = max((s.end_s for s in self.segments), default=0.0)
        return max(last, self.declared_duration_s or 0.0)

    @property
    def speakers(self) -> list[str]:
        seen: dict[str, None] = {}
        for s in self.segments:
            if s.speaker:
                seen.setdefault(s.speaker, None)
        return list(seen)

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
