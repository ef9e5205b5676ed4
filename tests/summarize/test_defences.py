"""The defences against what small models write, fed with recorded real output of SmolLM2-135M-Instruct (seed 003
under the prompts Recap had before the defences: tests/data/smollm2/seed003-b99d849.json) and with hand-made cases
for each rule. The live-model tests are in tests/summarize/test_real_model.py."""

from __future__ import annotations

import json
import random
import re

import pytest

from app.summarize import prompts
from app.summarize.chapters import parse_chapter_lines
from app.summarize.citations import CitationFilter
from app.summarize.defences import (
    GuardCounts,
    Instructions,
    Source,
    TextGuard,
    clean_text,
    keyword_title,
    title_problem,
    words,
)
from app.summarize.presets import get_preset
from app.summarize.prompts import instruction_texts
from app.transcript import Segment, Segments, read_file
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


def test_recorded_notes_lose_their_placeholders_and_echo() -> None:
    cites = CitationFilter([s for s in range(0, 4000)])  # every second is a moment: only the guard acts here
    for text in answers("notes"):
        counts = GuardCounts()
        out = streamed(cites.apply(text), TextGuard(INSTRUCTIONS, counts))
        assert not re.search(r"\[(hh:mm:ss|x+|[a-z]{3,5})\]", out), out
        assert "bullet points with the most important points" not in out
        assert counts.placeholders + counts.echo > 0


def test_recorded_summary_loop_is_stopped_and_nothing_repeats() -> None:
    """The recorded summary repeats its paragraph three times and keeps [hh:mm:ss], [xxxx], [xzb] placeholders."""
    (summary,) = answers("summary")
    counts = GuardCounts()
    guard = TextGuard(INSTRUCTIONS, counts)
    out = streamed(summary, guard)
    assert guard.stop and counts.loops == 1  # the generation would have been ended at the first repetition
    lines = [ln for ln in out.splitlines() if ln.strip()]
    assert len(lines) == len(set(lines))
    assert "[hh:mm:ss]" not in out and "[xxxx]" not in out and "[xzb]" not in out
    assert "The most important thing is not what you have" in out  # the first, real sentence stays
    assert out.count("The most important thing is not what you have") == 1


def test_echoed_task_sentence_is_dropped_real_sentences_kept() -> None:
    text = (
        "Task: write show notes for this episode in Markdown. The episode is about racing cars and Rust. "
        "Write 3 to 6 bullet points with the most important points of this part.\n"
        "- [00:01:00] Rust is used on the car's controller.\n"
    )
    counts = GuardCounts()
    out = clean_text(text, INSTRUCTIONS, counts)
    assert out.startswith("The episode is about racing cars and Rust.")
    assert "Task" not in out and "bullet points" not in out
    assert "- [00:01:00] Rust is used on the car's controller." in out
    assert counts.echo == 2


def test_run_on_loop_without_sentence_ends_is_stopped() -> None:
    counts = GuardCounts()
    guard = TextGuard(INSTRUCTIONS, counts)
    out = streamed("and then we go to the track and test the car " * 20, guard)
    assert guard.stop and counts.loops == 1
    assert len(out) < 200


def test_bullets_beyond_what_was_asked_end_the_answer() -> None:
    guard = TextGuard(INSTRUCTIONS, max_bullets=3)
    text = "".join(f"- [00:0{i}:00] point number {i} about a different thing {i * 7}\n" for i in range(1, 8))
    out = streamed(text, guard)
    assert guard.stop
    assert out.count("\n- ") + out.startswith("- ") == 3


def test_heading_without_content_is_not_shown() -> None:
    out = clean_text("Good episode about bikes.\n\n### Quotes\n\n### Mentioned\n- Strava\n", INSTRUCTIONS)
    assert "### Quotes" not in out and "### Mentioned\n- Strava" in out


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


# ---- quotations and bare labels (recorded: tests/data/smollm2/seed003-0c07b16.json) -----------------------------

