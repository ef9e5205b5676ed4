"""The OpenAI-compatible engine against a real server process on loopback: llama-cpp-python's own server
(`python -m llama_cpp.server`, the `server` extra) serving the generated tiny model. Streaming, the server's
tokenizer for budgets, a full pipeline run, and Stop."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.engine import EngineError, GenerationCancelled, PromptTooLong
from app.engine.openai_engine import OpenAIEngine
from app.summarize import Failed, Finished, Options, Summarizer
from app.transcript import read_file
from tests.helpers import DATA, free_port, serving

pytest.importorskip("fastapi", reason="llama-cpp-python's server extra (fastapi, uvicorn) is not installed")
pytest.importorskip(
    "sse_starlette", reason="llama-cpp-python's server extra (sse-starlette) is not installed"
)


@pytest.fixture
def server(endless_model: Path, tmp_path: Path) -> Iterator[str]:
    """A server process per test, serving the model that writes until its cap (so Stop has something to stop).
    Per test: llama-cpp-python's server can stay locked after a client drops a stream (its own issue, not
    Recap's), which would make one test's Stop another test's hang."""
    with serving(endless_model, tmp_path / "server.log") as url:
        yield url


@pytest.fixture
def tiny_server(tiny_model: Path, tmp_path: Path) -> Iterator[str]:
    """The same with the model that ends its answers itself (a whole CLI run in seconds)."""
    with serving(tiny_model, tmp_path / "server.log") as url:
        yield url


def test_streams_counts_with_the_servers_tokenizer_and_budgets(server: str) -> None:
    async def go() -> None:
        e = OpenAIEngine(server, n_ctx=4096)
        try:
            info = await e.load()
            assert info.name and e.n_ctx == 4096
            counts = await e.count_tokens(["hello world", ""])
            assert counts[0] > 2 and e._tokenize == "/extras/tokenize"  # the server's own tokenizer
            pieces = [p async for p in e.stream([{"role": "user", "content": "Say hi."}], max_tokens=12)]
            assert "".join(pieces) and e.last_stats.generated_tokens >= 1
            assert e.last_stats.hit_cap  # the endless model only stops at the cap, and the server says so
            with pytest.raises(PromptTooLong):
                async for _ in e.stream([{"role": "user", "content": "word " * 5000}], max_tokens=10):
                    pass
        finally:
            await e.close()

    asyncio.run(go())


def test_a_whole_summary_through_the_server(server: str) -> None:
    async def go() -> list[object]:
        e = OpenAIEngine(server, n_ctx=4096)
        events = []
        try:
            async for ev in Summarizer(e, Options(summary_max_tokens=60, notes_max_tokens=40)).run(
                read_file(DATA / "premiere.txt")
            ):
                events.append(ev)
        finally:
            await e.close()
        return events

    events = asyncio.run(go())
    assert not [ev for ev in events if isinstance(ev, Failed)], events[-1]
    done = [ev for ev in events if isinstance(ev, Finished)]
    assert done and done[0].result.chapters and done[0].result.chapters[0].start_s == 0.0


def test_stop_ends_the_stream_at_once(server: str) -> None:
    async def go() -> float:
        e = OpenAIEngine(server, n_ctx=4096)
        try:
            await e.load()
            t0 = 0.0
            with pytest.raises(GenerationCancelled):
                async for _ in e.stream([{"role": "user", "content": "Write a lot."}], max_tokens=2000):
                    if not t0:
                        t0 = time.perf_counter()
                        e.stop()
            return time.perf_counter() - t0
        finally:
            await e.close()

    assert asyncio.run(go()) < 0.5


def test_no_server_is_a_sentence() -> None:
    async def go() -> None:
        e = OpenAIEngine(f"http://127.0.0.1:{free_port()}")
        try:
            with pytest.raises(EngineError, match="did not answer"):
                await e.load()
        finally:
            await e.close()

    asyncio.run(go())


def test_cli_summarizes_through_a_server(tiny_server: str) -> None:
    from tests.helpers import recap

    r = recap("summarize", str(DATA / "premiere.txt"), "--server", tiny_server, "--format", "json")
    assert r.returncode == 0, r.stderr[-2000:]
    import json

    d = json.loads(r.stdout)
    assert d["chapters"] and d["chapters"][0]["start_s"] == 0.0
