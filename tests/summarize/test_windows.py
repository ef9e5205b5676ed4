from __future__ import annotations

import pytest

from app.summarize.windows import PlanError, plan_windows
from app.transcript import Segment


def segs(n: int, speakers: list[str] | None = None) -> list[Segment]:
    return [
        Segment(i * 10.0, i * 10.0 + 9, (speakers or ["A"])[i % len(speakers or ["A"])], f"t{i}")
        for i in range(n)
    ]


def test_fits_in_one_window() -> None:
    w = plan_windows(segs(10), [10] * 10, 1000)
    assert len(w) == 1 and (w[0].first, w[0].stop, w[0].tokens) == (0, 10, 100)


def test_windows_cover_every_segment_once_and_respect_budget() -> None:
    for n, tok, budget in [(100, 37, 500), (1000, 11, 3000), (57, 90, 400)]:
        w = plan_windows(segs(n, ["A", "B", "B"]), [tok] * n, budget)
        assert w[0].first == 0 and w[-1].stop == n
        assert all(a.stop == b.first for a, b in zip(w, w[1:]))
        assert all(x.tokens <= budget for x in w)
        assert all(x.stop > x.first for x in w)


def test_windows_are_even_not_full_plus_scrap() -> None:
    w = plan_windows(segs(100), [10] * 100, 300)  # 1000 tokens, budget 300 -> 4 windows of ~250
    assert len(w) == 4
    assert max(x.tokens for x in w) - min(x.tokens for x in w) <= 30


def test_cuts_fall_on_speaker_changes_when_one_is_near() -> None:
    # turns every 9 segments (90 tokens): each window's last quarter always holds one
    s = [Segment(i * 10.0, i * 10.0 + 9, "AB"[(i // 9) % 2], "x") for i in range(400)]
    w = plan_windows(s, [10] * 400, 1000)
    assert len(w) > 3
    for x in w[:-1]:
        assert s[x.stop].speaker != s[x.stop - 1].speaker, x


def test_oversized_segment_is_a_clear_error() -> None:
    with pytest.raises(PlanError, match="larger context"):
        plan_windows(segs(3), [10, 5000, 10], 3000)


def test_no_scrap_window_after_speaker_cuts() -> None:
    # speaker turns every 7 segments pull each cut back; the planner spreads the remainder instead of a scrap
    s = [Segment(i * 10.0, i * 10.0 + 9, "AB"[(i // 7) % 2], "x") for i in range(300)]
    w = plan_windows(s, [10] * 300, 1000)
    assert w[-1].tokens >= 0.5 * max(x.tokens for x in w)
    assert all(x.tokens <= 1000 for x in w)
    assert w[-1].stop == 300


def test_a_short_first_window_when_several_are_needed() -> None:
    w = plan_windows(segs(100, ["A", "B"]), [10] * 100, 300, first_budget=100)
    assert w[0].first == 0 and w[0].tokens <= 100
    assert [x.index for x in w] == list(range(len(w)))
    assert all(a.stop == b.first for a, b in zip(w, w[1:])) and w[-1].stop == 100
    assert all(x.tokens <= 300 for x in w[1:])
    rest = w[1:]  # the rest is planned evenly, as without the short first window
    assert max(x.tokens for x in rest) - min(x.tokens for x in rest) <= 30


def test_a_transcript_that_fits_one_window_stays_whole() -> None:
    w = plan_windows(segs(10), [10] * 10, 1000, first_budget=50)
    assert len(w) == 1 and w[0].tokens == 100


def test_a_first_line_longer_than_the_short_window_is_not_an_empty_window() -> None:
    w = plan_windows(segs(50), [200] + [10] * 49, 300, first_budget=100)
    assert w[0].stop > 0 and all(x.stop > x.first for x in w)
    assert w[-1].stop == 50


def test_the_plan_after_a_short_first_window_reads_the_columns_without_copying_them() -> None:
    """The windows after a short first one are planned on a view of the rest (`After`), not a slice: a slice of
    the transcript's columns makes every segment after the first window (1.4 MB at the peak of a 10-hour run).
    The plan is the one a list slice gave, and planning a 6,000-unit transcript allocates little on top."""
    import random
    import tracemalloc

    from app.summarize import prompts
    from app.summarize.windows import After
    from app.transcript.model import Segments

    rng = random.Random(2)
    words = ["plan", "budget", "hiring", "release", "we", "talked", "about", "the", "today"]
    listed = [
        Segment(
            i * 6.0,
            i * 6.0 + 5.0 + rng.choice([0, 2]),
            "Ann" if rng.random() < 0.5 else "Ben",
            " ".join(rng.choice(words) for _ in range(16)),
        )
        for i in range(6000)
    ]
    units = prompts.group_segments(Segments(listed))
    tokens = [rng.randint(15, 40) for _ in range(len(units))]
    plan = plan_windows(units, tokens, 2000, 500)
    assert plan == plan_windows(list(units), tokens, 2000, 500)  # (a list's slice is the old way)
    assert len(plan) > 10 and plan[0].tokens <= 500
    tracemalloc.start()
    try:
        plan_windows(units, tokens, 2000, 500)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 100_000, peak  # a tuple of the units after the first window: ~1 MB

    view = After(listed, 5995)
    assert len(view) == 5 and view[0] == listed[5995] and view[-1] == listed[-1]
    assert list(view) == listed[5995:] and view[1:3] == tuple(
        listed[5996:5998]
    )  # (a slice is a tuple, as SegmentView's are)
    with pytest.raises(IndexError):
        view[5]
    assert len(After(listed, 7000)) == 0
