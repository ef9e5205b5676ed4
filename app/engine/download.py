"""Download the recommended model, only when the user asks: the one network access Recap ever makes.

The transfer is huggingface_hub's own HTTP code (`get_hf_file_metadata`, then `http_get` with a resume offset):
the file is written as `<name>.part`, appended to after a pause, and renamed only when complete. (Not
`hf_hub_download`: since huggingface_hub 2.x it writes a new process-unique temporary file on every call, so a
paused download would start over.) It runs in a child process so that Pause and Cancel take effect at once (a blocking
download in a thread can't be interrupted); progress comes back through a pipe from a tqdm stand-in that the
child hands to huggingface_hub. Before it starts: the file's size from the server, and the free disk space.
After it ends: the file's SHA-256 against the checksum the server published (the LFS ETag) and, for the
recommended model, the one written below; a mismatch deletes the file and says so.
Pure Python, no Qt: the window polls `progress()`.
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
    bytes_per_s: float = 0.0
    path: str | None = None
    error: str | None = None


def _child(
    repo: str, filename: str, revision: str | None, endpoint: str | None, dest: str, conn: Connection
) -> None:
    """Runs in the child process: metadata, then the transfer into `<file>.part` (appending to what an earlier,
    paused run left), then the rename; everything it knows goes up the pipe."""
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
        os.replace(part, target)
        conn.send(("done", str(target)))
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
        self._etag: str | None = None
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
        args = (self.offer.repo, self.offer.filename, self.revision, self.endpoint, str(self.dest), child)
        self._proc = ctx.Process(target=_child, args=args, daemon=True)
        self.state = State(
            status="checking", done_bytes=self.state.done_bytes, total_bytes=self.state.total_bytes
        )
        self._t0 = time.monotonic()
        self._start_bytes = self.state.done_bytes
        self._proc.start()
        child.close()

    def progress(self) -> State:
        """Read what the child said so far (never blocks)."""
        conn = self._conn
        while conn is not None and self.state.status in ("checking", "downloading"):
            try:
                if not conn.poll():
                    break
                msg = conn.recv()
            except (EOFError, OSError):
                self._ended_without_word()
                break
            self._handle(msg)
        child_gone = self._proc is not None and not self._proc.is_alive()
        if (
            self.state.status in ("checking", "downloading")
            and child_gone
            and (conn is None or not conn.poll())
        ):
            self._ended_without_word()
        return self.state

    def _handle(self, msg: tuple[Any, ...]) -> None:
        kind = msg[0]
        s = self.state
        if kind == "meta":
            size, self._etag = msg[1], msg[2]
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
        elif kind == "done":
            self._finish(Path(msg[1]))
        elif kind == "error":
            s.status = "failed"
            s.error = _sentence(msg[1])

    def _finish(self, path: Path) -> None:
        s = self.state
        s.status = "verifying"
        expected = self.offer.sha256 or (self._etag if self._etag and len(self._etag) == 64 else None)
        if expected is not None:
            h = hashlib.sha256()
            with open(path, "rb") as f:
                for block in iter(lambda: f.read(4 * 2**20), b""):
                    h.update(block)
            if h.hexdigest() != expected:
                path.unlink(missing_ok=True)
                s.status = "failed"
                s.error = "The downloaded file was damaged (its checksum did not match), so it was deleted. Try again."
                return
        s.status = "done"
        s.path = str(path)
        s.done_bytes = path.stat().st_size

    def _ended_without_word(self) -> None:
        if self.state.status in ("checking", "downloading"):
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
        if self.state.status in ("checking", "downloading"):
            self.state.status = "paused"

    def cancel(self) -> None:
        """Stop now and delete the partial file."""
        self._stop_child()
        self.part.unlink(missing_ok=True)
        self.state = State(status="cancelled")

    def wait(self, timeout: float = 600) -> State:
        """Block until it ends (for the CLI and tests)."""
        end = time.monotonic() + timeout
        while self.progress().status in ("checking", "downloading") and time.monotonic() < end:
            time.sleep(0.02)
        if self.state.status in ("checking", "downloading"):
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
