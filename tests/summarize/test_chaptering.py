"""Chapter titles: what is kept of the sentences a small model writes instead of titles. The raw answers are
SmolLM2-135M-Instruct's own, recorded on seed 003's chapters under the title prompt of commit 0c07b16
(2026-12-02), as the grammar ended them (61 characters, then a line break)."""

from __future__ import annotations

import asyncio
import random
import re
import tracemalloc

import pytest

from app.summarize import prompts
from app.summarize.chaptering import Titler, salvage
from app.summarize.defences import Instructions, Source
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
    # (the title must be the transcript's words: "versus" is said)
    units = [
        Segment(float(i * 30), float(i * 30 + 29), "Jens", f"go versus rust words {i}") for i in range(20)
    ]
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


def _meeting() -> list[Segment]:
    """A meeting on a navigation system's data: every line its own words, the usual function words throughout."""
    lines = [
        "so how do we make the navigation interface record what the user wants",
        "the belief net takes the intention of the user and the context of the building",
        "we store the data in an XML format so that the tools can read it",
        "the experiment asks subjects to go to a building and look at it",
        "how many subjects do we need to make the data useful for the analysis",
    ]
    return [Segment(float(i * 30), float(i * 30 + 29), "Grad", lines[i % len(lines)]) for i in range(40)]


def _grounded(units: list[Segment]) -> Titler:
    said = Source(u.text for u in units).begins_a_word
    return Titler(units, [0], INSTRUCTIONS, prompts.SYSTEM, ["Grad"], said=said)


@pytest.mark.parametrize(
    ("title", "invented"),
    [
        # SmolLM2's titles for parts of QMSum's Bed002 (2026-12-04): topics nobody spoke of
        ("The topic of how to make a pizza", True),
        ("The ethics of AI", True),
        ("The internet", True),
        # the transcript's words, whatever the function words around them
        ("Storing data in XML", False),
        ("How the belief net reads intentions", False),  # "intentions" is "intent…", as "intention" is
        ("The navigation interface", False),
        ("Subjects and buildings in the experiment", False),
        # one word they did not use, among theirs: let through
        ("Recruiting subjects for the experiment", False),
    ],
)
def test_a_title_of_words_nobody_said_is_refused(title: str, invented: bool) -> None:
    titler = _grounded(_meeting())
    assert titler.invented(title) is invented
    assert (titler.check(title)[1] == "invented") is invented


def test_an_invented_title_is_asked_again_then_made_from_keywords() -> None:
    answers = iter(["The topic of how to make a pizza\n", "The ethics of AI\n"])

    async def ask(messages: list[dict[str, str]], max_tokens: int, grammar: str | None) -> str:
        return next(answers)

    titler = _grounded(_meeting())
    title = asyncio.run(titler.title(0, ask))
    assert not titler.invented(title) and "pizza" not in title.lower()
    c = titler.counts
    assert (c.invented, c.retried, c.from_keywords) == (2, 1, 1) and c.problems() == 2


def test_titles_in_another_language_than_the_transcript_are_not_held_to_its_words() -> None:
    """Asked for German titles of an English meeting, every word is one nobody said: not a sign of invention."""
    titler = Titler(_meeting(), [0], INSTRUCTIONS, prompts.SYSTEM, ["Grad"], said=None)
    assert titler.check("Datenspeicherung im XML-Format") == ("Datenspeicherung im XML-Format", None)


def test_output_in_the_transcripts_own_language_is_known() -> None:
    from app.summarize.language import in_own_language
    from app.transcript import read_text

    english = read_text(
        "\n".join(f"Ann: this is the part of the talk where we say that it is line {i}" for i in range(30))
    )
    assert in_own_language(None, english)
    assert in_own_language("English", english) and in_own_language("english", english)
    assert not in_own_language("German", english)
    assert not in_own_language("German", read_text("Ann: 42"))  # unknown: not held to its words


