"""What the defences' tests share: recorded real output of SmolLM2-135M-Instruct (seed 003 under the prompts
Recap had before the defences: tests/data/smollm2/seed003-b99d849.json, and later runs), the podcast preset's
instructions, small transcripts, and a guard fed a few characters at a time as a model streams."""

from __future__ import annotations

import json

import pytest

from app.summarize import prompts
from app.summarize.defences import GuardCounts, Instructions, Source, TextGuard
from app.summarize.presets import get_preset
from app.summarize.prompts import instruction_texts
from app.transcript import Segment, Segments
from tests.helpers import DATA, SEED_003

needs_seed = pytest.mark.skipif(
    not SEED_003.exists(), reason="../shared/seeds is absent (a fresh clone without the shared folder)"
)


RECORDED = json.loads((DATA / "smollm2" / "seed003-b99d849.json").read_text(encoding="utf-8"))


PODCAST = get_preset("podcast")


INSTRUCTIONS = Instructions(instruction_texts(prompts.system_prompt("English"), PODCAST))


SPEAKERS = ["Jens", "Stefan"]


def answers(kind: str) -> list[str]:
    return [a["text"] for a in RECORDED["answers"] if a["request"] == kind]


def streamed(text: str, guard: TextGuard, step: int = 3) -> str:
    """Through the guard in small pieces, as tokens arrive; stops feeding when the guard says stop."""
    out = []
    for i in range(0, len(text), step):
        out.append(guard.feed(text[i : i + step]))
        if guard.stop:
            break
    out.append(guard.flush())
    return "".join(out)


LATER = json.loads((DATA / "smollm2" / "seed003-0c07b16.json").read_text(encoding="utf-8"))


TRANSCRIPT = Source(
    [
        "Welcome back, ladies and gentlemen, to another episode of The Good Thing.",
        "Why are people so obsessed with the tech like we can talk about said competitor who's obsessed with the "
        "tech?",
    ],
    SPEAKERS,
)


TIMED = Segments(
    [
        Segment(10.0, 14.0, "Stefan", "I mean, yeah, that was a long week."),
        Segment(
            183.0, 190.0, "Jens", "So if we read this, I believe the upside in the code era is readability."
        ),
        Segment(200.0, 204.0, "Stefan", "Why are people so obsessed with the tech?"),
        Segment(1700.0, 1706.0, "Jens", "Yeah, I think it's what David said in one of the comments."),
        Segment(1800.0, 1804.0, "Stefan", "Why are people so obsessed with the tech?"),
    ]
)


TIMED_SOURCE = Source(TIMED, ["Stefan", "Jens"])


def placed(text: str, counts: GuardCounts | None = None) -> str:
    return streamed(text, TextGuard(INSTRUCTIONS, counts, source=TIMED_SOURCE, timed=True))
