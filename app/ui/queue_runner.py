"""Runs the pipeline for the queue's jobs, one after another, and tells the window what happened in typed signals.

Thread contract: everything here runs on the Qt thread, which is the asyncio loop's thread (qasync). Reading a
file happens in the loop's executor and the model on its own thread; the runner keeps a reference to its task.

Stopping has one path: `Summarizer.stop()`. The job is shown as stopped (or, for a pause, back in line) at
once; the pipeline then ends its run and yields `Cancelled` with the partial result, which it has already kept in
the history. Only a job that is still being read (no pipeline yet) is stopped by cancelling the task.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from ..engine import Engine, EngineError, GenerationCancelled
from ..jobs import Job, JobQueue, JobState
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
        self.running: Job | None = None
        self.task: asyncio.Task[None] | None = None
        self._summarizer: Summarizer | None = None
        self._halt = False  # Stop: the task ends after the job it is on
        self._asks: set[asyncio.Task[None]] = set()  # one-chapter title requests
        self._asking: Summarizer | None = None  # a question being answered

    @property
    def busy(self) -> bool:
        """A file is being summarized, or a question answered (Stop ends either)."""
        return self.running is not None or self._asking is not None

    def start(self) -> None:
        """Run the waiting jobs (unless paused). A task still ending a stopped job goes on with them."""
        self._halt = False
        if self.task is None and self.queue.next_waiting() is not None:
            self.task = self.loop.create_task(self._drain())

    def stop(self) -> None:
        """Stop the running job and the line behind it. The job shows as stopped when this returns."""
        if self._asking is not None:
            self._asking.stop()
            if self.running is None:
                return  # only an answer was being written: the line stays as it is
        job = self._interrupt()
        if job is not None:
            self._set(job, JobState.STOPPED, "Stopped")
            self.idleText.emit(f"{job.name}: stopped", None)
        for j in self.queue.stop_waiting():
            self.jobChanged.emit(j, "Not started")

    def pause(self) -> None:
        """Hold the line; the running job goes back to it (its finished parts are in the store)."""
        self.queue.paused = True
        job = self._interrupt()
        if job is not None:
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
        return self._summarizer.partial_result() if job is self.running and self._summarizer else None

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
                if self.running is None:
                    self.idleText.emit(f"{job.name}: answered", 1.0)
                    self.idle.emit()

        task = self.loop.create_task(answer())
        self._asks.add(task)
        task.add_done_callback(self._asks.discard)
        return True

    def _interrupt(self) -> Job | None:
        job, self.running = self.running, None
        self._halt = True
        if self._summarizer is not None:
            self._summarizer.stop()
        elif self.task is not None:  # reading the file, or waiting for a model: nothing of the pipeline yet
            self.task.cancel()
        return job

    def _set(self, job: Job, state: JobState, detail: str = "") -> None:
        job.state = state
        self.queue.persist()
        self.jobChanged.emit(job, detail)

    async def _drain(self) -> None:
        try:
            while not self._halt and (job := self.queue.next_waiting()) is not None:
                await self._run(job)
        except asyncio.CancelledError:
            pass  # a stop while a file was being read: the job's state was set by stop()
        finally:
            self.task = None
            self.running = self._summarizer = None
            if not self._halt and self.queue.next_waiting() is not None:
                self.start()  # Summarize pressed while a cancelled read was ending
            else:
                self.idle.emit()

    async def _run(self, job: Job) -> None:
        self.running = job
        try:
            if job.transcript is None:
                self._set(job, JobState.READING)
                self.progress.emit(f"{job.name}: reading file", 0.0, None)
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
            self._summarizer = Summarizer(engine, self._options(), store=self._store())
            async with contextlib.aclosing(self._summarizer.run(job.transcript)) as events:
                async for ev in events:
                    self._on_event(job, ev)
        finally:
            self._summarizer = None
            if self.running is job:
                self.running = None
            if job.finished:
                self.jobFinished.emit(job)

    def _fail(self, job: Job, message: str) -> None:
        job.error = message
        self._set(job, JobState.FAILED, f"Failed: {message}")
        self.notice.emit(job, message)
        self.idleText.emit(f"{job.name}: failed", None)

    def _on_event(self, job: Job, ev: Event) -> None:
        if isinstance(ev, Cancelled):
            if job.state == JobState.STOPPED:  # a pause (back in line) keeps no partial result
                job.result = ev.partial
                job.run = self._summarizer.run_key if self._summarizer else None
            return
        if isinstance(ev, Finished):
            job.result, job.summary, job.chapters = ev.result, ev.result.summary, list(ev.result.chapters)
            job.run = self._summarizer.run_key if self._summarizer else None
            s = ev.result.stats
            self._set(job, JobState.DONE, f"Done · {len(job.chapters)} chapters")
            self.idleText.emit(
                f"{job.name}: done in {s.seconds:.1f} s ({s.transcript_tokens} transcript tokens)", 1.0
            )
            return
        if job.state != JobState.RUNNING:
            return  # stopped or paused: what the run says while it ends is not shown
        if isinstance(ev, Progress):
            job.stage = ev.stage
            self.progress.emit(f"{job.name}: {ev.stage}", ev.fraction, ev.eta_s)
            self.jobChanged.emit(job, ev.stage)
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
