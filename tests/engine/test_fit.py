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


def test_gpu_offload_is_detected_from_the_installed_build() -> None:
    import llama_cpp

    assert fit.gpu_offload_supported() == bool(llama_cpp.llama_supports_gpu_offload())
