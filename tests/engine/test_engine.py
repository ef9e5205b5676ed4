"""The engine with real generated GGUF models through llama-cpp-python."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from pathlib import Path

import pytest

from app.engine import EngineError, GenerationCancelled, LlamaEngine, PromptTooLong
from app.engine.bridge import settle
from app.engine.gguf_header import read_header

MSGS = [
    {"role": "system", "content": "You summarize."},
    {"role": "user", "content": "Hello there friends " * 250},
]


def run(coro):  # noqa: ANN001, ANN201
    return asyncio.run(coro)


def test_load_count_and_stream(tiny_model: Path) -> None:
    async def main() -> None:
        e = LlamaEngine(tiny_model)
        try:
            info = await e.load()
            assert e.phase == "idle"  # load() returns once the worker is done with it
            assert info.n_ctx == 8192 and info.n_ctx_train == 8192 and info.chat_template
            assert info.n_threads >= 1
            assert await e.count_tokens(["", "hello world"]) == [
                0,
                len(e._llm.tokenize(b"hello world", add_bos=False)),
            ]
            n_prompt = await e.count_prompt(MSGS)
            pieces = [p async for p in e.stream(MSGS, max_tokens=40)]
            assert e.last_stats.prompt_tokens == n_prompt
            assert 0 < e.last_stats.generated_tokens <= 40
            assert all(isinstance(p, str) for p in pieces)
            # the same prompt again is served from the KV cache: one token re-evaluated
            _ = [p async for p in e.stream(MSGS, max_tokens=5)]
            assert e.last_stats.prompt_evaluated == 1
        finally:
            await e.close()

    run(main())


def test_output_cap_is_reported(endless_model: Path) -> None:
    async def main() -> None:
        e = LlamaEngine(endless_model)
        try:
            text = "".join([p async for p in e.stream(MSGS, max_tokens=64)])
            assert e.last_stats.generated_tokens == 64 and e.last_stats.hit_cap
            assert text
        finally:
            await e.close()

    run(main())


def test_grammar_constrains_output(tiny_model: Path) -> None:
    from app.summarize.chapters import chapter_grammar

    async def main() -> None:
        e = LlamaEngine(tiny_model)
        try:
            g = chapter_grammar(["00:00:21", "00:01:05", "00:02:40"], 3)
            for _ in range(3):
                text = "".join([p async for p in e.stream(MSGS, max_tokens=120, grammar=g)])
                lines = [ln for ln in text.split("\n") if ln]
                assert 1 <= len(lines) <= 3
                for ln in lines:
                    assert ln[:11] in ("[00:00:21] ", "[00:01:05] ", "[00:02:40] "), ln
        finally:
            await e.close()

    run(main())


def test_notes_grammar_constrains_output(tiny_model: Path) -> None:
    """The notes' second try: bullets `- [stamp] text`, the stamps only the window's own."""
    import re

    from app.summarize.chapters import notes_grammar

    async def main() -> None:
        e = LlamaEngine(tiny_model)
        try:
            g = notes_grammar(["00:00:21", "00:01:05"], 3)
            text = "".join([p async for p in e.stream(MSGS, max_tokens=120, grammar=g)])
            lines = [ln for ln in text.split("\n") if ln]
            assert 1 <= len(lines) <= 3
            assert re.match(r"- \[(00:00:21|00:01:05)\] [A-Za-z0-9\"'][^\[\]]{8}", lines[0]), lines[0]
            for ln in lines[1:-1]:  # (the last may be cut by max_tokens)
                assert re.fullmatch(r"- \[(00:00:21|00:01:05)\] [A-Za-z0-9\"'][^\[\]]{8,}", ln), ln
        finally:
            await e.close()

    run(main())


def test_each_request_frees_its_sampler_at_once(tiny_model: Path) -> None:
    """llama-cpp-python makes a sampler chain for every `generate` and drops the last one; a dropped `LlamaSampler`
    is a reference cycle, so its native chain (a buffer the size of the vocabulary, ~0.6 MB for SmolLM2, and the
    grammar) waited for Python's full collection: 11 of them were alive at the end of a seed-003 run. The engine
    frees each one when its request ends, however it ends. Python's collector is off here, so that only the
    engine's own freeing counts."""
    import gc

    from llama_cpp._internals import LlamaSampler

    from app.summarize.chapters import notes_grammar

    def chains() -> int:  # samplers whose native chain is still held
        return sum(1 for o in gc.get_objects() if isinstance(o, LlamaSampler) and o.sampler is not None)

    async def main() -> None:
        e = LlamaEngine(tiny_model)
        try:
            await e.load()
            before = chains()
            _ = [p async for p in e.stream(MSGS, max_tokens=8)]
            g = notes_grammar(["00:00:21"], 2)
            _ = [p async for p in e.stream(MSGS, max_tokens=8, grammar=g)]
            async with contextlib.aclosing(e.stream(MSGS, max_tokens=40)) as s:  # the caller leaves early
                async for _piece in s:
                    break
            await e.count_tokens(["the engine is idle again"])
            assert e.last_stats.generated_tokens >= 1
            assert chains() == before
        finally:
            await e.close()

    gc.disable()
    try:
        run(main())
    finally:
        gc.enable()


