"""Typed events out of the pipeline. The UI and the CLI render these; nothing else crosses the wall."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Chapter:
    start_s: float  # a real segment start (or 0.0 for the first chapter)
    title: str
    end_s: float | None = None  # known once the next chapter (or the end) is known


@dataclass(frozen=True)
class Stats:
    prompt_tokens: int = 0  # tokens the model actually evaluated (after prefix reuse)
    prompt_tokens_reused: int = 0  # tokens served from the KV cache instead
    generated_tokens: int = 0
    transcript_tokens: int = 0
    windows: int = 0
    windows_reused: int = 0  # windows whose results came from the store (a resumed run)
    seconds: float = 0.0
    citations_removed: int = 0
    output_capped: int = 0  # requests that hit their output cap (reported, never silent)
    # The defences (defences/, chaptering.py): what the model wrote that never reached the user.
    titles_replaced: int = (
        0  # titles that failed the checks (echo, speaker label, sentence, placeholder, duplicate)
    )
    titles_retried: int = 0  # asked again, more simply
    titles_salvaged: int = 0  # the subject of the model's sentence about the part ("This is a joke about X")
    titles_from_keywords: int = 0  # made from the chapter's own words after the retry failed too
    echo_removed: int = 0  # sentences of notes or summary that repeated Recap's instructions
    placeholders_removed: int = 0  # [hh:mm:ss], [quoted] ... left in by the model
    repeats_removed: int = 0  # sentences, lines, bullets that repeated earlier ones
    loops_stopped: int = 0  # answers ended early because the model was repeating itself
    quotes_removed: int = 0  # sentences or bullets that quoted words the transcript does not have
    links_removed: int = 0  # sentences or bullets with a web address the transcript does not give
    garbled_removed: int = 0  # sentences or lines that made no sense or named nothing the transcript has
    late_chapters_dropped: int = 0  # chapters that would have begun within the minimum length of the end

    def to_dict(self) -> dict[str, float | int]:
        return {k: (round(v, 3) if isinstance(v, float) else v) for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class Result:
    title: str
    duration_s: float
    timing: str
    model: str
    chapters: tuple[Chapter, ...]
    summary: str
    stats: Stats
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    # Set when a person edited the chapters: the model's own list, one click away (Revert).
    original_chapters: tuple[Chapter, ...] | None = None

    @property
    def edited(self) -> bool:
        return self.original_chapters is not None

    def chapter_end(self, i: int) -> float:
        """Where chapter i ends: its own end if known, else the next chapter's start, else the transcript's end."""
        c = self.chapters[i]
        if c.end_s is not None:
            return c.end_s
        if i + 1 < len(self.chapters):
            return self.chapters[i + 1].start_s
        return max(self.duration_s, c.start_s)

    def to_dict(self) -> dict[str, object]:
        return {
            "title": self.title,
            "duration_s": round(self.duration_s, 3),
            "timing": self.timing,
            "model": self.model,
            "chapters": [
                {"start_s": round(c.start_s, 3), "end_s": round(self.chapter_end(i), 3), "title": c.title}
                for i, c in enumerate(self.chapters)
            ],
            "summary": self.summary,
            "stats": self.stats.to_dict(),
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True)
class Progress:
    stage: str  # what a person reads: "Reading part 3 of 9", "Writing summary"
    fraction: float  # 0..1 of the whole run
    eta_s: float | None = None  # learned from the speed measured so far; None until there is a measurement


@dataclass(frozen=True)
class ChapterFound:
    chapter: Chapter
    index: int  # its position in the chapter list


@dataclass(frozen=True)
class SummaryDelta:
    text: str


@dataclass(frozen=True)
class NotesDelta:
    """A piece of one part's notes, streamed as the model writes them, so that a long transcript has summary text
    long before its summary: shown as notes so far, and replaced by the summary when its first SummaryDelta comes
    (a run that fits one window has no notes: its summary streams at once)."""

    text: str
    part: int  # 0-based
    parts: int


@dataclass(frozen=True)
class Notice:
    """Something the user should know that does not stop the run (a capped output, a pruned citation)."""

    message: str


@dataclass(frozen=True)
class Finished:
    result: Result


@dataclass(frozen=True)
class Failed:
    message: str  # one sentence for the user


@dataclass(frozen=True)
class Cancelled:
    """The run was stopped. `partial` is what it had (chapters and summary so far) as a Result, already kept in
    the history; None when it had nothing yet."""

    chapters: tuple[Chapter, ...] = field(default_factory=tuple)
    summary: str = ""
    partial: Result | None = None


@dataclass(frozen=True)
class Answered:
    """A question about the transcript was answered (the pieces came as SummaryDelta events before)."""

    question: str
    text: str
    cited_s: tuple[float, ...]  # the moments the answer cites (real ones only), in seconds
    passages: tuple[tuple[float, float], ...]  # (start, end) of the parts of the transcript that were read


Event = (
    Progress | ChapterFound | SummaryDelta | NotesDelta | Notice | Finished | Failed | Cancelled | Answered
)
