"""Download the recommended model, only when the user asks: the one network access Recap ever makes.

The transfer is huggingface_hub's own HTTP code (`get_hf_file_metadata`, then `http_get` with a resume offset):
the file is written as `<name>.part`, appended to after a pause, and renamed only when complete. (Not
`hf_hub_download`: since huggingface_hub 2.x it writes a new process-unique temporary file on every call, so a
paused download would start over.) It runs in a child process so that Pause and Cancel take effect at once (a blocking
download in a thread can't be interrupted); progress comes back through a pipe from a tqdm stand-in that the
child hands to huggingface_hub. Before it starts: the file's size from the server, and the free disk space.
After the transfer, still in the child (status "verifying", with its own progress): the file's SHA-256 against
the checksum the server published (the LFS ETag) or, when the offer has one, the checksum written there; the
file gets its final name only when it matches, and a mismatch deletes it and says so.
Pure Python, no Qt: the window polls `progress()` from a timer on the GUI thread, so `progress()` only reads
what the child sent (and, once, checks the free disk space); hashing a gigabyte never happens in that thread.
"""

from __future__ import annotations

import hashlib
import multiprocessing as mp
import shutil
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from .errors import EngineError

SPACE_MARGIN = 200 * 2**20  # keep this much free beyond the file itself
PROGRESS_CHUNK = 2**20
VERIFY_CHUNK = 4 * 2**20  # hashed per read, and a "verifying" report after each
ACTIVE = ("checking", "downloading", "verifying")  # the child is at work
DAMAGED = "The downloaded file was damaged (its checksum did not match), so it was deleted. Try again."


@dataclass(frozen=True)
class Offer:
    repo: str
    filename: str
    name: str
    size_bytes: int  # approximate, for the offer's text; the server's figure is used for the checks
    license: str
    why: str
    sha256: str | None = None  # when known; otherwise the server's published checksum is used


RECOMMENDED = Offer(
    repo="Qwen/Qwen2.5-1.5B-Instruct-GGUF",
    filename="qwen2.5-1.5b-instruct-q4_k_m.gguf",
    name="Qwen2.5 1.5B Instruct (Q4_K_M)",
    size_bytes=1_117_320_736,
    license="Apache-2.0",
    why=(
        "A small instruct model that follows summarizing instructions well, writes 29 languages, and reads a "
        "32,768-token context; at 1.1 GB it runs on a laptop CPU at reading speed."
    ),
)


@dataclass
class State:
    status: str = "idle"  # idle | checking | downloading | verifying | done | paused | cancelled | failed
    done_bytes: int = 0
    total_bytes: int | None = None
    verified_bytes: int = 0  # while verifying: how much of the file has been hashed
    bytes_per_s: float = 0.0
    path: str | None = None
    error: str | None = None

    @property
    def active(self) -> bool:
        """The child is at work (checking, downloading or verifying): keep polling."""
        return self.status in ACTIVE


def _verify(part: Path, expected: str, conn: Connection) -> bool:
    """SHA-256 of the whole file against `expected`, reporting its progress up the pipe."""
    size = part.stat().st_size
    conn.send(("verifying", 0, size))
    h = hashlib.sha256()
    done = 0
    with open(part, "rb") as f:
        for block in iter(lambda: f.read(VERIFY_CHUNK), b""):
            h.update(block)
            done += len(block)
            conn.send(("verifying", done, size))
    return h.hexdigest() == expected.lower()


def _child(
    repo: str,
    filename: str,
    revision: str | None,
    endpoint: str | None,
    dest: str,
    sha256: str | None,
    conn: Connection,
) -> None:
    """Runs in the child process: metadata, then the transfer into `<file>.part` (appending to what an earlier,
    paused run left), then the checksum, then the rename; everything it knows goes up the pipe."""
    try:
        import os

        from huggingface_hub import constants, get_hf_file_metadata, hf_hub_url
        from huggingface_hub.file_download import http_get
        from tqdm.auto import tqdm

        constants.DOWNLOAD_CHUNK_SIZE = PROGRESS_CHUNK  # progress every MB (its default, 10 MB, looks stuck)
        url = hf_hub_url(repo, filename, revision=revision, endpoint=endpoint)
        meta = get_hf_file_metadata(url, endpoint=endpoint)
        conn.send(("meta", meta.size, meta.etag))
        if conn.poll(5) and conn.recv() != "go":  # the parent checks the disk space first
            return
        target = Path(dest) / filename
        part = target.with_name(target.name + ".part")

        class Report(tqdm):  # type: ignore[misc, type-arg]
            def __init__(self, *a: Any, **kw: Any) -> None:
                kw["disable"] = False
                kw["file"] = open(os.devnull, "w")  # noqa: SIM115 (tqdm owns it)
                super().__init__(*a, **kw)
                conn.send(("start", int(self.n or 0), self.total))

            def update(self, n: float | None = 1) -> bool | None:
                r = super().update(n)
                conn.send(("bytes", int(self.n), self.total))
                return r

        with open(part, "ab") as f:
            resume = f.tell()
            if meta.size is None or resume < meta.size:
                http_get(meta.location, f, resume_size=resume, expected_size=meta.size, tqdm_class=Report)
        etag = meta.etag if meta.etag and len(meta.etag) == 64 else None  # an LFS file's ETag is its SHA-256
        expected = sha256 or etag
        if expected is not None and not _verify(part, expected, conn):
            part.unlink(missing_ok=True)
            conn.send(("damaged",))
            return
        os.replace(part, target)
        conn.send(("done", str(target), target.stat().st_size))
    except Exception as e:  # every failure goes up as a sentence
        conn.send(("error", f"{type(e).__name__}: {e}"))


