"""Engine errors. Messages are sentences for the user."""

from __future__ import annotations


class EngineError(Exception):
    """Loading or running the model failed; the message says what happened in words a user understands."""


class GenerationCancelled(Exception):
    """The request was stopped by stop() or by its consumer leaving."""


class PromptTooLong(EngineError):
    """A prompt plus its output reserve would not fit the context. Raised before anything is evaluated."""

    def __init__(self, prompt_tokens: int, max_tokens: int, n_ctx: int) -> None:
        super().__init__(
            f"The request needs {prompt_tokens} prompt tokens plus {max_tokens} for the answer, "
            f"more than the model's context of {n_ctx} tokens."
        )
        self.prompt_tokens = prompt_tokens
        self.max_tokens = max_tokens
        self.n_ctx = n_ctx
