"""The end of a run: the key moments, the notices that say what the defences did, and the Result."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

from .chapters import stamp
from .defences import similar, within, words
from .events import Notice, Result, Stats
from .extract import KEY_MOMENTS, key_moments, moment_line
from .state import RunState


def find_moments(st: RunState) -> None:
    """The summary's "Key moments": the most central sentence of each chapter, verbatim, with its time; the
    KEY_MOMENTS most central of those."""
    me = st.measured
    assert me is not None
    # the unit each chapter starts at (the last of equal starts), found in one pass that keeps only those: a map
    # of every unit's start was 0.26 MB at the peak of a 10-hour run
    wanted = {c.start_s for c in st.chapters.chapters}
    unit_at = {u.start_s: i for i, u in enumerate(me.units) if u.start_s in wanted}
    starts = sorted({unit_at.get(c.start_s, 0) for c in st.chapters.chapters} | {0})
    moments = key_moments(me.units, starts, limit=KEY_MOMENTS)
    st.moments = [moment_line(m) for m in moments]
    st.moment_texts = [m.text for m in moments]


def moments_section(st: RunState) -> str:
    """The key moments, less any the model's summary already quotes (a summary never says a thing twice: also
    when its line has the speaker's name and time around the words, `[00:01:10] Project Manager: "There's the
    functional design of the the remote control."`, SmolLM2's summary of QMSum's ES2006a)."""
    said = [words(x) for x in re.split(r"\n|(?<=[.!?”\"])\s+", st.summary()) if x.strip()]
    keep = [
        line
        for line, text in zip(st.moments, st.moment_texts, strict=True)
        if not any(similar(words(text), w) or within(words(text), w) for w in said)
    ]
    return "### Key moments\n\n" + "\n".join(keep) + "\n" if keep else ""


def fallback(st: RunState) -> str:
    """What the summary shows where the model wrote nothing usable (`st.model_summary` empty), before the key
    moments: the notes by part, the best there is; with one part, no notes and no sentence long enough to be a
    key moment (a transcript of a few short lines, whose every model sentence was refused: SmolLM2 wrote an
    interview nobody gave for a 6-second WhisperX file), the transcript's first lines with their times. ""
    otherwise."""
    if st.model_summary:
        return ""
    if st.notes:
        return "Notes by part (the model wrote no usable summary):\n\n" + "\n".join(st.notes) + "\n\n"
    segments = st.t.segments
    if st.moments or not len(segments):
        return ""
    lines = [
        f"- [{stamp(s.start_s)}] " + (f"{s.speaker}: " if s.speaker else "") + " ".join(s.text.split())
        for s in (segments[i] for i in range(min(KEY_MOMENTS, len(segments))))
    ]
    return "The transcript's first lines (the model wrote no usable summary):\n\n" + "\n".join(lines) + "\n"


def finish_notices(st: RunState) -> list[Notice]:
    out = []
    tc = st.titler.counts if st.titler is not None else None
    if not st.chapters.chapters:
        out.append("The model proposed no usable chapters.")
    if tc is not None and tc.problems():
        kinds = ", ".join(f"{k} {v}" for k, v in _title_kinds(tc).items() if v)
        out.append(
            f"{tc.problems()} chapter titles the model wrote could not be used ({kinds}); instead, "
            + _and(
                [f"{tc.salvaged} are the subject of its sentence about the part"] * bool(tc.salvaged)
                + [f"{tc.from_keywords} were made from the chapter's own words"] * bool(tc.from_keywords)
                or ["it was asked again"]
            )
            + "."
        )
    if st.chapters.late_dropped:
        out.append(f"{st.chapters.late_dropped} chapters that began in the last minute were left out.")
    g = st.guard
    if st.notes_from_transcript:
        out.append(
            f"The model's notes on {st.notes_from_transcript} "
            + ("part" if st.notes_from_transcript == 1 else "parts")
            + " could not be used; their notes are the transcript's own sentences."
        )
    if g.loops:
        times = "once" if g.loops == 1 else f"{g.loops} times"
        out.append(f"The model started repeating itself {times}; those answers were ended there.")
    if g.given_up:
        answers = "One answer" if g.given_up == 1 else f"{g.given_up} answers"
        out.append(
            f"{answers} that put words in someone's mouth sentence after sentence "
            + ("was" if g.given_up == 1 else "were")
            + " ended there."
        )
    if g.echo:
        out.append(f"{g.echo} sentences that repeated Recap's own instructions were left out.")
    if g.quotes:
        out.append(f"{g.quotes} sentences that quoted words the transcript does not have were left out.")
    if g.links:
        out.append(f"{g.links} sentences with a web address the transcript does not give were left out.")
    if g.garbled:
        out.append(
            f"{g.garbled} sentences that made no sense or named nothing the transcript has were left out."
        )
    if g.placed:
        out.append(
            f"{g.placed} quotations were given the time or the speaker the transcript has for them (the model's "
            "was missing or another)."
        )
    if g.placeholders:
        out.append(
            f"{g.placeholders} placeholders the model left in (empty brackets, template words) were removed."
        )
    if not st.model_summary:
        if st.summary_generated:
            out.append("The model wrote no usable summary.")
        else:
            out.append("The model wrote no summary.")
    if st.capped:
        kinds = ", ".join(sorted(set(st.capped_kinds)))
        out.append(f"{st.capped} model answers ({kinds}) reached their length limit and were cut there.")
    st.notices.extend(out)
    return [Notice(m) for m in out]


def result(st: RunState, model_path: str) -> Result:
    me = st.measured
    assert me is not None and st.cites is not None
    tc = st.titler.counts if st.titler is not None else None
    stats = Stats(
        prompt_tokens=st.prompt_evaluated,
        prompt_tokens_reused=st.prompt_reused,
        generated_tokens=st.generated,
        transcript_tokens=me.transcript_tokens,
        windows=st.windows,
        windows_reused=st.reused_windows,
        seconds=time.perf_counter() - st.started,
        citations_removed=st.cites.removed,
        output_capped=st.capped,
        titles_replaced=tc.problems() if tc else 0,
        titles_retried=tc.retried if tc else 0,
        titles_salvaged=tc.salvaged if tc else 0,
        titles_from_keywords=tc.from_keywords if tc else 0,
        echo_removed=st.guard.echo,
        placeholders_removed=st.guard.placeholders,
        repeats_removed=st.guard.repeats,
        loops_stopped=st.guard.loops,
        quotes_removed=st.guard.quotes,
        links_removed=st.guard.links,
        garbled_removed=st.guard.garbled,
        late_chapters_dropped=st.chapters.late_dropped,
    )
    return Result(
        title=st.t.display_title,
        duration_s=st.t.duration_s,
        timing=st.t.timing,
        model=Path(model_path).name,
        chapters=st.chapters.finished(st.t.duration_s),
        summary=st.summary(),
        stats=stats,
        notes=tuple(st.notes),
        warnings=tuple(st.notices),
    )


def _and(parts: list[str]) -> str:
    return ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]


def _title_kinds(tc: Any) -> dict[str, int]:
    return {
        "repeated the instructions": tc.echo,
        "a speaker's label": tc.speaker,
        "a sentence someone said": tc.filler,
        "a placeholder": tc.placeholder,
        "a duplicate": tc.duplicate,
        "empty": tc.empty,
        "made of words nobody said": tc.invented,
    }
