"""The window's queue of files to summarize, without Qt: each file is a `Job` in a `JobState`; `JobQueue` keeps
their order, adds without duplicates, pauses, stops what has not started, and keeps the unfinished part on disk.

What is still to do lives in a small JSON file in the user data folder (the paths, in queue order), written
atomically whenever that list changes, so that a restart (or a crash) picks it up again. Finished results live in
the results store (app/summarize/store.py), not here.

The queue runner (app/ui/queue_runner.py) runs the pipeline for the jobs (one at a time, or as many as a model
server answers at once); widgets only show them.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from .config import write_atomically
from .summarize import Chapter, Result
from .transcript import Transcript
from .transcript.files import expand_paths

log = logging.getLogger(__name__)


class JobState(StrEnum):
    WAITING = "waiting"  # in line (held there while the queue is paused)
    READING = "reading"  # the file is being read
    RUNNING = "running"  # the model is at work on it
    NEEDS_MODEL = "needs-model"  # read, and waiting for the user to choose a model
    DONE = "done"
    FAILED = "failed"
    STOPPED = "stopped"  # the user stopped it (a partial result may be there)


# What the summary pane shows above the notes, while the parts are still being read.
NOTES_HEADING = "*Notes so far: the summary follows once every part is read.*\n\n"

UNFINISHED = frozenset({JobState.WAITING, JobState.READING, JobState.RUNNING, JobState.NEEDS_MODEL})
FINISHED = frozenset({JobState.DONE, JobState.FAILED, JobState.STOPPED})


@dataclass(eq=False)
class Job:
    """One file in the queue and what is known of it so far (a stopped run's result is partial)."""

    id: int
    path: str
    state: JobState = JobState.WAITING
    transcript: Transcript | None = None
    error: str | None = None
    chapters: list[Chapter] = field(default_factory=list)
    summary: str = ""
    result: Result | None = None
    notices: list[str] = field(default_factory=list)
    stage: str = ""  # what the run is doing now, in words
    run: str | None = None  # where its result is kept in the store (edits are saved there)
    notes_part: int | None = None  # while `summary` shows the notes so far: the part they are on

    def add_notes(self, text: str, part: int, parts: int) -> str:
        """A piece of a part's notes, added to what the summary pane shows until the summary itself comes;
        returns the text to append there (with the heading, the first time, and a line for each new part)."""
        head = ""
        if self.notes_part is None:
            head = NOTES_HEADING
        if self.notes_part != part:
            head += ("\n\n" if self.notes_part is not None else "") + f"**Part {part + 1} of {parts}**\n\n"
            self.notes_part = part
        self.summary += head + text
        return head + text

    def add_summary(self, text: str) -> bool:
        """A piece of the summary; True when it replaces the notes so far (the pane starts over with it)."""
        replaced = self.notes_part is not None
        if replaced:
            self.summary, self.notes_part = "", None
        self.summary += text
        return replaced

    @property
    def name(self) -> str:
        return Path(self.path).name

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    def reset(self) -> None:
        """Back in line for a fresh run (Summarize again): what the last run wrote is dropped."""
        self.state, self.error, self.stage = JobState.WAITING, None, ""
        self.chapters, self.summary, self.result, self.notices, self.run = [], "", None, [], None
        self.notes_part = None


def combined_progress(items: list[tuple[str, str, float, float | None]]) -> tuple[str, float, float | None]:
    """Several files running at once (name, stage, fraction done, seconds left) as one progress line: how many
    and how far each is; the fraction is their mean, the time left the longest (unknown while one is unknown)."""
    text = f"{len(items)} files at once: " + ", ".join(
        f"{name} {round(f * 100)} %" for name, _, f, _ in items
    )
    fraction = sum(f for _, _, f, _ in items) / max(1, len(items))
    etas = [e for *_, e in items]
    return text, fraction, None if any(e is None for e in etas) else max(e for e in etas if e is not None)


def queue_path() -> Path:
    from .config import data_dir

    return data_dir() / "queue.json"


def load_queue(path: Path | None = None) -> list[str]:
    """The paths left to do last time, in order; none (not an error) when the file is missing or damaged."""
    p = path or queue_path()
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []  # none yet, or a damaged file: start empty (the results themselves are in the store)
    files = data.get("files") if isinstance(data, dict) else None
    return [f for f in files if isinstance(f, str)] if isinstance(files, list) else []


def save_queue(files: list[str], path: Path | None = None) -> None:
    write_atomically(path or queue_path(), json.dumps({"files": files}, indent=2))


class JobQueue:
    """The files in order. `save` is given the paths still to do whenever that list changes (None: not kept)."""

    def __init__(self, save: Callable[[list[str]], None] | None = save_queue) -> None:
        self.jobs: list[Job] = []
        self.paused = False  # no job starts while paused
        self._save = save
        self._saved: list[str] | None = None
        self._frozen = False
        self._next_id = 1

    def __iter__(self):  # noqa: ANN204
        return iter(self.jobs)

    def __len__(self) -> int:
        return len(self.jobs)

    def get(self, job_id: int) -> Job | None:
        return next((j for j in self.jobs if j.id == job_id), None)

    def _new(self, path: str) -> Job:
        job = Job(self._next_id, path)
        self._next_id += 1
        self.jobs.append(job)
        return job

    def add(self, paths: Iterable[str]) -> tuple[list[Job], list[str]]:
        """Files and folders (their transcripts) to the end of the line. A file already in line is not added
        twice. Returns the new jobs and the paths skipped as not transcripts."""
        files, skipped = expand_paths(list(paths))
        in_line = {j.path for j in self.jobs if j.state in UNFINISHED}
        new = []
        for f in files:
            if f not in in_line:
                in_line.add(f)
                new.append(self._new(f))
        self.persist()
        return new, skipped

    def add_result(self, path: str, result: Result, partial: bool, run: str | None = None) -> Job:
        """A finished result (from the history) shown as a job of its own; nothing runs for it."""
        job = self._new(path)
        job.run = run
        job.result, job.summary, job.chapters = result, result.summary, list(result.chapters)
        job.state = JobState.STOPPED if partial else JobState.DONE
        return job

    def reorder(self, ids: list[int]) -> None:
        order = {job_id: n for n, job_id in enumerate(ids)}
        self.jobs.sort(key=lambda j: order.get(j.id, len(order)))
        self.persist()

    def next_waiting(self, busy: Collection[Job] = ()) -> Job | None:
        """The first job waiting in line but those in `busy` (a paused job whose run is still ending); none while
        the queue is paused."""
        if self.paused:
            return None
        return next((j for j in self.jobs if j.state == JobState.WAITING and j not in busy), None)

    def waiting(self) -> list[Job]:
        return [j for j in self.jobs if j.state == JobState.WAITING]

    def stop_waiting(self) -> list[Job]:
        """Stop stops the line too: every job still waiting becomes stopped (Summarize starts one again)."""
        stopped = self.waiting()
        for j in stopped:
            j.state = JobState.STOPPED
        self.persist()
        return stopped

    def release_needs_model(self) -> list[Job]:
        """A model is there: the jobs that were waiting for one go back in line."""
        back = [j for j in self.jobs if j.state == JobState.NEEDS_MODEL]
        for j in back:
            j.state = JobState.WAITING
        return back

    def to_do(self) -> list[str]:
        return [j.path for j in self.jobs if j.state in UNFINISHED and j.result is None]

    def persist(self) -> None:
        """Record the files still to do, in order, when that list changed."""
        if self._frozen or self._save is None:
            return
        files = self.to_do()
        if files != self._saved:
            try:
                self._save(files)
                self._saved = files
            except OSError as e:
                log.warning("queue not saved: %s", e)

    def freeze(self) -> None:
        """From now on the record stays as it is (while closing: what was unfinished stays to do next time)."""
        self._frozen = True
