"""A model on an OpenAI-compatible server the user runs (llama.cpp's `llama-server`, llama-cpp-python's server,
Ollama, vLLM, LM Studio) at an address they give: the same streaming, stopping and budgeting as the local engine.
Off unless the user points Recap at a server; Recap itself never contacts anything else.

- Streaming: `POST /v1/chat/completions` with `stream: true` (server-sent events), read with httpx on a worker
  thread (sync client); pieces reach the asyncio loop through a bridge `Channel` (app/engine/bridge.py), as with
  the local engine.
  Not httpx's async client: its anyio cancel scopes break under qasync, the loop the window runs on.
- Several requests at once: a server with several slots (llama-server's `--parallel`, reported as `total_slots`
  by `/props`) answers that many requests at the same time; `slots` says how many (the user's setting, else what
  the server reports, else 1) and the pipeline reads that many windows at once. The engine sends no more than
  `slots` at a time, whoever asks (`_gate`): a batch of files run at once shares the slots, and a request beyond
  them waits here rather than in the server's queue, where a slot's budget is no longer ours to plan. Each request
  has its own state
  (`_Request`: its response, its stop flag, how it ended), and `last_stats` is the last request *of the asyncio
  task asking* (a context variable), so concurrent requests never see each other's figures.
- Stopping: `stop()` ends every request in flight: each one's stream fails with GenerationCancelled on the loop at
  once, and its connection is shut down, which wakes the reading thread even while the server is still reading
  the prompt (no bytes coming) and tells the server to stop generating.
- Budgeting: token counts from the server's own tokenizer (`/tokenize` of llama-server and vLLM, or
  `/extras/tokenize` of llama-cpp-python); a server with neither gets a cautious estimate (3 characters a token)
  and prompts are then kept well inside the context. The context size is the server's (`/props` of
  llama-server) or the one the user set.
- Grammar: sent as `grammar` (llama.cpp servers honour it); a server that rejects the field is asked again
  without it, and the chapter parser's snapping keeps the times real.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import json
import socket
import threading
import time
from collections.abc import AsyncGenerator, Iterator, Sequence
from typing import Any

import httpx

from . import fit
from .bridge import Channel
from .errors import EngineError, GenerationCancelled, PromptTooLong
from .llama_engine import ModelInfo, RequestStats

CHARS_PER_TOKEN_ESTIMATE = 3.0  # cautious: real tokenizers average ~4 characters a token on English
MESSAGE_OVERHEAD = 8  # tokens a chat template adds around each message


class _Request:
    """One request in flight: its own stop flag, its response once open, and how the server said it ended.
    `stop()` may be called from any thread."""

    def __init__(self) -> None:
        self.stopped = threading.Event()
        self.finish_reason: str | None = None
        self.phase = "prompt"
        self.pieces: Channel[str] | None = None  # set on the loop thread once the reading thread starts
        self._lock = threading.Lock()
        self._response: httpx.Response | None = None

    def opened(self, r: httpx.Response | None) -> bool:
        """The reading thread's response (None: closed); False when the request was stopped meanwhile."""
        with self._lock:
            self._response = r
        return not self.stopped.is_set()

    def stop(self) -> None:
        self.stopped.set()
        pieces = self.pieces
        if pieces is not None:
            pieces.fail(GenerationCancelled())  # the consumer's `async for` ends now, not at the next byte
        with self._lock:
            r = self._response
        if r is not None:
            _shut(r)


def _shut(r: httpx.Response) -> None:
    """Close a response another thread may be reading: shutting the socket down wakes a blocked read (a plain
    close() on Linux leaves it waiting for the server's next byte) and tells the server the client is gone."""
    with contextlib.suppress(Exception):
        stream = r.extensions.get("network_stream")
        sock = stream.get_extra_info("socket") if stream is not None else None
        if isinstance(sock, socket.socket):
            sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(Exception):
        r.close()


