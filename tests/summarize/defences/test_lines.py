"""Lines of the model's own that must not reach the user (app/summarize/defences/lines.py and the guard's use of
them): a recording the transcript is not, names nobody named, a subject nobody spoke of, someone speaking under
no name, greetings that say nothing. Recorded from SmolLM2-135M-Instruct on QMSum's validation meetings
(2026-12-06: the quality benchmark's six other meetings), with small transcripts made for each case."""

from __future__ import annotations

import pytest

from app.summarize.citations import CitationFilter
from app.summarize.defences import GuardCounts, Source, TextGuard, clean_text
from app.summarize.defences.source import MIN_VOCABULARY_CHARS
from app.transcript import Segment, Segments
from tests.summarize.defences.common import INSTRUCTIONS, streamed

# A design meeting (QMSum's ES2009a is one: a remote control, its buttons, the team's roles); it never calls
# itself an episode.
DESIGN = [
    "So the remote control should be easy to find, maybe it beeps when you lose it.",
    "We have to decide on the buttons and the colour before the next meeting.",
    "Marketing will look at what people want, and the user interface designer at the menu.",
]
# A meeting on speech recognition (QMSum's Bro011 is one), long enough for its vocabulary to count: its
# sentences again and again, as a long meeting says its words again and again.
SPEECH = [
    "We looked at the delay of the recursion for the mean estimation on the Italian database.",
    "The project is to make speech recognition more robust with better features and filters.",
    "The accuracy went up when we changed the length of the filters in each band.",
    "Octave is kind of like Matlab, so you can run the same scripts on your computer.",
    "I guess one way of describing it would be if a sound is sonorant in this band.",
]


def long_source(texts: list[str], speakers: list[str] = ()) -> Source:  # type: ignore[assignment]
    n = MIN_VOCABULARY_CHARS // sum(len(t) for t in texts) + 1
    return Source(texts * n, speakers)


@pytest.mark.parametrize(
    ("made_up", "kept", "dropped_by", "kept_by"),
    [
        # SmolLM2's notes on the last part of QMSum's ES2009a: a meeting made into a podcast series; a podcast
        # that speaks of its episodes keeps such lines
        (
            "- [00:28:03] This is the first part of a 4th episode in a 5-part series.\n"
            "- [00:28:03] This is a continuation of the previous episode, with additional details and tips to "
            "help you find your remote.\n",
            "- [00:28:03] The remote control beeps when you lose it.",
            Source(DESIGN),
            Source([*DESIGN, "Welcome to the fifth episode of our series on design."]),
        ),
        # its notes on QMSum's Bro011: applications nobody in the meeting spoke of (seven of the sentence's
        # eleven naming words are not the transcript's); a transcript of a few minutes is not judged so (it
        # lacks the common words a summary uses)
        (
            "- [00:25:13] This project aims to improve the accuracy of speech recognition in a wide range of "
            "applications, including medical diagnostics, autonomous vehicles, and health monitoring.\n",
            "- [00:26:01] The accuracy of the speech recognition went up with the length of the filters.",
            long_source(SPEECH),
            Source(SPEECH),
        ),
    ],
)
def test_recorded_lines_about_what_the_transcript_is_not_are_dropped(
    made_up: str, kept: str, dropped_by: Source, kept_by: Source
) -> None:
    counts = GuardCounts()
    assert clean_text(made_up + kept, INSTRUCTIONS, counts, dropped_by) == kept
    assert counts.garbled == made_up.count("\n")
    assert clean_text(made_up + kept, INSTRUCTIONS, GuardCounts(), kept_by) == (made_up + kept)


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        # SmolLM2's notes on QMSum's Bro011 and summary of covid_2, and on seed 003 ("Claude Joubert")
        ("It was made possible by the work of Dr. Michael A. Shapiro and his team.", False),
        ("The committee will meet in private until January to discuss the budget.", False),
        ("The interview with Claude Joubert, and the buttons of the remote control.", False),
        # names the transcript has, words that begin a sentence or a clause, acronyms, a preset's own words
        ("Marketing will look at the buttons and the colour.", True),
        ("The team decided: Colour first, then the buttons.", True),
        ("The menu comes first. Buttons come later.", True),
        ("The designer will ask the UI team about the remote control.", True),
        ("These are the Key points of the remote control.", True),
    ],
)
def test_names_nobody_in_the_transcript_named_are_not_shown(line: str, kept: bool) -> None:
    counts = GuardCounts()
    out = clean_text(line, INSTRUCTIONS, counts, Source(DESIGN, ["Marketing"]))
    assert (out == line) is kept, out
    assert counts.garbled == (0 if kept else 1)


