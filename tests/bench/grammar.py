"""Generation under a grammar, measured: the engine's lazy grammar (app/engine/lazy_grammar.py) against
llama-cpp-python's own (the grammar in the sampler chain, every vocabulary entry checked each token), and against
no grammar at all, in one process and run.

    python -m tests.bench.grammar [--model GGUF] [--tokens 120] [--rounds 3]

The request: a short prompt and the notes grammar (`- [stamp] text` bullets over 20 stamps), as Recap's second
try at a part's notes asks. Each round runs the three ways in turn (the same prompt, served from the KV cache);
the figure is milliseconds per generated token after the first, the median over rounds. The model: SmolLM2-135M-
Instruct (tests/real_model.py) unless --model names another.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.engine import LlamaEngine  # noqa: E402
from app.engine.llama_engine import _free_sampler  # noqa: E402
from app.summarize.chapters import notes_grammar, stamp  # noqa: E402

MSGS = [{"role": "user", "content": "Write notes about a podcast on rust and go, one bullet a point."}]


async def engine_ms(e: LlamaEngine, grammar: str | None, tokens: int) -> float:
    times: list[float] = []
    async for _piece in e.stream(MSGS, max_tokens=tokens, grammar=grammar):
        times.append(time.perf_counter())
    n = e.last_stats.generated_tokens
    return (times[-1] - times[0]) / max(1, n - 1) * 1000


def bare_ms(e: LlamaEngine, grammar: str, tokens: int) -> float:
    """llama-cpp-python's `generate` with the grammar in its chain, on the engine's loaded model and worker
    thread (llama.cpp called from another thread ran every later request three times slower), with the engine's
    sampling."""
    from llama_cpp import LlamaGrammar

    llm, s = e._llm, e.sampling
    prompt = e._render(MSGS)
    g = LlamaGrammar.from_string(grammar, verbose=False)
    stamps: list[float] = []
    gen = llm.generate(prompt, **s.generate_kwargs(), grammar=g)
    for token in gen:
        stamps.append(time.perf_counter())
        if len(stamps) >= tokens or token == llm.token_eos():
            break
    gen.close()
    _free_sampler(llm)
    return (stamps[-1] - stamps[0]) / max(1, len(stamps) - 1) * 1000


async def main_async(args: argparse.Namespace) -> None:
    if args.model is None:
        from tests.real_model import smollm2

        args.model = str(smollm2())
    grammar = notes_grammar([stamp(30 * i) for i in range(20)], 6)
    e = LlamaEngine(args.model)
    await e.load()
    out: dict[str, list[float]] = {"no grammar": [], "grammar, llama-cpp-python's": [], "grammar, lazy": []}
    try:
        for _ in range(args.rounds):
            out["no grammar"].append(await engine_ms(e, None, args.tokens))
            out["grammar, llama-cpp-python's"].append(await e._call(lambda: bare_ms(e, grammar, args.tokens)))
            out["grammar, lazy"].append(await engine_ms(e, grammar, args.tokens))
    finally:
        await e.close()
    print(
        f"{Path(args.model).name}, {args.tokens} tokens, {args.rounds} rounds: ms per token (median; each round)"
    )
    for name, ms in out.items():
        print(f"  {name:28s} {statistics.median(ms):6.1f}   {' '.join(f'{m:.1f}' for m in ms)}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model")
    ap.add_argument("--tokens", type=int, default=120)
    ap.add_argument("--rounds", type=int, default=3)
    asyncio.run(main_async(ap.parse_args()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
