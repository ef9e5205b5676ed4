"""Fit a model to this machine before llama.cpp loads it: the context size from the model's trained context and
the memory that is free, and a clear refusal when the model can't fit (instead of a machine that starts swapping).

Memory a model needs ≈ its file (the weights are memory-mapped and all read) + the KV cache (computable from the
header: 2 × layers × KV heads × head size × 2 bytes, per token of context) + llama.cpp's work buffers (vocabulary
× batch × 4 bytes for the logits, plus a fixed margin). `psutil` tells what is available (free plus reclaimable
cache), the same number the OS's own monitors show.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import EngineError
from .gguf_header import GGUFHeader, read_header

DEFAULT_CTX = 8192  # plenty for 3k-token windows plus instructions and output; the KV cache stays small
MIN_CTX = 4096  # below this the windows (3,000 tokens of transcript) no longer fit with their instructions
MARGIN_BYTES = 300 * 2**20  # llama.cpp's compute buffers and the app itself
BATCH = 512


@dataclass(frozen=True)
class Fit:
    n_ctx: int
    n_ctx_train: int | None  # from the header (None: it does not say)
    needed_bytes: int  # with that context
    available_bytes: int | None  # None: unknown (then nothing is refused)
    kv_bytes_per_token: int


def available_memory() -> int | None:
    try:
        import psutil
    except ImportError:  # pragma: no cover - psutil is a dependency; keep working without it anyway
        return None
    return int(psutil.virtual_memory().available)


def kv_bytes_per_token(h: GGUFHeader) -> int:
    layers = int(h.arch_key("block_count") or 0)
    n_embd = int(h.arch_key("embedding_length") or 0)
    heads = int(h.arch_key("attention.head_count") or 1) or 1
    kv_heads = int(h.arch_key("attention.head_count_kv") or heads)
    k = int(h.arch_key("attention.key_length") or n_embd // heads)
    v = int(h.arch_key("attention.value_length") or n_embd // heads)
    return layers * kv_heads * (k + v) * 2  # f16 K and V


def plan(path: str | Path, want_ctx: int | None = None, available: int | None = -1) -> Fit:
    """The context to run with and the memory that needs; EngineError with a sentence if it can't fit.
    `available` -1 means: ask the machine."""
    p = Path(path)
    h = read_header(p)
    trained = h.context_length or DEFAULT_CTX
    per_token = kv_bytes_per_token(h)
    fixed = p.stat().st_size + h.vocab_size * BATCH * 4 + MARGIN_BYTES
    avail = available_memory() if available == -1 else available
    n_ctx = min(want_ctx or DEFAULT_CTX, trained)
    if avail is not None and want_ctx is None:
        while n_ctx > MIN_CTX and fixed + per_token * n_ctx > avail:
            n_ctx //= 2  # less context before refusing: windows are 3k tokens, a smaller context still works
        n_ctx = max(n_ctx, min(MIN_CTX, trained))
    needed = fixed + per_token * n_ctx
    if avail is not None and needed > avail:
        raise EngineError(
            f"“{p.name}” needs about {needed / 2**30:.1f} GB of memory with a {n_ctx:,}-token context; "
            f"{avail / 2**30:.1f} GB is free. Close other programs, or choose a smaller model (fewer "
            "parameters, or a stronger quantization such as Q4_K_M)."
        )
    return Fit(n_ctx, h.context_length, needed, avail, per_token)


def gpu_offload_supported() -> bool:
    """Whether the installed llama-cpp-python was built with a GPU backend (CUDA, Metal, Vulkan ...)."""
    try:
        import llama_cpp
    except ImportError:  # pragma: no cover
        return False
    return bool(llama_cpp.llama_supports_gpu_offload())
