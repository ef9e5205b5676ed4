"""Speakers' labels and turns in the model's text: bare labels, invented dialogue, paraphrases held to the
speaker's words, turns that say nothing."""

from __future__ import annotations

import re

import pytest

from app.summarize.citations import CitationFilter
from app.summarize.defences import GuardCounts, Source, TextGuard, clean_text
from app.transcript import read_file
from tests.helpers import DATA, SEED_003
from tests.summarize.defences.common import INSTRUCTIONS, LATER, TRANSCRIPT, needs_seed, streamed


def test_recorded_bare_speaker_labels_are_dropped() -> None:
    """Notes of only "[01:32] Jens:" lines, as SmolLM2 wrote them: nothing is left to show."""
    cites = CitationFilter(range(0, 4000))
    for note in LATER["notes"][:2]:
        out = streamed(cites.apply(note), TextGuard(INSTRUCTIONS, GuardCounts(), source=TRANSCRIPT))
        assert not re.search(r"^\W*(\[[\d:]+\])?\W*(Jens|Stefan):\s*$", out, re.M), out
    first = streamed(cites.apply(LATER["notes"][0]), TextGuard(INSTRUCTIONS, source=TRANSCRIPT))
    assert first.strip() == ""  # the note was two labels and nothing else


@pytest.mark.parametrize("line", ["[00:01:32] Jens:", "- Stefan: ", "* **spk_0:**", "1. Speaker 2:"])
def test_bare_labels_are_not_lines(line: str) -> None:
    assert clean_text(f"{line}\n- [00:00:21] Jens: the real point.\n", INSTRUCTIONS, source=TRANSCRIPT) == (
        "- [00:00:21] Jens: the real point."
    )


def test_label_like_line_of_no_speaker_is_kept() -> None:
    assert (
        clean_text("Key points:\n- one thing\n", INSTRUCTIONS, source=TRANSCRIPT)
        == "Key points:\n- one thing"
    )


def test_recorded_dialogue_the_transcript_does_not_have_is_dropped() -> None:
    """SmolLM2's summary of tests/data/formats/whisperx.json (two lines, six seconds) on 2026-12-02: an invented
    dialogue, a placeholder of 62 characters, a template's scaffolding and a template variable."""
    t = read_file(DATA / "formats" / "whisperx.json")
    source = Source([s.text for s in t.segments], t.speakers)
    recorded = (
        "SPEAKER_03: Thank you for inviting me [mentioning a book, tool or person recommended by the "
        "interviewer].\nSECTION 1\n SPEAKER_04: I'm excited about the future.\n\nDOCUMENTATION_LINK:\n"
        "SPEAKER_00: Welcome to the interview.\n"
    )
    counts = GuardCounts()
    out = clean_text(recorded, INSTRUCTIONS, counts, source=source)
    assert out == "SPEAKER_03: Thank you for inviting me.\nSPEAKER_00: Welcome to the interview."
    assert counts.quotes == 1 and counts.placeholders == 2
    assert "excited" in clean_text(recorded, INSTRUCTIONS)  # without the transcript, it would have been shown


def test_a_speakers_paraphrase_after_their_label_is_held_to_their_words() -> None:
    out = clean_text(
        "- [00:00:21] Stefan: welcome back ladies and gentlemen to another episode\n"
        "- [00:00:30] Stefan: argues that everyone should switch to Java at once\n"
        "- [00:00:40] Stefan argues that the tech matters less than people think\n",
        INSTRUCTIONS,
        source=TRANSCRIPT,
    )
    assert out.splitlines() == [
        "- [00:00:21] Stefan: welcome back ladies and gentlemen to another episode",
        "- [00:00:40] Stefan argues that the tech matters less than people think",  # reported speech: kept
    ]


def test_recorded_dialogue_under_names_nobody_has_is_dropped() -> None:
    """SmolLM2's summary of seed 003 with flash attention on (2026-12-04): a conversation between people the
    episode does not have (its speakers are Stefan and Jens), in the first and second person. A line under such a
    name is held to the transcript's words like a speaker's; a summary's own lead-ins and third-person lines
    under a label are not dialogue, and stay."""
    recorded = (
        "Liam: I'm glad you're enjoying the show, it's a great way to relax and enjoy your day.\n"
        "Hannah: Thank you so much for sharing your thoughts, I really appreciate it.\n"
        "Dave: welcome back ladies and gentlemen to another episode\n"
        "Mentioned: Rust, Go and the new plugin system.\n"
        "Summary: The hosts talk about the tech.\n"
        "Takeaway: you should pick the language your team knows.\n"
    )
    counts = GuardCounts()
    out = clean_text(recorded, INSTRUCTIONS, counts, source=TRANSCRIPT)
    assert out.splitlines() == [
        "Dave: welcome back ladies and gentlemen to another episode",  # the transcript's words: a real quote
        "Mentioned: Rust, Go and the new plugin system.",
        "Summary: The hosts talk about the tech.",
        "Takeaway: you should pick the language your team knows.",  # a lead-in word, not a name
    ]
    assert counts.quotes == 2


