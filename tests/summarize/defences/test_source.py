"""The transcript's own words (app/summarize/defences/source.py): lookups, quote checks and where a quotation was
said."""

from __future__ import annotations

import random

from app.summarize.defences import GuardCounts, Source, clean_text, words
from app.transcript import Segment, Segments, read_file
from tests.helpers import SEED_003
from tests.summarize.defences.common import INSTRUCTIONS, TIMED_SOURCE, needs_seed


def test_a_short_quotation_needs_a_run_of_four_real_words() -> None:
    """Seen on QMSum's Bed002 with SmolLM2: Professor C: "No, you can't do that." The transcript has "you can't
    do" and "can't do that", never the four in a row: common words, not his."""
    source = Source(["So you can't do it here.", "We can't do that any more."], ["Professor C"])
    assert source.says("You can't do it here")
    assert not source.says("No, you can't do that.")
    counts = GuardCounts()
    assert clean_text('- Professor C: "No, you can\'t do that."\n', INSTRUCTIONS, counts, source=source) == ""
    assert counts.quotes == 1


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
