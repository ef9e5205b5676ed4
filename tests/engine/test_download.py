"""The model download against a real HTTP server on loopback that speaks the Hugging Face "resolve" protocol
(HEAD with X-Repo-Commit / ETag / Content-Length, GET with Range), serving a generated GGUF. Nothing outside
127.0.0.1 is contacted. The one stand-in is the disk's free space (a test can't fill this machine's disk)."""

from __future__ import annotations

import hashlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from app.engine import download as dl
from app.engine.download import Download, Offer

pytest.importorskip("huggingface_hub", reason="huggingface_hub is not installed")

REPO, FILE = "someone/Tiny-GGUF", "tiny-q8_0.gguf"


class Hub:
    """A loopback server for one file, with switches for the faults the tests need."""

    def __init__(self, data: bytes, repo: str = REPO, file: str = FILE) -> None:
        self.data = data
        self.etag = hashlib.sha256(data).hexdigest()
        self.fail_head = False
        self.chunk_delay = 0.0  # seconds between 16 kB chunks: slow enough to pause mid-transfer
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
                body = hub.data[start:]
                self._headers(len(body), 206 if start else 200)
                try:
                    for i in range(0, len(body), 16384):
                        self.wfile.write(body[i : i + 16384])
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
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hub(tiny_model: Path) -> Any:
    h = Hub(tiny_model.read_bytes() * 16)  # ~7 MB, 7 progress steps: long enough to pause in the middle
    yield h
    h.close()


def offer(sha256: str | None = None) -> Offer:
    return Offer(REPO, FILE, "Tiny", 0, "MIT", "for tests", sha256)


def test_download_with_progress_writes_the_file_whole(hub: Hub, tmp_path: Path) -> None:
    d = Download(offer(), tmp_path / "models", endpoint=hub.endpoint)
    d.start()
    seen: list[int] = []
    while d.progress().status in ("checking", "downloading"):
        seen.append(d.state.done_bytes)
        time.sleep(0.01)
    assert d.state.status == "done", d.state.error
    assert Path(d.state.path or "").read_bytes() == hub.data
    assert d.state.total_bytes == len(hub.data)
    assert not d.part.exists()  # renamed when complete, nothing left over


def test_pause_then_resume_continues_from_the_partial_file(hub: Hub, tmp_path: Path) -> None:
    hub.chunk_delay = 0.01
    d = Download(offer(), tmp_path / "models", endpoint=hub.endpoint)
    d.start()
    deadline = time.monotonic() + 60
    while d.progress().done_bytes < len(hub.data) // 4 and time.monotonic() < deadline:
        time.sleep(0.01)
    d.pause()
    assert d.state.status == "paused"
    assert 0 < d.part.stat().st_size < len(hub.data)
    assert not d.target.exists()  # no file under the final name until it is whole
    hub.chunk_delay = 0.0
    d.start()
    assert d.wait(120).status == "done", d.state.error
    assert d.target.read_bytes() == hub.data
    assert hub.ranges[0] == 0 and hub.ranges[-1] > 0  # the second request resumed, not restarted


def test_cancel_deletes_the_partial_file(hub: Hub, tmp_path: Path) -> None:
    hub.chunk_delay = 0.01
    d = Download(offer(), tmp_path / "models", endpoint=hub.endpoint)
    d.start()
    while d.progress().done_bytes == 0 and d.state.status in ("checking", "downloading"):
        time.sleep(0.01)
    d.cancel()
    assert d.state.status == "cancelled"
    assert not d.part.exists() and not d.target.exists()


def test_checksum_mismatch_deletes_the_file_and_says_so(hub: Hub, tmp_path: Path) -> None:
    d = Download(offer(sha256="0" * 64), tmp_path / "models", endpoint=hub.endpoint)
    d.start()
    s = d.wait(120)
    assert s.status == "failed" and "checksum" in (s.error or "")
    assert not d.target.exists()


def test_server_error_is_a_sentence(hub: Hub, tmp_path: Path) -> None:
    hub.fail_head = True
    d = Download(offer(), tmp_path / "models", endpoint=hub.endpoint)
    d.start()
    s = d.wait(120)
    assert s.status == "failed" and "server" in (s.error or "").lower()


def test_not_enough_disk_space_is_refused_before_downloading(
    hub: Hub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = dl.shutil.disk_usage

    def nearly_full(path: Any) -> Any:  # stand-in: a disk with 1 MB free
        u = real(path)
        return type(u)(u.total, u.total - 2**20, 2**20)

    monkeypatch.setattr(dl.shutil, "disk_usage", nearly_full)
    hub.chunk_delay = 0.01
    d = Download(offer(), tmp_path / "models", endpoint=hub.endpoint)
    d.start()
    s = d.wait(120)
    assert s.status == "failed" and "GB free" in (s.error or "")
    assert not d.target.exists()