def test_recorded_dialogue_behind_a_bracket_is_held_to_the_transcript() -> None:
    """SmolLM2's summary of QMSum's education_22 (2026-12-05): a speaker's label behind a stray bracket, and
    words nobody said under it; their own words under it stay, and so does a lead-in that is not a name."""
    source = Source(
        ["The childcare offer is for working parents of three and four year olds."], ["Jo-Anne Daniels"]
    )
    recorded = (
        "* [Jo-Anne Daniels: I'm looking for more resources on the topic of childcare and education to help me "
        "understand it better.\n"
        "* [Jo-Anne Daniels: the childcare offer is for working parents of three and four year olds.\n"
        "* [Childcare: the offer is described.\n"
    )
    counts = GuardCounts()
    out = clean_text(recorded, INSTRUCTIONS, counts, source=source)
    assert out.splitlines() == recorded.splitlines()[1:] and counts.quotes == 1


@needs_seed
def test_recorded_dialogue_under_a_label_on_the_line_above_is_held_to_the_transcript() -> None:
    """SmolLM2's show notes for seed 003 (2026-12-05, a2cdff7): "David:" on a line of its own, then words
    nobody said; the README screenshot showed them as "David: Yeah, so we need ...". Dropped with the label; a
    lead-in before the model's own line stays, and so does a real quotation under its label."""
    t = read_file(SEED_003)
    source = Source([s.text for s in t.segments], t.speakers)
    recorded = (
        "You know, I think it's what David said.\n\nDavid:\nYeah, so we need to make sure that our technology is "
        "not just a tool but also a way of thinking.\n\n### Quotes:\n- Jens: “You kind of know, okay, I have this "
        "object, I have this value.”\n"
    )
    for step in (1, 3):
        counts = GuardCounts()
        out = streamed(recorded, TextGuard(INSTRUCTIONS, counts, source=source), step)
        assert "David:" not in out and "a way of thinking" not in out and counts.quotes == 1
        assert out.endswith(
            "### Quotes\n- Jens: “You kind of know, okay, I have this object, I have this value.”\n"
        )
    kept = "Episode 20:\nThe hosts compare Rust and Go.\nJens:\nI have this object, I have this value.\n"
    # (a speaker's label alone on its line is dropped, as a bare label is; the words they said stay)
    assert clean_text(kept, INSTRUCTIONS, GuardCounts(), source).splitlines() == [
        "Episode 20:",
        "The hosts compare Rust and Go.",
        "I have this object, I have this value.",
    ]


@needs_seed
def test_recorded_notes_that_say_nothing_are_dropped() -> None:
    """SmolLM2's whole notes on parts 3 and 4 of seed 003 (2026-12-05, at 1ef257f), shown in the summary pane:
    a speaker's bare "Yes." and a sentence about the task in a transcript that says "tasks" once. Notes with
    a subject next to them are kept, and so is a sentence of the transcript's own about tasks."""
    t = read_file(SEED_003)
    source = Source([s.text for s in t.segments], t.speakers)
    assert source.begins_a_word("task")  # the rule for task words the transcript never uses does not apply
    counts = GuardCounts()
    recorded = "- [00:15:20] Stefan: Yes. \n This is a task. \n\n"
    assert clean_text(recorded, INSTRUCTIONS, counts, source) == ""
    assert counts.echo == 1
    for step in (1, 3):  # a character at a time too: "Yes." and " " arrive before the line's end does
        streaming = TextGuard(INSTRUCTIONS, GuardCounts(), source=source)
        assert streamed(recorded, streaming, step).strip() == ""
        streaming = TextGuard(INSTRUCTIONS, GuardCounts(), source=source)
        assert streamed("- [00:15:20] Stefan: Yes. ", streaming, step) == ""  # the answer's end ends the line
    kept = (
        "- [00:15:20] Stefan: Yes. Why are people so obsessed with the tech\n"
        "- Jens says their tests are a moat.\n"
        "- The hosts list the tasks an AI agent can do.\n"
    )
    assert clean_text(kept, INSTRUCTIONS, GuardCounts(), source) == kept.strip()
    assert streamed(kept, TextGuard(INSTRUCTIONS, GuardCounts(), source=source), 1) == kept


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        ("- [00:23:08] Stefan: I mean, yeah. ", False),  # SmolLM2's last note on seed 003 (2026-12-06)
        ("- Jens: You know, right.", False),
        ("I guess, yeah.", False),
        ("- [00:23:08] Stefan: I mean, the tech is the moat.", True),
        ("- Jens: Yeah, you know, we wrote the plugin system.", True),
    ],
)
def test_filler_phrases_say_nothing(line: str, kept: bool) -> None:
    source = Source(
        [
            "I mean, yeah.",
            "You know, right.",
            "I guess, yeah.",
            "I mean, the tech is the moat.",
            "Yeah, you know, we wrote the plugin system.",
        ],
        ["Stefan", "Jens"],
    )
    for step in (1, 3, 200):
        out = streamed(line, TextGuard(INSTRUCTIONS, GuardCounts(), source=source), step)
        assert (out.strip() == line.strip()) is kept, out
        assert kept or out == ""
