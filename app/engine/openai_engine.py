"""A model on an OpenAI-compatible server the user runs (llama.cpp's `llama-server`, llama-cpp-python's server,
Ollama, vLLM, LM Studio) at an address they give: the same streaming, stopping and budgeting as the local engine.
Off unless the user points Recap at a server; Recap itself never contacts anything else.

- Streaming: `POST /v1/chat/completions` with `stream: true` (server-sent events), read with httpx.
- Stopping: `stop()` closes the response; the server stops generating when the connection goes.
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
import json
import time
from collections.abc import AsyncGenerator, Sequence
from typing import Any

import httpx

from .errors import EngineError, GenerationCancelled, PromptTooLong
from .llama_engine import ModelInfo, RequestStats

CHARS_PER_TOKEN_ESTIMATE = 3.0  # cautious: real tokenizers average ~4 characters a token on English
MESSAGE_OVERHEAD = 8  # tokens a chat template adds around each message


class OpenAIEngine:
    def __init__(
        self, base_url: str, model: str | None = None, n_ctx: int = 8192, api_key: str | None = None
    ):
        self.base_url = base_url.rstrip("/").removesuffix("/v1")
        self.model = model
        self._n_ctx = n_ctx
        self.model_path = f"{self.base_url} ({model})" if model else self.base_url
        self.headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.info: ModelInfo | None = None
        self.last_stats = RequestStats()
        self.phase = "idle"
        self.loaded = False
        self._tokenize: str | None = None  # which tokenize endpoint works, once known
        self._responses: set[httpx.Response] = set()
        self._stopped = False
        self._client: httpx.AsyncClient | None = None
        self._finish_reason: str | None = None

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            # a server silent for 5 minutes in the middle of an answer is hung: say so rather than wait forever
            timeout = httpx.Timeout(10.0, read=300.0)
            self._client = httpx.AsyncClient(base_url=self.base_url, headers=self.headers, timeout=timeout)
        return self._client

    async def load(self) -> ModelInfo:
        """Ask the server what it serves (and its context, when it says)."""
        if self.info is not None:
            return self.info
        try:
            r = await self._http().get("/v1/models", timeout=10)
            r.raise_for_status()
            models = [m.get("id") for m in r.json().get("data", [])]
        except (httpx.HTTPError, ValueError) as e:
            raise EngineError(
                f"The server at {self.base_url} did not answer as an OpenAI-compatible server ({e})."
            ) from e
        if self.model is None and models:
            self.model = str(models[0])
        with contextlib.suppress(httpx.HTTPError, ValueError, KeyError, TypeError):
            props = await self._http().get("/props", timeout=5)
            if props.status_code == 200:
                self._n_ctx = int(props.json()["default_generation_settings"]["n_ctx"])
        self.info = ModelInfo(
            path=self.model_path,
            name=str(self.model),
            n_ctx=self._n_ctx,
            n_ctx_train=self._n_ctx,
            n_vocab=0,
            n_threads=0,
            chat_template=True,
        )
        self.loaded = True
        return self.info

    @property
    def n_ctx(self) -> int:
        return self._n_ctx

    async def _count(self, text: str) -> int:
        client = self._http()
        tries = [self._tokenize] if self._tokenize else ["/tokenize", "/extras/tokenize"]
        for path in tries:
            if path is None:
                break
            body = {"content": text} if path == "/tokenize" else {"input": text}
            if path == "/tokenize" and self.model:
                body |= {"model": self.model, "prompt": text}  # vLLM's field names
            try:
                r = await client.post(path, json=body, timeout=30)
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

    async def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return [await self._count(t) for t in texts]

    async def count_prompt(self, messages: Sequence[dict[str, str]]) -> int:
        counts = await self.count_tokens([m["content"] for m in messages])
        return sum(counts) + MESSAGE_OVERHEAD * len(messages) + 4

    def stop(self) -> None:
        """Stop now: every open response is closed (the server notices the dropped connection)."""
        self._stopped = True
        for r in list(self._responses):
            with contextlib.suppress(Exception):
                asyncio.get_running_loop().create_task(r.aclose())

    async def stream(
        self, messages: Sequence[dict[str, str]], *, max_tokens: int, grammar: str | None = None
    ) -> AsyncGenerator[str, None]:
        self._stopped = False
        prompt = await self.count_prompt(messages)
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
        started = time.perf_counter()
        pieces = 0
        self._finish_reason = None
        self.phase = "prompt"
        try:
            async for piece in self._sse(body, retry_without_grammar=bool(grammar)):
                if self._stopped:
                    raise GenerationCancelled()
                self.phase = "generating"
                pieces += 1
                yield piece
            if self._stopped:
                raise GenerationCancelled()
        finally:
            self.phase = "idle"
            self.last_stats = RequestStats(
                prompt_tokens=prompt,
                prompt_evaluated=prompt,
                generated_tokens=pieces,
                hit_cap=self._finish_reason == "length",
                generate_s=time.perf_counter() - started,
            )

    async def _sse(self, body: dict[str, Any], retry_without_grammar: bool) -> AsyncGenerator[str, None]:
        client = self._http()
        try:
            async with client.stream("POST", "/v1/chat/completions", json=body) as r:
                self._responses.add(r)
                try:
                    if r.status_code in (400, 422) and retry_without_grammar:
                        await r.aread()
                        body = {k: v for k, v in body.items() if k != "grammar"}
                        async for piece in self._sse(body, retry_without_grammar=False):
                            yield piece
                        return
                    if r.status_code != 200:
                        await r.aread()
                        raise EngineError(f"The server answered {r.status_code}: {r.text[:200]}")
                    async for line in r.aiter_lines():
                        if not line.startswith("data:"):
                            continue
                        data = line[5:].strip()
                        if data == "[DONE]":
                            break
                        try:
                            choice = json.loads(data)["choices"][0]
                        except (ValueError, KeyError, IndexError, TypeError):
                            continue
                        self._finish_reason = choice.get("finish_reason") or self._finish_reason
                        content = (choice.get("delta") or {}).get("content")
                        if content:
                            yield content
                finally:
                    self._responses.discard(r)
        except (httpx.ReadError, httpx.RemoteProtocolError, httpx.StreamClosed) as e:
            if self._stopped:
                raise GenerationCancelled() from e
            raise EngineError(f"The connection to {self.base_url} broke off ({e}).") from e
        except httpx.HTTPError as e:
            if self._stopped:
                raise GenerationCancelled() from e
            raise EngineError(f"The server at {self.base_url} could not be reached ({e}).") from e

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def close_sync(self) -> None:
        pass  # nothing runs on a thread of ours