def test_recorded_speech_under_no_name_is_held_to_the_transcript() -> None:
    """SmolLM2's notes on QMSum's IS1006a and Bro011: lines in the first person with no speaker's name, the
    model speaking as someone in the meeting. Held to the transcript's words like a quotation: a speaker's own
    sentence in the first person stays, and is given the time it was said."""
    recorded = (
        "- I'm excited to share a new project with you.\n"
        "- So that is my answer to your question.\n"
        "- I guess one way of describing it would be if a sound is sonorant in this band.\n"
    )
    segments = Segments(Segment(60.0 * i, 60.0 * i + 5, "Professor A", t) for i, t in enumerate(SPEECH))
    counts = GuardCounts()
    guard = TextGuard(INSTRUCTIONS, counts, source=Source(segments, ["Professor A"]), timed=True)
    assert streamed(recorded, guard).strip() == (
        "- [00:04:00] I guess one way of describing it would be if a sound is sonorant in this band."
    )
    assert counts.quotes == 2 and counts.placed == 1


def test_recorded_dialogue_behind_a_title_is_held_to_the_transcript() -> None:
    """SmolLM2's notes on the first part of QMSum's Bro011, as the pipeline gets them: its times through the
    citation filter (the invented ones removed), then the guard. "Prof. A: Thank you for having me." was cut
    at "Prof." as if a sentence ended there, and "A: Thank you for having me." then reached the user as a line
    of its own. A title's or an initial's period ends no sentence; every line here is dialogue nobody had."""
    recorded = (
        "[01:32:48] [hh:mm:ss]\n"
        "[00:00:00] Professor A: Hello, I'm sorry for the inconvenience.\n"
        "Grad E: Hi there, it's nice to meet you.\n"
        "Professor A: Oh yeah.\n"
        "[01:02:45] Professor A: I hope you're doing well.\n"
        "[01:04:36] Prof. A: Thank you for having me.\n"
        "Grad E: Hi there, it's nice to meet you too.\n"
    )
    cites = CitationFilter([0.0, 60.0, 120.0])
    for step in (1, 3, 500):
        counts = GuardCounts()
        guard = TextGuard(INSTRUCTIONS, counts, source=Source(SPEECH, ["Professor A", "Grad E"]), timed=True)
        text = (
            "".join(cites.feed(recorded[i : i + step]) for i in range(0, len(recorded), step)) + cites.flush()
        )
        assert streamed(text, guard, step).strip() == ""
        assert counts.quotes == 4 and counts.given_up == 1  # four made-up lines in a row end the answer
        alone = (
            "[01:04:36] Prof. A: Thank you for having me.\n"  # its own answer: one sentence, refused whole
        )
        counts = GuardCounts()
        guard = TextGuard(INSTRUCTIONS, counts, source=Source(SPEECH, ["Professor A", "Grad E"]), timed=True)
        assert streamed(cites.apply(alone), guard, step).strip() == ""
        assert counts.quotes == 1


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        ("- [00:12:14] Project Manager: Wow.", False),  # SmolLM2's notes on QMSum's ES2009a
        ("- [00:12:14] Thank you.", False),
        ("- [00:12:14] Mmm-hmm.", False),  # its notes on Bro011
        ("- [00:12:14] Project Manager: Hi there.", False),
        ("- [00:01:38] Professor B: Hey.", False),  # under a name nobody has: its notes on QMSum's Bro011
        ("- [00:12:14] Project Manager: Wow, it beeps when you lose it.", True),
    ],
)
def test_greetings_and_interjections_say_nothing(line: str, kept: bool) -> None:
    source = Source([*DESIGN, "Wow, it beeps when you lose it."], ["Project Manager"])
    assert (clean_text(line, INSTRUCTIONS, GuardCounts(), source) == line) is kept


