"""The one way values cross from a worker thread to the asyncio loop, used by both engines.

Thread contract
- A `Channel` is created on the loop thread, inside a running loop (it remembers that loop). Only the loop
  thread iterates it: `async for item in channel`.
- `put(item)`, `fail(exc)` and `end()` may be called from any thread, the loop's own included. They never block
  and never touch loop state directly: each one schedules its effect with `loop.call_soon_threadsafe`, so items
  arrive on the loop in the order one thread put them.
- The first `end()` or `fail()` closes the channel: the iteration ends after the items put before it (`end`),
  or raises the exception there, on the loop, where the consumer awaits (`fail`). Anything sent after that is
  dropped.
- `settle(fut, ...)` and `call_and_settle(fut, fn)` complete an asyncio future from a worker thread, the same way:
  on the future's loop, and only if nobody completed or cancelled it first.
- A loop that has already closed (the app is quitting) is not an error for the sending thread: what it sends is
  dropped, since nobody is left to receive it.

Nothing here imports Qt or llama_cpp; the worker threads themselves belong to the engines.
"""

from __future__ import annotations

import asyncio
import threading
import traceback
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar

T = TypeVar("T")

_ITEM, _FAIL, _END = 0, 1, 2


def _call_soon(loop: asyncio.AbstractEventLoop, fn: Callable[..., Any], *args: Any) -> None:
    """`loop.call_soon_threadsafe`, except that a closed loop drops the call instead of raising on the worker."""
    try:
        loop.call_soon_threadsafe(fn, *args)
    except RuntimeError:
        if not loop.is_closed():
            raise


class Channel(AsyncIterator[T]):
    """A one-way stream of items from any thread to a consumer on the loop. Create it on the loop thread."""

    def __init__(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._queue: asyncio.Queue[tuple[int, Any]] = asyncio.Queue()
        self._lock = threading.Lock()
        self._closed = False  # sender side: end() or fail() was called
        self._finished = False  # consumer side: the end (or the failure) was delivered

    def _send(self, kind: int, value: Any) -> None:
        with self._lock:
            if self._closed:
                return
            if kind != _ITEM:
                self._closed = True
            _call_soon(self._loop, self._queue.put_nowait, (kind, value))

    def put(self, item: T) -> None:
        """Send one item. Any thread."""
        self._send(_ITEM, item)

    def fail(self, exc: BaseException) -> None:
        """End the stream with an exception, raised in the consumer's `async for`. Any thread."""
        self._send(_FAIL, exc)

    def end(self) -> None:
        """End the stream normally (after the items already put). Any thread; later calls do nothing."""
        self._send(_END, None)

    @property
    def closed(self) -> bool:
        """Whether end() or fail() was called (the consumer may not have seen it yet)."""
        return self._closed

    def __aiter__(self) -> Channel[T]:
        return self

    async def __anext__(self) -> T:
        if self._finished:
            raise StopAsyncIteration
        kind, value = await self._queue.get()
        if kind == _ITEM:
            return value  # type: ignore[no-any-return]
        self._finished = True
        if kind == _FAIL:
            raise value
        raise StopAsyncIteration


def _set(fut: asyncio.Future[Any], ok: bool, value: Any) -> None:
    if fut.done():  # cancelled by its awaiter, or settled already
        return
    if ok:
        fut.set_result(value)
    else:
        fut.set_exception(value)


def settle(
    fut: asyncio.Future[T], result: T | None = None, *, exception: BaseException | None = None
) -> None:
    """Complete `fut` with `result`, or with `exception` when given, on its own loop. Any thread; a future
    already done (cancelled by its awaiter) is left as it is."""
    if exception is not None:
        _call_soon(fut.get_loop(), _set, fut, False, exception)
    else:
        _call_soon(fut.get_loop(), _set, fut, True, result)


def call_and_settle(fut: asyncio.Future[T], fn: Callable[[], T]) -> None:
    """Run `fn()` here, on the calling (worker) thread, and complete `fut` with what it returned or raised.
    Every exception, BaseException included, is delivered to the awaiting coroutine, never lost on the thread."""
    try:
        value = fn()
    except BaseException as e:
        # The future will hold `e`, whose traceback holds this frame, which holds the future: a cycle, which kept
        # the finished frames below (a request's prompt tokens, its generator) until Python's full collection.
        # Their locals go now; the traceback keeps its files and lines.
        traceback.clear_frames(e.__traceback__)
        settle(fut, exception=e)
    else:
        settle(fut, value)
