"""Prompt lines (units) as ranges of the transcript's segments: the same runs the list-of-`Segment` grouping made
(kept below as the reference), without a second copy of the text."""

from __future__ import annotations

import random
import tracemalloc
from pathlib import Path

import pytest

from app.summarize import prompts
from app.summarize.units import Units
from app.transcript import Segment, Segments, read_file

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"


def reference(
    segments: list[Segment], max_s: float = 30.0, max_words: int = 80, pause_s: float = 2.0
) -> list[Segment]:
    """group_segments as it was before units became ranges (Recap at 9bf757b), kept as the oracle."""
    kept = [s for s in segments if not prompts._backchannel(s.text)]
    if kept:
        segments = kept
    units: list[Segment] = []
    first: Segment | None = None
    texts: list[str] = []
    words = 0
    end = 0.0
    for s in segments:
        n = len(s.text.split())
        if first is not None and (
            s.speaker != first.speaker
            or s.start_s - end >= pause_s
            or s.end_s - first.start_s > max_s
            or words + n > max_words
        ):
            units.append(Segment(first.start_s, end, first.speaker, " ".join(texts)))
            first = None
        if first is None:
            first, texts, words = s, [], 0
        texts.append(s.text)
        words += n
        end = max(end, s.end_s) if texts[:-1] else s.end_s
    if first is not None:
        units.append(Segment(first.start_s, end, first.speaker, " ".join(texts)))
    return units


def test_runs_end_at_a_speaker_a_pause_the_length_or_the_words() -> None:
    segs = [
        Segment(0.0, 5.0, "Ann", "One two three."),
        Segment(5.0, 9.0, "Ann", "Four five."),  # same speaker, no pause: joined
        Segment(8.0, 9.5, "Ben", "Mm-hmm."),  # a backchannel over Ann's run: left out, does not break it
        Segment(9.0, 20.0, "Ann", "Six seven."),  # overruns nothing, still Ann's run
        Segment(23.0, 26.0, "Ann", "After a pause."),  # a 3 s pause: a new unit
        Segment(26.0, 40.0, "Ben", "Ben speaks now."),  # another speaker
        Segment(40.0, 61.0, "Ben", "Past thirty seconds."),  # the run would last 35 s: a new unit
    ]
    units = prompts.group_segments(segs)
    assert isinstance(units, Units)
    assert list(units) == [
        Segment(0.0, 20.0, "Ann", "One two three. Four five. Six seven."),
        Segment(23.0, 26.0, "Ann", "After a pause."),
        Segment(26.0, 40.0, "Ben", "Ben speaks now."),
        Segment(40.0, 61.0, "Ben", "Past thirty seconds."),
    ]
    assert list(units) == reference(segs)
    assert units[1:3] == tuple(reference(segs)[1:3]) and units[-1] == reference(segs)[-1]
    with pytest.raises(IndexError):
        units[4]


def test_an_earlier_segment_that_ends_later_gives_the_unit_its_end() -> None:
    segs = [Segment(0.0, 12.0, "Ann", "A long one."), Segment(1.0, 3.0, "Ann", "Said inside it.")]
    assert list(prompts.group_segments(segs)) == [Segment(0.0, 12.0, "Ann", "A long one. Said inside it.")]


def test_only_backchannels_are_all_kept() -> None:
    segs = [
        Segment(0.0, 1.0, "Ann", "Yeah."),
        Segment(1.0, 2.0, "Ben", "Mm-hmm."),
        Segment(2.0, 3.0, "Ben", "OK."),
    ]
    assert (
        list(prompts.group_segments(segs))
        == reference(segs)
        == [
            Segment(0.0, 1.0, "Ann", "Yeah."),
            Segment(1.0, 3.0, "Ben", "Mm-hmm. OK."),
        ]
    )


@pytest.mark.parametrize("seed", range(20))
def test_random_transcripts_group_as_the_reference_does(seed: int) -> None:
    rng = random.Random(seed)
    words = ["yeah", "mm-hmm", "ok", "the", "plan", "budget", "we", "ship", "it", "today", "right", "so"]
    t, segs = 0.0, []
    for _ in range(rng.randint(1, 300)):
        t += rng.choice([0.0, 0.5, 1.0, 2.5, 6.0])
        dur = rng.uniform(0.3, 20.0)
        text = " ".join(rng.choice(words) for _ in range(rng.choice([1, 1, 2, 3, 8, 30, 90])))
        segs.append(
            Segment(round(t, 3), round(t + dur, 3), rng.choice(["Ann", "Ben", None]), text.capitalize())
        )
        t += dur * rng.choice([0.5, 1.0])
    assert list(prompts.group_segments(segs)) == reference(segs)


@pytest.mark.skipif(not SEEDS.exists(), reason="../shared/seeds is not in this checkout (a fresh clone)")
@pytest.mark.parametrize("name", ["000_33af36d82867e4b0.txt", "003_89ecf7e1a8feb40e.txt"])
def test_the_seeds_group_as_the_reference_does(name: str) -> None:
    t = read_file(SEEDS / name)
    assert list(prompts.group_segments(t.segments)) == reference(list(t.segments))


def test_units_hold_no_copy_of_the_text() -> None:
    segs = Segments(
        Segment(i * 6.0, i * 6.0 + 5.5, "Ann" if i % 3 else "Ben", f"line {i} " + "word " * 14)
        for i in range(6000)
    )
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        units = prompts.group_segments(segs)
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert len(units) == 4000  # Ann's two lines in a row are one unit
    assert held < 4000 * 4 + 6000 + 4096, held  # 4 bytes a unit (and a byte a segment were any left out)
