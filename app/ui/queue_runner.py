"""Runs the pipeline for the queue's jobs and tells the window what happened in typed signals.

One job at a time on a local model. On an engine that answers several requests at once (a model server with
slots: `Engine.slots` > 1), that many jobs at once, in queue order, as `recap summarize` does for a batch: the
slots one file leaves idle (its last windows, its summary) serve the next, and the engine never sends more
requests than it has slots. The number is asked again whenever a job starts or moves on, so a server whose slots
become known only once it has answered (`/props`) is used fully from then on. Each job's events still reach only
its own row and, when it is the one shown, the views; the progress line then sums the jobs up.

Thread contract: everything here runs on the Qt thread, which is the asyncio loop's thread (qasync). Reading a
file happens in the loop's executor and the model on its own thread; the runner keeps a reference to its tasks
(`task`, the scheduler, and one task a job).

Stopping has one path: `Summarizer.stop()`. The jobs are shown as stopped (or, for a pause, back in line) at
once; each pipeline then ends its run and yields `Cancelled` with the partial result, which it has already kept
in the history. Only a job that is still being read (no pipeline yet) is stopped by cancelling its task.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from ..engine import Engine, EngineError, GenerationCancelled
from ..jobs import Job, JobQueue, JobState, combined_progress
from ..summarize import (
    Answered,
    Cancelled,
    ChapterFound,
    Event,
    Failed,
    Finished,
    NotesDelta,
    Notice,
    Options,
    Progress,
    Result,
    Summarizer,
    SummaryDelta,
)
from ..summarize.store import Store
from ..transcript import TranscriptError, read_file

log = logging.getLogger(__name__)


class QueueRunner(QObject):
    jobChanged = Signal(object, str)  # Job, a detail for its row ("" for its state alone)
    transcriptRead = Signal(object)  # Job: its transcript is there
    chapterFound = Signal(object, object)  # Job, Chapter
    summaryDelta = Signal(object, str)  # Job, the next piece of its summary (or of its notes so far)
    summaryReplaced = Signal(object, str)  # Job, its summary's first piece: the notes so far make way for it
    notice = Signal(object, str)  # Job, a sentence for the user
    progress = Signal(str, float, object)  # what is happening, fraction done, seconds left (or None)
    idleText = Signal(str, object)  # the progress line when nothing runs, fraction (or None)
    jobFinished = Signal(object)  # Job: done, failed or stopped
    idle = Signal()  # nothing runs any more
    retitled = Signal(object, int, str)  # Job, chapter index, the model's new title
    retitleFailed = Signal(object, str)  # Job, why there is no new title
    answerDelta = Signal(object, str)  # Job, the next piece of an answer
    answered = Signal(object, str, str)  # Job, question, the whole answer (what there is, when stopped)

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        queue: JobQueue,
        engine: Callable[[], Engine | None],
        options: Callable[[], Options],
        store: Callable[[], Store | None],
    ) -> None:
        super().__init__()
        self.loop, self.queue = loop, queue
        self._engine, self._options, self._store = engine, options, store
        # the jobs being read or summarized, in the order they started, each with its pipeline once it has one
        self.active: dict[Job, Summarizer | None] = {}
        self.task: asyncio.Task[None] | None = None  # the scheduler: starts the jobs, ends when none runs
        # each job's task (a stopped job's may still be ending)
        self._runs: dict[Job, asyncio.Task[None]] = {}
        self._stages: dict[Job, tuple[str, float, float | None]] = {}  # each active job's progress
        self._halt = False  # Stop: no job starts until start() is called again
        self._asks: set[asyncio.Task[None]] = set()  # one-chapter title requests
        self._asking: Summarizer | None = None  # a question being answered

    @property
    def busy(self) -> bool:
        """A file is being summarized, or a question answered (Stop ends either)."""
        return bool(self.active) or self._asking is not None

    @property
    def at_once(self) -> int:
        """How many jobs may run at once: as many as the engine answers requests at once (1 for a local model,
        the slots of a model server)."""
        engine = self._engine()
        return max(1, int(getattr(engine, "slots", 1))) if engine is not None else 1

    def start(self) -> None:
        """Run the waiting jobs (unless paused). A scheduler still ending stopped jobs goes on with them."""
        self._halt = False
        if self.task is None and self.queue.next_waiting(self._runs) is not None:
            self.task = self.loop.create_task(self._drain())

    def stop(self) -> None:
        """Stop the running jobs and the line behind them. They show as stopped when this returns."""
        if self._asking is not None:
            self._asking.stop()
            if not self.active:
                return  # only an answer was being written: the line stays as it is
        jobs = self._interrupt()
        for job in jobs:
            self._set(job, JobState.STOPPED, "Stopped")
        if jobs:
            self.idleText.emit(
                f"{jobs[0].name}: stopped" if len(jobs) == 1 else f"{len(jobs)} files stopped", None
            )
        for j in self.queue.stop_waiting():
            self.jobChanged.emit(j, "Not started")

    def pause(self) -> None:
        """Hold the line; the running jobs go back to it (their finished parts are in the store)."""
        self.queue.paused = True
        for job in self._interrupt():
            self._set(job, JobState.WAITING, "Paused")
        for j in self.queue.waiting():
            self.jobChanged.emit(j, "Paused")
        self.idleText.emit("Queue paused", None)

    def resume(self) -> None:
        self.queue.paused = False
        for j in self.queue.waiting():
            self.jobChanged.emit(j, "")
        self.start()

    def release_needs_model(self) -> None:
        for j in self.queue.release_needs_model():
            self.jobChanged.emit(j, "")
        self.start()

    def partial(self, job: Job) -> Result | None:
        """The running job's result so far, from the pipeline."""
        summarizer = self.active.get(job)
        return summarizer.partial_result() if summarizer is not None else None

    def retitle(self, job: Job, k: int) -> bool:
        """Ask the model for a new title of job's chapter k (its lines only); `retitled` brings it."""
        engine = self._engine()
        if engine is None or job.transcript is None or job.result is None:
            self.retitleFailed.emit(
                job, "Choose a model first." if engine is None else "Nothing to title yet."
            )
            return False
        summarizer = Summarizer(engine, self._options())
        chapters, transcript = job.result.chapters, job.transcript

        async def ask() -> None:
            try:
                title = await summarizer.retitle(transcript, chapters, k)
            except (EngineError, GenerationCancelled) as e:
                self.retitleFailed.emit(job, f"No new title: {e}")
                return
            self.retitled.emit(job, k, title)

        task = self.loop.create_task(ask())
        self._asks.add(task)
        task.add_done_callback(self._asks.discard)
        return True

    def ask(self, job: Job, question: str) -> bool:
        """Answer a question about job's transcript (app/summarize/ask.py); the pieces come as answerDelta,
        the end as answered. Stop ends it."""
        engine = self._engine()
        if engine is None or job.transcript is None or self._asking is not None:
            why = "Choose a model first." if engine is None else "One question at a time."
            self.answered.emit(job, question, why if job.transcript else "Nothing to ask yet.")
            return False
        summarizer = self._asking = Summarizer(engine, self._options())
        transcript = job.transcript

        async def answer() -> None:
            text = ""
            try:
                async with contextlib.aclosing(summarizer.ask(transcript, question)) as events:
                    async for ev in events:
                        if isinstance(ev, SummaryDelta):
                            text += ev.text
                            self.answerDelta.emit(job, ev.text)
                        elif isinstance(ev, Progress):
                            self.progress.emit(f"{job.name}: {ev.stage}", ev.fraction, None)
                        elif isinstance(ev, Answered):
                            text = ev.text
                        elif isinstance(ev, Cancelled):
                            text = (text + " (stopped)").strip()
                        elif isinstance(ev, Failed):
                            text = ev.message
            finally:
                self._asking = None
                self.answered.emit(job, question, text)
                if not self.active:
                    self.idleText.emit(f"{job.name}: answered", 1.0)
                    self.idle.emit()

        task = self.loop.create_task(answer())
        self._asks.add(task)
        task.add_done_callback(self._asks.discard)
        return True

    def _interrupt(self) -> list[Job]:
        """Every active job's run ends (its pipeline stops; a file being read stops being read); returns them."""
        jobs = list(self.active)
        self._halt = True
        for job, summarizer in self.active.items():
            if summarizer is not None:
                summarizer.stop()
            elif (task := self._runs.get(job)) is not None:  # reading the file, or waiting for a model
                task.cancel()
        self.active.clear()
        self._stages.clear()
        return jobs

    def _set(self, job: Job, state: JobState, detail: str = "") -> None:
        job.state = state
        self.queue.persist()
        self.jobChanged.emit(job, detail)

    def _fill(self) -> None:
        """Start waiting jobs until as many run as the engine answers at once."""
        while (
            not self._halt
            and len(self._runs) < self.at_once
            and (job := self.queue.next_waiting(self._runs)) is not None
        ):
            self.active[job] = None
            task = self.loop.create_task(self._run(job))
            self._runs[job] = task
            task.add_done_callback(functools.partial(self._ended, job))

    def _ended(self, job: Job, task: asyncio.Task[None]) -> None:
        if self._runs.get(job) is task:
            del self._runs[job]
        if not task.cancelled() and (e := task.exception()) is not None:
            log.error("summarizing %s failed", job.path, exc_info=e)
            if not job.finished:
                self.active.pop(job, None)
                self._fail(job, f"Recap could not finish this file ({type(e).__name__}: {e}).")
                self.jobFinished.emit(job)

    async def _drain(self) -> None:
        try:
            while True:
                self._fill()
                if not self._runs:
                    break
                await asyncio.wait(list(self._runs.values()), return_when=asyncio.FIRST_COMPLETED)
        finally:
            self.task = None
            self.idle.emit()

    async def _run(self, job: Job) -> None:
        summarizer: Summarizer | None = None
        try:
            if job.transcript is None:
                self._set(job, JobState.READING)
                self._progress(job, "reading file", 0.0, None)
                try:
                    job.transcript = await self.loop.run_in_executor(None, read_file, job.path)
                except TranscriptError as e:
                    self._fail(job, str(e))
                    return
                self.transcriptRead.emit(job)
            engine = self._engine()
            if engine is None:
                self._set(job, JobState.NEEDS_MODEL)
                self.idleText.emit("Choose a model to summarize", None)
                return
            self._set(job, JobState.RUNNING)
            summarizer = Summarizer(engine, self._options(), store=self._store())
            self.active[job] = summarizer
            async with contextlib.aclosing(summarizer.run(job.transcript)) as events:
                async for ev in events:
                    self._on_event(job, summarizer, ev)
        finally:
            self.active.pop(job, None)
            self._stages.pop(job, None)
            if job.finished:
                self.jobFinished.emit(job)

    def _progress(self, job: Job, stage: str, fraction: float, eta_s: float | None) -> None:
        """The progress line: the job's own while it runs alone, else all the running jobs' summed up."""
        self._stages[job] = (stage, fraction, eta_s)
        if len(self._stages) == 1:
            self.progress.emit(f"{job.name}: {stage}", fraction, eta_s)
        else:
            self.progress.emit(*combined_progress([(j.name, *p) for j, p in self._stages.items()]))

    def _fail(self, job: Job, message: str) -> None:
        job.error = message
        self._set(job, JobState.FAILED, f"Failed: {message}")
        self.notice.emit(job, message)
        self._stages.pop(job, None)
        if not self._stages:  # (while other files run, the line goes on showing them)
            self.idleText.emit(f"{job.name}: failed", None)

    def _on_event(self, job: Job, summarizer: Summarizer, ev: Event) -> None:
        if isinstance(ev, Cancelled):
            if job.state == JobState.STOPPED:  # a pause (back in line) keeps no partial result
                job.result = ev.partial
                job.run = summarizer.run_key
            return
        if isinstance(ev, Finished):
            job.result, job.summary, job.chapters = ev.result, ev.result.summary, list(ev.result.chapters)
            job.run = summarizer.run_key
            s = ev.result.stats
            self._set(job, JobState.DONE, f"Done · {len(job.chapters)} chapters")
            self._stages.pop(job, None)
            if self._stages:  # other files are still running: the line goes on with them
                other = next(iter(self._stages))
                self._progress(other, *self._stages[other])
            else:
                self.idleText.emit(
                    f"{job.name}: done in {s.seconds:.1f} s ({s.transcript_tokens} transcript tokens)", 1.0
                )
            self._fill()
            return
        if job.state != JobState.RUNNING:
            return  # stopped or paused: what the run says while it ends is not shown
        if isinstance(ev, Progress):
            job.stage = ev.stage
            self._progress(job, ev.stage, ev.fraction, ev.eta_s)
            self.jobChanged.emit(job, ev.stage)
            self._fill()  # the engine may say only now how many requests it answers at once
        elif isinstance(ev, ChapterFound):
            job.chapters.append(ev.chapter)
            self.chapterFound.emit(job, ev.chapter)
        elif isinstance(ev, NotesDelta):
            self.summaryDelta.emit(job, job.add_notes(ev.text, ev.part, ev.parts))
        elif isinstance(ev, SummaryDelta):
            if job.add_summary(ev.text):
                self.summaryReplaced.emit(job, job.summary)
            else:
                self.summaryDelta.emit(job, ev.text)
        elif isinstance(ev, Notice):
            job.notices.append(ev.message)
            self.notice.emit(job, ev.message)
        elif isinstance(ev, Failed):
            self._fail(job, ev.message)

    async def shutdown(self) -> None:
        self.stop()
        for t in list(self._asks):
            t.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await t
        task = self.task
        if task is not None and not task.done():
            # the pipeline ends its run within moments of stop(); a read in progress is cancelled
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(asyncio.shield(task), 10)
            if not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
