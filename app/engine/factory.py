"""The one place an engine is built from the user's settings, for the window and the CLI alike.

Which model:
1. `model`, when given (a file the user chose, `--model` on the command line); `"server:" + URL` names an
   OpenAI-compatible server instead of a file;
2. otherwise the settings' `server_url`, when set;
3. otherwise the settings' `model_path`, a local GGUF file;
4. otherwise nothing: EngineError, with a sentence.

How: the arguments `n_ctx` and `threads` (the CLI's `--ctx`, `--threads`) win over the settings' `n_ctx` and
`threads`; a server engine sends as many requests at once as the settings' `server_slots` say, else as many as the
server reports; a local engine left without a context size fits one to the model and the free memory
(app/engine/fit.py); a server engine assumes `fit.DEFAULT_CTX` until the server says its own. GPU layers come
from the settings' `gpu_layers`, else `default_gpu_layers()`, the default the Settings dialog shows too.

Building an engine loads nothing: `await engine.load()` does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from . import fit
from .errors import EngineError
from .llama_engine import LlamaEngine
from .protocol import Engine

SERVER_PREFIX = "server:"


class Settings(Protocol):
    """What the factory reads settings through: `app.config.Config`, or any mapping (a dict in tests)."""

    def get(self, key: str, default: Any, /) -> Any: ...


def default_gpu_layers() -> int:
    """Layers on the GPU when the user has not said: all of them (-1) when this llama.cpp has a GPU backend,
    else none. (Asking imports llama_cpp.)"""
    return -1 if fit.gpu_offload_supported() else 0


def gpu_layers(settings: Settings) -> int:
    """The settings' `gpu_layers` (-1: all), or the default for this build of llama.cpp."""
    v = settings.get("gpu_layers", None)
    return default_gpu_layers() if v is None else int(v)


def model_spec(settings: Settings) -> str | None:
    """The model the settings name, as `make_engine` takes it: `"server:" + URL` or a file path; None when they
    name none."""
    server = settings.get("server_url", None)
    if isinstance(server, str) and server.strip():
        return SERVER_PREFIX + server.strip()
    path = settings.get("model_path", None)
    return path if isinstance(path, str) and path else None


def server_slots(settings: Settings) -> int:
    """The settings' `server_slots`: requests sent to a model server at once; 0 (unset): as many as the server
    says it has (llama-server's `total_slots`), 1 where it says nothing."""
    try:
        return max(0, int(settings.get("server_slots", 0) or 0))
    except (TypeError, ValueError):
        return 0


def _int_or_none(v: Any) -> int | None:
    return int(v) if v else None


def make_engine(
    settings: Settings, model: str | None = None, *, n_ctx: int | None = None, threads: int | None = None
) -> Engine:
    """The engine for `model` (or, without one, for the model the settings name), configured by the settings.
    Nothing is loaded yet. EngineError when there is no model to use."""
    spec = model or model_spec(settings)
    if not spec:
        raise EngineError(
            "No model is chosen: choose a GGUF model file in Settings (or pass --model PATH), "
            "or give the address of a model server."
        )
    ctx = n_ctx or _int_or_none(settings.get("n_ctx", None))
    if spec.startswith(SERVER_PREFIX):
        url = spec.removeprefix(SERVER_PREFIX).strip()
        if not url:
            raise EngineError("The model server's address is empty: give one such as http://127.0.0.1:8080.")
        from .openai_engine import OpenAIEngine  # httpx, only for a server

        return OpenAIEngine(url, n_ctx=ctx or fit.DEFAULT_CTX, slots=server_slots(settings))
    return LlamaEngine(
        spec,
        n_ctx=ctx,
        n_threads=threads or _int_or_none(settings.get("threads", None)),
        n_gpu_layers=gpu_layers(settings),
    )


if TYPE_CHECKING:  # mypy checks that the window's Config and a plain mapping are both settings (nothing runs)
    from collections.abc import Mapping

    from ..config import Config

    def _settings_kinds(config: Config, mapping: Mapping[str, Any], d: dict[str, int]) -> list[Engine]:
        return [make_engine(config), make_engine(mapping), make_engine(d, "m.gguf", n_ctx=4096, threads=2)]
