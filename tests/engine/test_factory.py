"""The one engine factory (app/engine/factory.py): which engine the settings and an explicit model give, with
which context, threads and GPU layers; real constructors (nothing loads, except where a test says so)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.config import Config
from app.engine import EngineError, LlamaEngine, fit
from app.engine.factory import default_gpu_layers, gpu_layers, make_engine, model_spec
from app.engine.hardware import physical_cores
from app.engine.openai_engine import OpenAIEngine

SERVER = "http://127.0.0.1:9"  # port 9 (discard): never contacted, nothing here loads


@pytest.fixture
def built() -> Iterator[list[Any]]:
    """Engines a test made, closed after it (each LlamaEngine has a worker thread)."""
    engines: list[Any] = []
    yield engines
    for e in engines:
        e.close_sync()


def make(built: list[Any], settings: Any, model: str | None = None, **kw: Any) -> Any:
    e = make_engine(settings, model, **kw)
    built.append(e)
    return e


def test_a_local_file_gets_the_settings_context_threads_and_gpu_layers(
    built: list[Any], tiny_model: Path
) -> None:
    e = make(built, {"n_ctx": 4096, "threads": 1, "gpu_layers": 0}, str(tiny_model))
    assert type(e) is LlamaEngine and e.model_path == str(tiny_model)
    assert (e._want_ctx, e.n_threads, e.n_gpu_layers) == (4096, 1, 0)

    async def load() -> Any:
        return await e.load()

    info = asyncio.run(load())  # what llama.cpp was given, read back from it
    assert info.n_ctx == 4096 and info.n_threads == 1


def test_the_arguments_win_over_the_settings(built: list[Any], tiny_model: Path) -> None:
    settings = {"n_ctx": 4096, "threads": 3, "gpu_layers": 7}
    e = make(built, settings, str(tiny_model), n_ctx=2048, threads=2)
    assert (e._want_ctx, e.n_threads, e.n_gpu_layers) == (2048, 2, 7)
    s = make(built, settings, f"server:{SERVER}", n_ctx=16384)
    assert type(s) is OpenAIEngine and s.n_ctx == 16384


def test_unset_settings_leave_the_engine_its_own_defaults(built: list[Any], tiny_model: Path) -> None:
    e = make(
        built, {"n_ctx": None, "threads": 0}, str(tiny_model)
    )  # what the Settings dialog saves for "Automatic"
    assert e._want_ctx is None  # fitted to the model and the free memory when it loads
    assert e.n_threads == physical_cores()
    assert e.n_gpu_layers == default_gpu_layers()


def test_a_server_spec_gives_the_server_engine_with_the_default_context(built: list[Any]) -> None:
    s = make(built, {}, f"server:{SERVER}/v1")
    assert type(s) is OpenAIEngine and s.base_url == SERVER and s.model_path == SERVER
    assert s.n_ctx == fit.DEFAULT_CTX == 8192
    assert make(built, {"n_ctx": 4096}, f"server:{SERVER}").n_ctx == 4096
    assert OpenAIEngine(SERVER).n_ctx == fit.DEFAULT_CTX  # the engine's own default is the same constant


def test_which_model_the_settings_name(built: list[Any], tiny_model: Path, tmp_path: Path) -> None:
    path = str(tiny_model)
    both = {"server_url": SERVER, "model_path": path}
    assert model_spec(both) == f"server:{SERVER}"  # a server, when set, is used instead of the file
    assert type(make(built, both)) is OpenAIEngine
    assert type(make(built, {"server_url": "  ", "model_path": path})) is LlamaEngine  # blank: no server
    explicit = str(tmp_path / "chosen.gguf")
    e = make(built, both, explicit)  # the file the user just chose (or --model) wins over both
    assert type(e) is LlamaEngine and e.model_path == explicit
    assert model_spec({"model_path": ""}) is None and model_spec({}) is None


def test_the_users_config_file_is_read(built: list[Any], tiny_model: Path) -> None:
    c = Config()  # the test's own settings folder (conftest)
    c.model_path = str(tiny_model)
    c.set("threads", 2)
    c.set("n_ctx", 4096)
    e = make(built, Config())  # read back from the file, as the CLI and the window read it
    assert type(e) is LlamaEngine and e.model_path == str(tiny_model)
    assert (e._want_ctx, e.n_threads) == (4096, 2)
    c.set("server_url", SERVER)
    assert type(make(built, Config())) is OpenAIEngine


def test_no_model_is_a_sentence() -> None:
    with pytest.raises(EngineError, match=r"^No model is chosen: choose a GGUF model file in Settings"):
        make_engine({})
    with pytest.raises(EngineError, match=r"^No model is chosen"):
        make_engine(Config())
    with pytest.raises(EngineError, match="address is empty"):
        make_engine({}, "server: ")


@pytest.mark.parametrize("gpu_build", [True, False], ids=["gpu-build", "cpu-build"])
def test_settings_dialog_and_factory_agree_on_gpu_layers(
    gpu_build: bool, qtbot: Any, monkeypatch: pytest.MonkeyPatch, built: list[Any], tiny_model: Path
) -> None:
    from app.ui import settings_dialog
    from app.ui.settings_dialog import SettingsDialog

    # stand-in: whether the installed llama.cpp has a GPU backend (this machine's has what it has)
    monkeypatch.setattr(fit, "gpu_offload_supported", lambda: gpu_build)
    monkeypatch.setattr(settings_dialog, "gpu_offload_supported", lambda: gpu_build)
    c = Config()
    assert default_gpu_layers() == (-1 if gpu_build else 0)
    for saved in (None, 0, 5):
        if saved is not None:
            c.set("gpu_layers", saved)
        d = SettingsDialog(c)
        qtbot.addWidget(d)
        e = make(built, c, str(tiny_model))
        want = saved if saved is not None else (-1 if gpu_build else 0)
        assert d.gpu.value() == e.n_gpu_layers == gpu_layers(c) == want, saved
        assert d.gpu.isEnabled() == gpu_build
