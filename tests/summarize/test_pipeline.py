"""The pipeline with the real engine on generated models, plus one scripted token source (named as such)
for the parsing logic, which a random-weight model cannot exercise on purpose."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from types import SimpleNamespace

from app.engine import LlamaEngine
from app.summarize import (
    Cancelled,
    Chapter,
    ChapterFound,
    Failed,
    Finished,
    NotesDelta,
    Options,
    Progress,
    Summarizer,
    SummaryDelta,
)
from app.summarize.chapters import valid_chapter_list
from app.transcript import read_file, read_text
from tests.helpers import DATA, Spy


def collect(model, transcript, options=None, on_event=None):  # noqa: ANN001, ANN201
    async def main():  # noqa: ANN202
        events = []
        try:
            async with contextlib.aclosing(Summarizer(model, options).run(transcript)) as evs:
                async for ev in evs:
                    events.append(ev)
                    if on_event:
                        on_event(ev)
        finally:
            if hasattr(model, "close"):
                await model.close()
        return events

    return asyncio.run(main())


def test_single_window_takes_one_pass(tiny_model: Path) -> None:
    t = read_file(DATA / "premiere.txt")
    events = collect(LlamaEngine(tiny_model), t)
    done = [e for e in events if isinstance(e, Finished)]
    assert len(done) == 1, events[-3:]
    r = done[0].result
    assert r.stats.windows == 1
    assert r.chapters and r.chapters[0].start_s == 0.0
    assert valid_chapter_list(r.chapters, 10) == []
    starts = {s.start_s for s in t.segments} | {0.0}
    assert all(c.start_s in starts for c in r.chapters)
    assert r.summary == "".join(e.text for e in events if isinstance(e, SummaryDelta)).strip()
    assert r.stats.generated_tokens > 0 and r.stats.prompt_tokens > 0


TOPICS = ["bread", "ovens", "coffee", "trains", "gardens", "violins", "glaciers", "taxes", "chess", "bees"]


def long_transcript(minutes: int) -> str:
    """A line every 15 s, a new topic (its own words) every 5 minutes."""
    lines = []
    for i in range(minutes * 4):
        h, rem = divmod(i * 15, 3600)
        w = TOPICS[i // 20 % len(TOPICS)]
        lines.append(
            f"[{h:02d}:{rem // 60:02d}:{rem % 60:02d}] {'Ann' if i % 3 else 'Ben'}: "
            f"we talk about {w} and the details of {w} number {i} in some depth today."
        )
    return "\n".join(lines)


def test_multi_window_chapters_stream_before_summary_and_never_overflow(tiny_model: Path) -> None:
    # Timestamped-line transcripts are read by a later reader; here the same content as speaker lines.
    text = "\n".join(ln.split("] ", 1)[1] for ln in long_transcript(60).splitlines())
    t = read_text(text)
    spy = Spy(LlamaEngine(tiny_model, n_ctx=2048))
    opts = Options(window_tokens=1500, summary_max_tokens=200, notes_max_tokens=120)
    events = collect(spy, t, opts)
    kinds = [type(e).__name__ for e in events]
    r = next(e for e in events if isinstance(e, Finished)).result
    assert r.stats.windows > 3
    assert kinds.index("ChapterFound") < kinds.index("SummaryDelta")
    reading = [e.stage for e in events if isinstance(e, Progress) and e.stage.startswith("Reading part")]
    assert reading[0] == f"Reading part 1 of {r.stats.windows}"
    assert valid_chapter_list(r.chapters, 10) == []
    # a new topic every 5 minutes: the topic signal finds (most of) them, each titled by its own request
    assert len(r.chapters) >= 3
    assert len(spy.requests) >= r.stats.windows + len(r.chapters) + 1  # notes, titles, summary
    for prompt_tokens, max_tokens in spy.requests:
        assert prompt_tokens + max_tokens <= 2048
    # each part's notes streamed as they were written, in part order, and all before the summary
    notes = [e for e in events if isinstance(e, NotesDelta)]
    assert notes and kinds.index("NotesDelta") < kinds.index("SummaryDelta")
    parts = [e.part for e in notes]
    assert parts == sorted(parts) and {e.parts for e in notes} == {r.stats.windows}
    for k, note in enumerate(r.notes):
        streamed = "".join(e.text for e in notes if e.part == k)
        assert streamed == note or (not streamed.strip() and "(no notes for this part)" in note)


def test_budget_holds_from_one_minute_to_two_hours(tiny_model: Path) -> None:
    """Every request the pipeline sends, for a 1-minute, a 30-minute and a 2-hour transcript in a 2k context, fits
    the context with its answer reserve (the run itself, not a re-computation of its plan): many windows, notes
    condensed in levels, key moments thinned to fit."""

    async def main() -> list[tuple[int, tuple[int, int], int]]:
        engine = LlamaEngine(tiny_model, n_ctx=2048)
        seen = []
        try:
            for minutes in (1, 30, 120):
                t = read_text("\n".join(ln.split("] ", 1)[1] for ln in long_transcript(minutes).splitlines()))
                spy = Spy(engine)
                # (no grammar: with the test model's 152k vocabulary, grammar sampling is what would take the time)
                opts = Options(
                    window_tokens=1800, notes_max_tokens=60, summary_max_tokens=80, use_grammar=False
                )
                async with contextlib.aclosing(Summarizer(spy, opts).run(t)) as evs:
                    async for ev in evs:
                        if isinstance(ev, Finished):
                            seen.append(
                                (minutes, max((p + m for p, m in spy.requests)), ev.result.stats.windows)
                            )
        finally:
            await engine.close()
        return seen

    seen = asyncio.run(main())
    assert [m for m, _, _ in seen] == [1, 30, 120]  # each run finished
    assert all(biggest <= 2048 for _, biggest, _ in seen), seen
    assert seen[2][2] > 6  # two hours really were many windows


class ScriptedModel:
    """A scripted token source (a stand-in, not a model): replays fixed answers so the parsing and pruning
    logic can be checked against the exact mistakes small models make (invented times, malformed lines)."""

    model_path = "scripted.gguf"

    def __init__(self, answers: list[str], n_ctx: int = 8192) -> None:
        self.answers = answers
        self._n_ctx = n_ctx
        self.last_stats = SimpleNamespace(
            prompt_tokens=0, prompt_evaluated=0, generated_tokens=0, hit_cap=False
        )

    @property
    def n_ctx(self) -> int:
        return self._n_ctx

    async def load(self) -> None:
        return None

    async def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return [len(t) // 4 + 1 for t in texts]

    async def count_prompt(self, messages: Sequence[dict[str, str]]) -> int:
        return sum(len(m["content"]) // 4 + 4 for m in messages)

    async def stream(self, messages, *, max_tokens, grammar=None) -> AsyncIterator[str]:  # noqa: ANN001
        answer = self.answers.pop(0)
        for i in range(0, len(answer), 3):
            yield answer[i : i + 3]

    def stop(self) -> None:
        pass


def test_invented_times_and_citations_never_reach_the_user() -> None:
    t = read_file(DATA / "premiere.txt")  # segment starts: 5.0, 20.6, 62.1, 191.0
    chapters = "[00:00:05] Welcome\n[00:00:40] Invented time\n[00:03:11] Ovens and steam\ngarbage line\n"
    summary = "Bread talk.\n- [00:00:05] sourdough bread\n- [00:02:00] invented point\n- [00:03:11] ovens\n"
    events = collect(ScriptedModel([chapters, summary]), t, Options(use_grammar=False, chapters="model"))
    r = next(e for e in events if isinstance(e, Finished)).result
    # 00:00:40 is 20 s from the 00:00:20 start: snapped there, then a 60 s minimum gap drops it
    assert [(c.start_s, c.title) for c in r.chapters] == [(0.0, "Welcome"), (191.0, "Ovens and steam")]
    assert "[00:02:00]" not in r.summary and "[00:00:05] sourdough bread" in r.summary
    assert r.stats.citations_removed == 1


def test_stop_yields_cancelled_and_engine_is_reusable(slow_model: Path) -> None:
    engine = LlamaEngine(slow_model)
    t = read_text("\n".join(ln.split("] ", 1)[1] for ln in long_transcript(30).splitlines()))
    summarizer = Summarizer(engine)

    def on_event(ev: object) -> None:
        if isinstance(ev, ChapterFound):
            summarizer.stop()  # between two requests: the next one must not start

    async def main() -> list[object]:
        out = []
        async with contextlib.aclosing(summarizer.run(t)) as evs:
            async for ev in evs:
                out.append(ev)
                on_event(ev)
        again = [p async for p in engine.stream([{"role": "user", "content": "hi"}], max_tokens=3)]
        assert again
        await engine.close()
        return out

    events = asyncio.run(main())
    assert isinstance(events[-1], Cancelled)
    assert events[-1].chapters  # what was found before the stop is kept
    assert not any(isinstance(e, (Finished, Failed)) for e in events)
    partial = events[-1].partial  # the same as a Result, for the window and the history
    assert partial is not None and partial.chapters == events[-1].chapters
    assert "Partial result" in partial.notes[0] and partial.model == slow_model.name


class HeldLoad:
    """The real engine, whose load() waits for the test to open a gate first (a load that takes long, as a 5 GB
    model's does, without needing one)."""

    def __init__(self, engine: LlamaEngine) -> None:
        self.e = engine
        self.gate = asyncio.Event()

    def __getattr__(self, name: str):  # noqa: ANN204
        return getattr(self.e, name)

    async def load(self):  # noqa: ANN201
        await self.gate.wait()
        return await self.e.load()


def test_stop_while_the_model_loads_ends_the_run_at_once_and_the_load_goes_on(tiny_model: Path) -> None:
    t = read_file(DATA / "premiere.txt")

    async def main() -> tuple[list[object], float]:
        import time

        held = HeldLoad(LlamaEngine(tiny_model))
        summarizer = Summarizer(held)  # type: ignore[arg-type]
        events: list[object] = []
        async with contextlib.aclosing(summarizer.run(t)) as evs:
            async for ev in evs:
                events.append(ev)
                if isinstance(ev, Progress) and ev.stage == "Loading model":
                    # stop once the run is waiting for the load, which will not end by itself
                    asyncio.get_running_loop().call_later(0.05, summarizer.stop)
                    t0 = time.perf_counter()
        took = time.perf_counter() - t0
        assert not held.e.loaded  # the run ended while the load was still held
        held.gate.set()
        info = await held.load()  # the engine itself is fine: whoever waits next gets it
        assert info.n_ctx > 0
        await held.e.close()
        return events, took

    events, took = asyncio.run(asyncio.wait_for(main(), 30))  # a run that ignored the stop would wait forever
    assert isinstance(events[-1], Cancelled) and events[-1].partial is None  # nothing was read yet
    assert took < 2.0  # gross limit: the stop came after 0.05 s; without it the run would wait forever


def test_model_context_too_small_is_a_clear_failure(tiny_model: Path) -> None:
    t = read_file(DATA / "premiere.txt")
    events = collect(LlamaEngine(tiny_model, n_ctx=256), t)
    assert isinstance(events[-1], Failed)
    assert "context" in events[-1].message


def test_topic_continuing_over_a_window_boundary_stays_one_chapter() -> None:
    import re

    t = read_file(DATA / "premiere.txt")  # segment starts 5.0, 20.6, 62.1, 191.0

    class ByTask(ScriptedModel):
        """Scripted (a stand-in): every window's chapter answer opens with the running topic again."""

        async def stream(self, messages, *, max_tokens, grammar=None):  # noqa: ANN001, ANN201
            user = messages[-1]["content"]
            stamps = re.findall(r"^\[(\d\d:\d\d:\d\d)\]", user, re.M)
            if "chapters where the topic changes" in user:
                answer = f"[{stamps[0]}] Bread basics\n" + (
                    "[00:03:11] Ovens and steam\n" if "00:03:11" in stamps else ""
                )
            elif "Notes on the transcript" in user:
                answer = "Summary [00:00:05]."
            else:
                answer = f"- [{stamps[0]}] a point\n"
            self.asked.append(answer)
            for i in range(0, len(answer), 3):
                yield answer[i : i + 3]

    model = ByTask([])
    model.asked = []
    events = collect(
        model, t, Options(use_grammar=False, window_tokens=60, min_chapter_s=30, chapters="model")
    )
    r = next(e for e in events if isinstance(e, Finished)).result
    assert r.stats.windows >= 2
    assert sum("Bread basics" in a for a in model.asked) == r.stats.windows  # proposed again in every window
    assert [(c.start_s, c.title) for c in r.chapters] == [(0.0, "Bread basics"), (191.0, "Ovens and steam")]


class Heard:
    """The real engine, with the messages of every request kept."""

    def __init__(self, engine: LlamaEngine) -> None:
        self.e = engine
        self.asked: list[str] = []

    def __getattr__(self, name: str):  # noqa: ANN204
        return getattr(self.e, name)

    async def stream(self, messages, *, max_tokens, grammar=None):  # noqa: ANN001, ANN201
        self.asked.append("\n".join(m["content"] for m in messages))
        async for p in self.e.stream(messages, max_tokens=max_tokens, grammar=grammar):
            yield p


def test_retitle_reads_that_chapter_only_and_never_repeats_a_neighbour(tiny_model: Path) -> None:
    t = read_file(
        DATA / "premiere.txt"
    )  # lines at 0:05 (sourdough), 0:20 (starter), 1:02 (ovens), 3:11 (bye)
    chapters = (Chapter(0.0, "Welcome"), Chapter(62.1, "Ovens"), Chapter(191.0, "Goodbye"))

    async def main() -> tuple[str, list[str]]:
        heard = Heard(LlamaEngine(tiny_model))
        try:
            title = await Summarizer(heard).retitle(t, chapters, 1)  # type: ignore[arg-type]
        finally:
            await heard.e.close()
        return title, heard.asked

    title, asked = asyncio.run(main())
    assert asked and all("ovens" in a for a in asked)  # chapter 1's words
    assert not any("sourdough" in a or "Thanks for listening" in a for a in asked)  # nobody else's
    assert title and title.casefold() not in {"welcome", "goodbye"} and len(title) <= 60
