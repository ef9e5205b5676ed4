"""The summarizing pipeline: asyncio only, no Qt. Yields typed events (events.py)."""

from .events import (
    Answered,
    Cancelled,
    Chapter,
    ChapterFound,
    Event,
    Failed,
    Finished,
    NotesDelta,
    Notice,
    Progress,
    Result,
    Stats,
    SummaryDelta,
)
from .pipeline import Options, Summarizer, TextModel

__all__ = [
    "Answered",
    "Cancelled",
    "Chapter",
    "ChapterFound",
    "Event",
    "Failed",
    "Finished",
    "NotesDelta",
    "Notice",
    "Progress",
    "Result",
    "Stats",
    "SummaryDelta",
    "Options",
    "Summarizer",
    "TextModel",
]
