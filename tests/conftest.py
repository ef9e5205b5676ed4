"""Shared fixtures: generated GGUF models (real llama.cpp path), an isolated config dir, a qasync loop.

Every test gets its own RECAP_CONFIG_DIR, RECAP_DATA_DIR and an empty HOME, so nothing reads or writes the
developer's settings, results or models. Models are built
once per test session by tests/make_model.py into pytest's cache folder, keyed by that script's content.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tests.helpers import run_until


def _model(request: pytest.FixtureRequest, name: str, **kw: object) -> Path:
    from tests.make_model import make_model

    script = (Path(__file__).parent / "make_model.py").read_bytes()
    key = hashlib.sha256(script + repr(sorted(kw.items())).encode()).hexdigest()[:12]
    folder = Path(request.config.cache.mkdir("recap-models"))
    path = folder / f"{name}-{key}.gguf"
    if not path.exists():
        make_model(path, **kw)  # type: ignore[arg-type]
    return path


@pytest.fixture(scope="session")
def tiny_model(request: pytest.FixtureRequest) -> Path:
    """A 2-layer random-weight qwen2 model (~0.5 MB): real llama.cpp, gibberish text, stops on its own."""
    return _model(request, "tiny", shape="tiny")


@pytest.fixture(scope="session")
def endless_model(request: pytest.FixtureRequest) -> Path:
    """The tiny model, made never to emit end-of-generation: it writes until its output cap."""
    return _model(request, "tiny-endless", shape="tiny", eog="never")


@pytest.fixture(scope="session")
def silent_model(request: pytest.FixtureRequest) -> Path:
    """The tiny model, made to emit end-of-generation as its first token: it never writes anything."""
    return _model(request, "tiny-silent", shape="tiny", eog="always")


@pytest.fixture(scope="session")
def slow_model(request: pytest.FixtureRequest) -> Path:
    """A 6-layer model that takes about a second for a 3k-token prompt here and never stops by itself:
    for Stop during prompt evaluation and during generation."""
    return _model(request, "small-endless", shape="small", eog="never")


@pytest.fixture(autouse=True)
def isolated_config(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path_factory.mktemp("config")
    monkeypatch.setenv("RECAP_CONFIG_DIR", str(d))
    monkeypatch.setenv("RECAP_DATA_DIR", str(d / "data"))
    monkeypatch.delenv("RECAP_MODEL", raising=False)
    # Model discovery searches the home folder (LM Studio, Ollama, ...): an empty one, so what a test finds is
    # what it planted, never the developer's downloads.
    home = d / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for var in ("HF_HOME", "HF_HUB_CACHE", "OLLAMA_MODELS", "XDG_DATA_HOME", "LOCALAPPDATA", "APPDATA"):
        monkeypatch.delenv(var, raising=False)
    return d


@pytest.fixture(autouse=True)
def nothing_left_behind(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail a test that leaves one of Recap's threads (`recap-*`: the model, a server stream), an active
    QTimer or a top-level widget alive after its fixtures have ended (napari's suite does the same)."""
    import threading
    import weakref

    threads = set(threading.enumerate())
    timers: list[weakref.ref[Any]] = []
    widgets: set[int] = set()
    qt = "PySide6.QtCore" in sys.modules
    if qt:
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication

        start = QTimer.start

        def tracked_start(self: Any, *args: Any) -> None:
            timers.append(weakref.ref(self))
            start(self, *args)

        QTimer.start = tracked_start  # type: ignore[method-assign]
        app = QApplication.instance()
        widgets = {id(w) for w in app.topLevelWidgets()} if isinstance(app, QApplication) else set()
    try:
        yield
    finally:
        if qt:
            QTimer.start = start  # type: ignore[method-assign]
    left = []
    deadline = time.monotonic() + 10  # a model thread ends within moments of close(); a hang would not
    while time.monotonic() < deadline:
        alive = [
            t
            for t in threading.enumerate()
            if t not in threads and t.name.startswith("recap-") and t.is_alive()
        ]
        if not alive:
            break
        time.sleep(0.02)
    left += [f"thread {t.name}" for t in alive]
    if qt:
        import shiboken6
        from PySide6.QtCore import QCoreApplication, QEvent
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance()
        if isinstance(app, QApplication):
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # what deleteLater() asked
            left += [
                f"widget {type(w).__name__} “{w.windowTitle()}”"
                for w in app.topLevelWidgets()
                if id(w) not in widgets and shiboken6.isValid(w)
            ]
        for ref in timers:
            t = ref()
            if t is not None and shiboken6.isValid(t) and t.isActive():
                left.append(f"active QTimer (interval {t.interval()} ms, parent {type(t.parent()).__name__})")
    assert not left, "left behind: " + "; ".join(left)


@pytest.fixture
def aloop(qapp) -> Iterator[asyncio.AbstractEventLoop]:  # noqa: ANN001
    """A qasync loop on pytest-qt's QApplication, marked as running (as it is inside the app), so that Qt
    events processed by the test (qtbot, run_until) also run asyncio callbacks. Tests stay synchronous and
    wait with `run_until`; nothing nests an event loop inside a coroutine."""
    import qasync

    loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(loop)
    yield loop
    pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for t in pending:
        t.cancel()
    if pending:
        run_until(loop, lambda: all(t.done() for t in pending), timeout=10)
    loop._after_run_forever()  # what run_forever does on exit: the loop is no longer running
    asyncio.events._set_running_loop(None)
    loop.stop()
    loop.close()
    asyncio.set_event_loop(None)


@pytest.fixture(scope="session")
def smollm2() -> Path:
    """SmolLM2-135M-Instruct, the suite's real instruct model (tests/real_model.py); skips where it can't be had."""
    from tests.real_model import Unavailable, smollm2

    try:
        path = smollm2()
    except Unavailable as e:
        pytest.skip(str(e))
    _first_prompt_survives(path)
    return path


_EIGHT_TOKENS = r"""
import sys, llama_cpp
llm = llama_cpp.Llama(sys.argv[1], n_ctx=256, verbose=False)
llm.eval(llm.tokenize(b"The quick brown fox jumps over the lazy dog", add_bos=False)[:8])
"""


def _first_prompt_survives(model: Path) -> None:
    """A prompt of eight tokens through the installed llama.cpp, in a child process: a build whose CPU code the
    machine cannot run (AMX on a virtual machine that does not enable it) crashes on it, and would take the whole
    test session down with it in the first real-model test. Stops the session with the reason instead."""
    import subprocess

    r = subprocess.run([sys.executable, "-c", _EIGHT_TOKENS, str(model)], capture_output=True, text=True)
    if r.returncode < 0:
        pytest.exit(
            f"llama.cpp died (signal {-r.returncode}) on an 8-token prompt with {model.name}: the installed "
            "llama-cpp-python was built for CPU features this machine cannot run. Rebuild it as the README's test "
            'command does (CMAKE_ARGS="-DGGML_NATIVE=OFF", after `pip cache remove llama_cpp_python`).',
            returncode=3,
        )
