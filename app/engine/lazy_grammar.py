"""Sampling under a grammar the way llama.cpp's own tools do it: a token is drawn without the grammar, and the
grammar is applied to the whole vocabulary only when that token breaks it.

llama-cpp-python puts the grammar into its sampler chain, ahead of top-k, so every token checks every vocabulary
entry against the grammar: with SmolLM2 (49k entries) under the notes grammar, 16.8 ms a token against 7.5 without,
and 8.2 this way (`python -m tests.bench.grammar`, medians of five rounds; Qwen2.5 has three times the entries). llama.cpp's
`common_sampler_sample` (common/sampling.cpp, used by llama-server and llama-cli) samples with the chain alone, checks
the one token it drew, and only when the grammar rejects it draws again with the grammar applied first. That helper is
C++ in llama.cpp's common library, which llama-cpp-python does not bind, so this is the same procedure written over
the C API it does bind (`llama_sampler_apply`, `llama_sampler_accept`).
"""

from __future__ import annotations

import ctypes
import functools
import math
from typing import Any

import numpy as np


@functools.cache
def _array_types(n_vocab: int) -> tuple[Any, Any]:
    """The ctypes types of a vocabulary's candidates and of its row of logits, made once per size: ctypes keeps
    array types only weakly, and a type is a reference cycle of its own, so types made for each request were
    left to Python's collector."""
    import llama_cpp

    return llama_cpp.llama_token_data * n_vocab, ctypes.c_float * n_vocab


class LazyGrammar:
    """The grammar of one request, beside the request's sampler chain (which has no grammar of its own).
    `sample` replaces `LlamaSampler.sample` for that request; `close` frees the grammar."""

    def __init__(self, llm: Any, grammar: Any) -> None:
        import llama_cpp

        self._c = llama_cpp
        self.sampler = llama_cpp.llama_sampler_init_grammar(
            llm._model.vocab, grammar._grammar.encode("utf-8"), grammar._root.encode("utf-8")
        )
        self._n_vocab = llm.n_vocab()
        candidates, self._logits = _array_types(self._n_vocab)  # (the second: the type of a row of logits)
        self._cur = candidates()
        self._view = np.ctypeslib.as_array(self._cur)  # the same memory, as (id, logit, p) records
        self._ids = np.arange(self._n_vocab, dtype=np.int32)
        self._one = _array_types(1)[0]()
        self._one_view = np.ctypeslib.as_array(self._one)
        # Pointers made from the arrays' addresses, once. `ctypes.cast(array, ...)` would put the array into its
        # own `_objects` dict (to keep it alive for the pointer): a reference cycle, so every request's arrays
        # (12 bytes a vocabulary entry: 0.59 MB with SmolLM2, 1.8 MB with Qwen2.5) waited for Python's full
        # collection. This object holds the arrays as long as the pointers are used.
        self._cur_p = ctypes.cast(ctypes.addressof(self._cur), llama_cpp.llama_token_data_p)
        self._one_p = ctypes.cast(ctypes.addressof(self._one), llama_cpp.llama_token_data_p)
        self.redrawn = 0  # tokens the grammar rejected, drawn again under it

    def close(self) -> None:
        if self.sampler is not None:
            self._c.llama_sampler_free(self.sampler)
            self.sampler = None

    def _candidates(self, ctx: Any, idx: int) -> Any:
        """Every vocabulary entry with its logit at output `idx`, as llama.cpp's own `llama_sampler_sample` builds
        them (filled through numpy: a Python loop over 49k entries would cost more than the grammar)."""
        p = self._c.llama_get_logits_ith(ctx, idx)
        # (as_array(p, shape) would cast the pointer, another cycle: see __init__)
        logits = np.ctypeslib.as_array(self._logits.from_address(ctypes.addressof(p.contents)))
        self._view["id"] = self._ids
        self._view["logit"] = logits
        self._view["p"] = 0.0
        return self._c.llama_token_data_array(
            data=self._cur_p,
            size=self._n_vocab,
            selected=-1,
            sorted=False,
        )

    def sample(self, chain: Any, ctx: Any, idx: int) -> int:
        """The next token: drawn by `chain` (a llama_sampler_p) from the logits at output `idx`, kept when the
        grammar allows it, else drawn again with the grammar applied first; then accepted by both."""
        c = self._c
        cur = self._candidates(ctx, idx)
        c.llama_sampler_apply(chain, ctypes.byref(cur))
        token = int(cur.data[cur.selected].id)
        self._one_view[0] = (token, 1.0, 0.0)
        single = c.llama_token_data_array(data=self._one_p, size=1, selected=-1, sorted=False)
        c.llama_sampler_apply(self.sampler, ctypes.byref(single))
        if math.isinf(single.data[0].logit):
            self.redrawn += 1
            cur = self._candidates(ctx, idx)
            c.llama_sampler_apply(self.sampler, ctypes.byref(cur))
            c.llama_sampler_apply(chain, ctypes.byref(cur))
            token = int(cur.data[cur.selected].id)
        c.llama_sampler_accept(self.sampler, token)
        c.llama_sampler_accept(chain, token)
        return token