LATER = json.loads((DATA / "smollm2" / "seed003-0c07b16.json").read_text(encoding="utf-8"))
TRANSCRIPT = Source(
    [
        "Welcome back, ladies and gentlemen, to another episode of The Good Thing.",
        "Why are people so obsessed with the tech like we can talk about said competitor who's obsessed with the "
        "tech?",
    ],
    SPEAKERS,
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


def test_recorded_bare_speaker_labels_are_dropped() -> None:
    """Notes of only "[01:32] Jens:" lines, as SmolLM2 wrote them: nothing is left to show."""
    cites = CitationFilter(range(0, 4000))
    for note in LATER["notes"][:2]:
        out = streamed(cites.apply(note), TextGuard(INSTRUCTIONS, GuardCounts(), source=TRANSCRIPT))
        assert not re.search(r"^\W*(\[[\d:]+\])?\W*(Jens|Stefan):\s*$", out, re.M), out
    first = streamed(cites.apply(LATER["notes"][0]), TextGuard(INSTRUCTIONS, source=TRANSCRIPT))
    assert first.strip() == ""  # the note was two labels and nothing else


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


def test_a_short_quotation_needs_a_run_of_four_real_words() -> None:
    """Seen on QMSum's Bed002 with SmolLM2: Professor C: "No, you can't do that." The transcript has "you can't
    do" and "can't do that", never the four in a row: common words, not his."""
    source = Source(["So you can't do it here.", "We can't do that any more."], ["Professor C"])
    assert source.says("You can't do it here")
    assert not source.says("No, you can't do that.")
    counts = GuardCounts()
    assert clean_text('- Professor C: "No, you can\'t do that."\n', INSTRUCTIONS, counts, source=source) == ""
    assert counts.quotes == 1


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


@pytest.mark.parametrize("label", ["Task:", "The task:", "The output:", "Instructions:"])
def test_a_lead_in_that_labels_the_task_is_never_shown(label: str) -> None:
    """SmolLM2's summary of QMSum's Bed002 began "The task:" over its sentences (2026-12-06)."""
    counts = GuardCounts()
    out = clean_text(
        f"{label}\nThe budget for next year is tight.\n",
        INSTRUCTIONS,
        counts,
        source=Source(["Our budget for next year is tight."]),
    )
    assert out == "The budget for next year is tight." and counts.echo == 1


def test_a_heading_is_shown_without_a_colon_at_its_end() -> None:
    """SmolLM2's summary of seed 003 had "### Quotes:" over its quotations."""
    text = "### Quotes:\n- Stefan: “Welcome back, ladies and gentlemen, to another episode.”\n"
    out = clean_text(text, INSTRUCTIONS, source=TRANSCRIPT)
    assert out.splitlines()[0] == "### Quotes"


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


def test_a_lead_in_line_is_shown_only_before_what_it_leads_into() -> None:
    """SmolLM2 began seed 003's summary with "Episode 20:" and then a heading (2026-12-02)."""
    assert clean_text("Episode 20:\n\n### Key points\n- [00:00:21] one point\n", INSTRUCTIONS) == (
        "### Key points\n- [00:00:21] one point"
    )
    assert clean_text("Key points:\n- one thing\n", INSTRUCTIONS) == "Key points:\n- one thing"
    assert clean_text("The hosts agree.\nIn short:\n", INSTRUCTIONS) == "The hosts agree."


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
        "Summary: The hosts compare Rust and Go.\n"
        "Takeaway: you should pick the language your team knows.\n"
    )
    counts = GuardCounts()
    out = clean_text(recorded, INSTRUCTIONS, counts, source=TRANSCRIPT)
    assert out.splitlines() == [
        "Dave: welcome back ladies and gentlemen to another episode",  # the transcript's words: a real quote
        "Mentioned: Rust, Go and the new plugin system.",
        "Summary: The hosts compare Rust and Go.",
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


def test_recorded_heading_that_is_the_task_is_dropped() -> None:
    """SmolLM2's summary of QMSum's Bed002 (2026-12-04): the podcast preset's summary task written back as a
    heading, between the summary's first paragraph and its bullets."""
    recorded = (
        "The new end of Java libraries have made it easy for people to create and edit XML documents.\n\n"
        "### Task: write show notes for this episode in Markdown: a short paragraph saying what the episode is "
        'about; then "### Quotes" with up to 3 notable quotes word for word; then "### Mentioned" with the books, '
        "tools, websites or people recommended, if any.\n"
        "- [00:00:21] The hosts talk about XML.\n"
    )
    counts = GuardCounts()
    out = clean_text(recorded, INSTRUCTIONS, counts)
    assert "Task" not in out and "show notes" not in out
    assert "- [00:00:21] The hosts talk about XML." in out
    assert counts.echo >= 1


def test_recorded_placeholder_with_a_period_inside_is_removed_whole() -> None:
    """SmolLM2's notes on QMSum's TS3010d (2026-12-04): a bracket with a sentence end inside it, "[Sr. Marketing]",
    which the sentence splitter used to cut in two, so that neither half looked like a placeholder."""
    guard = TextGuard(INSTRUCTIONS)
    out = streamed("- [00:03:15] Marketing: [Sr. Marketing] The remote needs a joystick.\n", guard, step=2)
    assert out == "- [00:03:15] Marketing: The remote needs a joystick.\n"
    assert guard.counts.placeholders == 1


def test_recorded_task_label_is_not_a_lead_in() -> None:
    """SmolLM2's summary of QMSum's TS3010d (2026-12-04) began "Task:" then "Situation:" on lines of their own."""
    counts = GuardCounts()
    out = clean_text("Task:\nSituation:\nThe team chose a joystick.\n", INSTRUCTIONS, counts)
    assert out == "Situation:\nThe team chose a joystick."
    assert counts.echo == 1


def test_recorded_long_sentence_with_three_runs_of_the_task_is_dropped() -> None:
    """SmolLM2's notes on seed 000 (2026-12-04): a 23-word sentence about its own bullets, three of whose 4-word
    runs are the notes task's ("with the most important", "the most important points", "and any notable quote")."""
    recorded = (
        "* I've added a note to highlight the importance of the bullet point with the most important points and "
        "any notable quote or book recommended.\n"
        "- [00:41:49] The robot vacuum did a bad job with the trash can.\n"
    )
    counts = GuardCounts()
    assert (
        clean_text(recorded, INSTRUCTIONS, counts)
        == "- [00:41:49] The robot vacuum did a bad job with the trash can."
    )
    assert counts.echo == 1


def test_recorded_talk_about_the_task_is_dropped_where_the_transcript_never_speaks_of_it() -> None:
    """SmolLM2's notes on QMSum's TS3010d and covid_2 (2026-12-04): sentences about its own bullet points, in a
    meeting where nobody says "bullet"; a meeting about slides with bullet points keeps them."""
    recorded = (
        "The last bullet points are very important and they're not just for the presentation.\n"
        "- The second bullet points are about improving risk management programs.\n"
        "M: This is the fifth part of this task.\n"
        "The team chose a joystick over the L_C_D_.\n"
    )
    meeting = Source(
        ["so we go for the joystick", "no L_C_D_ then, it costs too much", "our risk management programs"]
    )
    counts = GuardCounts()
    assert clean_text(recorded, INSTRUCTIONS, counts, meeting) == (
        "- Improving risk management programs.\n"  # what the sentence says, without its lead-in about bullets
        "The team chose a joystick over the L_C_D_."
    )
    assert counts.echo == 2
    slides = Source(["the next slide has three bullet points", "our task is the remote control"])
    kept = clean_text(recorded, INSTRUCTIONS, GuardCounts(), slides)
    assert "bullet points are about improving" in kept
    assert "part of this task" not in kept  # its words are all the task's: it says nothing, in any meeting


def test_recorded_sentences_made_only_of_the_tasks_words_are_dropped_where_the_transcript_speaks_of_tasks() -> (
    None
):
    """SmolLM2's summaries of QMSum's Bro022 and Bed002 (2026-12-06), meetings whose speakers say "task": the
    summary's own parts and writing told back, behind a letter for a label too. A sentence of the transcript's
    subject with those words in it stays."""
    meeting = Source(["the first task is the recognizer", "we write the final numbers down"], ["Professor B"])
    recorded = (
        "M: This is the fifth part of this task.\n"
        "M: This is the sixth and final part of this task.\n"
        "This is a task that requires writing.\n"
        "The recognizer is their first task, and they write the final numbers down.\n"
    )
    for step in (1, 3, 500):
        counts = GuardCounts()
        out = streamed(recorded, TextGuard(INSTRUCTIONS, counts, source=meeting), step)
        assert out.strip() == "The recognizer is their first task, and they write the final numbers down."
        assert counts.echo == 3


TS3010D_TEXTS = [
    "So we lose the L_C_D_ and go for the joystick.",
    "The power button and the mute stay, and the colour is yellow.",
    "Our project manager will ask the people who talk less.",
    "So we have a product. This is it.",
]
TS3010D = Source(
    TS3010D_TEXTS,
    ["Marketing", "Project Manager"],
    known=["TS3010d", "Remote control design, the last meeting"],
)


def test_recorded_lines_that_name_nothing_the_transcript_has_are_dropped() -> None:
    """SmolLM2's summaries of QMSum's TS3010d (2026-12-06) began with a date and a name nobody gave, and
    sentences broken at an article; one had a lead-in in Recap's own words. Lines that name the meeting's things
    are kept, also in the words of its title and of a speaker's name, and so is a speaker's own stammer in a
    quotation."""
    recorded = (
        "Tue, 25 Jun 2024 at 16:08:10\n"
        "Srirachele S.\n"
        "The of the is a very important point in this episode.\n"
        "Each started with the where it was said.\n"
        "Key moments, in the speakers' own words:\n"  # a lead-in in Recap's words
        "The team keeps the power button and drops the LCD.\n"
        "The last meeting on the remote control design.\n"
        "The project manager wants to hear the quieter people.\n"
        '- Marketing: "So we lose the L_C_D_ and go for the joystick."\n'
    )
    kept = (
        "The team keeps the power button and drops the LCD.\n"
        "The last meeting on the remote control design.\n"
        "The project manager wants to hear the quieter people.\n"
        '- Marketing: "So we lose the L_C_D_ and go for the joystick."'
    )
    for step in (1, 3, 500):
        counts = GuardCounts()
        assert streamed(recorded, TextGuard(INSTRUCTIONS, counts, source=TS3010D), step).strip() == kept
        assert (counts.garbled, counts.echo) == (4, 1)
    stammer = "- Marketing: \u201cThe the power button and the mute stay, and the colour is yellow.\u201d"
    assert (
        clean_text(
            stammer,
            INSTRUCTIONS,
            GuardCounts(),
            Source(["The the power button and the mute stay, and the colour is yellow."], ["Marketing"]),
        )
        == stammer
    )


def test_recorded_lines_of_one_content_word_are_dropped() -> None:
    """SmolLM2's whole notes on a part of QMSum's Bed002 (2026-12-06), a line each. A short line with a subject,
    a bullet of one topic word, such a sentence inside a longer line and a speaker's line with a subject are
    kept."""
    recorded = (
        "This is the idea\nThis is the goal\nThis is the plan\nThis is the process\nThis is the result\n"
        # and a speaker's line that says next to nothing (SmolLM2's notes on QMSum's TS3010d)
        "- [00:03:15] Marketing: This is it.\nProject Manager: So we have a product.\n"
    )
    for step in (1, 3, 500):
        counts = GuardCounts()
        assert streamed(recorded, TextGuard(INSTRUCTIONS, counts, source=TS3010D), step).strip() == ""
        assert counts.garbled == 7
    # SmolLM2's summary of seed 000 (2026-12-06): pronouns, auxiliaries and "own way" name nothing
    helpful = Source(["the typewriter has been very helpful"])
    counts = GuardCounts()
    assert clean_text("It has been very helpful for me in my own way.\n", INSTRUCTIONS, counts, helpful) == ""
    assert counts.garbled == 1
    kept = (
        "- Joystick\nThe colour is yellow.\nThis is the joystick. They lose the colour for it.\n"
        "- [00:01:00] Marketing: So we lose the L_C_D_ and go for the joystick.\n"
    )
    assert clean_text(kept, INSTRUCTIONS, GuardCounts(), TS3010D) == kept.strip()


def test_a_summary_in_another_language_than_the_transcripts_is_not_held_to_its_words() -> None:
    """Asked for German notes on an English meeting, no word of the notes is the transcript's: nothing is
    judged by that, while a broken sentence still is."""
    english = Source(TS3010D_TEXTS, own_language=False)
    german = "Das Team behält den Einschaltknopf und verzichtet auf das Display.\n"
    assert clean_text(german, INSTRUCTIONS, GuardCounts(), english) == german.strip()
    assert clean_text(german, INSTRUCTIONS, GuardCounts(), Source(TS3010D_TEXTS)) == ""


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


# ---- web addresses (recorded: tests/data/smollm2/seed003-21d23ad.json) ------------------------------------------

LINKS = json.loads((DATA / "smollm2" / "seed003-21d23ad.json").read_text(encoding="utf-8"))


@needs_seed
def test_recorded_invented_links_are_dropped() -> None:
    """SmolLM2's show notes for seed 003 (the README screenshot of 2026-12-05, at 21d23ad): a book nobody named,
    linked to amazon.ca and a blogspot page, under "Books and tools" and again under "Tools and websites". The
    episode gives no address: nothing of it is left, headings included; without the transcript it all stays."""
    t = read_file(SEED_003)
    source = Source([s.text for s in t.segments], t.speakers)
    for step in (1, 3):
        counts = GuardCounts()
        assert streamed(LINKS["summary"], TextGuard(INSTRUCTIONS, counts, source=source), step).strip() == ""
        assert counts.links == 2
    assert "amazon.ca" in streamed(LINKS["summary"], TextGuard(INSTRUCTIONS, GuardCounts()))
    assert "Stefan: Yes." not in clean_text(LINKS["notes"][2], INSTRUCTIONS, GuardCounts(), source)


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        ("- [00:01:10] The show's notes are at recap.dev/docs/episode-20.", True),  # said (pasted) as it is
        ("- [00:02:00] They recommend Ardour (https://www.ardour.org/).", True),  # a site's bare name, spoken
        ("- [00:02:00] They recommend Ardour: ardour.org", True),
        ("- [00:02:00] Download it at https://ardour.org/download/v8.", False),  # a page nobody gave
        ("- [00:02:10] [The Mixing Book](https://www.amazon.ca/dp/B082TNk5yQ/) by Davey", False),
        ("- [00:02:20] See www.mixingbook.com for more.", False),  # a site nobody named
        ("- [00:03:00] They compare Node.js with Deno, e.g. for scripts.", True),  # no address at all
    ],
)
def test_web_addresses_are_held_to_the_transcript(line: str, kept: bool) -> None:
    source = Source(
        [
            "Our notes are always at recap.dev/docs/episode-20 by the way.",
            "For recording we use Ardour, it is free.",
            "Node.js or Deno, for example for scripts.",
            "We close with our guest of the next episode.",
        ],
        SPEAKERS,
    )
    counts = GuardCounts()
    out = clean_text(
        line + "\n- [00:04:00] They close with the next episode's guest.", INSTRUCTIONS, counts, source
    )
    assert (line in out) is kept and "next episode's guest" in out
    assert counts.links == (0 if kept else 1)


