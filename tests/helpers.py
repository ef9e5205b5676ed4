"""What tests share besides fixtures (those are in conftest.py): paths to the test data and the shared seeds,
and waiting on the qasync loop. Test modules import from here, never from one another."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
SEED_000 = SEEDS / "000_33af36d82867e4b0.txt"
SEED_003 = SEEDS / "003_89ecf7e1a8feb40e.txt"
DATA = Path(__file__).resolve().parent / "data"

needs_seeds = pytest.mark.skipif(
    not SEED_000.exists(), reason="../shared/seeds is absent (a fresh clone without the shared folder)"
)


def run_until(loop: asyncio.AbstractEventLoop, predicate: Callable[[], bool], timeout: float = 30.0) -> float:
    """Process Qt events (and with them the qasync loop's callbacks) until predicate() is true.
    Returns the seconds it took; fails the test on timeout."""
    from PySide6.QtCore import QCoreApplication, QEventLoop

    start = time.perf_counter()
    while not predicate():
        if time.perf_counter() - start > timeout:
            raise AssertionError(f"condition not reached within {timeout} s")
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 2)
        time.sleep(0.001)
    return time.perf_counter() - start


def run_coro(loop: asyncio.AbstractEventLoop, coro, timeout: float = 30.0):  # noqa: ANN001, ANN201
    task = loop.create_task(coro)
    run_until(loop, task.done, timeout)
    return task.result()


# ---- the window, driven like a user would ---------------------------------------------------------------------


def fast_options():  # noqa: ANN201
    """Short answers: the window tests are about the window, not the text (the quality benchmark is)."""
    from app.summarize import Options

    return Options(summary_max_tokens=160, notes_max_tokens=80)


def drag_enter(window, *paths: Path):  # noqa: ANN001, ANN201
    """Files dragged over the window, as a file manager does it; the event tells whether they were accepted.
    Returns (event, mime data)."""
    from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
    from PySide6.QtGui import QDragEnterEvent
    from PySide6.QtWidgets import QApplication

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    enter = QDragEnterEvent(
        QPoint(50, 50),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, enter)
    return enter, mime


def drop(window, *paths: Path) -> None:  # noqa: ANN001
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtGui import QDropEvent
    from PySide6.QtWidgets import QApplication

    enter, mime = drag_enter(window, *paths)
    assert enter.isAccepted()
    ev = QDropEvent(
        QPointF(50, 50),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, ev)


REV = [
    ("Speaker 1", "00:00", "Hello and welcome to the show. Today we talk about rust."),
    ("Speaker 2", "00:15", "Thanks for having me. Rust is great for systems work."),
    ("Speaker 1", "01:02", "Let us move on to go and why people like it so much."),
    ("Speaker 2", "01:40", "Go is simple, and simple is what a team can read."),
]


def rev_docx(path: Path) -> Path:
    """Rev's Word export: a title, then "Speaker 1 (00:15):" and the paragraph, for each turn."""
    import docx  # python-docx, a test dependency: a real Word writer, independent of the reader

    d = docx.Document()
    d.add_heading("Interview with Jane", 1)
    for speaker, said_at, text in REV:
        d.add_paragraph(f"{speaker} ({said_at}):")
        d.add_paragraph(text)
    d.save(str(path))
    return path


def episodes(folder: Path, n: int) -> list[Path]:
    """n small SubRip files, each with its own host's name."""
    paths = []
    for i in range(n):
        p = folder / f"ep{i}.srt"
        p.write_text((DATA / "formats" / "subrip.srt").read_text().replace("Alice", f"Host{i}"))
        paths.append(p)
    return paths


# ---- the command line ---------------------------------------------------------------------------------------


def recap(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """`python -m app ARGS` in its own process, as a user runs `recap ARGS`."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=ROOT,
    )


# ---- the engine, recorded -------------------------------------------------------------------------------------


class Spy:
    """The real engine, with every request recorded (prompt length + output reserve vs. context)."""

    def __init__(self, engine: Any) -> None:
        self.e = engine
        self.requests: list[tuple[int, int]] = []

    def __getattr__(self, name: str):  # noqa: ANN204
        return getattr(self.e, name)

    async def stream(self, messages, *, max_tokens, grammar=None):  # noqa: ANN001, ANN201
        async for p in self.e.stream(messages, max_tokens=max_tokens, grammar=grammar):
            yield p
        self.requests.append((self.e.last_stats.prompt_tokens, max_tokens))


# ---- loopback servers: a model server, and a stand-in for huggingface.co -----------------------------------------


def free_port() -> int:
    """A TCP port nothing listens on now, on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serving(model: Path, log: Path) -> Iterator[str]:
    """llama-cpp-python's own OpenAI-compatible server (`python -m llama_cpp.server`) on a free loopback port,
    serving `model`; yields its address and ends the process afterwards."""
    port = free_port()
    proc = subprocess.Popen(  # stderr to a file, not a pipe: an unread pipe fills up and stalls the server
        [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1"]
        + ["--port", str(port), "--n_ctx", "4096"],
        stdout=subprocess.DEVNULL,
        stderr=open(log, "wb"),  # noqa: SIM115 (closed with the process)
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/v1/models", timeout=1).status_code == 200:
                    break
            if proc.poll() is not None:
                raise RuntimeError(log.read_text()[-2000:])
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()  # uvicorn waits for a running generation to end: kill it if it takes long
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


REPO, FILE = "someone/Tiny-GGUF", "tiny-q8_0.gguf"


class Hub:
    """A loopback server for one file, with switches for the faults the tests need."""

    def __init__(self, data: bytes, repo: str = REPO, file: str = FILE) -> None:
        self.data = data
        self.etag = hashlib.sha256(data).hexdigest()
        self.fail_head = False
        self.chunk = 16384  # bytes per write
        self.chunk_delay = 0.0  # seconds between chunks: slow enough to pause mid-transfer
        self.hold_at: int | None = None  # stop sending at this offset until `release` is set
        self.release = threading.Event()
        self.ranges: list[int] = []  # the start of every GET
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a: Any) -> None:
                pass

            def _headers(self, length: int, status: int = 200) -> None:
                self.send_response(status)
                self.send_header("X-Repo-Commit", "a" * 40)
                self.send_header("ETag", f'"{hub.etag}"')
                self.send_header("Content-Length", str(length))
                self.send_header("Accept-Ranges", "bytes")
                self.end_headers()

            def do_HEAD(self) -> None:  # noqa: N802
                if hub.fail_head:
                    self.send_error(500)
                elif not self.path.endswith(f"/{repo}/resolve/main/{file}"):
                    self.send_error(404)
                else:
                    self._headers(len(hub.data))

            def do_GET(self) -> None:  # noqa: N802
                if not self.path.endswith(f"/{repo}/resolve/main/{file}"):
                    self.send_error(404)
                    return
                start = 0
                rng = self.headers.get("Range")
                if rng and rng.startswith("bytes="):
                    start = int(rng[6:].split("-")[0])
                hub.ranges.append(start)
                body = memoryview(hub.data)[start:]
                self._headers(len(body), 206 if start else 200)
                try:
                    for i in range(0, len(body), hub.chunk):
                        if hub.hold_at is not None and start + i >= hub.hold_at:
                            hub.release.wait(60)
                        self.wfile.write(body[i : i + hub.chunk])
                        if hub.chunk_delay:
                            time.sleep(hub.chunk_delay)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
