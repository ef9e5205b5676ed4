"""The pipeline: transcript -> windows -> chapters and notes per window -> streamed summary.

asyncio only, no Qt. `Summarizer.run()` is an async generator of typed events (events.py). Consume it with
`contextlib.aclosing` so that leaving early closes it; stopping is `Summarizer.stop()` (the running request ends
with GenerationCancelled and the run yields `Cancelled` with what it has, which is kept in the history).

The stages live in their own modules: measuring and budgets (budget.py), windows (windows.py), chapter starts and
titles (chaptering.py, topics.py), what the model writes checked before anyone sees it (defences.py), the store
seen from one run (runcache.py). This module runs them in order; everything one run knows is in `RunState`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import re
import time
from collections.abc import AsyncGenerator, AsyncIterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..engine.errors import EngineError, GenerationCancelled, PromptTooLong
from ..engine.protocol import Engine
from ..transcript import Transcript
from . import prompts
from .budget import Measured, measure, window_budget
from .chaptering import Titler, plan_starts
from .chapters import ChapterList, chapter_grammar, parse_chapter_lines, stamp, window_starts
from .citations import CitationFilter
from .defences import GuardCounts, Instructions, Source, TextGuard, similar, words
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
from .extract import KEY_MOMENTS, key_moments
from .language import detect
from .presets import Preset, get_preset
from .runcache import NullCache, open_cache
from .store import Store
from .windows import PlanError, Window, plan_windows

log = logging.getLogger(__name__)


# What the pipeline needs of a model: any engine (app/engine/protocol.py).
TextModel = Engine


@dataclass(frozen=True)
class Options:
    window_tokens: int = 3000  # 2-4k: prompt speed drops with depth, and chapters show up sooner
    tokens_per_chapter_line: int = 24
    max_chapters_per_window: int = 8
    notes_max_tokens: int = 240  # 3-6 bullets with their [hh:mm:ss]
    notes_max_bullets: int = 6  # what the notes task asks for: more is the model running on
    summary_max_tokens: int = 700
    min_chapter_s: float = 60.0
    minutes_per_chapter: float = 5.0  # aim: roughly one chapter per 3-8 minutes
    # "topics": chapter starts from the transcript's topic shifts, titles from the model (chaptering.py);
    # "model": the model proposes starts and titles per window under a grammar of real starts.
    chapters: Literal["topics", "model"] = "topics"
    use_grammar: bool = True
    preset: str = "podcast"  # an id from resources/presets or the user's presets folder
    language: str | None = None  # None: the transcript's own (detected); else a language name, e.g. "German"
    safety_tokens: int = 32  # slack between the measured prompt and the context's edge


# Near its cap, an answer ends at the next sentence end instead of being cut mid-sentence at the cap.
SOFT_CAP = 0.7


PROMPTS_VERSION = 4  # part of the store key: change it when prompts change, so old results are not reused


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

    def partial(self, model_path: str) -> Result:
        return Result(
            title=self.t.display_title,
            duration_s=self.t.duration_s,
            timing=self.t.timing,
            model=Path(model_path).name,
            chapters=tuple(self.chapters.chapters),
            summary=self.summary(),
            stats=Stats(),
            notes=("Partial result: the run was stopped before it finished.",),
        )


class Summarizer:
    def __init__(self, model: TextModel, options: Options | None = None, store: Store | None = None) -> None:
        self.model = model
        self.options = options or Options()
        self.store = store
        self._stopped = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._woken: asyncio.Event | None = None  # set by stop(): a wait for the model's load ends
        self.from_store = False  # the last run's result came from the store: no model request was made
        self.state: RunState | None = None  # the last run's, for tests and benchmarks

    def stop(self) -> None:
        """Stop this run: the running request aborts at once, no further request starts, and a run waiting for
        the model to load stops waiting. The run then yields `Cancelled` with its partial result. Thread-safe."""
        self._stopped = True
        self.model.stop()
        loop, woken = self._loop, self._woken
        if loop is not None and woken is not None and not loop.is_closed():
            loop.call_soon_threadsafe(woken.set)

    def _check_stop(self) -> None:
        if self._stopped:
            raise GenerationCancelled()

    @property
    def run_key(self) -> str | None:
        """The last run's key in the store (where its result is kept), once known; None without a store."""
        return self.state.cache.key if self.state is not None else None

    def partial_result(self) -> Result | None:
        """What the current (or last) run has so far, as a Result marked partial; None before anything."""
        st = self.state
        if st is None or not (st.chapters.chapters or st.summary()):
            return None
        return st.partial(self.model.model_path)

    def ask(self, transcript: Transcript, question: str) -> AsyncGenerator[Event, None]:
        """A question about the transcript, answered from the passages that bear on it (questions.py)."""
        from .questions import ask

        return ask(self, transcript, question)

    async def retitle(self, transcript: Transcript, chapters: Sequence[Chapter], k: int) -> str:
        """A new title for chapter k from that chapter's own lines (questions.py)."""
        from .questions import retitle

        return await retitle(self, transcript, chapters, k)

    async def _load(self) -> None:
        """The model's load, abandoned at once on stop() (the load itself goes on for whoever waits next)."""
        self._check_stop()
        self._loop, self._woken = asyncio.get_running_loop(), asyncio.Event()
        load = asyncio.ensure_future(self.model.load())
        woken = asyncio.ensure_future(self._woken.wait())
        try:
            await asyncio.wait({load, woken}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            woken.cancel()
        if not load.done():
            load.add_done_callback(lambda f: f.cancelled() or f.exception())
            load.cancel()
        self._check_stop()
        load.result()

    def new_state(self, transcript: Transcript, extra_instructions: Sequence[str] = ()) -> RunState:
        """A fresh RunState for a run (or a question) on this transcript; `extra_instructions` are further task
        texts the answer must not echo."""
        o = self.options
        preset = get_preset(o.preset)
        language = o.language or detect(s.text for s in transcript.segments)
        system = prompts.system_prompt(language)
        self.state = RunState(
            t=transcript,
            preset=preset,
            language=language,
            system=system,
            instructions=Instructions([*_instruction_texts(system, preset), *extra_instructions]),
            source=Source((s.text for s in transcript.segments), transcript.speakers),
            cache=NullCache(),
            chapters=ChapterList(o.min_chapter_s, transcript.duration_s),
        )
        return self.state

    async def run(self, transcript: Transcript) -> AsyncGenerator[Event, None]:
        self.from_store = False
        st = self.new_state(transcript)
        try:
            async for ev in self._run(st):
                yield ev
        except GenerationCancelled:
            partial = self.partial_result()
            if partial is not None:
                st.cache.keep_partial(partial)
            yield Cancelled(tuple(st.chapters.chapters), st.summary(), partial)
        except (EngineError, PlanError) as e:
            yield Failed(str(e))
        except Exception as e:  # a bug: say so in one sentence, keep the details in the log
            log.exception("summarize failed")
            yield Failed(f"Recap hit an internal error ({type(e).__name__}: {e}).")

    async def _run(self, st: RunState) -> AsyncIterator[Event]:
        o, m, t = self.options, self.model, st.t
        yield Progress("Loading model", 0.0)
        await self._load()
        settings = {
            "options": asdict(o),
            "n_ctx": m.n_ctx,
            "prompts": PROMPTS_VERSION,
            "preset": asdict(st.preset) | {"path": None},
            "system": st.system,
        }
        st.cache = open_cache(self.store, t, m.model_path, settings, o.preset)
        cached = st.cache.result()
        if cached is not None:
            self.from_store = True
            for i, ch in enumerate(cached.chapters):
                st.chapters.chapters.append(ch)
                yield ChapterFound(ch, i)
            if cached.summary:
                st.summary_parts.append(cached.summary)
                yield SummaryDelta(cached.summary)
            yield Progress("Opened from the store", 1.0, 0.0)
            yield Finished(cached)
            return
        yield Progress("Measuring transcript", 0.02)
        me = st.measured = await measure(m, t)
        tasks = [st.preset.notes, st.preset.summary, prompts.SUMMARY_TASK]
        reserve = max(o.notes_max_tokens, o.summary_max_tokens)
        if o.chapters == "model":
            tasks.append(prompts.chapters_task(o.max_chapters_per_window, ["x" * 60] * 12))
            reserve = max(reserve, (o.max_chapters_per_window + 1) * o.tokens_per_chapter_line)
        budget = await window_budget(m, t, st.system, tasks, reserve, o) - me.label
        windows = plan_windows(me.units, me.line_tokens, budget)
        st.cites = CitationFilter([s.start_s for s in t.segments])
        if o.chapters == "topics":
            st.chapter_units = plan_starts(me.units, t.duration_s, o.minutes_per_chapter, o.min_chapter_s)
        st.titler = Titler(
            me.units, st.chapter_units or [0], st.instructions, st.system, t.speakers, o.use_grammar
        )
        planned = sum(me.line_tokens)
        reading_started = time.perf_counter()
        done_tokens = 0
        i = 0
        while i < len(windows):
            w = windows[i]
            n = len(windows)
            eta = None
            if done_tokens:
                rate = done_tokens / (time.perf_counter() - reading_started)
                eta = (planned - done_tokens) / rate + o.summary_max_tokens / max(1.0, rate / 10)
            stage = f"Reading part {i + 1} of {n}" if n > 1 else "Reading transcript"
            yield Progress(stage, 0.05 + 0.75 * done_tokens / max(1, planned), eta)
            try:
                async for ev in self._window(st, w, n):
                    yield ev
            except PromptTooLong as e:
                # The measured prompt did not fit after all (a tokenizer quirk): cut the rest of the transcript
                # into smaller windows and go on. Nothing was sent.
                budget = max(1, budget - (e.prompt_tokens + e.max_tokens - e.n_ctx) - o.safety_tokens)
                rest = plan_windows(me.units[w.first :], me.line_tokens[w.first :], budget)
                windows = windows[:i] + [
                    Window(i + r.index, w.first + r.first, w.first + r.stop, r.tokens) for r in rest
                ]
                log.info("re-planned from window %d with budget %d: %d windows", i, budget, len(windows))
                continue
            done_tokens += w.tokens
            i += 1
        st.windows = len(windows)
        self._find_moments(st)
        if len(windows) > 1:
            yield Progress("Writing summary", 0.85, None)
            async for ev in self._reduce(st):
                yield ev
        st.model_summary = st.summary()
        moments = self._moments_section(st)
        if moments:
            shown = "".join(st.summary_parts)
            gap = 2 - min(2, len(shown) - len(shown.rstrip("\n")))  # one blank line between the two
            moments = ("\n" * gap if st.summary() else "") + moments
            st.summary_parts.append(moments)
            yield SummaryDelta(moments)
        for ev in self._finish_notices(st):
            yield ev
        result = self._result(st)
        st.cache.put_result(result)
        yield Progress("Done", 1.0, 0.0)
        yield Finished(result)

    # ---- one window --------------------------------------------------------------------------------------------

    async def _window(self, st: RunState, w: Window, n: int) -> AsyncIterator[Event]:
        o = self.options
        me = st.measured
        assert me is not None and st.cites is not None
        units = me.units[w.first : w.stop]
        span = (units[0].start_s, units[-1].end_s)
        lines = [me.full[w.first], *me.cont[w.first + 1 : w.stop]]
        stored = st.cache.window(w.first, w.stop)
        if stored is not None and not (n == 1 or stored[1] is not None):
            stored = None
        if stored is not None:
            st.reused_windows += 1  # resumed: this window was finished before the stop, crash or kill
        if o.chapters == "topics":
            chapter_text = await self._topic_chapters(st, w, stored)
        else:
            chapter_text = await self._model_chapters(st, w, n, lines, span, stored)
        for start_s, title in parse_chapter_lines(chapter_text, window_starts(units)):
            ch = st.chapters.offer(start_s, title)
            if ch is not None:
                yield ChapterFound(ch, len(st.chapters.chapters) - 1)
        if n == 1:  # fits in one window: one pass, the summary comes straight from the transcript
            if stored is None:
                st.cache.put_window(w.first, w.stop, chapter_text, None)
            yield Progress("Writing summary", 0.6, None)
            msgs = prompts.window_messages(st.t, lines, 1, 1, span, st.preset.summary, st.system)
            async for ev in self._stream_summary(st, msgs):
                yield ev
            return
        if stored is not None and stored[1] is not None:
            st.notes.append(stored[1])
            return
        msgs = prompts.window_messages(st.t, lines, w.index + 1, n, span, st.preset.notes, st.system)
        note = await self._collect(
            st, msgs, o.notes_max_tokens, guard=True, max_bullets=o.notes_max_bullets, kind="notes"
        )
        if not note.strip():
            note = f"- [{stamp(span[0])}] (no notes for this part)"
        st.notes.append(note)
        st.cache.put_window(w.first, w.stop, chapter_text, note)

    async def _topic_chapters(self, st: RunState, w: Window, stored: tuple[str, str | None] | None) -> str:
        """`[stamp] Title` lines of the chapters that begin in this window, titled one by one."""
        titler = st.titler
        assert titler is not None and st.measured is not None
        ks = [k for k, u in enumerate(titler.starts) if w.first <= u < w.stop]
        if stored is not None:
            for _start, title in parse_chapter_lines(
                stored[0], window_starts(st.measured.units[w.first : w.stop])
            ):
                titler.accept(title)
            return stored[0]
        out = []
        for k in ks:
            title = await titler.title(k, self._ask)
            out.append(f"[{stamp(st.measured.units[titler.starts[k]].start_s)}] {title}\n")
        return "".join(out)

    async def _model_chapters(
        self,
        st: RunState,
        w: Window,
        n: int,
        lines: list[str],
        span: tuple[float, float],
        stored: tuple[str, str | None] | None,
    ) -> str:
        """The model proposes the window's chapters under a grammar of its real starts; titles are checked, and
        an unusable one is replaced by the words of the transcript from that start."""
        if stored is not None:
            return stored[0]
        o = self.options
        me = st.measured
        titler = st.titler
        assert me is not None and titler is not None
        units = me.units[w.first : w.stop]
        minutes = (span[1] - span[0]) / 60
        k = max(1, min(o.max_chapters_per_window, round(minutes / o.minutes_per_chapter)))
        starts = window_starts(units)
        grammar = chapter_grammar(list(starts), k + 1) if o.use_grammar else None
        task = prompts.chapters_task(k, st.chapters.titles())
        msgs = prompts.window_messages(st.t, lines, w.index + 1, n, span, task, st.system)
        text = await self._collect(
            st, msgs, (k + 1) * o.tokens_per_chapter_line, grammar=grammar, kind="chapters"
        )
        out = []
        by_start = {u.start_s: w.first + i for i, u in enumerate(units)}
        for start_s, title in parse_chapter_lines(text, starts):
            t = titler.proposed(title, by_start.get(start_s, w.first), w.stop)
            if t is not None:
                out.append(f"[{stamp(start_s)}] {t}\n")
        return "".join(out)

    # ---- requests ----------------------------------------------------------------------------------------------

    async def _ask(self, messages: list[dict[str, str]], max_tokens: int, grammar: str | None) -> str:
        """One short answer (a title), unfiltered: the caller checks it."""
        assert self.state is not None
        return await self._collect(self.state, messages, max_tokens, grammar=grammar)

    async def _collect(
        self,
        st: RunState,
        messages: list[dict[str, str]],
        max_tokens: int,
        *,
        grammar: str | None = None,
        guard: bool = False,
        max_bullets: int | None = None,
        kind: str = "title",
    ) -> str:
        parts: list[str] = []
        g = TextGuard(st.instructions, st.guard, max_bullets, source=st.source) if guard else None
        self._check_stop()
        soft = int(max_tokens * SOFT_CAP)
        stream = self.model.stream(messages, max_tokens=max_tokens, grammar=grammar)
        async with contextlib.aclosing(stream) as s:
            n = 0
            async for piece in s:
                n += 1  # each piece is one token's text
                if g is None:
                    parts.append(piece)
                    continue
                assert st.cites is not None
                before = g.sentences
                parts.append(g.feed(st.cites.feed(piece)))
                if g.stop or (n >= soft and g.sentences > before):  # near the cap, a sentence just ended
                    break  # leaving the stream ends the generation (a loop, or a line ending near the cap)
        if g is not None:
            assert st.cites is not None
            parts.append(g.feed(st.cites.flush()) + g.flush())
        st.count(self.model.last_stats, kind)
        self._check_stop()
        return "".join(parts)

    async def _stream_summary(
        self, st: RunState, msgs: list[dict[str, str]], max_tokens: int | None = None
    ) -> AsyncIterator[Event]:
        self._check_stop()
        assert st.cites is not None
        g = TextGuard(st.instructions, st.guard, source=st.source)
        cap = max_tokens or self.options.summary_max_tokens
        stream = self.model.stream(msgs, max_tokens=cap)
        soft = int(cap * SOFT_CAP)
        async with contextlib.aclosing(stream) as s:
            n = 0
            async for piece in s:
                n += 1  # each piece is one token's text
                before = g.sentences
                out = g.feed(st.cites.feed(piece))
                if out:
                    st.summary_parts.append(out)
                    yield SummaryDelta(out)
                if g.stop or (n >= soft and g.sentences > before):  # near the cap, a sentence just ended
                    break  # leaving the stream ends the generation
        out = g.feed(st.cites.flush()) + g.flush()
        if out:
            st.summary_parts.append(out)
            yield SummaryDelta(out)
        st.count(self.model.last_stats, "summary")
        st.summary_generated += self.model.last_stats.generated_tokens
        self._check_stop()

    async def _reduce(self, st: RunState) -> AsyncIterator[Event]:
        """Hierarchical: while the notes do not fit one prompt, condense groups of them; the last pass streams."""
        o = self.options
        notes = st.notes
        level = 0
        # The key moments go with the notes, as many as a quarter of the context holds, evenly spread.
        moments = st.moments
        if moments:
            sizes = await self.model.count_tokens(moments)
            room = self.model.n_ctx // 4
            keep = max(1, min(len(moments), room * len(moments) // max(1, sum(sizes))))
            step = len(moments) / keep
            moments = [moments[int(i * step)] for i in range(keep)] if sum(sizes) > room else moments
        while True:
            msgs = prompts.reduce_messages(st.t, notes, True, st.system, st.preset.summary, moments)
            need = await self.model.count_prompt(msgs) + o.summary_max_tokens + o.safety_tokens
            if need <= self.model.n_ctx or len(notes) <= 1:
                break
            level += 1
            groups = max(2, math.ceil(need / (self.model.n_ctx * 0.6)))
            size = math.ceil(len(notes) / groups)
            yield Progress(f"Combining notes (level {level})", 0.85, None)
            condensed = []
            for g in range(0, len(notes), size):
                part = prompts.reduce_messages(st.t, notes[g : g + size], False, st.system)
                condensed.append(
                    await self._collect(
                        st, part, o.notes_max_tokens, guard=True, max_bullets=8, kind="condensed notes"
                    )
                )
            if len(condensed) >= len(notes):  # no progress: condensing cannot shrink this further
                raise PlanError("The notes are too long to combine within the model's context.")
            notes = condensed
        async for ev in self._stream_summary(st, msgs):
            yield ev

    # ---- the end -----------------------------------------------------------------------------------------------

    def _find_moments(self, st: RunState) -> None:
        """The summary's "Key moments": the most central sentence of each chapter, verbatim, with its time; the
        KEY_MOMENTS most central of those."""
        me = st.measured
        assert me is not None
        unit_at = {u.start_s: i for i, u in enumerate(me.units)}
        starts = sorted({unit_at.get(c.start_s, 0) for c in st.chapters.chapters} | {0})
        moments = key_moments(me.units, starts, limit=KEY_MOMENTS)
        lines = [
            f"- [{stamp(m.start_s)}] " + (f"{m.speaker}: " if m.speaker else "") + f"“{m.text}”"
            for m in moments
        ]
        st.moments = lines
        st.moment_texts = [m.text for m in moments]

    def _moments_section(self, st: RunState) -> str:
        """The key moments, less any the model's summary already quotes (a summary never says a thing twice)."""
        said = [words(x) for x in re.split(r"\n|(?<=[.!?”\"])\s+", st.summary()) if x.strip()]
        keep = [
            line
            for line, text in zip(st.moments, st.moment_texts, strict=True)
            if not any(similar(words(text), w) for w in said)
        ]
        return "### Key moments\n\n" + "\n".join(keep) + "\n" if keep else ""

    def _finish_notices(self, st: RunState) -> list[Notice]:
        out = []
        tc = st.titler.counts if st.titler is not None else None
        if not st.chapters.chapters:
            out.append("The model proposed no usable chapters.")
        if tc is not None and tc.problems():
            kinds = ", ".join(f"{k} {v}" for k, v in _title_kinds(tc).items() if v)
            out.append(
                f"{tc.problems()} chapter titles the model wrote could not be used ({kinds}); instead, "
                + _and(
                    [f"{tc.salvaged} are the subject of its sentence about the part"] * bool(tc.salvaged)
                    + [f"{tc.from_keywords} were made from the chapter's own words"] * bool(tc.from_keywords)
                    or ["it was asked again"]
                )
                + "."
            )
        if st.chapters.late_dropped:
            out.append(f"{st.chapters.late_dropped} chapters that began in the last minute were left out.")
        g = st.guard
        if g.loops:
            out.append(f"The model started repeating itself {g.loops} times; those answers were ended there.")
        if g.echo:
            out.append(f"{g.echo} sentences that repeated Recap's own instructions were left out.")
        if g.quotes:
            out.append(f"{g.quotes} sentences that quoted words the transcript does not have were left out.")
        if g.placeholders:
            out.append(
                f"{g.placeholders} placeholders the model left in (empty brackets, template words) were removed."
            )
        if not st.model_summary:
            if st.summary_generated:
                out.append("The model wrote no usable summary.")
            else:
                out.append("The model wrote no summary.")
            if st.notes:  # the notes per part are the best there is
                notes = (
                    "Notes by part (the model wrote no usable summary):\n\n" + "\n".join(st.notes) + "\n\n"
                )
                st.summary_parts.insert(0, notes)  # before the key moments
        if st.capped:
            kinds = ", ".join(sorted(set(st.capped_kinds)))
            out.append(f"{st.capped} model answers ({kinds}) reached their length limit and were cut there.")
        st.notices.extend(out)
        return [Notice(m) for m in out]

    def _result(self, st: RunState) -> Result:
        me = st.measured
        assert me is not None and st.cites is not None
        tc = st.titler.counts if st.titler is not None else None
        stats = Stats(
            prompt_tokens=st.prompt_evaluated,
            prompt_tokens_reused=st.prompt_reused,
            generated_tokens=st.generated,
            transcript_tokens=me.transcript_tokens,
            windows=st.windows,
            windows_reused=st.reused_windows,
            seconds=time.perf_counter() - st.started,
            citations_removed=st.cites.removed,
            output_capped=st.capped,
            titles_replaced=tc.problems() if tc else 0,
            titles_retried=tc.retried if tc else 0,
            titles_salvaged=tc.salvaged if tc else 0,
            titles_from_keywords=tc.from_keywords if tc else 0,
            echo_removed=st.guard.echo,
            placeholders_removed=st.guard.placeholders,
            repeats_removed=st.guard.repeats,
            loops_stopped=st.guard.loops,
            quotes_removed=st.guard.quotes,
            late_chapters_dropped=st.chapters.late_dropped,
        )
        return Result(
            title=st.t.display_title,
            duration_s=st.t.duration_s,
            timing=st.t.timing,
            model=Path(self.model.model_path).name,
            chapters=st.chapters.finished(st.t.duration_s),
            summary=st.summary(),
            stats=stats,
            notes=tuple(st.notes),
            warnings=tuple(st.notices),
        )


def _and(parts: list[str]) -> str:
    return ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]


def _title_kinds(tc: Any) -> dict[str, int]:
    return {
        "repeated the instructions": tc.echo,
        "a speaker's label": tc.speaker,
        "a sentence someone said": tc.filler,
        "a placeholder": tc.placeholder,
        "a duplicate": tc.duplicate,
        "empty": tc.empty,
    }


def _instruction_texts(system: str, preset: Preset) -> list[str]:
    """Everything Recap says to the model, to recognize it when the model says it back."""
    head = (
        "Each line starts with [hh:mm:ss], the moment it was said. Notes on the transcript, in order. Each starts "
        "with the [hh:mm:ss] where it was said. Key moments, in the speakers' own words."
    )
    return [
        system,
        prompts.SYSTEM,
        head,
        preset.notes,
        preset.summary,
        prompts.NOTES_TASK,
        prompts.SUMMARY_TASK,
        prompts.REDUCE_TASK,
        prompts.TITLE_TASK,
        prompts.chapters_task(8, []),
        "What is this about? Answer in 2 to 5 words.",
        "Keep each [hh:mm:ss] exactly as in the notes.",
    ]
