"""The pipeline: transcript -> windows -> chapters and notes per window -> streamed summary.

asyncio only, no Qt. `Summarizer.run()` is an async generator of typed events (events.py). Consume it with
`contextlib.aclosing` so that leaving early closes it; stopping is `Summarizer.stop()` (the running request ends
with GenerationCancelled and the run yields `Cancelled` with what it has, which is kept in the history).

The stages live in their own modules: measuring and budgets (budget.py), windows (windows.py), chapter starts and
titles (chaptering.py, topics.py), what the model writes checked before anyone sees it (defences/), the store
seen from one run (runcache.py). This module runs them in order; everything one run knows is in `RunState`.

On an engine that answers several requests at once (`Engine.slots` > 1: a model server with slots), the windows'
requests (chapter titles, notes) run that many at a time, and the run still yields each window's events in
transcript order, deciding what depends on the windows before (duplicate titles, the chapter list, the notes kept)
when the window's turn comes; the events are those of a run in turn. With one slot (the local engine) the
windows are read in turn, one request after the other. When each window's steps run is reading.py's; the steps
are here. The summary (reduce) comes after all windows either way.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import AsyncGenerator, AsyncIterator, Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import Literal

from .. import malloc
from ..engine.errors import EngineError, GenerationCancelled, PromptTooLong
from ..engine.protocol import Engine
from ..transcript import Transcript
from . import ending, prompts
from .budget import measure, window_budget
from .chaptering import Ask, Titler, plan_starts
from .chapters import (
    ChapterList,
    chapter_grammar,
    notes_grammar,
    parse_chapter_lines,
    stamp,
)
from .citations import CitationFilter
from .defences import Instructions, Source, TextGuard
from .events import (
    Cancelled,
    Chapter,
    ChapterFound,
    Event,
    Failed,
    Finished,
    NotesDelta,
    Progress,
    Result,
    SummaryDelta,
)
from .extract import part_notes
from .language import detect, in_own_language
from .presets import get_preset
from .reading import Reading, read_concurrently, read_in_turn
from .runcache import NullCache, open_cache
from .state import RunState
from .store import Store
from .windows import After, PlanError, Window, plan_windows

log = logging.getLogger(__name__)


# What the pipeline needs of a model: any engine (app/engine/protocol.py).
TextModel = Engine


@dataclass(frozen=True)
class Options:
    window_tokens: int = 3000  # 2-4k: prompt speed drops with depth, and chapters show up sooner
    # the first of several windows is short, so that its notes show within seconds of the first chapter
    first_window_tokens: int = 1000
    tokens_per_chapter_line: int = 24
    max_chapters_per_window: int = 8
    notes_max_tokens: int = 240  # 3-6 bullets with their [hh:mm:ss]
    notes_max_bullets: int = 6  # what the notes task asks for: more is the model running on
    summary_max_tokens: int = 700
    # a window line shows its [hh:mm:ss] when this long has passed since the last one shown, and at chapter
    # starts (prompts.stamped); 0: on every line (always so with chapters="model": its chapters start at them)
    stamp_every_s: float = prompts.STAMP_EVERY_S
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


PROMPTS_VERSION = 5  # part of the store key: change it when prompts change, so old results are not reused


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
            instructions=Instructions([*prompts.instruction_texts(system, preset), *extra_instructions]),
            source=Source(
                transcript.segments,
                transcript.speakers,
                known=(transcript.title, transcript.description),
                own_language=in_own_language(o.language, transcript),
            ),
            cache=NullCache(),
            chapters=ChapterList(o.min_chapter_s, transcript.duration_s),
        )
        return self.state

    async def run(self, transcript: Transcript) -> AsyncGenerator[Event, None]:
        self.from_store = False
        st = self.new_state(transcript)
        try:
            # (closed here when the consumer leaves early: the windows being read at once are cancelled now)
            async with contextlib.aclosing(self._run(st)) as evs:
                async for ev in evs:
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

    async def _run(self, st: RunState) -> AsyncGenerator[Event, None]:
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
        units = prompts.group_segments(t.segments)
        if o.chapters == "topics":
            st.chapter_units = plan_starts(units, t.duration_s, o.minutes_per_chapter, o.min_chapter_s)
        every = o.stamp_every_s if o.chapters == "topics" else 0.0
        me = st.measured = await measure(m, t, units, prompts.stamped(units, every, st.chapter_units))
        tasks = [st.preset.notes, st.preset.summary, prompts.SUMMARY_TASK]
        reserve = max(o.notes_max_tokens, o.summary_max_tokens)
        if o.chapters == "model":
            tasks.append(prompts.chapters_task(o.max_chapters_per_window, ["x" * 60] * 12))
            reserve = max(reserve, (o.max_chapters_per_window + 1) * o.tokens_per_chapter_line)
        budget = await window_budget(m, t, st.system, tasks, reserve, o) - me.label
        windows = plan_windows(me.units, me.line_tokens, budget, o.first_window_tokens)
        st.cites = CitationFilter([s.start_s for s in t.segments])
        st.titler = Titler(
            me.units,
            st.chapter_units or [0],
            st.instructions,
            st.system,
            t.speakers,
            o.use_grammar,
            said=st.source.begins_a_word if st.source.own_language else None,
        )
        reading = Reading(sum(me.line_tokens), o.summary_max_tokens)
        slots = getattr(m, "slots", 1)  # (an engine that does not say serves one request at a time)
        if slots > 1 and len(windows) > 1 and o.chapters == "topics":
            read = read_concurrently(self, st, windows, budget, slots, reading)
        else:
            read = read_in_turn(self, st, windows, budget, reading)
        async with contextlib.aclosing(read) as evs:
            async for ev in evs:
                yield ev
        windows = reading.windows
        st.windows = len(windows)
        ending.find_moments(st)
        malloc.trim()  # what the map phase freed, back before the run's deepest request (app/malloc.py)
        if len(windows) > 1:
            yield Progress("Writing summary", 0.85, None)
            async for ev in self._reduce(st):
                yield ev
        st.model_summary = st.summary()
        instead = ending.fallback(st)  # where the model wrote nothing usable: streamed like the summary
        if instead:
            st.summary_parts.append(instead)
            yield SummaryDelta(instead)
        moments = ending.moments_section(st)
        if moments:
            shown = "".join(st.summary_parts)
            gap = 2 - min(2, len(shown) - len(shown.rstrip("\n")))  # one blank line between the two
            moments = ("\n" * gap if st.summary() else "") + moments
            st.summary_parts.append(moments)
            yield SummaryDelta(moments)
        for ev in ending.finish_notices(st):
            yield ev
        result = ending.result(st, self.model.model_path)
        st.cache.put_result(result)
        yield Progress("Done", 1.0, 0.0)
        yield Finished(result)

    # ---- the windows: in turn, or several at once -------------------------------------------------------------

    def _replan(self, st: RunState, windows: list[Window], i: int, budget: int, e: PromptTooLong) -> int:
        """The measured prompt of window i did not fit after all (a tokenizer quirk): the rest of the transcript,
        from window i, cut into smaller windows (in place). Returns the smaller budget. Nothing of that request
        was sent."""
        me = st.measured
        assert me is not None
        w = windows[i]
        budget = max(1, budget - (e.prompt_tokens + e.max_tokens - e.n_ctx) - self.options.safety_tokens)
        rest = plan_windows(After(me.units, w.first), me.line_tokens[w.first :], budget)
        windows[i:] = [Window(i + r.index, w.first + r.first, w.first + r.stop, r.tokens) for r in rest]
        log.info("re-planned from window %d with budget %d: %d windows", i, budget, len(windows))
        return budget

    # ---- one window --------------------------------------------------------------------------------------------

    def _stored(self, st: RunState, w: Window, n: int) -> tuple[str, str | None] | None:
        """What the store has of this window from an earlier run of the same transcript (stopped, crashed, killed):
        its chapter lines and notes. With several windows, only a window whose notes were kept counts."""
        stored = st.cache.window(w.first, w.stop)
        if stored is not None and not (n == 1 or stored[1] is not None):
            return None
        return stored

    def _lines(self, st: RunState, w: Window) -> tuple[list[str], tuple[float, float]]:
        """The window's transcript lines (the first with its full label) and its time span."""
        me = st.measured
        assert me is not None
        return me.lines(w.first, w.stop), (me.units[w.first].start_s, me.units[w.stop - 1].end_s)

    def _offer(self, st: RunState, w: Window, chapter_text: str) -> Iterator[Event]:
        """The window's `[stamp] Title` lines offered to the chapter list, in order; ChapterFound for each kept."""
        assert st.measured is not None
        for start_s, title in parse_chapter_lines(chapter_text, st.measured.starts(w.first, w.stop)):
            ch = st.chapters.offer(start_s, title)
            if ch is not None:
                yield ChapterFound(ch, len(st.chapters.chapters) - 1)

    def _keep_notes(self, st: RunState, w: Window, chapter_text: str) -> None:
        """The window's notes (the last in st.notes) made non-empty and stored with its chapter lines."""
        _, span = self._lines(st, w)
        if not st.notes[-1].strip():
            st.notes[-1] = f"- [{stamp(span[0])}] (no notes for this part)"
        st.cache.put_window(w.first, w.stop, chapter_text, st.notes[-1])

    async def _window(self, st: RunState, w: Window, n: int) -> AsyncIterator[Event]:
        o = self.options
        assert st.measured is not None and st.cites is not None
        lines, span = self._lines(st, w)
        stored = self._stored(st, w, n)
        if stored is not None:
            st.reused_windows += 1  # resumed: this window was finished before the stop, crash or kill
        if o.chapters == "topics":
            chapter_text = await self._topic_chapters(st, w, stored, self._ask)
        else:
            chapter_text = await self._model_chapters(st, w, n, lines, span, stored)
        for ev in self._offer(st, w, chapter_text):
            yield ev
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
            yield NotesDelta(stored[1], w.index, n)
            return
        msgs = prompts.window_messages(st.t, lines, w.index + 1, n, span, st.preset.notes, st.system)
        parts: list[str] = []
        async for ev in self._stream_notes(st, msgs, w, n, parts):
            yield ev
        st.notes.append("".join(parts))
        self._keep_notes(st, w, chapter_text)

    def _chapters_in(self, st: RunState, w: Window) -> list[int]:
        """The chapters (topics mode) that begin in this window."""
        assert st.titler is not None
        return [k for k, u in enumerate(st.titler.starts) if w.first <= u < w.stop]

    async def _topic_chapters(
        self, st: RunState, w: Window, stored: tuple[str, str | None] | None, ask: Ask
    ) -> str:
        """`[stamp] Title` lines of the chapters that begin in this window, titled one by one."""
        titler = st.titler
        assert titler is not None and st.measured is not None
        ks = self._chapters_in(st, w)
        if stored is not None:
            for _start, title in parse_chapter_lines(stored[0], st.measured.starts(w.first, w.stop)):
                titler.accept(title)
            return stored[0]
        out = []
        for k in ks:
            title = await titler.title(k, ask)
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
        starts = me.starts(w.first, w.stop)
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

    async def _pieces(
        self,
        st: RunState,
        messages: list[dict[str, str]],
        max_tokens: int,
        *,
        grammar: str | None = None,
        guard: bool = False,
        max_bullets: int | None = None,
        kind: str = "title",
    ) -> AsyncGenerator[str, None]:
        """The answer to one request, piece by piece as the model writes it: through the defences (citations
        checked, instructions, placeholders and loops refused) when `guard`, else raw. The request ends early at a
        loop, or at a sentence's end once the answer is near its cap."""
        assert st.cites is not None or not guard
        g = TextGuard(st.instructions, st.guard, max_bullets, source=st.source, timed=True) if guard else None
        cites = st.cites.stream() if g is not None and st.cites is not None else None  # this answer's own
        self._check_stop()
        soft = int(max_tokens * SOFT_CAP)
        stream = self.model.stream(messages, max_tokens=max_tokens, grammar=grammar)
        async with contextlib.aclosing(stream) as s:
            n = 0
            async for piece in s:
                n += 1  # each piece is one token's text
                if g is None:
                    yield piece
                    continue
                assert cites is not None
                before = g.sentences
                out = g.feed(cites.feed(piece))
                if out:
                    yield out
                if g.stop or (n >= soft and g.sentences > before):  # near the cap, a sentence just ended
                    break  # leaving the stream ends the generation (a loop, or a line ending near the cap)
        if g is not None:
            assert cites is not None
            out = g.feed(cites.flush()) + g.flush()
            if out:
                yield out
        st.count(self.model.last_stats, kind)
        if kind == "summary":
            st.summary_generated += self.model.last_stats.generated_tokens
        self._check_stop()

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
        pieces = self._pieces(
            st, messages, max_tokens, grammar=grammar, guard=guard, max_bullets=max_bullets, kind=kind
        )
        async with contextlib.aclosing(pieces) as ps:
            return "".join([p async for p in ps])

    async def _stream_notes(
        self, st: RunState, msgs: list[dict[str, str]], w: Window, n: int, parts: list[str]
    ) -> AsyncIterator[Event]:
        """One part's notes, streamed as NotesDelta (the summary pane shows them until the summary comes) and
        collected in `parts`. When the defences refused the whole answer (a small model that repeated the task),
        the part is asked once more under a grammar of bullets that begin with its real [hh:mm:ss] (the prompt
        comes from the KV cache: only the answer costs); when that is refused too, its notes are its most
        central sentences, verbatim (`extract.part_notes`)."""
        o = self.options
        assert st.measured is not None
        for again in (False, True):
            if again and not o.use_grammar:
                break
            grammar = None
            if again:  # (built only now: most parts' first answer is kept)
                starts = st.measured.starts(w.first, w.stop)
                grammar = notes_grammar(list(starts), o.notes_max_bullets)
            pieces = self._pieces(
                st,
                msgs,
                o.notes_max_tokens,
                grammar=grammar,
                guard=True,
                max_bullets=o.notes_max_bullets,
                kind="notes",
            )
            async with contextlib.aclosing(pieces) as ps:
                async for piece in ps:
                    parts.append(piece)
                    yield NotesDelta(piece, w.index, n)
            if "".join(parts).strip():
                return
        own = part_notes(st.measured.units[w.first : w.stop])
        if own:
            st.notes_from_transcript += 1
            parts.append(own)
            yield NotesDelta(own, w.index, n)

    async def _stream_summary(
        self, st: RunState, msgs: list[dict[str, str]], max_tokens: int | None = None
    ) -> AsyncIterator[Event]:
        cap = max_tokens or self.options.summary_max_tokens
        pieces = self._pieces(st, msgs, cap, guard=True, kind="summary")
        async with contextlib.aclosing(pieces) as ps:
            async for piece in ps:
                st.summary_parts.append(piece)
                yield SummaryDelta(piece)

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
