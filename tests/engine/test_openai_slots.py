"""The server engine with several requests at once, against the paced stand-in for a server with slots
(tests/standin_server.py): the number of slots from the server or the settings, each request's own figures,
Stop ending all of them, and a stream left early ending only its own request."""

from __future__ import annotations

import asyncio
import contextlib
import time
from pathlib import Path

from app.engine import GenerationCancelled
from app.engine.factory import make_engine
from app.engine.openai_engine import OpenAIEngine
from tests.standin_server import PacedServer

SAY = [{"role": "user", "content": "Say something."}]


def test_slots_and_budget_from_the_server(tiny_model: Path) -> None:
    async def go() -> tuple[int, int, int, int]:
        with PacedServer(tiny_model, 3, n_ctx=1024) as server:
            auto = make_engine({"server_url": server.url})
            fixed = make_engine({"server_url": server.url, "server_slots": 2})
            try:
                before = auto.slots
                await auto.load()
                await fixed.load()
                return before, auto.slots, fixed.slots, auto.n_ctx
            finally:
                await auto.close()
                await fixed.close()

    # before loading, one; then the server's total_slots, or the setting; the budget is the slot's context
    assert asyncio.run(go()) == (1, 3, 2, 1024)


def test_concurrent_requests_have_their_own_figures_and_stop_ends_them_all(tiny_model: Path) -> None:
    async def go(server: PacedServer) -> tuple[list[int], float, int]:
        e = OpenAIEngine(server.url)
        try:
            await e.load()

            async def one(max_tokens: int) -> int:
                async with contextlib.aclosing(e.stream(SAY, max_tokens=max_tokens)) as s:
                    async for _ in s:
                        pass
                assert e.last_stats.hit_cap
                return e.last_stats.generated_tokens  # this task's request, not the other one's

            counts = await asyncio.gather(one(3), one(7))

            # two long requests, then Stop: both end at once
            async def endless() -> None:
                async with contextlib.aclosing(e.stream(SAY, max_tokens=1000)) as s:
                    async for _ in s:
                        pass

            tasks = [asyncio.ensure_future(endless()) for _ in range(2)]
            while server.generating() < 2:
                await asyncio.sleep(0.005)
            t0 = time.perf_counter()
            e.stop()
            results = await asyncio.gather(*tasks, return_exceptions=True)
            took = time.perf_counter() - t0
            assert all(isinstance(r, GenerationCancelled) for r in results), results
            return sorted(counts), took, len(e._requests)
        finally:
            await e.close()

    with PacedServer(tiny_model, 2, gen_tps=50.0, answer_tokens=10_000) as server:
        counts, took, left = asyncio.run(go(server))
    assert counts == [3, 7] and left == 0
    assert took < 0.2, took


def test_a_stream_left_early_ends_only_its_own_request(tiny_model: Path) -> None:
    async def go(server: PacedServer) -> int:
        e = OpenAIEngine(server.url)
        try:
            await e.load()

            async def leave_early() -> None:
                async with contextlib.aclosing(e.stream(SAY, max_tokens=1000)) as s:
                    async for _ in s:
                        break

            async def whole() -> int:
                n = 0
                async with contextlib.aclosing(e.stream(SAY, max_tokens=12)) as s:
                    async for _ in s:
                        n += 1
                return n

            _, n = await asyncio.gather(leave_early(), whole())
            return n
        finally:
            await e.close()

    with PacedServer(tiny_model, 2, gen_tps=100.0, answer_tokens=10_000) as server:
        assert asyncio.run(go(server)) == 12
        hows = sorted(s.how for s in server.served)
    assert hows == ["client gone", "done"]
