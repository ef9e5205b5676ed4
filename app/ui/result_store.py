"""The results store as the window uses it: opened on first use (the window shows before any database work),
and without it (a damaged database) runs still work, with one sentence saying results will not be kept. What a
person does to a result (edited chapters, questions asked) is kept with it here."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable

from ..jobs import Job
from ..summarize.store import Store

log = logging.getLogger(__name__)


class ResultStore:
    def __init__(self, say: Callable[[str], None]) -> None:
        self.say = say  # a sentence for the status bar
        self.store: Store | None = None
        self._failed = False

    def __call__(self) -> Store | None:
        if self.store is None and not self._failed:
            try:
                self.store = Store()
            except (OSError, sqlite3.DatabaseError) as e:
                log.warning("results store unavailable: %s", e)
                self._failed = True
                self.say(f"Results will not be kept: {e}")
        return self.store

    def keep_edits(self, job: Job) -> None:
        store = self()
        if store is not None and job.run is not None and job.result is not None:
            store.put_edited(job.run, job.result)

    def keep_answer(self, job: Job, question: str, answer: str) -> None:
        store = self()
        if store is not None and job.run is not None and answer.strip():
            store.put_answer(job.run, question, answer)

    def answers(self, job: Job) -> list[tuple[str, str]]:
        store = self.store  # open by then when the job has a run: its result came from it
        return store.answers(job.run) if store is not None and job.run is not None else []

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None