def _podcast() -> list[Segment]:
    """Two chapters: hiking, then (after a welcome back) a database migration, which its title should say."""
    texts = [
        "Welcome everyone to the show, good to see you all.",
        "We went hiking in the mountains last weekend.",
        "The mountains were cold but the hiking trail was beautiful.",
        "Next time we take the long hiking trail over the mountains.",
        "Welcome back after the break, good to see you all again.",
        "Thanks for having me, it is great to be here today.",
        "So we moved the whole database to Postgres last month.",
        "The Postgres migration took three weeks because of the old schema.",
        "Honestly the schema was the hard part of the migration, not the data.",
        "Anyway, the weather has been lovely lately.",
        "The Postgres migration took three weeks because of the old schema.",
    ]
    return [Segment(i * 10.0, i * 10.0 + 9, "Host" if i % 2 else "Guest", t) for i, t in enumerate(texts)]


def test_a_title_is_asked_about_the_sentences_that_carry_the_chapters_keywords() -> None:
    """Not the chapter's first words (a welcome back): its sentences with the words that stand out in it, in
    their order, about 40 words of them (a repeated one once), and those words named."""
    units = _podcast()
    titler = Titler(units, [0, 4], INSTRUCTIONS, prompts.SYSTEM, ["Host", "Guest"])
    keywords = titler.keywords(1)
    assert {"Postgres", "migration", "schema"} <= set(keywords), keywords
    passage = titler.passage(1, keywords)
    assert all("migration" in s or "Postgres" in s or "schema" in s for s in passage), passage
    assert 0.7 * 40 <= sum(len(s.split()) for s in passage) <= 40
    starts = [next(u.start_s for u in units if s in u.text) for s in passage]
    assert starts == sorted(starts) and len(set(passage)) == len(passage)
    request = titler.first_request(1)[1]["content"]
    assert request.startswith(" ".join(passage))
    assert f"Key words: {', '.join(keywords)}." in request and request.endswith(prompts.TITLE_TASK)
    retry = titler.retry_request(1)[1]["content"]
    assert retry.startswith(" ".join(passage)) and retry.endswith("Answer in 2 to 5 words.")


def test_a_transcript_without_punctuation_gives_its_title_a_bounded_passage() -> None:
    """ASR text without sentence ends is one long "sentence" per unit: cut at 60 words, not sent whole; a chapter
    of no sentence of four words gives its first words."""
    long = " ".join(f"word{i % 7} postgres migration schema" for i in range(50))  # 200 words, no full stop
    titler = Titler([Segment(0, 60, "A", long)] * 3, [0], INSTRUCTIONS, prompts.SYSTEM, ["A"])
    assert [len(s.split()) for s in titler.passage(0, titler.keywords(0))] == [60]
    short = Titler([Segment(i, i + 1, "A", "Yes. No. Right.") for i in range(3)], [0], INSTRUCTIONS, "", [])
    assert short.passage(0, short.keywords(0)) == ["Yes. No. Right."] * 3


@pytest.mark.parametrize(
    ("raw", "title"),
    [
        ("The 2 to the 6th word: The AI system", "The AI system"),  # SmolLM2 on QMSum Bro022, 2026-12-05
        ("The 2 to 6 word title is: The quality of childcare", "The quality of childcare"),  # education_22
        ("Key words: Postgres migration", "Postgres migration"),
        ("Chapter title: Hiring developers", "Hiring developers"),
        ("Project: Project Management", "Project: Project Management"),  # a colon that is the title's own
        ("Remote control: buttons and words", "Remote control: buttons and words"),
    ],
)
def test_a_lead_in_naming_the_task_is_taken_off_a_title(raw: str, title: str) -> None:
    titler = Titler(_podcast(), [0], INSTRUCTIONS, prompts.SYSTEM, ["Host", "Guest"])
    assert titler.check(raw)[0] == title


