"""What a window shows the model: Measured.starts, the stamps a window's lines carry."""

from __future__ import annotations

from app.summarize.budget import Measured
from app.transcript import Segment


def test_a_window_offers_the_stamps_its_lines_show_and_always_its_first() -> None:
    units = [Segment(s, s + 5.0, "A", "w") for s in (0.0, 10.0, 40.0, 50.0, 80.5)]
    me = Measured(units, [], [], [1] * 5, 0, 5, stamps=[True, False, True, False, True])
    assert me.starts(0, 5) == {"00:00:00": 0.0, "00:00:40": 40.0, "00:01:20": 80.5}
    # a window that begins at an unstamped line shows its first line in full, stamp included
    assert me.starts(1, 4) == {"00:00:10": 10.0, "00:00:40": 40.0}
