"""What one run knows (RunState): the transcript and its settings, the chapters and summary so far, the notes per
part, and the counters that become the run's Stats. Qt-free; one per run (Summarizer.new_state)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..transcript import Transcript
from .budget import Measured
from .chaptering import Titler
from .chapters import ChapterList
from .citations import CitationFilter
from .defences import GuardCounts, Instructions, Source
from .events import Result, Stats
from .presets import Preset
from .runcache import NullCache


@dataclass
class RunState:
    """Everything one run knows; a new one per run."""

    t: Transcript
    preset: Preset
    language: str | None
    system: str
    instructions: Instructions
    source: Source  # the transcript's words and speakers: quotations and labels are checked against it
    cache: NullCache
    chapters: ChapterList
    started: float = field(default_factory=time.perf_counter)
    summary_parts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    guard: GuardCounts = field(default_factory=GuardCounts)
    prompt_evaluated: int = 0
    prompt_reused: int = 0
    generated: int = 0
    capped: int = 0
    capped_kinds: list[str] = field(
        default_factory=list
    )  # which requests hit their cap: "notes", "summary" ...
    model_summary: str = ""  # what the model wrote of the summary (the key moments follow it)
    summary_generated: int = 0  # tokens the model wrote for the summary itself (before the defences)
    reused_windows: int = 0
    notes_from_transcript: int = 0  # parts whose notes are their central sentences (the model's were refused)
    windows: int = 0
    notices: list[str] = field(default_factory=list)
    measured: Measured | None = None
    cites: CitationFilter | None = None
    titler: Titler | None = None
    # topics mode: the unit index where each chapter begins
    chapter_units: list[int] = field(default_factory=list)
    moments: list[str] = field(default_factory=list)  # "- [stamp] Speaker: “sentence”", one per chapter
    moment_texts: list[str] = field(default_factory=list)  # the sentences alone

    def count(self, s: Any, kind: str) -> None:
        self.prompt_evaluated += s.prompt_evaluated
        self.prompt_reused += s.prompt_tokens - s.prompt_evaluated
        self.generated += s.generated_tokens
        if s.hit_cap:
            self.capped += 1
            self.capped_kinds.append(kind)

    def summary(self) -> str:
        return "".join(self.summary_parts).strip()

    def notes_so_far(self) -> str:
        """The notes of the parts read so far, for a run stopped before its summary ("" when none)."""
        notes = [n.strip() for n in self.notes if n.strip() and "(no notes for this part)" not in n]
        if not notes:
            return ""
        return "Notes by part (the run was stopped before the summary):\n\n" + "\n".join(notes) + "\n"

    def partial(self, model_path: str) -> Result:
        return Result(
            title=self.t.display_title,
            duration_s=self.t.duration_s,
            timing=self.t.timing,
            model=Path(model_path).name,
            chapters=tuple(self.chapters.chapters),
            summary=self.summary() or self.notes_so_far(),
            stats=Stats(),
            notes=("Partial result: the run was stopped before it finished.",),
        )
