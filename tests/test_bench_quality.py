"""The quality benchmark's data loading and metrics (tests/bench/quality_data.py): metrics on hand-made cases
with known answers, and the loaders on the real QMSum validation meetings when ../shared is there."""

from __future__ import annotations

import itertools
import random
from functools import cache
from pathlib import Path

import pytest

from app.transcript.estimate import estimate_times
from app.transcript.model import Segment, Transcript
from tests.bench import quality_data

QMSUM = Path(__file__).resolve().parents[2] / "shared" / "quality-dev" / "qmsum-val"
needs_qmsum = pytest.mark.skipif(not QMSUM.exists(), reason="../shared/quality-dev is absent (a fresh clone)")


@cache
def _meetings() -> tuple[quality_data.Meeting, ...]:
    return tuple(quality_data.load_qmsum(QMSUM))


def _transcript(texts: list[str]) -> Transcript:
    segs = estimate_times([Segment(0.0, 0.0, "A", t) for t in texts])
    return Transcript(tuple(segs), format="test", timing="estimated", encoding="utf-8")


# ---------------------------------------------------------------------------------------------- boundaries


def test_prf_exact_and_partial() -> None:
    assert quality_data.boundary_prf([100.0, 200.0], [100.0, 200.0], 5.0) == (1.0, 1.0, 1.0)
    p, r, f = quality_data.boundary_prf([100.0, 300.0], [102.0, 200.0, 400.0], 5.0)
    assert (p, r) == (0.5, pytest.approx(1 / 3))
    assert f == pytest.approx(2 * 0.5 * (1 / 3) / (0.5 + 1 / 3))


def test_prf_is_one_to_one() -> None:
    # two predictions near one reference: one match, the other is a false positive
    assert quality_data.boundary_prf([98.0, 102.0], [100.0], 5.0) == (0.5, 1.0, pytest.approx(2 / 3))
    # one prediction between two references matches only one of them
    assert quality_data.boundary_prf([100.0], [97.0, 103.0], 5.0) == (1.0, 0.5, pytest.approx(2 / 3))


def test_prf_matching_is_maximum() -> None:
    # greedy by nearest distance would pair 104-101 and leave 100 and 108 unmatched; the maximum is 2
    assert quality_data.boundary_prf([100.0, 104.0], [101.0, 108.0], 4.0)[0] == 1.0


def test_prf_tolerance_is_inclusive() -> None:
    assert quality_data.boundary_prf([110.0], [100.0], 10.0) == (1.0, 1.0, 1.0)
    assert quality_data.boundary_prf([110.5], [100.0], 10.0) == (0.0, 0.0, 0.0)
    assert quality_data.boundary_prf([89.5], [100.0], 10.0) == (0.0, 0.0, 0.0)


def test_prf_excludes_the_first_chapter() -> None:
    # 0.0 and 1.0 are the 0:00 chapter on either side; only 1.0 s and below are dropped
    assert quality_data.boundary_prf([0.0, 1.0, 50.0], [50.0], 2.0) == (1.0, 1.0, 1.0)
    assert quality_data.boundary_prf([50.0], [0.0, 50.0], 2.0) == (1.0, 1.0, 1.0)
    assert quality_data.boundary_prf([1.5], [], 2.0) == (0.0, 0.0, 0.0)


def test_prf_conventions_for_empty_sides() -> None:
    assert quality_data.boundary_prf([], [], 5.0) == (1.0, 1.0, 1.0)
    assert quality_data.boundary_prf([0.0], [0.5], 5.0) == (1.0, 1.0, 1.0)  # both empty once 0:00 is out
    assert quality_data.boundary_prf([], [100.0], 5.0) == (0.0, 0.0, 0.0)
    assert quality_data.boundary_prf([100.0], [], 5.0) == (0.0, 0.0, 0.0)


def _max_matching(pred: list[float], ref: list[float], tol: float) -> int:
    best = 0
    for size in range(min(len(pred), len(ref)), 0, -1):
        for ps in itertools.combinations(pred, size):
            for rs in itertools.permutations(ref, size):
                if all(abs(p - r) <= tol for p, r in zip(ps, rs)):
                    return size
    return best


def test_prf_greedy_equals_exhaustive_matching() -> None:
    rng = random.Random(7)
    for _ in range(200):
        pred = [float(rng.randint(2, 40)) for _ in range(rng.randint(1, 5))]
        ref = [float(rng.randint(2, 40)) for _ in range(rng.randint(1, 4))]
        p, r, _ = quality_data.boundary_prf(pred, ref, 3.0)
        assert round(p * len(pred)) == _max_matching(pred, ref, 3.0), (pred, ref)


