"""What every engine offers: the local one (`LlamaEngine`, a GGUF file on this machine) and the server one
(`OpenAIEngine`, an OpenAI-compatible server the user runs). The pipeline and the window use engines only
through this face; `app.engine.factory.make_engine` builds the right one from the settings.

Every coroutine runs on the asyncio loop's thread; `stop()` may be called from any thread. The data members are
the engine's to write (`phase` on its worker thread); users only read them.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Sequence
from typing import TYPE_CHECKING, Protocol

from .llama_engine import ModelInfo, RequestStats

Message = dict[str, str]  # {"role": "system" | "user" | "assistant", "content": ...}


class Engine(Protocol):
    model_path: str  # the file, or the server's address, for the window's label
    info: ModelInfo | None  # what load() found; None until it has finished
    # Figures of the last request (prompt tokens, tokens generated, the cap ...). An engine with several slots
    # keeps them per asyncio task: each task reads those of its own last request.
    last_stats: RequestStats
    phase: str  # what the engine does: "idle", "loading", "prompt" (reading a prompt) or "generating"

    @property
    def loaded(self) -> bool:
        """Whether load() has succeeded."""

    @property
    def slots(self) -> int:
        """How many requests the engine answers at once (each with the whole `n_ctx` budget): 1 for the local
        engine; a server's number of slots. Callers may run that many streams concurrently."""

    @property
    def n_ctx(self) -> int:
        """The context, in tokens, requests must fit (prompt plus max_tokens). A local engine knows it only
        once loaded, and raises EngineError before."""

    async def load(self) -> ModelInfo:
        """Load the model (or ask the server what it serves); idempotent. EngineError with a sentence;
        GenerationCancelled when stop() aborted the load (the next load() loads again)."""

    async def close(self) -> None:
        """Stop what runs and free the model or the connection; the engine is unusable afterwards."""

    async def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Token counts of plain texts, with the model's own tokenizer where there is one."""

    async def count_prompt(self, messages: Sequence[Message]) -> int:
        """Length in tokens of the whole chat prompt for these messages."""

    def stream(
        self, messages: Sequence[Message], *, max_tokens: int, grammar: str | None = None
    ) -> AsyncGenerator[str, None]:
        """Text pieces as the model writes them. GenerationCancelled after stop(); PromptTooLong, before
        anything is evaluated, when the prompt plus max_tokens would not fit the context."""
        ...

    def stop(self) -> None:
        """Abort the running requests at once (every one in flight, and any queued one). Any thread; returns at
        once."""


if TYPE_CHECKING:  # mypy checks here that both engines have this face (nothing runs)
    from .llama_engine import LlamaEngine
    from .openai_engine import OpenAIEngine

    def _both_are_engines(local: LlamaEngine, server: OpenAIEngine) -> tuple[Engine, Engine]:
        return local, server
