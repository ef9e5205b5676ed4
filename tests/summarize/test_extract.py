"""Key moments: verbatim sentences at real times, one per chapter, the most central ones when limited."""

from __future__ import annotations

from app.summarize.extract import MAX_WORDS, MIN_WORDS, disfluency, key_moments
from app.transcript import Segment

TOPICS = [
    "the remote control needs a bigger button for the volume and a brighter colour for the case",
    "the budget for the project is twelve euros per unit and the battery costs too much money",
    "the marketing team found that young users want a remote control that looks like a phone",
]


def units() -> list[Segment]:
    out = []
    for k, topic in enumerate(TOPICS):
        for i in range(6):
            words = topic.split()
            said = " ".join(words[i:] + words[:i])  # the chapter's words, in other orders
            out.append(
                Segment(k * 600.0 + i * 60, k * 600.0 + i * 60 + 50, f"S{i % 2}", f"Well, {said}. Mm.")
            )
    return out


def test_one_verbatim_moment_per_chapter_at_a_real_start() -> None:
    us = units()
    moments = key_moments(us, [0, 6, 12])
    assert len(moments) == 3
    starts = {u.start_s: u for u in us}
    for m, first in zip(moments, (0, 6, 12), strict=True):
        unit = starts[m.start_s]
        assert us.index(unit) in range(first, first + 6)  # inside its own chapter
        assert (
            m.text.rstrip(".").lower() in unit.text.lower()
        )  # the speaker's words, filler taken off the front
        assert m.speaker == unit.speaker
        assert MIN_WORDS <= len(m.text.split()) <= MAX_WORDS
        assert not m.text.lower().startswith("well")


def test_limit_keeps_the_most_central_in_time_order() -> None:
    us = units()
    every = key_moments(us, [0, 6, 12])
    two = key_moments(us, [0, 6, 12], limit=2)
    assert len(two) == 2 and set(two) <= set(every)
    assert [m.start_s for m in two] == sorted(m.start_s for m in two)
    assert key_moments(us, [0, 6, 12], limit=10) == every


def test_sentences_too_long_or_short_are_not_moments() -> None:
    long = " ".join(["word"] * (MAX_WORDS + 5)) + "."
    us = [Segment(0.0, 10.0, "A", f"{long} Too short here."), Segment(10.0, 20.0, "A", "Yes.")]
    assert key_moments(us, [0]) == []


def test_a_sentence_full_of_stammers_and_fillers_gives_way_to_a_clean_one() -> None:
    """Seed 003's key moment "Let's say you you write the code to, to to, yeah." (2026-12-06): a sentence's
    words that carry nothing (fillers, a word said again at once, a broken-off letter) weigh its score down, so
    a clean sentence on the same subject is the moment where the stammered one is more central (it was)."""
    stammered = "So the the remote control, uh, needs a a bigger button, um, y y yeah the button."
    clean = "The remote control needs a bigger button for the volume."
    remote = [
        stammered,
        clean,
        "The button on the remote control should glow in the dark.",
        "A remote control with a bigger button is easier to hold.",
        "Our remote control button is too small for older users.",
    ]
    budget = [
        "The budget is twelve euros for each unit we build.",
        "The battery costs too much for the budget we have.",
        "We could save money on the case to stay in budget.",
        "Twelve euros is not much for a unit with a battery.",
    ]
    us = [Segment(i * 10.0, i * 10.0 + 9, "AB"[i % 2], t) for i, t in enumerate(remote + budget)]
    first, _second = key_moments(us, [0, 5])
    assert (first.start_s, first.text) == (10.0, clean)
    assert disfluency(clean) == 0.0
    assert disfluency(stammered) > 0.4
    assert disfluency("I think a good idea is a plan.") == 0.0  # "I" and "a" are words
