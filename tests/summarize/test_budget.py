"""What a window shows the model (Measured.lines, Measured.starts), and measuring a transcript with the model's
own tokenizer in pieces."""

from __future__ import annotations

import asyncio
from pathlib import Path

from app.engine import LlamaEngine
from app.summarize import budget, prompts
from app.summarize.budget import Measured, measure
from app.transcript import Segment, Segments, SegmentView, read_file
from tests.helpers import DATA


def test_a_window_offers_the_stamps_its_lines_show_and_always_its_first() -> None:
    units = Segments(Segment(s, s + 5.0, "A", "w") for s in (0.0, 10.0, 40.0, 50.0, 80.5))
    me = Measured(units, [1] * 5, 0, 5, stamps=bytes([1, 0, 1, 0, 1]))
    assert me.starts(0, 5) == {"00:00:00": 0.0, "00:00:40": 40.0, "00:01:20": 80.5}
    # a window that begins at an unstamped line shows its first line in full, stamp included
    assert me.starts(1, 4) == {"00:00:10": 10.0, "00:00:40": 40.0}
    assert me.lines(1, 4) == ["[00:00:10] A: w", "[00:00:40] w", "w"]


def test_measured_in_pieces_counts_what_one_call_counts(tiny_model: Path, monkeypatch) -> None:  # noqa: ANN001
    """The lines are counted a chunk at a time (never all made at once); the figures are those of one call."""
    t = read_file(DATA / "premiere.txt")
    units = prompts.group_segments(t.segments)
    stamps = prompts.stamped(units, 30.0)

    async def both() -> tuple[Measured, Measured, list[int]]:
        engine = LlamaEngine(tiny_model, n_ctx=512)
        try:
            whole = await measure(engine, t, units, stamps)
            monkeypatch.setattr(budget, "COUNT_CHUNK", 2)
            pieces = await measure(engine, t, units, stamps)
            full, cont = _lines(units, stamps)
            by_hand = [n + 1 for n in await engine.count_tokens(cont)]
            return whole, pieces, by_hand
        finally:
            await engine.close()

    whole, pieces, by_hand = asyncio.run(both())
    assert len(units) > 2 and whole == pieces
    assert list(whole.line_tokens) == by_hand and whole.label > 0


def _lines(units, stamps=None):  # noqa: ANN001, ANN202
    """(full, in-window) form of every unit's line (prompts.unit_line)."""
    units = units if isinstance(units, SegmentView) else Segments(units)
    n = range(len(units))
    return [prompts.unit_line(units, i, full=True) for i in n], [
        prompts.unit_line(units, i, stamps) for i in n
    ]
