"""Quotations in notes and summaries: held to the transcript's words, their marks balanced, and given the time
and the speaker the transcript has for them."""

from __future__ import annotations

import pytest

from app.summarize.citations import CitationFilter
from app.summarize.defences import GuardCounts, Source, TextGuard, clean_text
from app.transcript import Segment, Segments, read_file
from tests.helpers import SEED_003
from tests.summarize.defences.common import (
    INSTRUCTIONS,
    LATER,
    TIMED,
    TIMED_SOURCE,
    TRANSCRIPT,
    needs_seed,
    placed,
    streamed,
)


@needs_seed
def test_recorded_invented_quotation_is_dropped_real_one_kept() -> None:
    """SmolLM2 quoted Stefan saying "We're here to talk about the latest episode of The Good Thing" (he never did)
    next to a real quotation of his; the guard with the transcript drops the invented one only."""
    t = read_file(SEED_003)
    source = Source([s.text for s in t.segments], t.speakers)
    counts = GuardCounts()
    out = streamed(LATER["summary"], TextGuard(INSTRUCTIONS, counts, source=source))
    assert "latest episode of The Good Thing" not in out
    assert "Why are people so obsessed with the tech" in out
    assert counts.quotes >= 1
    without = streamed(LATER["summary"], TextGuard(INSTRUCTIONS, GuardCounts()))
    assert "latest episode of The Good Thing" in without  # what reached the user before this defence


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("- [00:00:21] Stefan: “Welcome back, ladies and gentlemen, to another episode.”\n", True),
        ('- Stefan said "welcome back ladies and gentlemen" at the start.\n', True),
        ("- Stefan: “We will now discuss the best database for startups in detail.”\n", False),
        ('- Jens: "Rust is the only language anyone should ever use again."\n', False),
        ("- The hosts call it “the tech”.\n", True),  # too short to judge: a term, not a quotation
        ("- “Why are people so obsessed with the tech? We should all use Java and nothing else.”\n", False),
        (
            "- Stefan asks why founders are obsessed with technology.\n",
            True,
        ),  # no quotation marks: a paraphrase
    ],
)
def test_quotations_must_be_the_transcripts_words(text: str, kept: bool) -> None:
    counts = GuardCounts()
    out = clean_text(text, INSTRUCTIONS, counts, source=TRANSCRIPT)
    assert (out == text.strip()) is kept, out
    assert counts.quotes == (0 if kept else 1)


def test_a_quotation_over_two_sentences_is_judged_in_each() -> None:
    text = "- Stefan: “Welcome back, ladies and gentlemen. Today we only talk about cooking pasta at home.”\n"
    counts = GuardCounts()
    out = clean_text(text, INSTRUCTIONS, counts, source=TRANSCRIPT)
    assert "Welcome back, ladies and gentlemen." in out and "pasta" not in out
    assert counts.quotes == 1


@pytest.mark.parametrize("step", [1, 3, 500])
def test_a_quotation_still_open_at_its_line_end_is_closed(step: int) -> None:
    """SmolLM2's summary of seed 003 (2026-12-06) showed `- Stefan: “Welcome back, ladies and gentlemen!` and went
    on on the next line: the user saw a lone “. Each line now ends with the quotation it opened closed, however
    the text arrives; a line without quotation marks, or with its quotation closed, is left as it was."""
    text = (
        "- Stefan: “Welcome back, ladies and gentlemen!\n"
        "We're going to talk about the new plugin system.\n"
        '- Jens: the "borrow checker" helps.\n'
        "- Stefan: “Why are people so obsessed with the tech”"
    )
    out = streamed(text, TextGuard(INSTRUCTIONS, GuardCounts(), source=TRANSCRIPT), step)
    assert out.splitlines() == [
        "- Stefan: “Welcome back, ladies and gentlemen!”",
        "We're going to talk about the new plugin system.",
        '- Jens: the "borrow checker" helps.',
        "- Stefan: “Why are people so obsessed with the tech”",
    ]


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        # SmolLM2's note on QMSum's Bed002 (2026-12-06): a closing quote with no opening one
        (
            "You're not going to have a conversation with me?\"",
            "You're not going to have a conversation with me?",
        ),
        ("The hosts call it the tech” and move on.", "The hosts call it the tech and move on."),
        ('- **"Budget"** is the first topic', '- **"Budget"** is the first topic'),
        ('- They ordered a 12" pizza', '- They ordered a 12" pizza'),
        ('- He said (" we ship") on Friday', '- He said (" we ship") on Friday'),
    ],
)
def test_a_closing_mark_that_closes_nothing_is_left_out(line: str, shown: str) -> None:
    assert streamed(line + "\n", TextGuard(INSTRUCTIONS, GuardCounts())) == shown + "\n"


def test_a_quotation_whose_end_was_dropped_is_closed_after_what_is_left() -> None:
    """The second sentence of the quotation is invented and dropped: the first one keeps its line, closed right
    after its last word (the space the model wrote before the dropped sentence does not come first)."""
    text = "- Stefan: “Welcome back, ladies and gentlemen. Today we only talk about cooking pasta at home.”\n- next\n"
    out = streamed(text, TextGuard(INSTRUCTIONS, GuardCounts(), source=TRANSCRIPT))
    assert out.splitlines()[0] == "- Stefan: “Welcome back, ladies and gentlemen.”"


def test_an_answer_stopped_inside_a_quotation_ends_with_it_closed() -> None:
    """A loop stops the answer in the middle of a quotation: what was shown of it is closed at the end."""
    loop = "yes we do it again and again here " * 4
    text = f"- Stefan: “Welcome back, ladies and gentlemen. {loop}"
    guard = TextGuard(INSTRUCTIONS, GuardCounts(), source=TRANSCRIPT)
    out = streamed(text, guard)
    assert guard.stop
    assert out == "- Stefan: “Welcome back, ladies and gentlemen.”", out


