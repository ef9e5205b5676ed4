"""Chapter titles: which ones cannot be shown (app/summarize/defences/titles.py), and keyword titles."""

from __future__ import annotations

import pytest

from app.summarize.chapters import parse_chapter_lines
from app.summarize.defences import keyword_title, title_problem
from tests.summarize.defences.common import INSTRUCTIONS, SPEAKERS, answers


def test_recorded_chapter_titles_are_all_refused() -> None:
    """Every title SmolLM2 wrote under the old chapter prompt was a speaker's label and a quote."""
    titles = [
        title for text in answers("chapters") for _s, title in parse_chapter_lines(text, {"x": 0.0}, 10**9)
    ]
    assert len(titles) >= 6
    earlier: list[str] = []
    for t in titles:
        assert title_problem(t, INSTRUCTIONS, earlier, SPEAKERS) in {"speaker", "filler", "duplicate"}, t
        earlier.append(t)


@pytest.mark.parametrize(
    ("title", "problem"),
    [
        ("The task is to write a single line per chapter where it begins", "echo"),
        ("Write 3 to 6 bullet points", "echo"),
        ("Give this part of the conversation a short title", "echo"),
        ("Jens: So, I think it's a bit too much.", "speaker"),
        ("SPEAKER_01: welcome back", "speaker"),
        ("So I think we should start", "filler"),
        ("Yeah, that makes sense", "filler"),
        ("[hh:mm:ss] Title", "placeholder"),
        ("The [topic] of the day", "placeholder"),
        ("Chapter 2", "placeholder"),
        ("Transcript", "placeholder"),
        ("Budget and costs", "duplicate"),
        ("Costs and budget", "duplicate"),
        ("Remote control design", None),
        ("Why Rust for embedded systems", None),
        ("Die Zukunft der Formel 1", None),
        ("Moving on", None),
        ("Where the money comes from", None),
        ("Who we are", None),
        ("What the plugin does", None),
        ("Beyond that", None),
    ],
)
def test_title_rules(title: str, problem: str | None) -> None:
    assert title_problem(title, INSTRUCTIONS, ["Budget and costs"], SPEAKERS) == problem


def test_keyword_title() -> None:
    assert keyword_title(["budget", "remote", "buttons"]) == "Budget, remote and buttons"
    assert keyword_title(["rust"]) == "Rust"
    assert keyword_title([]) == ""


def test_keywords_side_by_side_become_one() -> None:
    from app.summarize.chaptering import joined_pairs

    texts = ["the remote control has buttons", "a remote control for the TV"]
    assert (
        keyword_title(joined_pairs(["remote", "control", "buttons"], lambda: texts))
        == "Remote control and buttons"
    )
    assert joined_pairs(["remote", "buttons"], lambda: texts) == ["remote", "buttons"]
    # side by side across two texts too ("... the remote" "control ..."), as in the texts joined
    split = ["the remote", "control has buttons and a Remote", "Control for the TV"]
    assert joined_pairs(["remote", "control"], lambda: split) == ["remote control"]


@pytest.mark.parametrize(
    "title",
    [
        "I'm sorry, I didn't have time to finish",  # recorded from SmolLM2 on QMSum Bed002
        "The email is about a new, deeper understanding of the tour-t",  # cut off at the 60-character limit
        "Nancy knows him well, and I don't know if she's met Kevin",
        "The answer is",  # recorded from SmolLM2 on QMSum Bed002 (100-word excerpts): cut off mid-sentence
        "The limitations of using only what was",
        "The Minister of Finance is not mindful of the conflict of",  # covid_2
    ],
)
def test_sentences_someone_said_are_not_titles(title: str) -> None:
    assert title_problem(title, INSTRUCTIONS, [], SPEAKERS) == "filler"
