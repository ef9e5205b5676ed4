"""`Segments`: a transcript's segments held as columns, read back as the `Segment`s they were made of."""

from __future__ import annotations

import tracemalloc

import pytest

from app.transcript import Segment, Segments, Transcript, read_text

SEGS = [
    Segment(0.0, 2.5, "Ann", "Hello there."),
    Segment(2.5, 4.0, None, "Naïve café — 東京 🎙️ text."),
    Segment(4.0, 9.25, "Ben", "Second speaker, longer line."),
    Segment(9.25, 9.5, "", "An empty speaker name."),
    Segment(9.5, 12.0, "Ann", "Ann again."),
]


def test_reads_back_every_segment_as_it_was_given() -> None:
    s = Segments(SEGS)
    assert len(s) == 5
    assert list(s) == SEGS
    assert [s[i] for i in range(5)] == SEGS
    assert s[-1] == SEGS[-1] and s[-5] == SEGS[0]
    assert s[1:4] == tuple(SEGS[1:4]) and s[::2] == tuple(SEGS[::2]) and s[3:1] == ()
    assert list(s.texts()) == [x.text for x in SEGS]
    assert [s.speaker(i) for i in range(5)] == [x.speaker for x in SEGS]
    assert list(s.starts) == [x.start_s for x in SEGS] and list(s.ends) == [x.end_s for x in SEGS]
    with pytest.raises(IndexError):
        s[5]
    with pytest.raises(IndexError):
        s[-6]


def test_speakers_in_the_order_they_first_speak() -> None:
    assert Segments(SEGS).speakers == ("Ann", "Ben", "")
    assert Transcript(SEGS, format="t", timing="exact", encoding="utf-8").speakers == ["Ann", "Ben"]


def test_equal_to_the_same_segments_in_any_sequence_and_hashable() -> None:
    a, b = Segments(SEGS), Segments(tuple(SEGS))
    assert a == b and hash(a) == hash(b)
    assert a == SEGS and a == tuple(SEGS)
    assert a != Segments(SEGS[:-1]) and a != SEGS[::-1]
    other_speaker = [*SEGS[:-1], Segment(9.5, 12.0, "Ben", "Ann again.")]
    assert a != Segments(other_speaker)
    assert Segments() == () and len(Segments()) == 0


def test_the_segments_with_a_text_in_any_case_each_named_once() -> None:
    texts = ["An apple a", "day", "KEEPS the doctor", "away, a"]
    segs = Segments(Segment(float(i), i + 1.0, None, t) for i, t in enumerate(texts))
    assert list(segs.with_text("a")) == [0, 1, 3]  # three in the first, one in each of the others: once each
    assert list(segs.with_text("keeps")) == [2]
    assert list(segs.with_text("aday")) == [0]  # from the first into the second: the first is named
    assert list(segs.with_text("pear")) == []
    many = Segments(
        Segment(float(i), i + 1.0, None, f"line {i} İstanbul" if i % 1000 == 7 else f"line {i}")
        for i in range(20_000)
    )  # stretches of ~64 kB, two of them with a longer lower case
    assert list(many.with_text("line 1999")) == [1999] + list(range(19990, 20_000))
    assert list(many.with_text("stanbul")) == list(range(7, 20_000, 1000))


def test_a_transcript_holds_what_it_is_given_as_segments() -> None:
    t = Transcript(tuple(SEGS), format="t", timing="exact", encoding="utf-8", declared_duration_s=11.0)
    assert isinstance(t.segments, Segments) and t.segments == SEGS
    assert t.duration_s == 12.0  # the segments run past the declared 11 s
    assert (
        Transcript([], format="t", timing="exact", encoding="utf-8", declared_duration_s=30.0).duration_s
        == 30.0
    )
    read = read_text(
        "[00:00:01] Ann: Hi.\n[00:00:04] Ben: Hello, Ann.\n[00:00:09] Ann: Shall we?\n[00:00:12] Ben: Yes.\n"
    )
    assert isinstance(read.segments, Segments)
    assert [(x.start_s, x.speaker, x.text) for x in read.segments] == [
        (1.0, "Ann", "Hi."),
        (4.0, "Ben", "Hello, Ann."),
        (9.0, "Ann", "Shall we?"),
        (12.0, "Ben", "Yes."),
    ]


def test_holds_a_long_transcript_in_little_more_than_its_text() -> None:
    """6,000 segments as `Segment` objects cost ~3x their text; as columns, the text and ~24 bytes a segment."""
    segs = [
        Segment(i * 6.0, i * 6.0 + 5.5, "Ann" if i % 2 else "Ben", f"line {i} " + "word " * 14)
        for i in range(6000)
    ]
    text = sum(len(x.text) for x in segs)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        s = Segments(segs)
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert len(s) == 6000
    assert held < text + 6000 * 28, (held, text)  # 24 bytes a segment, and what the arrays keep to grow