def test_chapters_per_hour() -> None:
    assert quality_data.chapters_per_hour(5, 1800.0) == 10.0
    assert quality_data.chapters_per_hour(1, 0.0) == 0.0


# ---------------------------------------------------------------------------------------------- rouge


def test_scoring_text_strips_references_and_markdown() -> None:
    text = (
        "## Summary\n\n- **Budget** was cut [00:12:05].\n* Launch _moved_ [12:05] to May\n1. Vote [1:02:03]"
    )
    assert quality_data.scoring_text(text) == "Summary Budget was cut. Launch moved to May Vote"
    assert quality_data.scoring_text("see [≈00:01:02](#t=62) and [00:01, 00:02]") == "see and"
    assert quality_data.scoring_text("snake_case stays") == "snake_case stays"


def test_rouge_identical_is_100_and_timestamps_do_not_count() -> None:
    pytest.importorskip("rouge_score")
    ref = "The team agreed on a yellow remote control with a rubber case."
    assert quality_data.rouge(ref, ref) == {"rouge1": 100.0, "rouge2": 100.0, "rougeL": 100.0}
    cited = "- The team agreed [00:03:15] on a **yellow** remote control [00:10:00] with a rubber case."
    assert quality_data.rouge(cited, ref) == pytest.approx(
        {"rouge1": 100.0, "rouge2": 100.0, "rougeL": 100.0}
    )
    low = quality_data.rouge("Nothing in common here.", ref)
    assert set(low) == {"rouge1", "rouge2", "rougeL"} and low["rouge2"] == 0.0


# ---------------------------------------------------------------------------------------------- baselines


def test_lead_words_leaves_out_speakers() -> None:
    t = _transcript(["one two three", "four five", "six"])
    assert quality_data.lead_words(t, 4) == "one two three four"
    assert quality_data.lead_words(t, 100) == "one two three four five six"
    assert quality_data.lead_words(t, 0) == ""
    assert "A" not in quality_data.lead_words(t, 6).split()


def test_uniform_boundaries_snap_to_real_starts() -> None:
    t = _transcript([" ".join(["w"] * n) for n in (40, 3, 100, 7, 60, 20)])
    starts = [s.start_s for s in t.segments]
    for count in (1, 2, 3, 4, 6, 12):
        b = quality_data.uniform_boundaries(t, count)
        assert all(x in starts for x in b) and 0.0 not in b
        assert b == sorted(set(b))
        assert len(b) <= count - 1 if count > 1 else b == []
    # 3 chapters over 230 words (86.25 s): targets 28.75 s and 57.5 s -> nearest starts 16.125 s and 56.25 s
    assert starts[2:5] == [16.125, 53.625, 56.25]
    assert quality_data.uniform_boundaries(t, 3) == [16.125, 56.25]


def test_clean_text() -> None:
    raw = "{vocalsound} Um , we 're gon na {disfmarker} do n't we ? I 'm sure . Mm - hmm . @ @ {gap}"
    assert quality_data.clean_text(raw) == "Um, we're gonna don't we? I'm sure. Mm-hmm."
    assert quality_data.clean_text("{gap} {vocalsound} .") == ""
    assert quality_data.clean_text("'S true . 'Cause") == "'S true. 'Cause"


# ---------------------------------------------------------------------------------------------- real data


@needs_qmsum
def test_load_qmsum() -> None:
    meetings = _meetings()
    assert len(meetings) == 35
    assert [m.name for m in meetings] == sorted(m.name for m in meetings)
    assert {m.domain for m in meetings} == {"product", "research", "parliament"}
    for m in meetings:
        t = m.transcript
        assert m.reference_summary.strip(), m.name
        assert (t.format, t.timing, t.encoding, t.title) == ("qmsum", "estimated", "utf-8", m.name)
        assert m.topics and m.topics[0][1] == 0.0
        assert m.boundaries_s == tuple(start for _, start in m.topics[1:])
        assert list(m.boundaries_s) == sorted(set(m.boundaries_s)), m.name
        assert all(0.0 < b < t.duration_s for b in m.boundaries_s), m.name
        starts = {s.start_s for s in t.segments}
        assert all(b in starts for b in m.boundaries_s)
        assert all(0 <= i < len(t.segments) for i in m.turn_segment)
        assert list(m.turn_segment) == sorted(m.turn_segment)
        for s in t.segments:
            assert s.text and "{" not in s.text and " 're" not in s.text and " n't" not in s.text, s.text
    es2006a = next(m for m in meetings if m.name == "ES2006a")
    assert len(es2006a.turn_segment) == 313 and len(es2006a.boundaries_s) == 4
    assert es2006a.topics[0][0] == "Goal of new remote control project"


