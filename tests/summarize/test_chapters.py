from __future__ import annotations

from app.summarize.chapters import (
    MAX_TITLE,
    ChapterList,
    chapter_grammar,
    clean_title,
    notes_grammar,
    parse_chapter_lines,
    valid_chapter_list,
    window_starts,
)
from app.transcript import Segment


def test_first_chapter_starts_at_zero_and_rules_hold() -> None:
    cl = ChapterList(min_gap_s=60)
    assert cl.offer(21.0, "Intro").start_s == 0.0
    assert cl.offer(50.0, "Too close") is None  # < 60 s after the previous one
    assert cl.offer(130.0, "intro") is None  # same title in a row
    assert cl.offer(130.0, "Rust versus Go") is not None
    assert cl.offer(100.0, "Backwards") is None  # must ascend
    final = cl.finished(600.0)
    assert [c.end_s for c in final] == [130.0, 600.0]
    assert valid_chapter_list(final) == []


def test_min_gap_never_below_ten_seconds() -> None:
    assert ChapterList(min_gap_s=1).min_gap_s == 10


def test_parse_snaps_or_drops_invented_times() -> None:
    segs = [Segment(21.4, 30, None, "a"), Segment(65.2, 70, None, "b"), Segment(400.0, 410, None, "c")]
    starts = window_starts(segs)
    text = (
        "[00:00:21] Intro\n- [00:01:10] Near the second\n[00:03:00] Invented, far from any line\nnot a line\n"
    )
    assert parse_chapter_lines(text, starts) == [(21.4, "Intro"), (65.2, "Near the second")]


def test_titles_are_cleaned_and_capped() -> None:
    long = "word " * 30
    t = clean_title(long)
    assert len(t) <= MAX_TITLE and t.endswith("…")
    assert clean_title('"**Bold title**"') == "Bold title"
    assert clean_title("a\x1a\x05b") == "ab"


def test_grammar_lists_only_window_starts() -> None:
    g = chapter_grammar(["00:00:21", "00:01:05"], 4)
    assert 'time ::= "00:00:21" | "00:01:05"' in g
    assert "line{1,4}" in g


def test_notes_grammar_lists_only_window_starts() -> None:
    g = notes_grammar(["00:00:21", "00:01:05"], 6)
    assert 'time ::= "00:00:21" | "00:01:05"' in g
    assert "bullet{1,6}" in g and 'bullet ::= "- [" time "] " text' in g


def test_no_chapter_closer_to_the_end_than_the_minimum_length() -> None:
    """Seed 003 under the old pipeline ended with a chapter 7 s before the end of the episode."""
    cl = ChapterList(min_gap_s=60, duration_s=1944.7)
    assert cl.offer(0.0, "Intro") is not None
    assert cl.offer(1200.0, "Rust on the car") is not None
    assert cl.offer(1937.7, "Goodbye") is None
    assert cl.late_dropped == 1
    assert [c.title for c in cl.finished(1944.7)] == ["Intro", "Rust on the car"]
