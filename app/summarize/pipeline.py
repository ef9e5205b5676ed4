"""The pipeline: transcript -> windows -> chapters and notes per window -> streamed summary.

asyncio only, no Qt. `Summarizer.run()` is an async generator of typed events (events.py). Consume it with
`contextlib.aclosing` so that leaving early closes it; stopping is `model.stop()` (the running request ends with
GenerationCancelled and the run yields `Cancelled`) or cancelling the consuming task.
"""

from __future__ import annotations

import contextlib
import logging
import math
import sqlite3
import time
from collections.abc import AsyncGenerator, AsyncIterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ..engine.errors import EngineError, GenerationCancelled, PromptTooLong
from ..transcript import Segment, Transcript
from . import prompts
from .chapters import ChapterList, chapter_grammar, parse_chapter_lines, stamp, window_starts
from .citations import CitationFilter
from .events import (
    Cancelled,
    Chapter,
    ChapterFound,
    Event,
    Failed,
    Finished,
    Notice,
    Progress,
    Result,
    Stats,
    SummaryDelta,
)
from .language import detect
from .presets import DEFAULT, Preset, get_preset
from .store import Store, run_key, transcript_hash
from .windows import PlanError, Window, plan_windows

log = logging.getLogger(__name__)


class TextModel(Protocol):
    """What the pipeline needs of a model. LlamaEngine is the real one; tests may script one for parser logic."""

    model_path: str
    last_stats: Any  # RequestStats of the last request

    async def load(self) -> Any: ...
    @property
    def n_ctx(self) -> int: ...
    async def count_tokens(self, texts: Sequence[str]) -> list[int]: ...
    async def count_prompt(self, messages: Sequence[dict[str, str]]) -> int: ...
    def stream(
        self, messages: Sequence[dict[str, str]], *, max_tokens: int, grammar: str | None = None
    ) -> AsyncGenerator[str, None]: ...
    def stop(self) -> None: ...


@dataclass(frozen=True)
class Options:
    window_tokens: int = 3000  # 2-4k: prompt speed drops with depth, and chapters show up sooner
    tokens_per_chapter_line: int = 24
    max_chapters_per_window: int = 8
    notes_max_tokens: int = 240  # 3-6 bullets with their [hh:mm:ss]
    summary_max_tokens: int = 700
    min_chapter_s: float = 60.0
    minutes_per_chapter: float = 5.0  # aim: roughly one chapter per 3-8 minutes
    use_grammar: bool = True
    preset: str = "podcast"  # an id from resources/presets or the user's presets folder
    language: str | None = None  # None: the transcript's own (detected); else a language name, e.g. "German"
    safety_tokens: int = 32  # slack between the measured prompt and the context's edge


@dataclass
class _Tally:
    prompt_evaluated: int = 0
    prompt_reused: int = 0
    generated: int = 0
    reused_windows: int = 0
    capped: int = 0
    notices: list[str] = field(default_factory=list)

    def add(self, s: Any) -> None:
        self.prompt_evaluated += s.prompt_evaluated
        self.prompt_reused += s.prompt_tokens - s.prompt_evaluated
        self.generated += s.generated_tokens
        self.capped += int(bool(s.hit_cap))


PROMPTS_VERSION = 2  # part of the store key: change it when prompts change, so old results are not reused


