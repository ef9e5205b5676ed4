"""Prompt lines: which carry their [hh:mm:ss] (prompts.stamped) and how a window's lines read (unit_line)."""

from __future__ import annotations

from app.summarize import prompts
from app.transcript import Segment, Segments, SegmentView


def units(*starts: float, speakers: str = "AABB") -> list[Segment]:
    return [Segment(s, s + 5.0, speakers[i % len(speakers)], f"words {i}") for i, s in enumerate(starts)]


def test_a_stamp_every_so_often_and_at_every_chapter_start() -> None:
    us = units(0, 10, 20, 31, 40, 50, 65, 70)
    assert prompts.stamped(us, 30.0) == bytes([1, 0, 0, 1, 0, 0, 1, 0])
    # a chapter start is stamped whatever the time since the last stamp, and the count restarts there
    assert prompts.stamped(us, 30.0, always={4}) == bytes([1, 0, 0, 1, 1, 0, 0, 1])
    assert prompts.stamped(us, 0.0) == bytes([1]) * len(us)


def test_lines_show_their_stamp_where_stamped_and_a_speaker_where_it_changes() -> None:
    us = units(0, 10, 40, 50)
    full, cont = _lines(us, [True, False, True, False])
    assert full == [
        "[00:00:00] A: words 0",
        "[00:00:10] A: words 1",
        "[00:00:40] B: words 2",
        "[00:00:50] B: words 3",
    ]
    assert cont == ["[00:00:00] A: words 0", "words 1", "[00:00:40] B: words 2", "words 3"]
    # by default every line is stamped, as before
    assert _lines(us)[1] == [
        "[00:00:00] A: words 0",
        "[00:00:10] words 1",
        "[00:00:40] B: words 2",
        "[00:00:50] words 3",
    ]


def test_the_head_says_what_a_stamp_is_and_the_echo_check_knows_it() -> None:
    from app.summarize.presets import get_preset
    from app.transcript import Transcript

    t = Transcript(
        segments=(Segment(0.0, 5.0, None, "hello there"),), format="plain", timing="exact", encoding="utf-8"
    )
    msgs = prompts.window_messages(t, ["[00:00:00] hello there"], 1, 2, (0.0, 5.0), "Task: notes.")
    assert prompts.LINES_HEAD in msgs[1]["content"]
    assert any(
        prompts.LINES_HEAD in x for x in prompts.instruction_texts(prompts.SYSTEM, get_preset("podcast"))
    )


def _lines(units, stamps=None):  # noqa: ANN001, ANN202
    """(full, in-window) form of every unit's line (prompts.unit_line)."""
    units = units if isinstance(units, SegmentView) else Segments(units)
    n = range(len(units))
    return [prompts.unit_line(units, i, full=True) for i in n], [
        prompts.unit_line(units, i, stamps) for i in n
    ]