# ---- a model stuck on one token (seed 003 read in two long windows, 2026-12-05) ---------------------------------

STUCK = "Jens: [zvqwr" + "i" * 63  # SmolLM2's whole summary that run, as the summary pane showed it


@pytest.mark.parametrize("step", [1, 3, 200])
def test_a_model_stuck_on_one_token_is_stopped_and_its_run_dropped(step: int) -> None:
    counts = GuardCounts()
    guard = TextGuard(INSTRUCTIONS, counts, source=TRANSCRIPT)
    text = "They talk about the tech behind the episode.\n" + STUCK + "i" * 400
    out, fed = [], 0
    while fed < len(text) and not guard.stop:
        out.append(guard.feed(text[fed : fed + step]))
        fed += step
    out.append(guard.flush())
    assert "".join(out) == "They talk about the tech behind the episode.\n"
    assert guard.stop and counts.loops == 1
    assert fed <= text.index("zvqwr") + len("zvqwr") + 6 + step  # stopped at the sixth "i", not at the end


def test_a_stuck_run_inside_a_finished_sentence_is_dropped() -> None:
    counts = GuardCounts()
    out = clean_text("- Rust is fast.\n- The team saaaaaaaaaaid so.\n- More later.", INSTRUCTIONS, counts)
    assert out == "- Rust is fast."
    assert counts.loops == 1


