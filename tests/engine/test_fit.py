"""Fitting a model to the machine: context from the trained one and free memory; a model that can't fit is
refused with a sentence before llama.cpp loads it. The machine's free memory is the one stand-in here (a test
can't shrink this machine's RAM): `available=` is passed, or `fit.available_memory` replaced, and named so."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from app.engine import EngineError, LlamaEngine, fit
from app.engine.gguf_header import read_header


def test_kv_cache_per_token_from_the_header(tiny_model: Path) -> None:
    h = read_header(tiny_model)
    # tiny: 2 layers, 2 KV heads, head size 64/4 = 16: K and V in f16
    assert fit.kv_bytes_per_token(h) == 2 * 2 * (16 + 16) * 2


def test_plenty_of_memory_gives_the_default_context(tiny_model: Path) -> None:
    f = fit.plan(tiny_model, available=16 * 2**30)
    assert f.n_ctx == 8192 and f.needed_bytes < f.available_bytes  # type: ignore[operator]


def test_little_memory_shrinks_the_context_then_refuses(tiny_model: Path) -> None:
    base = fit.plan(tiny_model, available=None)
    per_token = base.kv_bytes_per_token
    fixed = base.needed_bytes - per_token * base.n_ctx
    f = fit.plan(tiny_model, available=fixed + per_token * 5000)  # room for 5,000 tokens, not 8,192
    assert f.n_ctx == 4096
    with pytest.raises(EngineError, match=r"needs about .* GB of memory .* free\. .*smaller model"):
        fit.plan(tiny_model, available=fixed // 2)


def test_engine_refuses_a_model_too_large_before_loading_it(
    tiny_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fit, "available_memory", lambda: 50 * 2**20)  # stand-in: a machine with 50 MB free
    engine = LlamaEngine(str(tiny_model))

    async def go() -> None:
        try:
            with pytest.raises(EngineError, match="needs about"):
                await engine.load()
            assert engine._llm is None  # llama.cpp never saw it
        finally:
            await engine.close()

    asyncio.run(go())


def _room_for(model: Path, tokens: int) -> int:
    """Free memory for the model's file, work buffers and a KV cache of `tokens` tokens, from its real header."""
    base = fit.plan(model, available=None)
    return base.needed_bytes - base.kv_bytes_per_token * base.n_ctx + base.kv_bytes_per_token * tokens


def test_short_memory_halves_the_context_llama_cpp_then_runs_with(
    tiny_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    room = _room_for(tiny_model, 6000)  # stand-in: a machine with room for 6,000 tokens, not 8,192
    monkeypatch.setattr(fit, "available_memory", lambda: room)
    engine = LlamaEngine(str(tiny_model))

    async def go() -> tuple[int, int]:
        try:
            info = await engine.load()
            return info.n_ctx, engine._llm.n_ctx()
        finally:
            await engine.close()

    assert asyncio.run(go()) == (4096, 4096)  # the halved context is the one llama.cpp was given


def test_a_context_the_user_chose_is_refused_rather_than_shrunk(tiny_model: Path) -> None:
    room = _room_for(tiny_model, 6000)
    assert fit.plan(tiny_model, available=room).n_ctx == 4096  # automatic: shrunk to fit
    with pytest.raises(
        EngineError, match=r"“.+\.gguf” needs about .* GB of memory with a 8,192-token context"
    ):
        fit.plan(tiny_model, want_ctx=8192, available=room)  # asked for: kept, and refused with the reason
    assert fit.plan(tiny_model, want_ctx=8192, available=_room_for(tiny_model, 8192)).n_ctx == 8192


def test_the_context_never_exceeds_the_trained_one_and_unknown_memory_refuses_nothing(
    tiny_model: Path,
) -> None:
    trained = read_header(tiny_model).context_length
    assert trained == 8192
    assert fit.plan(tiny_model, want_ctx=32768, available=64 * 2**30).n_ctx == trained
    assert fit.plan(tiny_model, want_ctx=2048, available=64 * 2**30).n_ctx == 2048
    unknown = fit.plan(tiny_model, available=None)  # no figure for free memory: nothing is refused
    assert unknown.n_ctx == 8192 and unknown.available_bytes is None
    # what it needs: at least the whole file (memory-mapped, all read) and the KV cache of that context
    assert unknown.needed_bytes > tiny_model.stat().st_size + unknown.kv_bytes_per_token * 8192
