"""Both engines have the face the pipeline and the window use (app/engine/protocol.py). mypy checks it
statically (protocol.py, factory.py); this checks the same at run time, on real instances, and that the
coroutines are coroutines and the stream an async generator on both."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.engine import Engine, LlamaEngine
from app.engine.openai_engine import OpenAIEngine

members = {n for n in [*vars(Engine), *Engine.__annotations__] if not n.startswith("_")}


@pytest.fixture(params=["local", "server"])
def engine(request: pytest.FixtureRequest, tiny_model: Path) -> Iterator[LlamaEngine | OpenAIEngine]:
    if request.param == "local":
        e: LlamaEngine | OpenAIEngine = LlamaEngine(tiny_model)
    else:
        e = OpenAIEngine("http://127.0.0.1:9")  # never contacted: nothing here loads
    yield e
    e.close_sync()


def test_the_protocol_names_what_the_pipeline_uses() -> None:
    assert members == {
        "model_path",
        "info",
        "last_stats",
        "phase",
        "loaded",
        "slots",
        "n_ctx",
        "load",
        "close",
        "count_tokens",
        "count_prompt",
        "stream",
        "stop",
    }


def test_each_engine_has_every_member(engine: LlamaEngine | OpenAIEngine) -> None:
    missing = set()
    for name in members:
        try:
            inspect.getattr_static(engine, name)
        except AttributeError:
            missing.add(name)
    assert not missing, f"{type(engine).__name__} lacks {missing}"
    for name in ("load", "close", "count_tokens", "count_prompt"):
        assert inspect.iscoroutinefunction(getattr(engine, name)), name
    assert inspect.isasyncgenfunction(engine.stream)
    assert engine.phase == "idle" and engine.info is None and not engine.loaded
    assert isinstance(engine.model_path, str)
