"""The model controller without a window: engines from the one factory, the old one closed, tasks kept and
ended, discovery that replaces itself, and a download whose checksum never stalls the Qt thread."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from PySide6.QtCore import QTimer

from app.config import Config
from app.engine import LlamaEngine
from app.engine.download import RECOMMENDED
from app.ui.model_banner import ModelBanner
from app.ui.model_controller import ModelController
from tests.helpers import Hub, run_coro, run_until


def _recorder(c: ModelController) -> list[str]:
    seen: list[str] = []
    for name in ("replacing", "changed", "ready", "found", "message"):
        getattr(c, name).connect(lambda *a, n=name: seen.append(n))
    c.loading.connect(lambda on: seen.append(f"loading {on}"))
    return seen


def test_a_model_file_is_checked_loaded_and_the_old_engine_closed(aloop, tiny_model, tmp_path) -> None:  # noqa: ANN001
    c = ModelController(aloop, Config())
    seen = _recorder(c)
    bad = tmp_path / "x.gguf"
    bad.write_text("nope")
    assert not c.set_model(str(bad))
    assert c.engine is None and "not a GGUF" in (c.error or "") and seen == ["changed"]
    assert c.set_model(str(tiny_model))
    first = c.engine
    assert isinstance(first, LlamaEngine) and c.error is None and c.config.model_path == str(tiny_model)
    assert seen[1:4] == ["replacing", "changed", "ready"]  # a run on the old engine stops before the swap
    run_until(aloop, lambda: first.loaded and "loading False" in seen)
    assert c.set_model(str(tiny_model), remember=False)
    second = c.engine
    assert second is not first
    run_until(
        aloop, lambda: not first._thread.is_alive()
    )  # the old engine was closed (its model thread ended)
    run_coro(aloop, c.close())
    assert not second._thread.is_alive() and not c._tasks and not c._finishing


def test_the_factory_reads_the_settings(aloop, tiny_model) -> None:  # noqa: ANN001
    config = Config()
    config.set("threads", 1)
    config.set("n_ctx", 4096)
    c = ModelController(aloop, config)
    c.set_model(str(tiny_model))
    engine = c.engine
    assert isinstance(engine, LlamaEngine) and engine.n_threads == 1
    run_until(aloop, lambda: engine.loaded)
    assert engine.info is not None and engine.info.n_ctx == 4096
    run_coro(aloop, c.close())


def test_settings_saved_while_a_file_runs_apply_later(aloop, tiny_model) -> None:  # noqa: ANN001
    config = Config()
    config.model_path = str(tiny_model)
    c = ModelController(aloop, config)
    c.start()
    engine = c.engine
    seen = _recorder(c)
    c.settings_saved(busy=True)
    assert c.engine is engine and "message" in seen and "replacing" not in seen
    c.settings_saved(busy=False)
    assert c.engine is not engine and "replacing" in seen
    run_coro(aloop, c.close())


def test_a_load_stopped_by_stop_is_silent_and_the_next_load_loads(aloop, tiny_model) -> None:  # noqa: ANN001
    """Stop pressed while the model loads (the engine's stop() aborts the load): no error shown, the engine kept,
    and the next run's load() loads it."""
    c = ModelController(aloop, Config())
    seen = _recorder(c)
    assert c.set_model(str(tiny_model))
    engine = c.engine
    assert isinstance(engine, LlamaEngine)
    # stopped as its load begins, on the worker thread (the load task has not run yet: no race)
    engine.on_phase = lambda p: engine.stop() if p == "loading" else None
    (task,) = c._tasks
    run_until(aloop, lambda: task.done() and "loading False" in seen)
    assert task.exception() is None  # GenerationCancelled did not escape the controller's task
    assert c.engine is engine and c.error is None and not engine.loaded
    engine.on_phase = None
    run_coro(aloop, engine.load())
    assert engine.loaded
    run_coro(aloop, c.close())


def test_a_new_discovery_cancels_the_one_before(aloop) -> None:  # noqa: ANN001
    c = ModelController(aloop, Config())
    c.discover()
    first = c._discovery
    c.discover()
    assert first is not None and first is not c._discovery
    run_until(aloop, lambda: first.done())
    assert first.cancelled()
    run_until(aloop, lambda: c._discovery is not None and c._discovery.done())
    assert c.found_models == [] and not c._tasks  # an empty home: nothing found, nothing left running
    run_coro(aloop, c.close())


def test_the_download_is_verified_off_the_qt_thread(aloop, monkeypatch, tmp_path) -> None:  # noqa: ANN001
    """A heartbeat timer on the Qt thread keeps ticking while the downloaded file is verified: no gap over 50 ms
    (256 MB of zeros hash as slowly as any 256 MB; the real model is 1.1 GB). The banner says so meanwhile."""
    size = 256 * 2**20
    hub = Hub(b"GGUF" + bytes(size - 4), RECOMMENDED.repo, RECOMMENDED.filename)
    hub.chunk = 2**20
    monkeypatch.setenv("HF_ENDPOINT", hub.endpoint)
    c = ModelController(aloop, Config())
    banner = ModelBanner(c)
    states: list[tuple[float, str]] = []
    c.download.connect(lambda s: states.append((time.perf_counter(), s.status)))
    texts: list[str] = []
    c.download.connect(lambda s: texts.append(banner.text.text()))
    ticks: list[float] = []
    heartbeat = QTimer(interval=10)
    heartbeat.timeout.connect(lambda: ticks.append(time.perf_counter()))
    heartbeat.start()
    try:
        c.start_download()
        run_until(aloop, lambda: c.downloading is None or not c.downloading.state.active, timeout=120)
    finally:
        heartbeat.stop()
        hub.close()
        banner.deleteLater()
    assert [s for _, s in states][-1] == "done"
    # the file is then used (this one is zeros after its magic, so llama.cpp refuses it, with a sentence)
    assert (
        c.config.model_path.endswith(RECOMMENDED.filename)
        and Path(c.config.model_path).stat().st_size == size
    )
    verifying = [t for t, s in states if s == "verifying"]
    assert verifying and any("Verifying" in t for t in texts)
    done_at = next(t for t, s in states if s == "done")
    during = [t for t in ticks if verifying[0] <= t <= done_at]
    gaps = [b - a for a, b in zip(during, during[1:])]
    assert gaps and max(gaps) < 0.05, max(gaps)
    assert threading.current_thread() is threading.main_thread()
    run_coro(aloop, c.close())


def test_closing_pauses_a_download_and_keeps_its_partial_file(aloop, tiny_model, monkeypatch) -> None:  # noqa: ANN001
    hub = Hub(tiny_model.read_bytes() * 16, RECOMMENDED.repo, RECOMMENDED.filename)
    hub.hold_at = len(hub.data) // 2
    monkeypatch.setenv("HF_ENDPOINT", hub.endpoint)
    c = ModelController(aloop, Config())
    try:
        c.start_download()
        d = c.downloading
        assert d is not None
        # bytes reported and on disk (a report can come before the child's write reaches the file)
        run_until(aloop, lambda: d.state.done_bytes > 0 and d.part.exists() and d.part.stat().st_size > 0, 60)
        run_coro(aloop, c.close())
        assert d.state.status == "paused" and Path(d.part).stat().st_size > 0
    finally:
        hub.close()