def test_prompt_too_long_is_refused_before_evaluation(tiny_model: Path) -> None:
    async def main() -> None:
        e = LlamaEngine(tiny_model, n_ctx=1024)
        try:
            with pytest.raises(PromptTooLong):
                _ = [p async for p in e.stream(MSGS, max_tokens=10)]
            assert e.last_stats.prompt_evaluated == 0
            assert await e.count_tokens(["still works"])  # engine usable afterwards
        finally:
            await e.close()

    run(main())


def _stop_during(model: Path, phase: str) -> tuple[float, float, list[str], int]:
    """Stop while llama.cpp is computing in `phase` ("prompt": evaluating the prompt, "generating": decoding a
    token it wrote). No sleeps and no polling: llama.cpp's own abort callback, which it calls between the nodes
    of the graph it is computing, tells the test that the computation is under way, and holds it there until
    the loop has called stop(); the worker reports its phases through `on_phase`.
    Returns (seconds from stop() until the stream ended, until the worker was idle, the phases the worker went
    through, how many prompt tokens llama.cpp had evaluated when it stopped)."""

    async def main() -> tuple[float, float, list[str], int]:
        e = LlamaEngine(model)
        loop = asyncio.get_running_loop()
        computing: asyncio.Future[None] = loop.create_future()
        stop_called = threading.Event()
        real_abort_check = e._should_abort

        def abort_check(data: object) -> bool:  # llama.cpp's abort callback, on the worker thread
            if e.phase == phase and not computing.done():
                settle(computing, None)
                stop_called.wait(30)  # llama.cpp stays mid-graph until Stop has been pressed
            return real_abort_check(data)

        e._should_abort = abort_check  # type: ignore[method-assign]  # installed by load()
        try:
            await e.load()
            phases: list[str] = []
            idle_at: list[float] = []

            def on_phase(p: str) -> None:  # on the worker thread
                phases.append(p)
                if p == "idle":
                    idle_at.append(time.perf_counter())

            e.on_phase = on_phase
            long_msgs = [MSGS[0], {"role": "user", "content": "Hello there friends and family " * 200}]
            stopped_at: list[float] = []

            async def stopper() -> None:
                await asyncio.wait_for(asyncio.shield(computing), 60)
                stopped_at.append(time.perf_counter())
                e.stop()
                stop_called.set()

            task = asyncio.ensure_future(stopper())
            with pytest.raises(GenerationCancelled):
                async for _ in e.stream(long_msgs, max_tokens=3000):
                    pass
            ended = time.perf_counter() - stopped_at[0]
            await task
            assert e.phase == "idle"  # the stream's end is reported once the worker is idle
            idle = idle_at[0] - stopped_at[0]
            evaluated = e._llm.n_tokens
            e.on_phase = None
            # reusable afterwards
            text = "".join([p async for p in e.stream(MSGS, max_tokens=5)])
            assert e.last_stats.generated_tokens == 5 and text
            return ended, idle, phases, evaluated
        finally:
            stop_called.set()
            await e.close()

    return run(main())


def test_stop_during_prompt_evaluation_is_immediate(slow_model: Path) -> None:
    ended, idle, phases, evaluated = _stop_during(slow_model, "prompt")
    assert phases == ["prompt", "idle"]  # stopped before a first token: the prompt was never finished
    assert evaluated < 1000  # llama.cpp read at most a batch of the ~1,400-token prompt, not all of it
    assert ended < 0.5 and idle < 0.5, (ended, idle)


def test_stop_during_generation_is_immediate(slow_model: Path) -> None:
    ended, idle, phases, _ = _stop_during(slow_model, "generating")
    assert phases == ["prompt", "generating", "idle"]
    assert ended < 0.5 and idle < 0.5, (ended, idle)


