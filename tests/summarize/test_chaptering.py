"""Chapter titles: what is kept of the sentences a small model writes instead of titles. The raw answers are
SmolLM2-135M-Instruct's own, recorded on seed 003's chapters under the title prompt of commit 0c07b16
(2026-12-02), as the grammar ended them (61 characters, then a line break)."""

from __future__ import annotations

import asyncio

import pytest

from app.summarize import prompts
from app.summarize.chaptering import Titler, salvage
from app.summarize.defences import Instructions
from app.summarize.presets import get_preset
from app.summarize.prompts import instruction_texts
from app.transcript import Segment

INSTRUCTIONS = Instructions(instruction_texts(prompts.system_prompt("English"), get_preset("podcast")))


@pytest.mark.parametrize(
    ("raw", "title"),
    [
        ("We're going to be talking about AI threads. I don't know if\n", "AI threads"),
        ("This is a joke about go versus rust. The answer to this joke\n", "Go versus rust"),
        ("This is a question about the cost of hiring developers. The \n", "The cost of hiring developers"),
        (
            "This is a joke about the importance of go in enterprise. It’\n",
            "The importance of go in enterprise",
        ),
        # cut off at the limit: the subject may be incomplete ("... for web" what?)
        ("This is a blog post about the benefits of using Rust for web\n", ""),
        # nothing it is about
        ("This is a great example of how to make your podcast more fun\n", ""),
        ('This is a joke. The answer is "Jens, yes."\n', ""),
        ("David, I'm sorry for your loss.\n", ""),
    ],
)
def test_salvage_keeps_the_subject_of_a_describing_sentence(raw: str, title: str) -> None:
    assert salvage(raw) == title


def test_a_salvaged_title_saves_the_retry() -> None:
    units = [Segment(float(i * 30), float(i * 30 + 29), "Jens", f"go and rust words {i}") for i in range(20)]
    asked: list[str] = []
    answers = iter(
        [
            "This is a joke about go versus rust. The answer to this joke\n",  # salvaged
            "This is a great example of how to make your podcast more fun\n",  # refused, asked again
            "This is a great example of how to make your podcast more in-\n",  # refused again: keywords
        ]
    )

    async def ask(messages: list[dict[str, str]], max_tokens: int, grammar: str | None) -> str:
        asked.append(messages[-1]["content"].rsplit("\n", 1)[-1])
        return next(answers)

    titler = Titler(units, [0, 10], INSTRUCTIONS, prompts.SYSTEM, ["Jens"])
    first = asyncio.run(titler.title(0, ask))
    second = asyncio.run(titler.title(1, ask))
    assert first == "Go versus rust"
    assert len(asked) == 3  # one request for the first chapter, two for the second
    assert second and second != first and "podcast" not in second.lower()
    c = titler.counts
    assert (c.echo, c.salvaged, c.retried, c.from_keywords) == (3, 1, 1, 1)


def test_a_proposed_title_is_kept_replaced_by_keywords_or_dropped_as_a_continuation() -> None:
    """chapters="model": the model's own `[hh:mm:ss] Title` lines pass the same checks."""
    units = [
        Segment(float(i * 30), float(i * 30 + 29), "Jens", f"sourdough starter feeding {i}") for i in range(8)
    ]
    units += [
        Segment(float(i * 30), float(i * 30 + 29), "Jens", f"oven steam crust {i}") for i in range(8, 16)
    ]
    titler = Titler(units, [0], INSTRUCTIONS, prompts.SYSTEM, ["Jens"])
    assert titler.proposed("Feeding the starter", 0, 8) == "Feeding the starter"
    assert titler.proposed("Feeding the starter", 8, 16) is None  # the same topic again: no new chapter
    replaced = titler.proposed("Jens: well, you know", 8, 16)  # a speaker's words, not a title
    assert replaced is not None and "Jens" not in replaced  # that stretch's keywords, or "Part 2" without any
    assert titler.titles == ["Feeding the starter", replaced]
    assert titler.counts.from_keywords == 1 and titler.counts.reasons