@pytest.mark.parametrize(
    "word", ["Mississippi", "Aaaaah", "bookkeeper", "Hahahahaha", "Bwahahahaha", "1000000", "zzz", "IIIII"]
)
def test_real_words_and_runs_the_transcript_has_are_not_stuck(word: str) -> None:
    source = Source(["He just laughed: hahahahaha, bwahahahaha."], SPEAKERS)
    counts = GuardCounts()
    text = f"The word {word} came up twice."
    assert clean_text(text, INSTRUCTIONS, counts, source=source) == text
    assert counts.loops == 0


# ---- the quote checker searches the transcript's own string ------------------------------------------------------


class CopiedWords:
    """The quote checker as it was until 2026-12-05, as an oracle: every word of the transcript copied into one
    string (" w1 w2 … "), a run of words looked up as a substring of it."""

    def __init__(self, texts: list[str]) -> None:
        self.words = " " + " ".join(j for t in texts if (j := " ".join(words(t)))) + " "

    def has(self, gram: list[str]) -> bool:
        return bool(gram) and f" {' '.join(gram)} " in self.words

    def begins_a_word(self, start: str) -> bool:
        return f" {start}" in self.words


# words that run into each other, apostrophes both ways, cases, underscores, time references, and separators that
# are nothing at all (one segment's last word against the next one's first)
_PIECES = [
    "a",
    "ab",
    "b",
    "AB",
    "c",
    "don't",
    "Don’t",
    "don",
    "t",
    "x_y",
    "É",
    "é",
    "[12:34]",
    "1",
    "—",
    "...",
]
_GAPS = ["", " ", " ", ", ", "' ", "-", " [01:02] ", "_"]