@pytest.mark.parametrize("stop_at", [0, 3])
def test_stop_during_load_aborts_it_and_the_engine_loads_again(endless_model: Path, stop_at: int) -> None:
    """Stop while the model loads: `stop_at` 0, as the load begins (the worker's "loading" phase: llama.cpp is
    then not even started); 3, from within llama.cpp's third progress callback, between two tensors. No sleeps
    and no timing: the worker's own hooks call stop(). Every caller waiting for the load gets
    GenerationCancelled, llama.cpp reads no further tensor, the engine is left idle and unloaded, and the next
    load() loads the model whole."""

    async def main() -> None:
        e = LlamaEngine(endless_model)
        answers: list[bool] = []  # what the progress callback told llama.cpp, per tensor: True = go on
        stopped_at: list[float] = []
        both_waiting = threading.Event()

        def stop() -> None:  # on the worker thread; stop() is thread-safe
            stopped_at.append(time.perf_counter())
            e.stop()

        def on_phase(p: str) -> None:
            if p == "loading" and not stopped_at:
                both_waiting.wait(30)  # the first load goes on once both callers wait for it
                if stop_at == 0:
                    stop()

        real_progress = e._load_go_on

        def progress(job: object) -> bool:  # llama.cpp's progress callback (set up by the load)
            if not stopped_at and len(answers) + 1 == stop_at:
                stop()
            go_on = real_progress(job)  # type: ignore[arg-type]
            answers.append(go_on)
            return go_on

        e.on_phase = on_phase
        e._load_go_on = progress  # type: ignore[method-assign,assignment]
        try:
            waiters = [asyncio.ensure_future(e.load()) for _ in range(2)]  # two callers share one load
            await asyncio.sleep(0)  # both have called load()
            assert not any(w.done() for w in waiters) and e._loading is not None
            both_waiting.set()
            for w in waiters:
                with pytest.raises(GenerationCancelled):
                    await asyncio.wait_for(w, 60)
            ended = time.perf_counter() - stopped_at[0]
            assert ended < 2.0, ended  # a gross limit: the whole load would go on to the last tensor
            # llama.cpp stopped at the progress callback's first "no" (with 0, it was never called)
            assert answers == ([True] * (stop_at - 1) + [False] if stop_at else [])
            assert e.phase == "idle" and e.info is None and e._llm is None and not e.loaded
            # usable afterwards: a new, whole load, and a stream
            n = len(answers)
            info = await e.load()
            assert e.loaded and e.info is info and info.n_vocab > 0
            assert len(answers) > n + 3 and all(answers[n:])  # every tensor read this time
            text = "".join([p async for p in e.stream(MSGS, max_tokens=5)])
            assert e.last_stats.generated_tokens == 5 and text
        finally:
            both_waiting.set()
            e.on_phase = None
            await e.close()

    run(main())


def test_a_load_asked_for_after_stop_is_a_new_load(endless_model: Path) -> None:
    """load() called after stop() but before the stopped load has ended does not join that load (its caller,
    who pressed nothing, would get GenerationCancelled): a new load runs after it and succeeds."""

    async def main() -> None:
        e = LlamaEngine(endless_model)
        stopped: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        asked = threading.Event()
        fired: list[bool] = []

        def on_phase(p: str) -> None:  # on the worker thread
            if p == "loading" and not fired:
                fired.append(True)
                e.stop()
                settle(stopped, None)
                asked.wait(30)  # the stopped load goes on once the loop has asked for another

        e.on_phase = on_phase
        try:
            first = asyncio.ensure_future(e.load())
            await asyncio.wait_for(asyncio.shield(stopped), 30)
            second = asyncio.ensure_future(e.load())
            await asyncio.sleep(0)  # its load() has run up to its wait
            asked.set()
            with pytest.raises(GenerationCancelled):
                await asyncio.wait_for(first, 60)
            info = await asyncio.wait_for(second, 60)
            assert e.info is info and e.loaded
        finally:
            asked.set()
            e.on_phase = None
            await e.close()

    run(main())


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not a GGUF"),
        (b"hello, not a model", "not a GGUF"),
        (b"GGUF\x03\x00\x00\x00" + b"\x05" * 10, "damaged or incomplete"),
    ],
)
def test_bad_model_files_get_a_sentence(tmp_path: Path, content: bytes, message: str) -> None:
    p = tmp_path / "model.gguf"
    p.write_bytes(content)

    async def main() -> None:
        e = LlamaEngine(p)
        try:
            with pytest.raises(EngineError, match=message):
                await e.load()
        finally:
            await e.close()

    run(main())


def test_truncated_model_fails_cleanly(tmp_path: Path, tiny_model: Path) -> None:
    p = tmp_path / "cut.gguf"
    p.write_bytes(tiny_model.read_bytes()[: tiny_model.stat().st_size // 2])

    async def main() -> None:
        e = LlamaEngine(p)
        try:
            with pytest.raises(EngineError, match="could not be loaded|damaged"):
                await e.load()
        finally:
            await e.close()

    run(main())


def test_missing_model(tmp_path: Path) -> None:
    async def main() -> None:
        e = LlamaEngine(tmp_path / "nope.gguf")
        try:
            with pytest.raises(EngineError, match="does not exist"):
                await e.load()
        finally:
            await e.close()

    run(main())


def test_header_reader(tiny_model: Path) -> None:
    h = read_header(tiny_model)
    assert h.architecture == "qwen2"
    assert h.context_length == 8192
    assert h.has_chat_template
    assert h.vocab_size > 256
