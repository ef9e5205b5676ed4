"""Several sequences in one llama.cpp context, measured: does batching pay on this machine, and where?

    python -m tests.bench.batched [--steps 96]      (also the "batched" step of `python -m tests.bench.run`)

Issue 14 asks whether several sequences in one local llama.cpp context (as llama-server's slots do) would pay for
generation, which is bound by memory rather than arithmetic. Two measurements, for SmolLM2-135M-Instruct (the real
model, when tests/real_model.py can have it) and the generated Qwen2.5-0.5B-shaped model (Q4_K_M), each in a
fresh context with flash attention, on all physical cores, straight on llama.cpp's batch API (llama_decode with a
sequence id per token: what a multi-slot local engine would do):

1. Generation: N sequences, each after a prompt of its own (600 transcript tokens), decode one token each per step
   for `--steps` steps; greedy. Total generated tokens/s for N = 1, 2, 4, 8 and the gain over N = 1.
2. Riding along: one sequence's prompt read in chunks of C tokens while another sequence generates one token per
   chunk (llama-server's continuous batching). Prompt tokens/s with and without the riding token, and the riding
   sequence's tokens/s: what the generating window gets while the next window is read.

The decision these figures fed is in the README (Benchmarks) and, with all its figures, in docs/benchmarks.md
("Several sequences in one context").
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

SEED = ROOT.parent / "shared" / "seeds" / "003_89ecf7e1a8feb40e.txt"
SAMPLE = ROOT / "tests" / "data" / "premiere.txt"
PROMPT = 600
N_CTX = 8192


class Bench:
    """One model, loaded once; each measurement in a context of its own."""

    def __init__(self, path: Path, threads: int) -> None:
        import llama_cpp

        self.ll = llama_cpp
        self.llm = llama_cpp.Llama(str(path), n_ctx=512, n_threads=threads, verbose=False)
        self.threads = threads
        self.model = self.llm._model.model
        self.n_vocab = llama_cpp.llama_vocab_n_tokens(llama_cpp.llama_model_get_vocab(self.model))
        text = (SEED if SEED.exists() else SAMPLE).read_text(encoding="utf-8")
        tokens = self.llm.tokenize(text.encode("utf-8"), add_bos=False)
        while len(tokens) < 8 * PROMPT + 1024:  # the sample is short: repeat it
            tokens = tokens + tokens
        self.tokens = tokens

    def close(self) -> None:
        self.llm.close()

    def _context(self, n_seq: int, n_batch: int) -> Any:
        p = self.ll.llama_context_default_params()
        p.n_ctx = N_CTX
        p.n_batch = p.n_ubatch = n_batch
        p.n_seq_max = n_seq
        p.n_threads = p.n_threads_batch = self.threads
        p.flash_attn_type = self.ll.LLAMA_FLASH_ATTN_TYPE_ENABLED
        p.kv_unified = False  # each sequence its own cells: the sequences share no prefix
        ctx = self.ll.llama_init_from_model(self.model, p)
        if not ctx:
            raise RuntimeError("llama.cpp could not make the context")
        return ctx

    def _decode(self, ctx: Any, batch: Any, items: list[tuple[int, int, int, bool]]) -> None:
        """items: (token, position, sequence, wants logits)."""
        for i, (tok, pos, seq, logits) in enumerate(items):
            batch.token[i] = tok
            batch.pos[i] = pos
            batch.n_seq_id[i] = 1
            batch.seq_id[i][0] = seq
            batch.logits[i] = logits
        batch.n_tokens = len(items)
        rc = self.ll.llama_decode(ctx, batch)
        if rc != 0:
            raise RuntimeError(f"llama_decode returned {rc}")

    def _argmax(self, ctx: Any, i: int) -> int:
        import numpy as np

        logits = np.ctypeslib.as_array(self.ll.llama_get_logits_ith(ctx, i), shape=(self.n_vocab,))
        return int(logits.argmax())

    def generation(self, n_seq: int, steps: int) -> dict[str, float]:
        ctx = self._context(n_seq, 512)
        batch = self.ll.llama_batch_init(512, 0, n_seq)
        try:
            for s in range(n_seq):  # each sequence's prompt, one after another (not timed)
                p = self.tokens[s * PROMPT : (s + 1) * PROMPT]
                for a in range(0, PROMPT, 512):
                    chunk = p[a : a + 512]
                    self._decode(
                        ctx, batch, [(t, a + i, s, a + i == PROMPT - 1) for i, t in enumerate(chunk)]
                    )
            nxt = [self._argmax(ctx, -1)] * n_seq  # the same first token for all: greedy from there
            t0 = time.perf_counter()
            for step in range(steps):
                self._decode(ctx, batch, [(nxt[s], PROMPT + step, s, True) for s in range(n_seq)])
                nxt = [self._argmax(ctx, s) for s in range(n_seq)]
            seconds = time.perf_counter() - t0
        finally:
            self.ll.llama_batch_free(batch)
            self.ll.llama_free(ctx)
        return {
            "tokens": n_seq * steps,
            "seconds": round(seconds, 3),
            "tok_s": round(n_seq * steps / seconds, 1),
        }

    def riding(self, chunk: int, ride: bool, total: int = 1536) -> dict[str, float]:
        ctx = self._context(2, 1024)
        batch = self.ll.llama_batch_init(1024, 0, 2)
        try:  # sequence 1 has read a prompt and generates; sequence 0's prompt is read in chunks
            base = self.tokens[-PROMPT:]
            self._decode(ctx, batch, [(t, i, 1, i == PROMPT - 1) for i, t in enumerate(base)])
            tok, pos, made = self._argmax(ctx, -1), PROMPT, 0
            t0 = time.perf_counter()
            for a in range(0, total, chunk):
                part = self.tokens[a : a + chunk]
                items = [(t, a + i, 0, i == len(part) - 1) for i, t in enumerate(part)]
                if ride:
                    items.append((tok, pos, 1, True))
                self._decode(ctx, batch, items)
                if ride:
                    tok, pos, made = self._argmax(ctx, len(items) - 1), pos + 1, made + 1
            seconds = time.perf_counter() - t0
        finally:
            self.ll.llama_batch_free(batch)
            self.ll.llama_free(ctx)
        return {
            "prompt_tok_s": round(total / seconds, 1),
            "riding_tokens": made,
            "riding_tok_s": round(made / seconds, 2),
        }


def measure(path: Path, steps: int, threads: int) -> dict[str, Any]:
    b = Bench(path, threads)
    try:
        gen = {n: b.generation(n, steps) for n in (1, 2, 4, 8)}
        one = gen[1]["tok_s"]
        for g in gen.values():
            g["gain"] = round(g["tok_s"] / one, 2)
        ride = {}
        for c in (16, 64, 128, 512):
            alone, with_one = b.riding(c, False), b.riding(c, True)
            ride[c] = {
                "prompt_alone_tok_s": alone["prompt_tok_s"],
                "prompt_with_riding_tok_s": with_one["prompt_tok_s"],
                "riding_tok_s": with_one["riding_tok_s"],
            }
    finally:
        b.close()
    return {"model": path.name, "generation": gen, "riding": ride}


def models() -> list[Path]:
    from tests.bench.run import build_models
    from tests.real_model import Unavailable, smollm2

    found = []
    try:
        found.append(smollm2())
    except Unavailable as e:
        print(f"SmolLM2 left out: {e}", file=sys.stderr)
    found.append(build_models()["read"])
    return found


def bench_batched(steps: int = 96) -> dict[str, Any]:
    from app.engine.hardware import physical_cores

    threads = physical_cores()
    return {"threads": threads, "models": [measure(p, steps, threads) for p in models()]}


def report(r: dict[str, Any]) -> None:
    for m in r["models"]:
        print(f"{m['model']} ({r['threads']} threads)")
        for n, g in m["generation"].items():
            print(f"  {n} sequence(s): {g['tok_s']:7.1f} generated tok/s in all  ({g['gain']:.2f}x)")
        for c, x in m["riding"].items():
            print(
                f"  prompt in chunks of {c:>3}: {x['prompt_alone_tok_s']:6.1f} tok/s alone, "
                f"{x['prompt_with_riding_tok_s']:6.1f} with a token riding, which writes {x['riding_tok_s']:.2f} tok/s"
            )


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=96)
    a = p.parse_args(argv)
    r = bench_batched(a.steps)
    report(r)
    out = ROOT / "tests" / "bench" / "results" / "batched.json"
    out.write_text(json.dumps(r, indent=1) + "\n")
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