@needs_qmsum
def test_choi_set_is_deterministic_and_marks_stretch_starts() -> None:
    meetings = _meetings()
    docs = quality_data.choi_set(meetings, n_docs=6, seed=3)
    again = quality_data.choi_set(meetings, n_docs=6, seed=3)
    assert docs == again
    assert docs != quality_data.choi_set(meetings, n_docs=6, seed=4)
    # where each (speaker, text) pair occurs in the meetings, to find the meeting of each stretch
    where: dict[tuple[str | None, str], list[tuple[int, int]]] = {}
    for mi, m in enumerate(meetings):
        for si, s in enumerate(m.transcript.segments):
            where.setdefault((s.speaker, s.text), []).append((mi, si))
    for doc in docs:
        segs = doc.transcript.segments
        assert segs[0].start_s == 0.0
        assert 3 <= len(doc.boundaries_s) <= 7
        bounds = [0.0, *doc.boundaries_s]
        index = [next(i for i, s in enumerate(segs) if s.start_s == b) for b in bounds] + [len(segs)]
        used: set[int] = set()
        for a, b in itertools.pairwise(index):
            stretch = segs[a:b]
            words = sum(quality_data.word_count(s.text) for s in stretch)
            assert words >= 320 and words - quality_data.word_count(stretch[-1].text) < 960
            # consecutive segments of one meeting, and no meeting twice
            found = [
                mi
                for mi, si in where[(stretch[0].speaker, stretch[0].text)]
                if [(s.speaker, s.text) for s in meetings[mi].transcript.segments[si : si + len(stretch)]]
                == [(s.speaker, s.text) for s in stretch]
            ]
            assert found and not used.intersection(found[:1])
            used.add(found[0])
        assert [(s.start_s, s.end_s) for s in segs] == [
            (s.start_s, s.end_s) for s in estimate_times([Segment(0, 0, s.speaker, s.text) for s in segs])
        ]


def test_title_scores_compare_each_chapter_with_the_topic_under_way() -> None:
    pytest.importorskip("rouge_score")
    from tests.bench.quality import title_scores

    topics = [("Remote control design", 0.0), ("Budget and costs", 600.0)]
    # the second chapter's middle (700 s) is in the budget topic; the first's (150 s) in the design one
    assert (
        title_scores([(0.0, "Remote control design"), (400.0, "Budget and costs")], topics, 1000.0) == 100.0
    )
    swapped = title_scores([(0.0, "Budget and costs"), (400.0, "Remote control design")], topics, 1000.0)
    assert swapped == 0.0
    half = title_scores([(0.0, "Remote control"), (400.0, "Weather")], topics, 1000.0)
    assert 0 < half < 50


@needs_qmsum
def test_specific_queries_come_with_spans_on_the_meetings_clock() -> None:
    meetings = _meetings()
    queries = [(m, q) for m in meetings for q in m.queries]
    assert len(queries) > 200  # QMSum's validation split: 237 with usable spans
    for m, q in queries:
        assert q.question and q.answer and q.spans_s
        assert all(0.0 <= a <= b <= m.transcript.duration_s + 1e-6 for a, b in q.spans_s)


def test_cited_inside_and_read_reaches_a_span() -> None:
    from tests.bench.quality import inside, overlaps

    spans = [(100.0, 200.0), (500.0, 600.0)]
    assert inside(150.0, spans) and inside(600.0, spans) and not inside(300.0, spans)
    assert inside(80.0, spans, slack_s=30.0) and not inside(60.0, spans, slack_s=30.0)
    assert overlaps((190.0, 260.0), spans) and not overlaps((201.0, 499.0), spans)


def test_broken_words_in_titles_are_counted() -> None:
    from tests.defects import broken_words

    assert broken_words("Phase, didn and offset") == 1  # a QMSum keyword title before 2026-12-03
    assert broken_words("Boundaries, mm-hmm and interesting") == 1
    assert broken_words("Why we didn't ship") == 0 and broken_words("Long-term care, seniors") == 0