def _passage_as_a_list(titler: Titler, k: int, kws: list[str], words: int = 40) -> list[str]:
    """The passage as it was chosen until 2026-12-05, from a list of every sentence of the chapter: the oracle
    for the bounded way (`Titler.passage`)."""
    first, stop = titler.span(k)
    sents = list(
        dict.fromkeys(
            " ".join(ws[: int(words * 1.5)])
            for u in titler.units[first:stop]
            for m in re.finditer(r"[^.!?]+[.!?]*", u.text)
            if len(ws := m.group().split()) >= 4
        )
    )
    if not sents:
        return titler.excerpt(k, words)
    low_kws = [w.lower() for w in kws]

    def score(i: int) -> float:
        return sum(w in sents[i].lower() for w in low_kws) / len(sents[i].split()) ** 0.3

    picked: list[int] = []
    n = 0
    for i in sorted(range(len(sents)), key=lambda i: -score(i)):
        m = len(sents[i].split())
        if n and n + m > words:
            continue
        picked.append(i)
        n += m
        if n >= 0.7 * words:
            break
    return [sents[i] for i in sorted(picked)]


def _random_units(rng: random.Random, n: int) -> list[Segment]:
    vocab = ["schema", "migration", "Postgres", "the", "a", "was", "hard", "we", "moved", "it", "data", "yes"]
    out = []
    for i in range(n):
        sentences = []
        for _ in range(rng.randint(1, 4)):
            length = rng.choice([2, 4, 5, 8, 13, 30, 70])  # long ones: many are passed over as too long
            sentences.append(
                " ".join(rng.choice(vocab) for _ in range(length)) + rng.choice([".", "?", "!", ""])
            )
        if rng.random() < 0.2 and out:  # said again: taken once
            sentences = [out[-1].text]
        out.append(Segment(i * 5.0, i * 5.0 + 4, "A", " ".join(sentences)))
    return out


def test_the_passage_held_to_its_best_sentences_is_the_one_every_sentence_gave() -> None:
    """`passage` keeps only its best sentences, not a list of the chapter's every one (which grows with a long
    chapter), and reads the chapter again when they run out: the same sentences as the list gave, in 200 random
    chapters with ties, repeats and long sentences passed over (some need more than the first 64), and in the
    podcast chapters above."""
    rng = random.Random(7)
    for trial in range(200):
        units = _random_units(rng, rng.choice([3, 20, 120, 400]))
        titler = Titler(units, [0], INSTRUCTIONS, prompts.SYSTEM, ["A"])
        kws = rng.sample(["schema", "migration", "postgres", "data", "hard"], rng.randint(0, 3))
        assert titler.passage(0, kws) == _passage_as_a_list(titler, 0, kws), trial
    titler = Titler(_podcast(), [0, 4], INSTRUCTIONS, prompts.SYSTEM, ["Host", "Guest"])
    for k in (0, 1):
        assert titler.passage(k, titler.keywords(k)) == _passage_as_a_list(titler, k, titler.keywords(k))


def test_a_long_chapters_title_work_holds_no_list_of_its_units() -> None:
    """A 10-hour chapter (a long file the model found no parts in): its keywords, passage and keyword title are
    worked out a unit at a time. What Python allocates on top of the units while doing so stays under a fifth of
    the chapter's text (a list of its units' texts alone is the whole text; with the passage's sentences and the
    joined text of the keyword title it came to 3 times the text, tracemalloc, 2026-12-05)."""
    rng = random.Random(3)
    syllables = ["ka", "lo", "mer", "tin", "sa", "dor", "vel", "pum"]
    # 300 words: each in ~5 % of the units, so that some stand out (a word in over a third of them never does)
    words = ["".join(rng.choice(syllables) for _ in range(3)) for _ in range(300)]
    units = [
        Segment(
            i * 6.0,
            i * 6.0 + 6,
            "Ann" if i % 2 else "Ben",
            " ".join(rng.choice(words) for _ in range(16)) + ".",
        )
        for i in range(6000)
    ]
    text = sum(len(u.text) for u in units)
    titler = Titler(units, [0], INSTRUCTIONS, prompts.SYSTEM, ["Ann", "Ben"])
    tracemalloc.start()
    try:
        kws = titler.keywords(0)
        passage = titler.passage(0, kws)
        title = titler.keyword_title(0)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert passage and title  # the work was done
    assert peak < text / 5, (peak, text)
