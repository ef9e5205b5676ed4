"""The pipeline with a real instruct model (SmolLM2-135M-Instruct, tests/real_model.py), against a bare llama.cpp
loop doing the same token work, in the same process and run.

    python -m tests.bench.real [--seed 003 ...]      (also part of `python -m tests.bench.run`, as "real")

For each seed: the whole run's seconds (model loaded beforehand); transcript tokens per second ÷ llama.cpp's prompt
speed at short context; the run's seconds ÷ the seconds a bare `Llama.generate` loop takes to evaluate the same
prompts (with the same KV-cache reuse) and sample the same number of tokens under the same grammars, checked on the
token drawn as the engine and llama.cpp's own tools check them (`app/engine/lazy_grammar.py`) ("bare ÷ run":
1.0 means Recap adds nothing of its own); prompt tokens evaluated ÷ transcript tokens; generated tokens per window;
answers that hit their cap; time to the first chapter and to the first summary words (the notes so far included).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
SEEDS = {
    "000": SHARED / "seeds" / "000_33af36d82867e4b0.txt",
    "003": SHARED / "seeds" / "003_89ecf7e1a8feb40e.txt",
}

CHILD = r"""
import asyncio, contextlib, json, sys, time
sys.path.insert(0, sys.argv[3])

import llama_cpp
from app.engine import LlamaEngine
from app.engine.lazy_grammar import LazyGrammar
from app.engine.llama_engine import FLASH_ATTN, _abortable_llama, _free_sampler
from app.summarize import ChapterFound, Finished, Options, Summarizer, SummaryDelta
from app.summarize.events import NotesDelta
from app.transcript import read_file

MODEL, SOURCE = sys.argv[1], sys.argv[2]


def peak_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024


async def run():
    engine = LlamaEngine(MODEL)
    info = await engine.load()
    engine.requests = []
    t = read_file(SOURCE)
    first = {}
    result = None
    t0 = time.perf_counter()
    async with contextlib.aclosing(Summarizer(engine, Options()).run(t)) as evs:
        async for ev in evs:
            now = time.perf_counter() - t0
            if isinstance(ev, ChapterFound):
                first.setdefault("chapter", now)
            elif isinstance(ev, NotesDelta) and ev.text.strip():
                first.setdefault("notes", now)
                first.setdefault("summary_words", now)
            elif isinstance(ev, SummaryDelta) and ev.text.strip():
                first.setdefault("summary", now)
                first.setdefault("summary_words", now)
            elif isinstance(ev, Finished):
                result = ev.result
    seconds = time.perf_counter() - t0
    requests = engine.requests
    await engine.close()
    return info, seconds, first, result, requests


info, seconds, first, result, requests = asyncio.run(run())
s = LlamaEngine(MODEL).sampling
# (the engine's Llama subclass, for its sampling: a grammar checked on the token drawn, as llama.cpp's own tools do)
go_on = llama_cpp.llama_progress_callback(lambda _progress, _data: True)
llm = _abortable_llama()(MODEL, progress_callback=go_on, n_ctx=info.n_ctx, n_threads=info.n_threads,
                         n_threads_batch=info.n_threads, n_batch=512, seed=1234, flash_attn=FLASH_ATTN,
                         verbose=False)
failed = 0
t0 = time.perf_counter()
for r in requests:
    grammar = llama_cpp.LlamaGrammar.from_string(r.grammar, verbose=False) if r.grammar else None
    llm.lazy_grammar = LazyGrammar(llm, grammar) if grammar is not None else None
    want = r.generated + (0 if r.hit_cap else 1)
    try:
        gen = llm.generate(r.prompt, **s.generate_kwargs())
        for i, tok in enumerate(gen):
            llm.detokenize([tok])
            if i + 1 >= want:
                break
        gen.close()
    except RuntimeError:
        failed += 1
    _free_sampler(llm)  # the request's sampler chain and grammar, freed as the engine frees them
bare = time.perf_counter() - t0

# llama.cpp's own prompt speed on this machine: 512 tokens at depth 0 and at depth 3,000, median of 3
text = open(SOURCE, encoding="utf-8", errors="replace").read()
toks = llm.tokenize(text.encode(), add_bos=False)
def speed(depth):
    out = []
    for _ in range(3):
        llm.reset()
        if depth:
            llm.eval(toks[:depth])
        t1 = time.perf_counter()
        llm.eval(toks[depth:depth + 512])
        out.append(512 / (time.perf_counter() - t1))
    return sorted(out)[1]