def test_lookups_in_the_transcripts_own_string_say_what_the_copied_words_said() -> None:
    """`Source` looks runs of words up in the transcript's own string and confirms them on its segments' words;
    the copy of every word it used to keep is the oracle. 400 random transcripts from a small vocabulary (so that
    runs recur, overlap and run over segment ends), 40 runs and 10 word starts each, hits and misses both."""
    rng = random.Random(5)
    asked = found = 0
    for _ in range(400):
        texts = [
            "".join(rng.choice(_PIECES) + rng.choice(_GAPS) for _ in range(rng.randint(1, 6))).strip()
            for _ in range(rng.randint(1, 6))
        ]
        oracle, source = CopiedWords(texts), Source(texts)
        every = oracle.words.split()
        for _ in range(40):
            if every and rng.random() < 0.5:  # a run the transcript has, or one that starts where it has one
                i = rng.randrange(len(every))
                gram = every[i : i + rng.randint(1, 4)]
            else:
                gram = [w for p in rng.choices(_PIECES, k=rng.randint(1, 4)) for w in words(p)]
            asked += 1
            found += oracle.has(gram)
            assert source._has(gram) == oracle.has(gram), (texts, gram)
        for _ in range(10):
            start = rng.choice(every or ["a"])[: rng.randint(1, 3)]
            assert source.begins_a_word(start) == oracle.begins_a_word(start), (texts, start)
    assert 0.2 < found / asked < 0.8  # both answers were asked for often


