"""The streaming guard on notes and summaries (app/summarize/defences/guard.py), fed with recorded real output of
SmolLM2-135M-Instruct and hand-made cases for each rule. The live-model tests are in
tests/summarize/test_real_model.py."""

from __future__ import annotations

import json
import re

import pytest

from app.summarize.citations import CitationFilter
from app.summarize.defences import GuardCounts, Source, TextGuard, clean_text
from app.summarize.defences.guard import REFUSED_IN_A_ROW
from app.transcript import read_file
from tests.helpers import DATA, SEED_003
from tests.summarize.defences.common import (
    INSTRUCTIONS,
    SPEAKERS,
    TIMED_SOURCE,
    TRANSCRIPT,
    answers,
    needs_seed,
    streamed,
)


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


def test_a_lead_in_line_is_shown_only_before_what_it_leads_into() -> None:
    """SmolLM2 began seed 003's summary with "Episode 20:" and then a heading (2026-12-02)."""
    assert clean_text("Episode 20:\n\n### Key points\n- [00:00:21] one point\n", INSTRUCTIONS) == (
        "### Key points\n- [00:00:21] one point"
    )
    assert clean_text("Key points:\n- one thing\n", INSTRUCTIONS) == "Key points:\n- one thing"
    assert clean_text("The hosts agree.\nIn short:\n", INSTRUCTIONS) == "The hosts agree."


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
    assert clean_text("It has been very helpful in its own way.\n", INSTRUCTIONS, counts, helpful) == ""
    assert counts.garbled == 1
    # (as it was written, in the first person: someone speaking, held to the transcript's words since 2026-12-06)
    counts = GuardCounts()
    assert clean_text("It has been very helpful for me in my own way.\n", INSTRUCTIONS, counts, helpful) == ""
    assert counts.quotes == 1
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
    source = Source(["He just laughed: hahahahaha, bwahahahaha. Aaaaah, the Mississippi."], SPEAKERS)
    counts = GuardCounts()
    text = f"The word {word} came up twice."
    assert clean_text(text, INSTRUCTIONS, counts, source=source) == text
    assert counts.loops == 0


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


MADE_UP = [  # words nobody in TRANSCRIPT said, as SmolLM2 writes a made-up speech (QMSum's ES2006a)
    "- Stefan: “We are building a rocket to Mars with our own hands.”\n",
    "- Jens: “I think the database should run on the moon next year.”\n",
    "- Stefan: “Our listeners asked for a cooking show about bread.”\n",
    "- Jens: “The new office will open in a castle in Scotland.”\n",
]
REAL = "- Stefan: “Welcome back, ladies and gentlemen, to another episode.”\n"


def test_an_answer_whose_sentences_are_refused_one_after_another_is_ended() -> None:
    counts = GuardCounts()
    guard = TextGuard(INSTRUCTIONS, counts, source=TRANSCRIPT)
    out = streamed("".join(MADE_UP) + REAL, guard)
    assert guard.stop and counts.given_up == 1
    assert len(MADE_UP) == REFUSED_IN_A_ROW  # the four made-up lines are exactly the limit
    assert (
        counts.quotes == REFUSED_IN_A_ROW and out == ""
    )  # ended at the last refusal: the real line never came


def test_refused_sentences_with_a_shown_one_between_them_go_on() -> None:
    counts = GuardCounts()
    guard = TextGuard(INSTRUCTIONS, counts, source=TRANSCRIPT)
    other = "- Jens: “Why are people so obsessed with the tech?”\n"
    out = streamed("".join(MADE_UP[:3]) + REAL + "".join(MADE_UP[1:]) + other, guard)
    assert not guard.stop and counts.given_up == 0
    assert counts.quotes == 6 and out == REAL + other