def test_titles_cut_off_mid_sentence_are_counted() -> None:
    from tests.defects import cut_off_titles

    titles = [
        "The answer is",  # SmolLM2 on QMSum's Bed002 (2026-12-04, 100-word excerpts): counted
        "The Minister of Finance is not mindful of the conflict of",  # covid_2: counted
        "Who we are",  # a question-word phrase: not counted
        "The design project",
    ]
    assert cut_off_titles(titles) == titles[:2]


def test_invented_dialogue_is_counted() -> None:
    from tests.defects import _words, invented_turns

    said = _words("welcome back ladies and gentlemen to another episode of the good thing")
    text = (
        "Liam: I'm glad you're enjoying the show, it's a great way to relax.\n"  # nobody said it: counted
        "- [00:00:21] Stefan: welcome back ladies and gentlemen to another episode\n"  # said: not counted
        "Summary: The hosts talk about Rust and Go.\n"  # third person: not dialogue
        "Liam: I agree.\n"  # too short to judge
        "David:\nYeah, so we need to make sure that our technology is not just a tool.\n"  # seed 003: counted
    )
    assert invented_turns(text, said) == [
        "Liam: I'm glad you're enjoying the show, it's a great way to relax.",
        "David: Yeah, so we need to make sure that our technology is not just a tool.",
    ]


def test_titles_of_words_nobody_said_are_counted() -> None:
    from tests.defects import _words, invented_titles

    said = _words("we store the data in an XML format, and the belief net reads the intention of the user")
    titles = [
        "The topic of how to make a pizza",  # SmolLM2 on QMSum's Bed002 (2026-12-04): counted
        "The ethics of AI",  # counted
        "Storing data in XML",  # "stori" is not "store", but "data" is said: one of two, not counted
        "The belief net and intentions",  # said
        "Part 5",  # Recap's own label where no title could be made: not counted
    ]
    assert invented_titles(titles, said) == ["The topic of how to make a pizza", "The ethics of AI"]


def test_talk_about_the_task_is_counted_where_the_transcript_never_speaks_of_it() -> None:
    from tests.defects import _words, task_talk

    text = "The first bullet point is about the importance of protecting our sectors. The minister spoke."
    assert task_talk(text, _words("the minister spoke about the sectors")) == [
        "The first bullet point is about the importance of protecting our sectors."
    ]
    assert task_talk(text, _words("three bullet points on the slide")) == []
    # what the model says its text is, in any meeting (SmolLM2 on QMSum's Bro022 and Bed002, whose speakers say "task")
    told = "M: This is the fifth part of this task.\nThis is a task that requires writing.\nIt is a part of our task list."
    assert task_talk(told, _words("the task is hard")) == [
        "M: This is the fifth part of this task.",
        "This is a task that requires writing.",
    ]


def test_lines_that_are_no_sentence_about_the_transcript_are_counted() -> None:
    from tests.defects import _words, nonsense

    said = _words(
        "So we lose the L_C_D_ and go for the joystick. The power button stays, the colour is yellow."
    )
    text = (
        "Tue, 25 Jun 2024 at 16:08:10\n"  # counted: SmolLM2's summary of QMSum's TS3010d, as the next two
        "Srirachele S.\n"
        "The of the is a very important point in this episode.\n"
        "This is the joystick\n"  # counted: one word that is not among the commonest
        "### Key moments\n"
        "- [00:01:00] Marketing: They lose the colour and keep the power button.\n"
        '- [00:01:10] Marketing: "So we lose the L_C_D_."\n'
        "The joystick is yellow.\n"
    )
    assert nonsense(text, said) == [
        "Tue, 25 Jun 2024 at 16:08:10",
        "Srirachele S.",
        "The of the is a very important point in this episode.",
        "This is the joystick",
    ]


def test_links_nobody_gave_are_counted() -> None:
    from tests.defects import invented_links

    said = "Our notes are at recap.dev/docs, and we record with Ardour. Node.js or Deno?"
    text = (
        "- [The Good Thing](https://www.amazon.ca/dp/B082TNk5yQ/) by Davey\n"  # SmolLM2 on seed 003: counted
        "- Notes: https://recap.dev/docs.\n"  # given: not counted
        "- They record with Ardour (ardour.org).\n"  # the site's name is said: not counted
        "- See www.mixingbook.com.\n"  # counted
        "- Node.js and Deno, e.g. for scripts.\n"  # no address
    )
    assert invented_links(text, said) == ["https://www.amazon.ca/dp/B082TNk5yQ/", "www.mixingbook.com"]