def test_recorded_invented_turn_under_a_name_nobody_has_with_lets_is_dropped() -> None:
    """SmolLM2's notes on QMSum's ES2009a: "Markup" is no one in the meeting, and "Let's make it happen!" is
    someone speaking. The same line under a real speaker, in their words, stays."""
    source = Source([*DESIGN, "Okay, let's make the buttons yellow."], ["Marketing", "Project Manager"])
    counts = GuardCounts()
    assert clean_text("[00:20:49] Markup: Let's make it happen!\n", INSTRUCTIONS, counts, source) == ""
    assert counts.quotes == 1
    kept = "[00:20:49] Marketing: Let's make the buttons yellow."
    assert clean_text(kept, INSTRUCTIONS, GuardCounts(), source) == kept


def test_a_line_whose_sentences_are_all_dropped_leaves_no_blank_line() -> None:
    """SmolLM2's notes on QMSum's Bro011: a line of two invented sentences after a kept one ("Mmm-hmm." and
    words in the first person nobody said) left an empty line behind."""
    source = Source(SPEECH, ["PhD C"])
    text = (
        "PhD C: We looked at the delay of the recursion for the mean estimation.\n"
        "Mmm-hmm. And this we've not uh worked on this late enough, so I guess it's a good idea to re-do it.\n"
        "The accuracy went up.\n"
    )
    assert clean_text(text, INSTRUCTIONS, GuardCounts(), source) == (
        "PhD C: We looked at the delay of the recursion for the mean estimation.\nThe accuracy went up."
    )


def test_recorded_speech_after_a_title_and_a_name_nobody_has_is_held_to_the_transcript() -> None:
    """SmolLM2's notes on QMSum's covid_2 (2026-12-02): a minister's speech nobody gave, under "The Hon. Bill
    Morneau:", a label that is no speaker of the meeting. "Hon." ended no sentence then either, but the words
    after the label were judged as the model's own and were let through. What the minister said stays."""
    committee = Source(
        [
            "Thank you, Mr. Chair. We are working with the provinces on the support for tourism.",
            "The emergency wage subsidy has helped many businesses keep their workers.",
        ],
        ["The Chair", "Hon. Bill Morneau"],
    )
    recorded = (
        "The Hon. Bill Morneau: I'd like to start by saying that the COVID-19 pandemic has been a catalyst for "
        "global efforts, and it's essential that we continue to work together.\n"
        "The Hon. Bill Morneau: We are working with the provinces on the support for tourism.\n"
        # (a label inside a line: held to the transcript too)
        "The Chair thanked the provinces. Bill Morneau: I'd like to thank everyone for their patience.\n"
    )
    counts = GuardCounts()
    assert clean_text(recorded, INSTRUCTIONS, counts, committee) == (
        "The Hon. Bill Morneau: We are working with the provinces on the support for tourism.\n"
        "The Chair thanked the provinces."
    )
    assert counts.quotes == 2


def test_recorded_lines_labelled_with_the_meetings_name_lose_the_label() -> None:
    """SmolLM2's notes on QMSum's TS3010b (2026-12-06): lines labelled with the meeting's name, which is in the
    prompt as the transcript's title. The name is no speaker: the label goes, the line is judged as the model's
    own (and "TS3010b: ... that you want" is no dialogue line of someone called TS3010b)."""
    source = Source(DESIGN, ["Marketing", "Project Manager"], known=["TS3010b"])
    recorded = (
        "- [00:21:41] TS3010b: The new version of the remote control is easy to find.\n"
        "- TS3010B: The colour and the buttons come first.\n"
        "- Marketing: We have to decide on the buttons and the colour before the next meeting.\n"
    )
    assert clean_text(recorded, INSTRUCTIONS, GuardCounts(), source).splitlines() == [
        "- [00:21:41] The new version of the remote control is easy to find.",
        "- The colour and the buttons come first.",
        "- Marketing: We have to decide on the buttons and the colour before the next meeting.",
    ]
    assert source.labelled("TS3010b: It has all the features that you want.") is None