short, deep = speed(0), speed(3000)
llm.close()
# the same without flash attention (llama-cpp-python's default), for comparison with the figures before it
llm = llama_cpp.Llama(MODEL, n_ctx=info.n_ctx, n_threads=info.n_threads, n_threads_batch=info.n_threads,
                      n_batch=512, seed=1234, flash_attn=False, verbose=False)
short_plain = speed(0)
llm.close()
st = result.stats
print(json.dumps({
    "seconds": seconds, "bare_seconds": bare, "replay_failed": failed, "first": first,
    "stats": st.to_dict(), "chapters": len(result.chapters), "warnings": list(result.warnings),
    "requests": len(requests), "capped": sum(r.hit_cap for r in requests),
    "generated_by_request": [r.generated for r in requests],
    "prompt_tok_s": short, "prompt_tok_s_at_3k": deep, "prompt_tok_s_no_flash": short_plain, "peak_rss_mb": peak_mb(), "n_ctx": info.n_ctx,
}))
"""


def run_seed(model: Path, source: Path, timeout: float = 3600) -> dict[str, Any]:
    r = subprocess.run(
        [sys.executable, "-c", CHILD, str(model), str(source), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if r.returncode != 0:
        raise RuntimeError(r.stderr[-3000:])
    d = json.loads(r.stdout.strip().splitlines()[-1])
    st = d["stats"]
    tt = st["transcript_tokens"]
    first = d["first"]
    return {
        "transcript": source.name,
        "transcript_tokens": tt,
        "windows": st["windows"],
        "total_s": round(d["seconds"], 1),
        "transcript_tok_s": round(tt / d["seconds"], 1),
        "prompt_tok_s_short": round(d["prompt_tok_s"], 1),
        "prompt_tok_s_at_3k": round(d["prompt_tok_s_at_3k"], 1),
        "prompt_tok_s_short_no_flash_attn": round(d["prompt_tok_s_no_flash"], 1),
        "ratio_to_prompt_speed": round(tt / d["seconds"] / d["prompt_tok_s"], 3),
        "bare_s": round(d["bare_seconds"], 1),
        "bare_over_run": round(d["bare_seconds"] / d["seconds"], 3),
        "replay_failed": d["replay_failed"],
        "prompt_evaluated": st["prompt_tokens"],
        "prompt_evaluated_over_transcript": round(st["prompt_tokens"] / tt, 3),
        "generated": st["generated_tokens"],
        "generated_per_window": round(st["generated_tokens"] / max(1, st["windows"]), 1),
        "requests": d["requests"],
        "capped": d["capped"],
        "chapters": d["chapters"],
        "first_chapter_s": _r(first.get("chapter")),
        "first_summary_words_s": _r(first.get("summary_words")),
        "first_final_summary_s": _r(first.get("summary")),
        "peak_rss_mb": round(d["peak_rss_mb"], 1),
        "n_ctx": d["n_ctx"],
        "goal": "ratio >= 0.6 (seed 003); bare/run >= 0.95; evaluated/transcript <= 1.15; capped 0",
    }


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 1)


def bench_real(seeds: list[str] | None = None) -> dict[str, Any]:
    from tests.real_model import Unavailable, smollm2

    try:
        model = smollm2()
    except Unavailable as e:
        return {"skipped": str(e)}
    out: dict[str, Any] = {"model": model.name}
    for name in seeds or sorted(SEEDS):
        source = SEEDS[name]
        if not source.exists():
            out[name] = {"skipped": f"{source} is not here (../shared/seeds)"}
            continue
        out[name] = run_seed(model, source)
        print(f"   real {name}: {json.dumps(out[name])}", file=sys.stderr, flush=True)
    return out


def main() -> int:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", nargs="*", choices=sorted(SEEDS))
    a = ap.parse_args()
    r = bench_real(a.seed)
    print(json.dumps(r, indent=2))
    vals = [v["bare_over_run"] for k, v in r.items() if isinstance(v, dict) and "bare_over_run" in v]
    if vals:
        print("bare/run median:", statistics.median(vals), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