def test_labels_with_nothing_said_are_counted() -> None:
    from tests.defects import bare_labels

    text = "- [00:15:20] Stefan: Yes.\n- [00:01:32] Jens:\n- [00:02:00] Jens: Yes, we ship Friday.\nStefan: okay, okay."
    assert bare_labels(text, {"stefan", "jens"}) == 3
    assert bare_labels("- [00:12:14] Project Manager: Wow.", {"project manager"}) == 1


def test_words_of_a_model_stuck_on_one_token_are_counted() -> None:
    from tests.defects import stuck_words

    text = "Jens: [zvqwr" + "i" * 60 + "\n- Mississippi, a bookkeeper, Aaaaah, hahahahaha and lololololol."
    assert stuck_words(text, "they laughed: hahahahaha") == ["zvqwr" + "i" * 60, "lololololol"]


def test_quotations_left_open_at_a_line_end_are_counted() -> None:
    from tests.defects import open_quotes

    text = (
        "- Stefan: “Welcome back, ladies and gentlemen!\n"  # counted: SmolLM2's summary of seed 003
        "- Jens: “It is a tool.” And “another one.”\n"
        '- He said "we ship on Friday\n'  # counted
        '- the "borrow checker" helps\n'
        "- Jens: „Guten Tag“, sagte er.\n"
    )
    assert open_quotes(text) == [
        "- Stefan: “Welcome back, ladies and gentlemen!",
        '- He said "we ship on Friday',
    ]


def test_quotations_without_their_time_or_speaker_are_counted() -> None:
    from tests.defects import misplaced_quotes

    segs = [
        Segment(10.0, 14.0, "Stefan", "Welcome back to another episode of the show."),
        Segment(183.0, 190.0, "Jens", "If we read this, I believe the upside is readability."),
    ]
    good = "- [00:03:03] Jens: “If we read this, I believe the upside is readability.”"
    assert misplaced_quotes(good, segs) == []
    # a line's stamp shortly before the words is right too
    assert misplaced_quotes(good.replace("00:03:03", "00:02:00"), segs) == []
    wrong = [
        "- Jens: “If we read this, I believe the upside is readability.”",  # no time
        "- [00:00:10] Jens: “If we read this, I believe the upside is readability.”",  # elsewhere
        "- [00:03:03] Stefan: “If we read this, I believe the upside is readability.”",  # another speaker
    ]
    assert misplaced_quotes("\n".join(wrong), segs) == wrong
    # not judged: a quotation the transcript does not have word for word, or a short one
    assert misplaced_quotes("- Jens: “If we read this, the upside is readability.”", segs) == []
    assert misplaced_quotes("- Jens: “the upside”", segs) == []


def test_a_recording_the_transcript_is_not_names_nobody_named_and_unnamed_speech_are_counted() -> None:
    from tests.defects import _words, invented_names, unnamed_speech, wrong_frame

    said = _words("so the remote control beeps when you lose it, and marketing wants it yellow")
    assert wrong_frame("This is a continuation of the previous episode. The remote beeps.", said) == [
        "This is a continuation of the previous episode."
    ]
    assert wrong_frame("The remote beeps.", said + ["episode"]) == []
    shapiro = "- [00:25:13] It was made possible by Dr. Michael A. Shapiro and his team."
    kept = [
        "- [00:01:00] Marketing wants it yellow: Yellow and round.",  # a speaker's name; after a colon
        '- [00:01:00] The remote beeps: "Wow, Jupiter!"',  # inside a quotation: the quote check's
        "- [00:01:00] The USB port stays.",  # an acronym
        "- [00:01:00] The team lists its Key points.",  # Recap's own words
    ]
    assert invented_names("\n".join([shapiro, *kept]), said, ["Marketing", "Key points"]) == [shapiro]
    # a name's whole word: "McLean", said in the transcript, is not "Mc"
    assert (
        invented_names(
            "- The member for Calgary Centre, Mr. McLean,", [*said, "mr", "mclean", "calgary", "centre"], []
        )
        == []
    )
    invented = "- I'm excited to share a new project with you."
    real = "- I lose it, the remote control beeps when you lose it."
    assert unnamed_speech("\n".join([invented, real, "- Marketing: I'm excited about it."]), said) == [
        invented
    ]