def test_recorded_lines_given_as_another_recordings_are_dropped() -> None:
    """SmolLM2's notes on QMSum's ES2009a (2026-12-06, twelfth session): lines labelled with other meetings'
    names, the next one in the series and another, as if the notes came from them. A code the transcript says
    ("Room 101: ...") or its own title's is no other recording."""
    source = Source(
        [*DESIGN, "We meet in room 101 again."], ["Marketing", "Project Manager"], known=["ES2009a"]
    )
    recorded = (
        "- [00:03:08] ES2009B: How to make a business out of your personal brand.\n"
        "- [00:04:17] ES2010A: The future of design is in technology.\n"
        "- Room 101: The colour and the buttons come first.\n"
        "- ES2009a: The buttons and the colour are decided before the next meeting.\n"
    )
    counts = GuardCounts()
    assert clean_text(recorded, INSTRUCTIONS, counts, source).splitlines() == [
        "- Room 101: The colour and the buttons come first.",
        "- The buttons and the colour are decided before the next meeting.",
    ]
    assert counts.garbled == 2


def test_listeners_of_a_meeting_that_says_listen() -> None:
    """SmolLM2's summary of QMSum's IS1006b: "... tell your listeners what they want to hear", in a meeting
    whose people say "listen" but never "listeners"."""
    source = Source([*DESIGN, "Listen, the buttons should light up."])
    line = "He says that you should tell your listeners what they want to hear about the buttons."
    counts = GuardCounts()
    assert clean_text(line, INSTRUCTIONS, counts, source) == ""
    assert counts.garbled == 1


def test_recorded_made_up_speech_goes_to_the_end_of_its_line() -> None:
    """SmolLM2's notes on QMSum's Bro022 (2026-12-06), a meeting on speech recognition: a speech about sleep in
    the first person that nobody gave. Once its first sentence is refused, the rest of the line is the same
    speech and goes too; the next line is judged on its own. And "Dr. M:" before the task's words is a label,
    not a subject."""
    recorded = (
        " So, I think that sleep is very important for your brain to function well. It helps in making sure that "
        "there's no damage from alcohol and it helps with a lot of things.\n"
        "Dr. M: This is the fifth part of this task.\n"
        "The accuracy went up with the length of the filters.\n"
    )
    for step in (1, 3, 500):
        counts = GuardCounts()
        guard = TextGuard(INSTRUCTIONS, counts, source=Source(SPEECH, ["PhD C"]))
        assert (
            streamed(recorded, guard, step).strip() == "The accuracy went up with the length of the filters."
        )
        assert (counts.quotes, counts.echo) == (2, 1)


def test_recorded_headings_of_an_episode_over_a_meetings_notes_are_dropped() -> None:
    """SmolLM2's summary of QMSum's ES2006a (2026-12-06): "### Quotes from the episode" over a design meeting's
    notes. The heading goes, what is under it is judged on its own; a podcast keeps it."""
    recorded = "### Quotes from the episode\n- The remote control beeps when you lose it.\nEpisode 20:\n- The colour.\n"
    counts = GuardCounts()
    assert clean_text(recorded, INSTRUCTIONS, counts, Source(DESIGN)) == (
        "- The remote control beeps when you lose it.\n- The colour."
    )
    assert counts.garbled == 2
    podcast = Source([*DESIGN, "Welcome to episode 20 of the show."])
    assert clean_text(recorded, INSTRUCTIONS, GuardCounts(), podcast).startswith(
        "### Quotes from the episode\n"
    )