@needs_seed
def test_quote_checks_on_a_real_transcript_say_what_the_copied_words_said() -> None:
    """On seed 003: every 4-word run of the transcript is found, and runs made of its words out of order, as a
    model writes them, get the oracle's answer."""
    t = read_file(SEED_003)
    texts = list(t.segments.texts())
    oracle, source = CopiedWords(texts), Source(t.segments, t.speakers)
    every = oracle.words.split()
    rng = random.Random(3)
    for _ in range(300):
        i = rng.randrange(len(every) - 4)
        assert source._has(every[i : i + 4])
        mixed = every[i : i + 2] + rng.sample(every, 2)
        assert source._has(mixed) == oracle.has(mixed), mixed


def test_a_numbered_line_keeps_its_number_and_is_judged_whole() -> None:
    """SmolLM2's notes on a part of QMSum's Bed002 (2026-12-06) were "1. This is the idea" to "5. This is the
    result": "1. " was taken for a sentence of its own and dropped (no word in it), so the numbers were lost and
    the line after it was not judged as a whole line."""
    source = Source(["the idea and the goal, and the remote control budget is tight"])
    recorded = (
        "1. This is the idea\n2. This is the goal\n"
        "3. The remote control budget is tight.\n4. The budget. Tight.\n"
    )
    for step in (1, 2, 3, 500):
        counts = GuardCounts()
        out = streamed(recorded, TextGuard(INSTRUCTIONS, counts, source=source), step)
        assert out == "3. The remote control budget is tight.\n4. The budget. Tight.\n"
        assert counts.garbled == 2