class Summarizer:
    def __init__(self, model: TextModel, options: Options | None = None, store: Store | None = None) -> None:
        self.model = model
        self.options = options or Options()
        self.store = store
        self._stopped = False
        self._run_key: str | None = None
        self.from_store = False  # the last run's result came from the store: no model request was made
        self._settings: dict[str, Any] = {}
        self.preset: Preset = DEFAULT
        self.system = prompts.SYSTEM
        self.language: str | None = None
        self.units: list[
            Segment
        ] = []  # prompt lines: runs of one speaker's segments (prompts.group_segments)
        self.lines: tuple[list[str], list[str]] = ([], [])

    def stop(self) -> None:
        """Stop this run: the running request aborts at once and no further request starts. Thread-safe."""
        self._stopped = True
        self.model.stop()

    def _check_stop(self) -> None:
        if self._stopped:
            raise GenerationCancelled()

    async def run(self, transcript: Transcript) -> AsyncGenerator[Event, None]:
        chapters = ChapterList(self.options.min_chapter_s)
        summary_parts: list[str] = []
        try:
            async for ev in self._run(transcript, chapters, summary_parts):
                yield ev
        except GenerationCancelled:
            self._keep_partial(transcript, tuple(chapters.chapters), "".join(summary_parts))
            yield Cancelled(tuple(chapters.chapters), "".join(summary_parts))
        except (EngineError, PlanError) as e:
            yield Failed(str(e))
        except Exception as e:  # a bug: say so in one sentence, keep the details in the log
            log.exception("summarize failed")
            yield Failed(f"Recap hit an internal error ({type(e).__name__}: {e}).")

    async def _run(
        self, t: Transcript, chapters: ChapterList, summary_parts: list[str]
    ) -> AsyncIterator[Event]:
        o = self.options
        m = self.model
        self.from_store = False
        started = time.perf_counter()
        tally = _Tally()
        self.preset = get_preset(o.preset)
        self.language = o.language or detect(s.text for s in t.segments)
        self.system = prompts.system_prompt(self.language)
        yield Progress("Loading model", 0.0)
        await m.load()
        if self.store is not None:
            settings = {
                "options": asdict(o),
                "n_ctx": m.n_ctx,
                "prompts": PROMPTS_VERSION,
                "preset": asdict(self.preset) | {"path": None},
                "system": self.system,
            }
            self._run_key = run_key(t, m.model_path, settings)
            self._settings = settings
            cached = self.store.get_result(self._run_key)
            if cached is not None:
                self.from_store = True
                for i, ch in enumerate(cached.chapters):
                    chapters.chapters.append(ch)
                    yield ChapterFound(ch, i)
                if cached.summary:
                    summary_parts.append(cached.summary)
                    yield SummaryDelta(cached.summary)
                yield Progress("Opened from the store", 1.0, 0.0)
                yield Finished(cached)
                return
        yield Progress("Measuring transcript", 0.02)
        segs = self.units = prompts.group_segments(t.segments)
        full, cont = prompts.unit_lines(segs)
        self.lines = (full, cont)
        full_tokens = await m.count_tokens(full)
        line_tokens = [n + 1 for n in await m.count_tokens(cont)]  # +1: the newline between lines
        label = max((f + 1 - c for f, c in zip(full_tokens, line_tokens, strict=True)), default=0)
        planned_tokens = sum(line_tokens)
        # The transcript's content: who said what ("Speaker: text"), without our timestamps and instructions.
        content = [f"{s.speaker}: {s.text}" if s.speaker else s.text for s in t.segments]
        transcript_tokens = sum(await m.count_tokens(content))
        budget = await self._window_budget(t) - label  # room for the speaker on a window's first line
        windows = plan_windows(segs, line_tokens, budget)
        cites = CitationFilter([s.start_s for s in t.segments])
        notes: list[str] = []
        reading_started = time.perf_counter()
        done_tokens = 0
        i = 0
        while i < len(windows):
            w = windows[i]
            n = len(windows)
            fraction = 0.05 + 0.75 * done_tokens / max(1, planned_tokens)
            eta = None
            if done_tokens:
                rate = done_tokens / (time.perf_counter() - reading_started)
                eta = (planned_tokens - done_tokens) / rate + o.summary_max_tokens / max(1.0, rate / 10)
            stage = f"Reading part {i + 1} of {n}" if n > 1 else "Reading transcript"
            yield Progress(stage, fraction, eta)
            try:
                async for ev in self._window(t, w, n, chapters, tally, notes, summary_parts, cites):
                    yield ev
            except PromptTooLong as e:
                # The measured prompt did not fit after all (titles so far grew, or a tokenizer quirk): cut the
                # rest of the transcript into smaller windows and go on. Nothing was sent.
                budget = max(1, budget - (e.prompt_tokens + e.max_tokens - e.n_ctx) - o.safety_tokens)
                rest = plan_windows(segs[w.first :], line_tokens[w.first :], budget)
                windows = windows[:i] + [
                    Window(i + r.index, w.first + r.first, w.first + r.stop, r.tokens) for r in rest
                ]
                log.info("re-planned from window %d with budget %d: %d windows", i, budget, len(windows))
                continue
            done_tokens += w.tokens
            i += 1
        if len(windows) > 1:
            yield Progress("Writing summary", 0.85, None)
            async for ev in self._reduce(t, notes, tally, summary_parts, cites):
                yield ev
        if not chapters.chapters:
            tally.notices.append("The model proposed no usable chapters.")
            yield Notice("The model proposed no usable chapters.")
        if not "".join(summary_parts).strip():
            tally.notices.append("The model wrote no summary.")
            yield Notice("The model wrote no summary.")
        if tally.capped:
            yield Notice(f"{tally.capped} model answers reached their length limit and were cut there.")
        stats = Stats(
            prompt_tokens=tally.prompt_evaluated,
            prompt_tokens_reused=tally.prompt_reused,
            generated_tokens=tally.generated,
            transcript_tokens=transcript_tokens,
            windows=len(windows),
            windows_reused=tally.reused_windows,
            seconds=time.perf_counter() - started,
            citations_removed=cites.removed,
            output_capped=tally.capped,
        )
        result = Result(
            title=t.display_title,
            duration_s=t.duration_s,
            timing=t.timing,
            model=Path(m.model_path).name,
            chapters=chapters.finished(t.duration_s),
            summary="".join(summary_parts).strip(),
            stats=stats,
            notes=tuple(notes),
            warnings=tuple(tally.notices),
        )
        if self.store is not None and self._run_key is not None:
            self.store.put_result(self._run_key, t.source, result, **self._meta(t))
        yield Progress("Done", 1.0, 0.0)
        yield Finished(result)

    def _meta(self, t: Transcript) -> dict[str, Any]:
        return {
            "transcript": transcript_hash(t),
            "preset": self.options.preset,
            "settings": {k: v for k, v in self._settings.items() if k != "system"},
        }

    def _keep_partial(self, t: Transcript, chapters: tuple[Chapter, ...], summary: str) -> None:
        """A stopped run's chapters and summary so far go to the history (never served as a finished run)."""
        if self.store is None or self._run_key is None or not (chapters or summary.strip()):
            return
        partial = Result(
            title=t.display_title,
            duration_s=t.duration_s,
            timing=t.timing,
            model=Path(self.model.model_path).name,
            chapters=chapters,
            summary=summary.strip(),
            stats=Stats(),
            notes=("Partial result: the run was stopped before it finished.",),
        )
        try:
            self.store.put_result(self._run_key, t.source, partial, partial=True, **self._meta(t))
        except sqlite3.Error as e:  # the history is a convenience; a stop must still stop
            log.warning("partial result not kept: %s", e)

    def _longest_task(self) -> str:
        return max([self.preset.summary, self.preset.notes, prompts.SUMMARY_TASK], key=len)

    async def _window_budget(self, t: Transcript) -> int:
        """Tokens of transcript lines one window may carry: the context minus the fixed prompt parts (with the
        longest task and a full list of earlier chapter titles) minus the largest output reserved."""
        o = self.options
        worst_titles = ["x" * 60] * 12
        fixed = await self.model.count_prompt(
            prompts.window_messages(
                t,
                [],
                99,
                99,
                (0, 0),
                prompts.chapters_task(o.max_chapters_per_window, worst_titles),
                self.system,
            )
        )
        fixed = max(
            fixed,
            await self.model.count_prompt(
                prompts.window_messages(t, [], 99, 99, (0, 0), self._longest_task(), self.system)
            ),
        )
        reserve = max(
            o.notes_max_tokens,
            o.summary_max_tokens,
            (o.max_chapters_per_window + 1) * o.tokens_per_chapter_line,
        )
        room = self.model.n_ctx - fixed - reserve - o.safety_tokens
        if room <= 0:
            raise PlanError(
                f"The model's context ({self.model.n_ctx} tokens) is too small for Recap's instructions and answers."
            )
        return min(o.window_tokens, room)

    async def _collect(
        self, messages: list[dict[str, str]], max_tokens: int, tally: _Tally, grammar: str | None = None
    ) -> str:
        parts: list[str] = []
        self._check_stop()
        async with contextlib.aclosing(
            self.model.stream(messages, max_tokens=max_tokens, grammar=grammar)
        ) as s:
            async for piece in s:
                parts.append(piece)
        tally.add(self.model.last_stats)
        self._check_stop()
        return "".join(parts)

    async def _window(
        self,
        t: Transcript,
        w: Window,
        n: int,
        chapters: ChapterList,
        tally: _Tally,
        notes: list[str],
        summary_parts: list[str],
        cites: CitationFilter,
    ) -> AsyncIterator[Event]:
        o = self.options
        segs = self.units[w.first : w.stop]
        span = (segs[0].start_s, segs[-1].end_s)
        full, cont = self.lines
        window_lines = [full[w.first], *cont[w.first + 1 : w.stop]]
        minutes = (span[1] - span[0]) / 60
        k = max(1, min(o.max_chapters_per_window, round(minutes / o.minutes_per_chapter)))
        starts = window_starts(segs)
        stored = None
        if self.store is not None and self._run_key is not None:
            stored = self.store.get_window(self._run_key, w.first, w.stop)
        if stored is not None and (n == 1 or stored[1] is not None):
            tally.reused_windows += 1  # resumed: this window was finished before the stop, crash or kill
            text = stored[0]
        else:
            stored = None
            grammar = chapter_grammar(list(starts), k + 1) if o.use_grammar else None
            msgs = prompts.window_messages(
                t,
                window_lines,
                w.index + 1,
                n,
                span,
                prompts.chapters_task(k, chapters.titles()),
                self.system,
            )
            text = await self._collect(msgs, (k + 1) * o.tokens_per_chapter_line, tally, grammar)
        for start_s, title in parse_chapter_lines(text, starts):
            ch = chapters.offer(start_s, title)
            if ch is not None:
                yield ChapterFound(ch, len(chapters.chapters) - 1)
        if n == 1:  # fits in one window: one pass, the summary comes straight from the transcript
            if stored is None and self.store is not None and self._run_key is not None:
                self.store.put_window(self._run_key, w.first, w.stop, text, None)
            yield Progress("Writing summary", 0.6, None)
            msgs = prompts.window_messages(t, window_lines, 1, 1, span, self.preset.summary, self.system)
            async for ev in self._stream_summary(msgs, tally, summary_parts, cites):
                yield ev
            return
        if stored is not None and stored[1] is not None:
            notes.append(stored[1])
            return
        msgs = prompts.window_messages(t, window_lines, w.index + 1, n, span, self.preset.notes, self.system)
        note = cites.apply(await self._collect(msgs, o.notes_max_tokens, tally))
        if not note.strip():
            note = f"- [{stamp(span[0])}] (no notes for this part)"
        notes.append(note)
        if self.store is not None and self._run_key is not None:
            self.store.put_window(self._run_key, w.first, w.stop, text, note)

    async def _stream_summary(
        self, msgs: list[dict[str, str]], tally: _Tally, summary_parts: list[str], cites: CitationFilter
    ) -> AsyncIterator[Event]:
        self._check_stop()
        stream = self.model.stream(msgs, max_tokens=self.options.summary_max_tokens)
        async with contextlib.aclosing(stream) as s:
            async for piece in s:
                out = cites.feed(piece)
                if out:
                    summary_parts.append(out)
                    yield SummaryDelta(out)
        out = cites.flush()
        if out:
            summary_parts.append(out)
            yield SummaryDelta(out)
        tally.add(self.model.last_stats)

    async def _reduce(
        self, t: Transcript, notes: list[str], tally: _Tally, summary_parts: list[str], cites: CitationFilter
    ) -> AsyncIterator[Event]:
        """Hierarchical: while the notes do not fit one prompt, condense groups of them; the last pass streams."""
        o = self.options
        level = 0
        while True:
            msgs = prompts.reduce_messages(t, notes, True, self.system, self.preset.summary)
            need = await self.model.count_prompt(msgs) + o.summary_max_tokens + o.safety_tokens
            if need <= self.model.n_ctx or len(notes) <= 1:
                break
            level += 1
            groups = max(2, math.ceil(need / (self.model.n_ctx * 0.6)))
            size = math.ceil(len(notes) / groups)
            yield Progress(f"Combining notes (level {level})", 0.85, None)
            condensed = []
            for g in range(0, len(notes), size):
                part = prompts.reduce_messages(t, notes[g : g + size], False, self.system)
                condensed.append(cites.apply(await self._collect(part, o.notes_max_tokens, tally)))
            if len(condensed) >= len(notes):  # no progress: condensing cannot shrink this further
                raise PlanError("The notes are too long to combine within the model's context.")
            notes = condensed
        async for ev in self._stream_summary(msgs, tally, summary_parts, cites):
            yield ev