class Download:
    """One download of one file; `start()`, then poll `progress()`; `pause()`, `cancel()`, `start()` again."""

    def __init__(
        self, offer: Offer, dest: Path, endpoint: str | None = None, revision: str | None = None
    ) -> None:
        self.offer = offer
        self.dest = Path(dest)
        self.endpoint = endpoint
        self.revision = revision
        self.state = State()
        self._proc: Any = None
        self._conn: Connection | None = None
        self._t0 = 0.0
        self._start_bytes = 0

    @property
    def target(self) -> Path:
        return self.dest / self.offer.filename

    @property
    def part(self) -> Path:
        """The file while it is being written: renamed to `target` only when whole."""
        return self.dest / (self.offer.filename + ".part")

    def start(self) -> None:
        if self._proc is not None and self._proc.is_alive():
            return
        self.dest.mkdir(parents=True, exist_ok=True)
        ctx = mp.get_context("spawn")  # a clean child: no Qt, no llama.cpp thread copied into it
        parent, child = ctx.Pipe()  # both ways: the parent answers "go" once it has checked the disk
        self._conn = parent
        o = self.offer
        args = (o.repo, o.filename, self.revision, self.endpoint, str(self.dest), o.sha256, child)
        self._proc = ctx.Process(target=_child, args=args, daemon=True)
        self.state = State(
            status="checking", done_bytes=self.state.done_bytes, total_bytes=self.state.total_bytes
        )
        self._t0 = time.monotonic()
        self._start_bytes = self.state.done_bytes
        self._proc.start()
        child.close()

    def progress(self) -> State:
        """What the child said so far. Never blocks and does no work of its own beyond reading the pipe: a GUI
        timer calls it. It stops reading at a change of status, so that every status the child reports
        ("verifying" included) is returned by at least one call."""
        conn = self._conn
        while conn is not None and self.state.status in ACTIVE:
            try:
                if not conn.poll():
                    break
                msg = conn.recv()
            except (EOFError, OSError):
                self._ended_without_word()
                break
            before = self.state.status
            self._handle(msg)
            if self.state.status != before:
                break
        child_gone = self._proc is not None and not self._proc.is_alive()
        if self.state.status in ACTIVE and child_gone and (conn is None or not conn.poll()):
            self._ended_without_word()
        return self.state

    def _handle(self, msg: tuple[Any, ...]) -> None:
        kind = msg[0]
        s = self.state
        if kind == "meta":
            size = msg[1]
            s.total_bytes = size
            free = shutil.disk_usage(self.dest).free
            have = self.part.stat().st_size if self.part.exists() else 0
            if size and free < size - have + SPACE_MARGIN:
                self._stop_child()
                s.status = "failed"
                s.error = (
                    f"{self.offer.name} needs {size / 2**30:.2f} GB and the disk has {free / 2**30:.2f} GB free. "
                    "Free some space and try again."
                )
                return
            s.status = "downloading"
            if self._conn is not None:
                self._conn.send("go")
        elif kind in ("start", "bytes"):
            s.status = "downloading"
            s.done_bytes = msg[1]
            if msg[2]:
                s.total_bytes = int(msg[2])
            if kind == "start":
                self._start_bytes = s.done_bytes
                self._t0 = time.monotonic()
            dt = time.monotonic() - self._t0
            if dt > 0.2:
                s.bytes_per_s = (s.done_bytes - self._start_bytes) / dt
        elif kind == "verifying":
            s.status = "verifying"
            s.verified_bytes = msg[1]
            s.done_bytes = s.total_bytes = msg[2]
        elif kind == "damaged":
            s.status = "failed"
            s.error = DAMAGED
        elif kind == "done":
            s.status = "done"
            s.path = msg[1]
            s.done_bytes = msg[2]
        elif kind == "error":
            s.status = "failed"
            s.error = _sentence(msg[1])

    def _ended_without_word(self) -> None:
        if self.state.status in ACTIVE:
            self.state.status = "failed"
            self.state.error = "The download stopped unexpectedly. Try again; it resumes where it stopped."

    def _stop_child(self) -> None:
        if self._proc is not None and self._proc.is_alive():
            self._proc.terminate()
            self._proc.join(5)
        self._proc = None

    def pause(self) -> None:
        """Stop now; the partial file stays, and `start()` resumes from it."""
        self._stop_child()
        if self.state.status in ACTIVE:
            self.state.status = "paused"

    def cancel(self) -> None:
        """Stop now and delete the partial file."""
        self._stop_child()
        self.part.unlink(missing_ok=True)
        self.state = State(status="cancelled")

    def wait(self, timeout: float = 600) -> State:
        """Block until it ends (for the CLI and tests)."""
        end = time.monotonic() + timeout
        while self.progress().status in ACTIVE and time.monotonic() < end:
            time.sleep(0.02)
        if self.state.status in ACTIVE:
            raise EngineError("The download took too long.")
        return self.state


def _sentence(detail: str) -> str:
    if "404" in detail or "EntryNotFound" in detail or "RepositoryNotFound" in detail:
        return "The model file was not found on the server."
    if any(k in detail for k in ("ConnectError", "ConnectionError", "Connection refused", "NameResolution")):
        return "Recap could not reach the server. Check the internet connection and try again."
    if any(code in detail for code in ("500", "502", "503", "504")):
        return "The server had a problem (a server error). Try again later."
    return f"The download failed ({detail[:200]})."
