"""Windows read concurrently on a server with several slots, against the paced stand-in (tests/standin_server.py:
N llama.cpp instances behind one endpoint, each request at a fixed speed), so that the map phase's speed-up
measures Recap's scheduling and not this machine's cores. The same run with 1, 2 and 4 slots must give the same
chapters and notes, in transcript order, from the same requests; Stop must end every request at once."""

from __future__ import annotations

import asyncio
import contextlib
import time
from pathlib import Path

from app.engine.openai_engine import OpenAIEngine
from app.summarize import (
    Cancelled,
    ChapterFound,
    Finished,
    NotesDelta,
    Progress,
    Summarizer,
)
from tests.standin_server import OPTIONS, PacedServer, map_seconds, summarize, topic_transcript


def test_windows_read_at_once_on_slots_in_transcript_order(tiny_model: Path) -> None:
    """70 minutes: 13 windows whose lengths (with their titles) let a perfect schedule reach 2.0x on 2 slots and
    3.6x on 4, so the limits below measure what Recap's scheduling loses. (40 minutes, 8 windows, capped the
    2-slot figure at 1.84x whatever the scheduling: the last window ran alone; on a busy machine the run's own
    work then took it under 1.8x.) Paced at half the stand-in's default speed: the run's own work on the client
    (parsing each streamed token, the pipeline's checks) does not get slower with the pacing, and at the default
    speed, beside two busy loops on both cores, it took the 4-slot figure to 3.19x (2026-12-06)."""
    t = topic_transcript(70)
    runs = {}
    for n in (1, 2, 4):
        with PacedServer(tiny_model, n, prompt_tps=2500.0, gen_tps=50.0) as server:
            events = summarize(server, t)
            runs[n] = (events, server.peak, sorted(s.prompt_tokens for s in server.served))
    seconds = {n: map_seconds(events) for n, (events, _, _) in runs.items()}
    print("map phase seconds by slots:", {n: round(s, 2) for n, s in seconds.items()})

    results = {
        n: next(ev for _, ev in events if isinstance(ev, Finished)).result
        for n, (events, _, _) in runs.items()
    }
    assert results[1].stats.windows >= 8
    for n in (2, 4):
        events, peak, prompts = runs[n]
        assert peak == n  # every slot was used, and never more requests than slots
        assert prompts == runs[1][2]  # the same requests (each with the budget of a run in turn)
        # the same chapters, titles included (the stand-in answers greedily), and the same notes: taken in turn
        assert [(c.start_s, c.title) for c in results[n].chapters] == [
            (c.start_s, c.title) for c in results[1].chapters
        ]
        assert results[n].notes == results[1].notes and results[n].summary == results[1].summary
        found = [ev for _, ev in events if isinstance(ev, ChapterFound)]
        assert [f.index for f in found] == list(range(len(found)))
        assert [f.chapter.start_s for f in found] == sorted(f.chapter.start_s for f in found)
        parts = [ev.part for _, ev in events if isinstance(ev, NotesDelta)]
        assert parts == sorted(parts) and parts == [
            ev.part for _, ev in runs[1][0] if isinstance(ev, NotesDelta)
        ]
        reading = [
            ev.stage for _, ev in events if isinstance(ev, Progress) and ev.stage.startswith("Reading")
        ]
        assert reading == [f"Reading part {i + 1} of {results[n].stats.windows}" for i in range(len(reading))]
    assert peak == 4 and runs[1][1] == 1
    assert seconds[1] / seconds[2] >= 1.8, seconds
    assert seconds[1] / seconds[4] >= 3.2, seconds


def test_stop_ends_every_request_at_once(tiny_model: Path) -> None:
    """Four requests in flight, writing, slow enough (20 tokens a second, long answers) that none ends by itself:
    Stop ends the run with Cancelled within 200 ms, and the server sees every connection go as quickly. (Stopped
    once all four are past their prompts: the stand-in's llama.cpp reads a prompt in one uninterruptible call,
    which on two busy cores can take longer than the limit; that is the stand-in's time, not Recap's.)"""
    stopped_at: list[float] = []

    with PacedServer(tiny_model, 4, gen_tps=20.0, answer_tokens=10_000) as server:

        def on_event(s: Summarizer, ev: object) -> None:
            if isinstance(ev, Progress) and ev.stage.startswith("Reading part") and not stopped_at:
                loop = asyncio.get_running_loop()

                async def stop_when_four_run() -> None:
                    while server.generating() < 4:  # a condition, not a guess at how long it takes here
                        await asyncio.sleep(0.005)
                    stopped_at.append(time.perf_counter())
                    s.stop()

                watcher = loop.create_task(stop_when_four_run())
                watchers.append(watcher)

        watchers: list[asyncio.Task[None]] = []
        events = summarize(server, topic_transcript(40), on_event)
        deadline = time.monotonic() + 10
        while server.active and time.monotonic() < deadline:
            time.sleep(0.01)
        in_flight = [s for s in server.served if s.ended >= stopped_at[0] and s.how == "client gone"]
    cancelled = [at for at, ev in events if isinstance(ev, Cancelled)]
    assert cancelled and not [ev for _, ev in events if isinstance(ev, Finished)]
    took = cancelled[0] - stopped_at[0]
    assert took < 0.2, f"Stop took {took:.3f} s"
    assert len(in_flight) >= 4 and not server.active
    assert all(s.how for s in server.served)
    slowest = max(s.ended for s in in_flight) - stopped_at[0]
    print(
        f"Stop: Cancelled after {took * 1000:.0f} ms; the server saw the last of {len(in_flight)} requests go after "
        f"{slowest * 1000:.0f} ms"
    )
    assert slowest < 0.2


def test_leaving_the_run_early_ends_every_request(tiny_model: Path) -> None:
    """A consumer that stops reading the events (closes the run) while four windows are being read: every
    request ends and no task or reading thread is left (the autouse fixture checks the threads)."""

    async def main(server: PacedServer) -> int:
        engine = OpenAIEngine(server.url)
        seen = 0
        try:
            async with contextlib.aclosing(Summarizer(engine, OPTIONS).run(topic_transcript(40))) as evs:
                async for ev in evs:
                    seen += 1
                    if isinstance(ev, Progress) and ev.stage.startswith("Reading part"):
                        while server.generating() < 4:
                            await asyncio.sleep(0.005)
                        break
            left = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            assert left == [], left
        finally:
            await engine.close()
        return seen

    with PacedServer(tiny_model, 4, gen_tps=20.0, answer_tokens=10_000) as server:
        assert asyncio.run(main(server)) > 0
        deadline = time.monotonic() + 10
        while server.active and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not server.active and all(s.how == "client gone" for s in server.served if s.generated)
