"""The thread-to-asyncio bridge both engines use: real threads, a real asyncio loop."""

from __future__ import annotations

import asyncio
import gc
import threading
import traceback
import weakref

import pytest

from app.engine.bridge import Channel, call_and_settle, settle


def test_items_from_a_thread_arrive_in_order_then_the_end() -> None:
    async def go() -> tuple[list[int], set[str]]:
        ch: Channel[int] = Channel()
        seen_threads: set[str] = set()

        def work() -> None:
            seen_threads.add(threading.current_thread().name)
            for i in range(1000):
                ch.put(i)
            ch.end()
            ch.put(-1)  # after the end: dropped
            ch.end()  # twice: nothing more

        threading.Thread(target=work, name="producer").start()
        got = [i async for i in ch]
        assert [i async for i in ch] == []  # ended for good
        return got, seen_threads

    got, threads = asyncio.run(go())
    assert got == list(range(1000)) and threads == {"producer"}


def test_a_failure_is_raised_where_it_was_put() -> None:
    async def go() -> list[str]:
        ch: Channel[str] = Channel()

        def work() -> None:
            ch.put("a")
            ch.put("b")
            ch.fail(ValueError("broke"))
            ch.put("c")  # after the failure: dropped
            ch.end()

        threading.Thread(target=work).start()
        got: list[str] = []
        with pytest.raises(ValueError, match="broke"):
            async for s in ch:
                got.append(s)
        assert ch.closed
        return got

    assert asyncio.run(go()) == ["a", "b"]


def test_a_channel_needs_the_loop_thread() -> None:
    with pytest.raises(RuntimeError):
        Channel()  # no running loop here


def test_a_closed_loop_does_not_break_the_sending_thread() -> None:
    async def make() -> Channel[int]:
        return Channel()

    loop = asyncio.new_event_loop()
    ch = loop.run_until_complete(make())
    loop.close()
    errors: list[BaseException] = []

    def work() -> None:
        try:
            ch.put(1)
            ch.end()
        except BaseException as e:  # pragma: no cover - the failure this test is for
            errors.append(e)

    t = threading.Thread(target=work)
    t.start()
    t.join(10)
    assert not t.is_alive() and errors == []


def test_futures_settled_from_a_thread() -> None:
    async def go() -> None:
        loop = asyncio.get_running_loop()
        ok: asyncio.Future[int] = loop.create_future()
        bad: asyncio.Future[int] = loop.create_future()
        cancelled: asyncio.Future[int] = loop.create_future()
        cancelled.cancel()
        on: list[str] = []

        def work() -> int:
            on.append(threading.current_thread().name)
            return 42

        def broken() -> int:
            raise KeyError("k")

        def run() -> None:
            call_and_settle(ok, work)
            call_and_settle(bad, broken)
            settle(cancelled, 1)  # already cancelled by its awaiter: left as it is

        loop_errors: list[dict[str, object]] = []
        loop.set_exception_handler(lambda _loop, context: loop_errors.append(context))
        t = threading.Thread(target=run, name="worker")
        t.start()
        assert await ok == 42 and on == ["worker"]
        with pytest.raises(KeyError):
            await bad
        # the join's own completion is scheduled after the thread's last settle(): that one has run by now
        await loop.run_in_executor(None, t.join)
        assert cancelled.cancelled() and loop_errors == []  # no InvalidStateError in a callback

    asyncio.run(go())


def test_a_failed_calls_frames_let_go_of_their_locals_without_the_collector() -> None:
    """The future holds the exception, its traceback the settling frame, that frame the future: a cycle. What the
    failed call's own frames held (a request's prompt tokens) must not wait in it for Python's full collection."""

    class Big:  # stands for a request's prompt token list (a class of its own: a weak reference can watch it)
        pass

    held: list[weakref.ref[Big]] = []

    def request() -> int:
        prompt = Big()
        held.append(weakref.ref(prompt))
        raise RuntimeError("llama_decode returned 2")

    async def go() -> None:
        fut: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        t = threading.Thread(target=call_and_settle, args=(fut, request))
        t.start()
        with pytest.raises(RuntimeError, match="returned 2") as caught:
            await fut
        await asyncio.get_running_loop().run_in_executor(None, t.join)
        # the traceback still names where it failed
        assert "request" in [f.name for f in traceback.extract_tb(caught.value.__traceback__)]

    gc.disable()  # only reference counting frees anything now, as between the collector's rare full passes
    try:
        asyncio.run(go())
        assert held and held[0]() is None
    finally:
        gc.enable()
