"""The map phase: the windows read in turn (one request after the other: the local engine), or several at once
(an engine that answers `slots` requests at once: a model server), with the same events in the same order.

Each window's steps (its chapters' titles, its chapters offered, its notes streamed and kept) are the pipeline's
(`Summarizer`'s package-internal helpers: `_window`, `_stored`, `_lines`, `_offer`, `_keep_notes`, `_replan`,
`_chapters_in`, `_topic_chapters`, `_stream_notes`, `_ask`); this module decides only when each runs.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncGenerator, AsyncIterator, Sequence
from typing import TYPE_CHECKING

from ..engine.errors import PromptTooLong
from . import prompts
from .chaptering import TITLE_TOKENS
from .events import Event, NotesDelta, Progress
from .state import RunState
from .windows import Window

if TYPE_CHECKING:
    from .pipeline import Summarizer


class Reading:
    """The map phase's progress: the windows (re-planned in place when a prompt did not fit), tokens read."""

    def __init__(self, planned: int, summary_max_tokens: int) -> None:
        self.planned = planned  # the transcript's tokens
        self.summary_max_tokens = summary_max_tokens
        self.started = time.perf_counter()
        self.done_tokens = 0
        self.windows: list[Window] = []

    def progress(self, i: int, n: int) -> Progress:
        """Progress as window i (of n) takes its turn, with an estimate of the time left once some are done."""
        eta = None
        if self.done_tokens:
            rate = self.done_tokens / (time.perf_counter() - self.started)
            eta = (self.planned - self.done_tokens) / rate + self.summary_max_tokens / max(1.0, rate / 10)
        stage = f"Reading part {i + 1} of {n}" if n > 1 else "Reading transcript"
        return Progress(stage, 0.05 + 0.75 * self.done_tokens / max(1, self.planned), eta)


_TITLED, _END = object(), object()  # in a window's queue: its titles' answers are in; it has ended


class _Ahead:
    """One window read ahead of its turn (windows read concurrently): its task, the answers to its title
    requests (by request), its queue of NotesDelta pieces between _TITLED and _END (or an exception), its notes."""

    def __init__(self, w: Window) -> None:
        self.w = w
        self.stored: tuple[str, str | None] | None = None
        self.task: asyncio.Future[None] | None = None
        self.answers: dict[str, str] = {}
        self.queue: asyncio.Queue[object] = asyncio.Queue()
        self.notes = ""

    async def next(self) -> object:
        """The next item of the queue; an exception there is raised here."""
        item = await self.queue.get()
        if isinstance(item, BaseException):
            raise item
        return item


def _request_key(messages: Sequence[dict[str, str]]) -> str:
    return json.dumps(list(messages), sort_keys=True)


async def read_in_turn(
    s: Summarizer, st: RunState, windows: list[Window], budget: int, reading: Reading
) -> AsyncGenerator[Event, None]:
    """One window after the other: each one's requests (titles, notes) in order."""
    reading.windows = windows = list(windows)
    i = 0
    while i < len(windows):
        w = windows[i]
        yield reading.progress(i, len(windows))
        try:
            async for ev in s._window(st, w, len(windows)):
                yield ev
        except PromptTooLong as e:
            budget = s._replan(st, windows, i, budget, e)
            continue
        reading.done_tokens += w.tokens
        i += 1


