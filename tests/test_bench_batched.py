"""tests/bench/batched.py on the tiny generated model: the measurement runs its sequences through llama.cpp's batch
API and counts what it decoded (the figures themselves come from the benchmark, not from here)."""

from __future__ import annotations

from pathlib import Path

from tests.bench.batched import Bench


def test_sequences_in_one_context_each_get_their_tokens(tiny_model: Path) -> None:
    b = Bench(tiny_model, threads=1)
    try:
        one = b.generation(1, 4)
        four = b.generation(4, 4)
        alone = b.riding(16, False, total=64)
        riding = b.riding(16, True, total=64)
    finally:
        b.close()
    assert one["tokens"] == 4 and four["tokens"] == 16
    assert one["tok_s"] > 0 and four["tok_s"] > 0
    assert alone["riding_tokens"] == 0
    assert riding["riding_tokens"] == 64 // 16  # one token for the writing sequence with every prompt chunk
