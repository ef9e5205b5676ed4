"""The model download against a real HTTP server on loopback that speaks the Hugging Face "resolve" protocol
(HEAD with X-Repo-Commit / ETag / Content-Length, GET with Range), serving a generated GGUF. Nothing outside
127.0.0.1 is contacted. The one stand-in is the disk's free space (a test can't fill this machine's disk)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from app.engine import download as dl
from app.engine.download import Download, Offer
from tests.helpers import FILE, REPO, Hub

pytest.importorskip("huggingface_hub", reason="huggingface_hub is not installed")


@pytest.fixture
def hub(tiny_model: Path) -> Any:
    h = Hub(tiny_model.read_bytes() * 16)  # ~7 MB, 7 progress steps: long enough to pause in the middle
    yield h
    h.close()


def offer(sha256: str | None = None) -> Offer:
    return Offer(REPO, FILE, "Tiny", 0, "MIT", "for tests", sha256)


def poll(d: Download, timeout: float = 120) -> list[tuple[str, int, int | None, int, float]]:
    """Poll `progress()` every 10 ms, as the window's timer does, until the download ends: one
    (status, done_bytes, total_bytes, verified_bytes, seconds the call took) per call."""
    calls = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        t0 = time.perf_counter()
        s = d.progress()
        calls.append((s.status, s.done_bytes, s.total_bytes, s.verified_bytes, time.perf_counter() - t0))
        if not s.active:
            return calls
        time.sleep(0.01)
    raise AssertionError(f"the download did not end within {timeout} s: {calls[-1]}")


def statuses(calls: list[tuple[Any, ...]]) -> list[str]:
    out: list[str] = []
    for c in calls:
        if not out or out[-1] != c[0]:
            out.append(c[0])
    return out


def test_download_with_progress_writes_the_file_whole(hub: Hub, tmp_path: Path) -> None:
    size = len(hub.data)
    hub.hold_at = size // 2  # the server waits there until the test has seen the bytes move
    d = Download(offer(), tmp_path / "models", endpoint=hub.endpoint)
    d.start()
    calls = [(d.state.status, d.state.done_bytes, d.state.total_bytes, 0, 0.0)]
    deadline = time.monotonic() + 60
    while not hub.release.is_set() and time.monotonic() < deadline:
        s = d.progress()
        calls.append((s.status, s.done_bytes, s.total_bytes, s.verified_bytes, 0.0))
        if s.status == "downloading" and s.done_bytes > 0:
            hub.release.set()
        assert s.active, s.error
        time.sleep(0.01)
    calls += poll(d)
    assert d.state.status == "done", d.state.error
    # every status the child went through was reported, in order (progress() stops reading at each change)
    assert statuses(calls) == ["checking", "downloading", "verifying", "done"]
    done = [c[1] for c in calls]
    assert done == sorted(done) and done[-1] == size  # bytes only ever grow, and end at the whole file
    moving = [c for c in calls if c[0] == "downloading" and 0 < c[1] < size]
    assert moving and all(c[2] == size for c in moving)  # seen mid-transfer, with the server's size
    verifying = [c for c in calls if c[0] == "verifying"]
    assert all(c[1] == size and 0 <= c[3] <= size for c in verifying)
    assert Path(d.state.path or "").read_bytes() == hub.data
    assert d.state.total_bytes == size
    assert not d.part.exists()  # renamed when complete, nothing left over


def test_verifying_a_large_file_never_stalls_the_poller(tmp_path: Path) -> None:
    """The checksum of the whole file (~1 GB for the real model) is computed away from the thread that polls
    `progress()` (the GUI thread, from a 10 ms timer): no call takes over 50 ms while the file is verified.
    256 MB of zeros: SHA-256 of it takes 0.1-0.5 s, as long to hash as any other 256 MB."""
    size = 256 * 2**20
    hub = Hub(bytes(size))
    hub.chunk = 2**20
    try:
        d = Download(offer(), tmp_path / "models", endpoint=hub.endpoint)
        d.start()
        calls = poll(d)
    finally:
        hub.close()
    assert d.state.status == "done", d.state.error
    names = [c[0] for c in calls]
    # from the first "verifying" (or, were there none, the call that returned "done") to the end
    during = calls[names.index("verifying") if "verifying" in names else -1 :]
    slowest = max(c[4] for c in during)
    assert slowest < 0.05, f"a progress() call took {slowest * 1000:.0f} ms while the file was verified"
    assert "verifying" in names, statuses(calls)
    hashed = [c[3] for c in during if c[0] == "verifying"]
    assert hashed == sorted(hashed) and hashed[-1] <= size
    assert d.target.stat().st_size == size and not d.part.exists()


def wait_for_bytes(d: Download, timeout: float = 60) -> None:
    """Poll until the child reports bytes received and some are in the partial file on disk (the report can
    come before the child's write reaches the file); the server holds the rest back meanwhile."""
    deadline = time.monotonic() + timeout
    while d.progress().done_bytes == 0 or not (d.part.exists() and d.part.stat().st_size > 0):
        assert d.state.active and time.monotonic() < deadline, (d.state.status, d.state.error)
        time.sleep(0.01)


def test_pause_then_resume_continues_from_the_partial_file(hub: Hub, tmp_path: Path) -> None:
    hub.hold_at = (
        len(hub.data) // 2
    )  # the server stops there: the pause lands mid-transfer, whatever the speed
    d = Download(offer(), tmp_path / "models", endpoint=hub.endpoint)
    d.start()
    wait_for_bytes(d)
    d.pause()
    assert d.state.status == "paused"
    assert 0 < d.part.stat().st_size <= len(hub.data) // 2
    assert not d.target.exists()  # no file under the final name until it is whole
    hub.release.set()
    d.start()
    assert d.wait(120).status == "done", d.state.error
    assert d.target.read_bytes() == hub.data
    assert hub.ranges[0] == 0 and hub.ranges[-1] > 0  # the second request resumed, not restarted


def test_cancel_deletes_the_partial_file(hub: Hub, tmp_path: Path) -> None:
    hub.hold_at = len(hub.data) // 2
    d = Download(offer(), tmp_path / "models", endpoint=hub.endpoint)
    d.start()
    wait_for_bytes(d)
    assert d.part.stat().st_size > 0
    d.cancel()
    assert d.state.status == "cancelled"
    assert not d.part.exists() and not d.target.exists()


def test_checksum_mismatch_deletes_the_file_and_says_so(hub: Hub, tmp_path: Path) -> None:
    d = Download(offer(sha256="0" * 64), tmp_path / "models", endpoint=hub.endpoint)
    d.start()
    s = d.wait(120)
    assert s.status == "failed" and "checksum" in (s.error or "") and "deleted" in (s.error or "")
    assert not d.target.exists() and not d.part.exists()


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
    d = Download(offer(), tmp_path / "models", endpoint=hub.endpoint)
    d.start()
    s = d.wait(120)
    assert s.status == "failed" and "GB free" in (s.error or "")
    assert not d.target.exists()