async def read_concurrently(
    s: Summarizer, st: RunState, windows: list[Window], budget: int, slots: int, reading: Reading
) -> AsyncGenerator[Event, None]:
    """Up to `slots` windows read at once (an engine that answers that many requests at once, each with the
    whole budget), and taken in transcript order: window i's chapters and notes are yielded only after those
    of the windows before it, so the run's events are those of a run in turn.

    Each window's task (`_read_ahead`) asks for its chapters' titles and streams its notes, queueing the pieces;
    what depends on the windows before it happens when its turn comes, here: the titles' checks (a duplicate
    of an earlier title is asked again then, exactly as in turn), the chapters offered to the list, the notes
    kept and stored. The window whose turn it is streams its notes live; the others' wait in their queues.
    Stop ends every request at once (the engine's stop()); leaving this generator cancels and awaits every
    task, so nothing is left running."""
    windows = list(windows)
    reading.windows = windows
    sem = asyncio.Semaphore(slots)  # FIFO: windows start in transcript order
    i = 0
    while i < len(windows):
        n = len(windows)
        ahead = [_Ahead(w) for w in windows[i:]]
        for a in ahead:
            a.stored = s._stored(st, a.w, n)
            a.task = asyncio.ensure_future(_read_ahead(s, st, a, n, sem))
        try:
            for a in ahead:
                yield reading.progress(a.w.index, n)
                async for ev in _take_in_turn(s, st, a, n, sem):
                    yield ev
                reading.done_tokens += a.w.tokens
                i += 1
        except PromptTooLong as e:
            budget = s._replan(st, windows, i, budget, e)  # the windows after i are read again
        finally:
            for a in ahead:
                if a.task is not None:
                    a.task.cancel()
            await asyncio.gather(*(a.task for a in ahead if a.task is not None), return_exceptions=True)


async def _read_ahead(s: Summarizer, st: RunState, a: _Ahead, n: int, sem: asyncio.Semaphore) -> None:
    """Window a's requests, when a slot is free: its chapters' titles (the answers kept for its turn; the
    simpler retry too where the answer is unusable whatever came before), then its notes, streamed into its
    queue. Ends with _TITLED / the NotesDelta pieces / _END in the queue, or the exception there."""
    titler = st.titler
    assert titler is not None
    try:
        async with sem:
            if a.stored is None:
                for k in s._chapters_in(st, a.w):
                    msgs = titler.first_request(k)
                    raw = await s._ask(msgs, TITLE_TOKENS, titler.grammar)
                    a.answers[_request_key(msgs)] = raw
                    if titler.retried_whatever_came_before(raw):
                        msgs = titler.retry_request(k)
                        a.answers[_request_key(msgs)] = await s._ask(msgs, TITLE_TOKENS, titler.grammar)
            a.queue.put_nowait(_TITLED)
            if a.stored is None or a.stored[1] is None:
                lines, span = s._lines(st, a.w)
                msgs = prompts.window_messages(
                    st.t, lines, a.w.index + 1, n, span, st.preset.notes, st.system
                )
                parts: list[str] = []
                async for ev in s._stream_notes(st, msgs, a.w, n, parts):
                    a.queue.put_nowait(ev)
                a.notes = "".join(parts)
        a.queue.put_nowait(_END)
    except Exception as e:  # raised where the run takes this window in its turn
        a.queue.put_nowait(e)


async def _take_in_turn(
    s: Summarizer, st: RunState, a: _Ahead, n: int, sem: asyncio.Semaphore
) -> AsyncIterator[Event]:
    """Window a's turn: its titles checked against the titles before (asking again where needed), its
    chapters offered, its notes yielded (live, if still streaming), kept and stored."""

    async def ask(messages: list[dict[str, str]], max_tokens: int, grammar: str | None) -> str:
        answer = a.answers.pop(_request_key(messages), None)
        if answer is not None:
            return answer
        async with sem:  # (asked now: the answer before was a duplicate of one that came before it)
            return await s._ask(messages, max_tokens, grammar)

    if await a.next() is not _TITLED:
        raise AssertionError("a window's titles come first")
    if a.stored is not None:
        st.reused_windows += 1
    chapter_text = await s._topic_chapters(st, a.w, a.stored, ask)
    for ev in s._offer(st, a.w, chapter_text):
        yield ev
    if a.stored is not None and a.stored[1] is not None:
        st.notes.append(a.stored[1])
        yield NotesDelta(a.stored[1], a.w.index, n)
        if await a.next() is not _END:
            raise AssertionError("a stored window has nothing more")
        return
    while (item := await a.next()) is not _END:
        assert isinstance(item, NotesDelta)
        yield item
    st.notes.append(a.notes)
    s._keep_notes(st, a.w, chapter_text)
