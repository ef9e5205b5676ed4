"""The store as one run sees it: a finished result to open at once, finished windows to resume from, and the
result (finished or partial) to keep. `NullCache` is the same object when there is no store, so the pipeline
never asks whether there is one.

Pure Python; used from the asyncio thread only.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from ..transcript import Transcript
from .events import Result
from .store import Store, run_key, transcript_hash

log = logging.getLogger(__name__)


class NullCache:
    """No store: nothing is found and nothing is kept."""

    key: str | None = None  # the run's key in the store

    def result(self) -> Result | None:
        return None

    def window(self, first: int, stop: int) -> tuple[str, str | None] | None:
        return None

    def put_window(self, first: int, stop: int, chapters: str, notes: str | None) -> None:
        return None

    def put_result(self, result: Result) -> None:
        return None

    def keep_partial(self, result: Result) -> None:
        return None


class RunCache(NullCache):
    def __init__(self, store: Store, t: Transcript, model_path: str, settings: dict[str, Any], preset: str):
        self.store = store
        self.run = run_key(t, model_path, settings)
        self.key = self.run
        self.source = t.source
        self.meta: dict[str, Any] = {
            "transcript": transcript_hash(t),
            "preset": preset,
            "settings": {k: v for k, v in settings.items() if k != "system"},
        }

    def result(self) -> Result | None:
        return self.store.get_result(self.run)

    def window(self, first: int, stop: int) -> tuple[str, str | None] | None:
        return self.store.get_window(self.run, first, stop)

    def put_window(self, first: int, stop: int, chapters: str, notes: str | None) -> None:
        self.store.put_window(self.run, first, stop, chapters, notes)

    def put_result(self, result: Result) -> None:
        self.store.put_result(self.run, self.source, result, **self.meta)

    def keep_partial(self, result: Result) -> None:
        """A stopped run's chapters and summary so far go to the history (never served as a finished run)."""
        try:
            self.store.put_result(self.run, self.source, result, partial=True, **self.meta)
        except sqlite3.Error as e:  # the history is a convenience; a stop must still stop
            log.warning("partial result not kept: %s", e)


def open_cache(
    store: Store | None, t: Transcript, model_path: str, settings: dict[str, Any], preset: str
) -> NullCache:
    return NullCache() if store is None else RunCache(store, t, model_path, settings, preset)