class OpenAIEngine:
    def __init__(
        self,
        base_url: str,
        model: str | None = None,
        n_ctx: int = fit.DEFAULT_CTX,
        api_key: str | None = None,
        slots: int = 0,
    ) -> None:
        self.base_url = base_url.rstrip("/").removesuffix("/v1")
        self.model = model
        self._n_ctx = n_ctx
        self.model_path = f"{self.base_url} ({model})" if model else self.base_url
        self.headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.info: ModelInfo | None = None
        self.phase = "idle"
        self.loaded = False
        self._want_slots = max(0, slots)  # 0: as many as the server says it has
        self._server_slots: int | None = None  # `total_slots` of /props, once loaded
        self._tokenize: str | None = None  # which tokenize endpoint works, once known
        self._requests: set[_Request] = set()  # in flight (loop thread); stop() ends them all
        self._gate: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore] | None = None  # `slots` at a time
        # The figures of the last request made by the asyncio task that asks (one variable per engine: there are
        # one or two engines in a session, so the contexts that hold it stay few).
        self._last: contextvars.ContextVar[RequestStats | None] = contextvars.ContextVar(
            f"recap-last-stats-{id(self)}", default=None
        )
        # a server silent for 5 minutes in the middle of an answer is hung: say so rather than wait forever
        self._client = httpx.Client(
            base_url=self.base_url, headers=self.headers, timeout=httpx.Timeout(10.0, read=300.0)
        )

    # ---- on worker threads ------------------------------------------------------------------------------------

    def _load_sync(self) -> ModelInfo:
        try:
            r = self._client.get("/v1/models")
            r.raise_for_status()
            models = [m.get("id") for m in r.json().get("data", [])]
        except (httpx.HTTPError, ValueError) as e:
            raise EngineError(
                f"The server at {self.base_url} did not answer as an OpenAI-compatible server ({e})."
            ) from e
        if self.model is None and models:
            self.model = str(models[0])
        with contextlib.suppress(httpx.HTTPError, ValueError, KeyError, TypeError):
            props = self._client.get("/props", timeout=5)
            if props.status_code == 200:
                data = props.json()
                with contextlib.suppress(KeyError, TypeError, ValueError):
                    self._server_slots = max(1, int(data["total_slots"]))
                # (llama-server's n_ctx here is a slot's: each request's budget, whatever the number of slots)
                self._n_ctx = int(data["default_generation_settings"]["n_ctx"])
        return ModelInfo(
            path=self.model_path,
            name=str(self.model),
            n_ctx=self._n_ctx,
            n_ctx_train=self._n_ctx,
            n_vocab=0,
            n_threads=0,
            chat_template=True,
        )

    def _count_sync(self, text: str) -> int:
        tries = [self._tokenize] if self._tokenize else ["/tokenize", "/extras/tokenize"]
        for path in tries:
            if path is None or path == "estimate":
                break
            body = {"content": text} if path == "/tokenize" else {"input": text}
            if path == "/tokenize" and self.model:
                body |= {"model": self.model, "prompt": text}  # vLLM's field names
            try:
                r = self._client.post(path, json=body, timeout=30)
            except httpx.HTTPError:
                continue
            if r.status_code == 200:
                with contextlib.suppress(ValueError, KeyError, TypeError):
                    data = r.json()
                    n = len(data["tokens"]) if "tokens" in data else int(data["count"])
                    self._tokenize = path
                    return n
        self._tokenize = "estimate"
        return int(len(text) / CHARS_PER_TOKEN_ESTIMATE) + 1

    def _sse_sync(self, req: _Request, body: dict[str, Any], retry_without_grammar: bool) -> Iterator[str]:
        with self._client.stream("POST", "/v1/chat/completions", json=body) as r:
            try:
                if not req.opened(r):
                    return
                if r.status_code in (400, 422) and retry_without_grammar:
                    r.read()
                    body = {k: v for k, v in body.items() if k != "grammar"}
                    yield from self._sse_sync(req, body, retry_without_grammar=False)
                    return
                if r.status_code != 200:
                    r.read()
                    raise EngineError(f"The server answered {r.status_code}: {r.text[:200]}")
                for line in r.iter_lines():
                    if req.stopped.is_set():
                        return
                    if not line.startswith("data:"):
                        continue
                    data = line[5:].strip()
                    if data == "[DONE]":
                        return
                    try:
                        choice = json.loads(data)["choices"][0]
                    except (ValueError, KeyError, IndexError, TypeError):
                        continue
                    req.finish_reason = choice.get("finish_reason") or req.finish_reason
                    content = (choice.get("delta") or {}).get("content")
                    if content:
                        yield content
            finally:
                req.opened(None)

    # ---- the async face the pipeline uses ------------------------------------------------------------------

    async def load(self) -> ModelInfo:
        """Ask the server what it serves (and its context, when it says)."""
        if self.info is None:
            self.info = await asyncio.get_running_loop().run_in_executor(None, self._load_sync)
            self.loaded = True
        return self.info

    @property
    def n_ctx(self) -> int:
        return self._n_ctx

    @property
    def slots(self) -> int:
        """Requests the server answers at once: the user's setting, else the server's `total_slots` (known once
        loaded), else 1."""
        return self._want_slots or self._server_slots or 1

    @property
    def last_stats(self) -> RequestStats:
        """The figures of the last request the calling asyncio task made (see the module docstring)."""
        return self._last.get() or RequestStats()

    @last_stats.setter
    def last_stats(self, stats: RequestStats) -> None:
        self._last.set(stats)

    def _slot(self) -> asyncio.Semaphore:
        """The semaphore of `slots` requests sent at once, on the running loop (made anew on another loop)."""
        loop = asyncio.get_running_loop()
        if self._gate is None or self._gate[0] is not loop:
            self._gate = (loop, asyncio.Semaphore(self.slots))
        return self._gate[1]

    def _set_phase(self) -> None:
        phases = {r.phase for r in self._requests}
        self.phase = "generating" if "generating" in phases else "prompt" if phases else "idle"

    async def count_tokens(self, texts: Sequence[str]) -> list[int]:
        items = list(texts)
        return await asyncio.get_running_loop().run_in_executor(
            None, lambda: [self._count_sync(t) for t in items]
        )

    async def count_prompt(self, messages: Sequence[dict[str, str]]) -> int:
        counts = await self.count_tokens([m["content"] for m in messages])
        return sum(counts) + MESSAGE_OVERHEAD * len(messages) + 4

    def stop(self) -> None:
        """Stop now: every request in flight ends (its stream raises GenerationCancelled, its connection is shut,
        and the server notices). Any thread."""
        for req in list(self._requests):  # (a copy: the loop thread may add or remove one meanwhile)
            req.stop()

    async def stream(
        self, messages: Sequence[dict[str, str]], *, max_tokens: int, grammar: str | None = None
    ) -> AsyncGenerator[str, None]:
        req = _Request()
        self._requests.add(req)  # before the first await: a stop() from now on ends this request too
        self._set_phase()
        started = time.perf_counter()
        prompt = 0
        generated = 0
        finished = False
        holding: list[asyncio.Semaphore] = []
        try:
            prompt = await self.count_prompt(messages)
            if req.stopped.is_set():
                raise GenerationCancelled()
            if prompt + max_tokens > self._n_ctx:
                raise PromptTooLong(prompt, max_tokens, self._n_ctx)
            body: dict[str, Any] = {
                "model": self.model,
                "messages": list(messages),
                "max_tokens": max_tokens,
                "stream": True,
                "temperature": 0.3,
            }
            if grammar:
                body["grammar"] = grammar
            pieces: Channel[str] = Channel()
            req.pieces = pieces
            slot = self._slot()
            await slot.acquire()  # a free slot; released when this request ends, however it ends
            holding.append(slot)
            if req.stopped.is_set():
                raise GenerationCancelled()

            def work() -> None:
                try:
                    for piece in self._sse_sync(req, body, retry_without_grammar=bool(grammar)):
                        pieces.put(piece)
                except (httpx.HTTPError, httpx.StreamError) as e:
                    pieces.fail(
                        GenerationCancelled()
                        if req.stopped.is_set()
                        else EngineError(f"The connection to {self.base_url} broke off ({e}).")
                    )
                except BaseException as e:  # EngineError and anything unexpected: raised on the loop side
                    pieces.fail(e)
                finally:
                    pieces.end()  # (nothing, after a failure)

            started = time.perf_counter()
            threading.Thread(target=work, name="recap-http", daemon=True).start()
            async for piece in pieces:
                if req.stopped.is_set():
                    raise GenerationCancelled()
                if req.phase != "generating":
                    req.phase = "generating"
                    self._set_phase()
                generated += 1
                yield piece
            finished = True
            if req.stopped.is_set():
                raise GenerationCancelled()
        finally:
            if not finished and not req.stopped.is_set():
                req.stop()  # the consumer left early (closed the stream): end this request, and only this one
            for slot in holding:
                slot.release()
            self._requests.discard(req)
            self._set_phase()
            self.last_stats = RequestStats(
                prompt_tokens=prompt,
                prompt_evaluated=prompt,
                generated_tokens=generated,
                hit_cap=req.finish_reason == "length",
                generate_s=time.perf_counter() - started,
            )

    async def close(self) -> None:
        self.stop()
        self._client.close()

    def close_sync(self) -> None:
        self._client.close()