def test_quotation_without_a_time_gets_the_time_it_was_said() -> None:
    counts = GuardCounts()
    out = placed("- Jens: “If we read this, I believe the upside in the code era is readability.”\n", counts)
    assert (
        out == "- [00:03:03] Jens: “If we read this, I believe the upside in the code era is readability.”\n"
    )
    assert counts.placed == 1


def test_invented_time_removed_leaves_a_quotation_that_gets_its_own() -> None:
    """SmolLM2's summary of seed 003: `[17:58:34] Jens: “...”` in a 32-minute episode, between bullets. The
    citation check removes the invented time; the line gets the real one, and becomes a bullet like its
    neighbours (Markdown would run a plain line into the bullet above)."""
    cites = CitationFilter(TIMED.starts)
    text = (
        "- [00:00:10] Stefan said it was a long week.\n"
        "[17:58:34] Jens: “So if we read this, I believe the upside in the code era is readability.”\n"
    )
    out = placed(cites.apply(text))
    assert cites.removed == 1
    assert out == (
        "- [00:00:10] Stefan said it was a long week.\n"
        "- [00:03:03] Jens: “So if we read this, I believe the upside in the code era is readability.”\n"
    )


def test_cited_time_elsewhere_is_replaced_a_nearby_stamp_kept() -> None:
    counts = GuardCounts()
    far = placed("- [00:00:10] Jens: “I believe the upside in the code era is readability.”\n", counts)
    assert far.startswith("- [00:03:03] Jens:")
    assert counts.placed == 1
    # a stamp up to 90 s before the words is the line's the model saw them in: kept
    near = placed("- [00:01:40] Jens: “I believe the upside in the code era is readability.”\n")
    assert near.startswith("- [00:01:40] Jens:")
    # a sentence said twice: either time is right
    second = placed("- [00:30:00] Stefan: “Why are people so obsessed with the tech?”\n")
    assert second.startswith("- [00:30:00] Stefan:")


def test_turn_under_someone_elses_name_gets_the_speaker_who_said_it() -> None:
    """SmolLM2's notes on seed 003: "- [00:23:08] Stefan: I mean, yeah, I think it's what David said.", which
    Jens said at 28:20."""
    counts = GuardCounts()
    out = placed("- [00:23:08] Stefan: I mean, yeah, I think it's what David said.\n", counts)
    assert out == "- [00:28:20] Jens: I mean, yeah, I think it's what David said.\n"
    assert counts.placed == 1
    # the right speaker and a right time: nothing changes, nothing counted
    same = GuardCounts()
    line = "- [00:28:20] Jens: Yeah, I think it's what David said in one of the comments.\n"
    assert placed(line, same) == line
    assert same.placed == 0


def test_lines_that_are_not_placed() -> None:
    # several times cited: left as they are
    line = "- [00:03:03] and [00:28:20] Jens: “I believe the upside in the code era is readability.”\n"
    assert placed(line) == line
    # not asked for (a guard without `timed`: titles, answers without citations)
    plain = "- Jens: “I believe the upside in the code era is readability.”\n"
    assert streamed(plain, TextGuard(INSTRUCTIONS, source=TIMED_SOURCE)) == plain
    # the model's own sentence, no quotation: no time made up for it
    own = "- The hosts talk about readability and performance.\n"
    assert placed(own) == own


def test_a_quotation_given_its_speaker_that_repeats_a_line_above_is_dropped() -> None:
    """SmolLM2's summary of QMSum's Bed002 quoted Professor C, then the same words under Grad B's name: once the
    second line had the right name, it was the first line again."""
    source = Source(
        Segments(
            [
                Segment(10.0, 14.0, "Grad B", "They call it intention hypotheses."),
                Segment(3614.0, 3620.0, "Professor C", "Parsers need intention hypotheses badly."),
            ]
        ),
        ["Grad B", "Professor C"],
    )
    counts = GuardCounts()
    out = streamed(
        "- [01:00:14] Professor C: “Parsers need intention hypotheses badly.”\n- [00:10:00] Grad B: “Parsers need intention hypotheses badly.”\n",
        TextGuard(INSTRUCTIONS, counts, source=source, timed=True),
    )
    assert out == "- [01:00:14] Professor C: “Parsers need intention hypotheses badly.”\n"
    assert counts.repeats == 1


def test_a_name_nobody_has_gives_way_to_the_speaker_and_a_line_inside_another_is_dropped() -> None:
    """SmolLM2's notes on a part of QMSum's ES2009a (2026-12-06): the Project Manager's words under
    "Product Manager", a speaker the meeting does not have. They get the name of who said them; then the line
    says nothing the first line did not (all its words are in it), and goes, as the repeat it is."""
    segments = Segments(
        [
            Segment(734.0, 737.0, "Project Manager", "You s you're gonna stay here?"),
            Segment(740.0, 745.0, "Marketing", "Well you can't have that, you know what you gotta do."),
        ]
    )
    recorded = (
        "- [00:12:37] Project Manager: You s you're gonna stay here?\n"
        "- [00:12:37] Marketing: Well you can't have that, you know what you gotta do.\n"
        "- [00:12:37] Product Manager: You're gonna stay here?\n"
    )
    counts = GuardCounts()
    guard = TextGuard(
        INSTRUCTIONS, counts, source=Source(segments, ["Project Manager", "Marketing"]), timed=True
    )
    out = streamed(recorded, guard).strip()
    assert out.splitlines() == [
        "- [00:12:14] Project Manager: You s you're gonna stay here?",
        "- [00:12:20] Marketing: Well you can't have that, you know what you gotta do.",
    ]
    assert counts.placed == 3 and counts.repeats == 1