# ---- quotations given the time and speaker the transcript has -----------------------------------------------------

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


def test_where_is_the_segment_most_of_the_quotation_begins_in() -> None:
    """ "I mean, yeah" opens a line at 0:10 too; the rest of the words are Jens's at 28:20."""
    assert TIMED_SOURCE.where("I mean, yeah, I think it's what David said.") == [(1700.0, 1706.0, "Jens")]
    assert TIMED_SOURCE.where("we read this, I believe the upside") == [(183.0, 190.0, "Jens")]
    # said twice: both places
    assert TIMED_SOURCE.where("Why are people so obsessed with the tech?") == [
        (200.0, 204.0, "Stefan"),
        (1800.0, 1804.0, "Stefan"),
    ]
    assert TIMED_SOURCE.where("the tech") == []  # too short to place
    assert TIMED_SOURCE.where("nobody said any of these words") == []


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


def test_bullet_with_a_removed_placeholder_is_one_bullet() -> None:
    """SmolLM2's summary of seed 003: "- [hh:mm:ss] - This is a great example ..." showed as "- - This ..."."""
    counts = GuardCounts()
    out = streamed(
        "- [hh:mm:ss] - This is a great example of how the code era changes readability.\n",
        TextGuard(INSTRUCTIONS, counts, source=TIMED_SOURCE),
    )
    assert out == "- This is a great example of how the code era changes readability.\n"
    assert counts.placeholders == 1


def test_stacked_lead_ins_keep_the_nearer_one() -> None:
    """SmolLM2's summary of seed 003 began "Episode 20:", "The Good Thing:", then its bullets: shown, the two
    read as one line ("Episode 20: The Good Thing:")."""
    out = streamed(
        "Episode 20:\nThe Good Thing:\n- Readability matters more than performance in the code era.\n",
        TextGuard(INSTRUCTIONS, source=TIMED_SOURCE),
    )
    assert out == "The Good Thing:\n- Readability matters more than performance in the code era.\n"


def test_a_quotation_over_two_segments_is_placed_where_it_begins() -> None:
    segs = Segments(
        [
            Segment(0.0, 5.0, "Ana", "Nothing here."),
            Segment(60.0, 64.0, "Ana", "The budget for the new library"),
            Segment(
                64.0, 70.0, "Ana", "was approved by the council last night after a long debate about parking."
            ),
        ]
    )
    where = Source(segs, ["Ana"]).where(
        "the new library was approved by the council last night after a long debate about parking"
    )
    assert where == [(60.0, 70.0, "Ana")]


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
