"""The topic-shift signal (app/summarize/topics.py) and chapter planning on transcripts whose true boundaries
are known: stretches of different subjects, concatenated (Choi's method, here with written text)."""

from __future__ import annotations

import random
from collections import Counter

from app.summarize import prompts
from app.summarize.chaptering import plan_starts
from app.summarize.topics import (
    chapter_count,
    cohesion_shifts,
    keywords,
    pick_shifts,
    stems,
    title_stems,
    title_words,
)
from app.transcript import Segment

SUBJECTS = {
    "baking": "bread dough flour yeast oven crust knead loaf rise butter sugar bake".split(),
    "sailing": "boat sail wind harbour mast keel anchor tide crew deck rope wave".split(),
    "astronomy": "star planet telescope orbit galaxy moon comet light cluster nebula dust gravity".split(),
    "gardening": "soil seed roses compost water garden plant weeds spade flowers roots leaves".split(),
    "finance": "budget money invoice taxes account profit costs bank loan interest salary price".split(),
}
GLUE = "we then really think that about the very because when just also really maybe".split()


def concatenated(
    order: list[str], minutes_each: float, rng: random.Random
) -> tuple[list[Segment], list[float]]:
    """Segments of ~10 s (about 27 words at 160 wpm) drawn from each subject in turn; the true boundaries."""
    segs: list[Segment] = []
    bounds = []
    t = 0.0
    for i, subject in enumerate(order):
        if i:
            bounds.append(t)
        for _ in range(int(minutes_each * 6)):
            ws = [
                rng.choice(SUBJECTS[subject]) if rng.random() < 0.4 else rng.choice(GLUE) for _ in range(27)
            ]
            segs.append(Segment(t, t + 10, "A" if rng.random() < 0.5 else "B", " ".join(ws)))
            t += 10
    return segs, bounds


def test_shifts_found_where_the_subject_changes() -> None:
    rng = random.Random(3)
    order = ["baking", "sailing", "astronomy", "gardening", "finance"]
    segs, truth = concatenated(order, 4, rng)
    units = prompts.group_segments(segs)
    starts = plan_starts(units, segs[-1].end_s, minutes_per_chapter=4, min_gap_s=60)
    found = [units[u].start_s for u in starts[1:]]
    assert starts[0] == 0
    assert len(found) == len(truth)
    for true_s in truth:
        assert min(abs(f - true_s) for f in found) <= 30, (found, truth)


def test_one_subject_gives_no_deep_shift() -> None:
    rng = random.Random(5)
    segs, _ = concatenated(["baking"], 20, rng)
    shifts = cohesion_shifts(prompts.group_segments(segs))
    deep = [s for s in shifts if s.depth > 0.3]
    segs2, _ = concatenated(["baking", "finance"], 10, rng)
    shifts2 = cohesion_shifts(prompts.group_segments(segs2))
    assert max(s.depth for s in shifts2) > max((s.depth for s in shifts), default=0) + 0.2
    assert len(deep) <= 2


def test_picks_respect_gaps_and_the_ends() -> None:
    rng = random.Random(8)
    segs, _ = concatenated(["baking", "sailing", "astronomy"] * 4, 1.5, rng)
    units = prompts.group_segments(segs)
    dur = segs[-1].end_s
    picked = pick_shifts(cohesion_shifts(units), 20, 120, dur, min_depth=0)
    times = [p.start_s for p in picked]
    assert times == sorted(times)
    assert all(b - a >= 120 for a, b in zip(times, times[1:]))
    assert all(120 <= x <= dur - 120 for x in times)


def test_too_short_for_chapters() -> None:
    segs = [Segment(0, 5, None, "hello there"), Segment(5, 9, None, "and goodbye now")]
    assert cohesion_shifts(segs) == []
    assert plan_starts(segs, 9, 5, 60) == [0]
    assert chapter_count(0, 5, 60) == 1
    assert chapter_count(3600, 5, 60) == 12


def test_keywords_stand_out_against_the_rest() -> None:
    texts = ["the rudder and the mast of the boat", "a boat with a new mast and sails"]
    background = Counter({stems("boat")[0]: 1, stems("mast")[0]: 1, stems("the")[0]: 40})
    ks = keywords(texts, background, total_units=50)
    assert ks[:2] == ["boat", "mast"] or ks[:2] == ["mast", "boat"]
    assert "the" not in ks


def test_keywords_are_whole_words() -> None:
    # "didn't" gave the keyword title "Phase, didn and offset" on a QMSum meeting; "long-term care" gave
    # "Term care, seniors and long"
    texts = [
        "we didn't fund long-term care, the phase didn't work",
        "the long-term care homes and the phase offset, we didn't",
    ]
    background = Counter(title_stems(" ".join(["the weather today"] * 3)))
    ks = keywords(texts, background, total_units=50)
    assert "didn" not in ks and "didn't" not in ks
    assert "long-term" in ks and "long" not in ks and "term" not in ks
    assert title_words("David's plan, they're sure. Mm-hmm.") == ["David", "plan", "sure"]
    # one thing said twice: "Energy, low-energy and noises"
    texts = ["the energy and low-energy frames", "energy in low-energy noises and noises"]
    ks = keywords(texts, Counter(), total_units=50)
    assert ("energy" in ks) != ("low-energy" in ks)
