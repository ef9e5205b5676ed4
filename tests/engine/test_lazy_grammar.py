"""The request's grammar checked on the token drawn, and applied to the whole vocabulary only when it rejects that
one (app/engine/lazy_grammar.py), with the real llama.cpp and the generated random-weight model: a model whose
every draw is noise is the hardest case for the fallback."""

from __future__ import annotations

import asyncio
import gc
import re
from pathlib import Path

import pytest

from app.engine import LlamaEngine
from app.engine.lazy_grammar import LazyGrammar
from app.summarize.chapters import notes_grammar

MSGS = [{"role": "user", "content": "Write notes."}]


def test_tokens_the_grammar_rejects_are_drawn_again_under_it(
    tiny_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    used: list[LazyGrammar] = []
    draws = 0
    sample = LazyGrammar.sample

    def watched(self: LazyGrammar, chain: object, ctx: object, idx: int) -> int:
        nonlocal draws
        if self not in used:
            used.append(self)
        draws += 1
        return sample(self, chain, ctx, idx)

    monkeypatch.setattr(LazyGrammar, "sample", watched)

    async def main() -> str:
        e = LlamaEngine(tiny_model)
        try:
            g = notes_grammar(["00:00:21", "00:01:05"], 3)
            text = "".join([p async for p in e.stream(MSGS, max_tokens=60, grammar=g)])
            assert e._llm.lazy_grammar is None  # freed when the request ended
            _ = [p async for p in e.stream(MSGS, max_tokens=20)]
            return text
        finally:
            await e.close()

    text = asyncio.run(main())
    assert (
        len(used) == 1
    )  # the grammar request only; the one without a grammar samples as llama-cpp-python does
    lazy = used[0]
    assert lazy.sampler is None  # its native grammar freed
    assert 0 < lazy.redrawn < draws  # the fallback ran, and some draws kept to the grammar on their own
    assert re.match(r"- \[(00:00:21|00:01:05)\] ", text), text


def test_a_requests_candidate_arrays_are_freed_when_it_ends_not_at_a_full_collection(
    tiny_model: Path,
) -> None:
    """The arrays the grammar fills with the whole vocabulary's logits (12 bytes an entry) go with the request.
    Cast from the arrays themselves, the pointers put each array into a reference cycle, and a long run held one
    pair a grammar request until Python's rare full collection (33 pairs at the peak of a 10-hour run)."""

    def arrays() -> int:
        # the candidates, and the pointers to each token's logits (cast, they were cycles of their own)
        kinds = ("llama_token_data_Array", "LP_c_float", "c_float_Array")
        return sum(1 for o in gc.get_objects() if type(o).__name__.startswith(kinds))

    async def main() -> list[int]:
        e = LlamaEngine(tiny_model)
        try:
            g = notes_grammar(["00:00:21", "00:01:05"], 3)
            seen = []
            for _ in range(3):
                _ = [p async for p in e.stream(MSGS, max_tokens=20, grammar=g)]
                seen.append(arrays())
            return seen
        finally:
            await e.close()

    gc.collect()
    before = arrays()
    gc.disable()  # only reference counting frees anything now, as between the collector's rare full passes
    try:
        seen = asyncio.run(main())
    finally:
        gc.enable()
    assert seen == [before] * 3
