"""Planning windows: consecutive runs of whole segments whose transcript lines fit a token budget.

Cuts prefer a speaker change or a pause near the end of a window, never the inside of a segment.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from ..transcript import Segment, SegmentView


class PlanError(Exception):
    """A transcript that cannot be cut to fit the model's context; the message is for the user."""


@dataclass(frozen=True)
class Window:
    index: int
    first: int  # index of the first segment
    stop: int  # one past the last segment
    tokens: int  # transcript-line tokens in this window


class After(SegmentView):
    """segments[start:] as a view: slicing the transcript's columns (`SegmentView`) makes a `Segment` of every
    one, and planning the windows after a short first one made the whole transcript so (1.4 MB at the peak of a
    10-hour run, tracemalloc, 2026-12-05). Planning reads its segments by index only."""

    __slots__ = ("_segments", "_start")

    def __init__(self, segments: Sequence[Segment], start: int) -> None:
        self._segments = segments
        self._start = start

    def __len__(self) -> int:
        return max(0, len(self._segments) - self._start)

    def _make(self, i: int) -> Segment:
        return self._segments[self._start + i]


PAUSE_S = 1.5
LOOK_BACK = 0.25  # how far back from the budget's edge a nicer cut may move the boundary


def plan_windows(
    segments: Sequence[Segment], line_tokens: Sequence[int], budget: int, first_budget: int | None = None
) -> list[Window]:
    """Windows of at most `budget` tokens of lines. With `first_budget`, a transcript that needs several windows
    gets a short first one (the first notes then show within seconds of the first chapter, not after a whole
    window's reading) and the rest is planned as before; one that fits a single window stays whole."""
    if first_budget is not None and 0 < first_budget < budget and sum(line_tokens) > budget:
        head = plan_windows(segments, line_tokens, budget)[0]  # checks the budget and every line's size
        if head.tokens > first_budget and line_tokens[0] <= first_budget:
            head = _greedy(segments, line_tokens, first_budget)[0]
        rest = plan_windows(After(segments, head.stop), line_tokens[head.stop :], budget)
        return [head] + [Window(r.index + 1, head.stop + r.first, head.stop + r.stop, r.tokens) for r in rest]
    if budget <= 0:
        raise PlanError("The model's context is too small to hold any transcript text with the instructions.")
    n = len(segments)
    for i, t in enumerate(line_tokens):
        if t > budget:
            raise PlanError(
                f"One passage (at segment {i + 1}) is {t} tokens, more than the {budget} tokens the model's context "
                "leaves for transcript text. Choose a model with a larger context."
            )
    total = sum(line_tokens)
    if total <= budget:
        return [Window(0, 0, n, total)]
    # Even windows: 24k tokens with a 3k budget become 8 windows of ~3k, not 7 full ones and a scrap. Nicer cuts
    # move boundaries back, which can leave a scrap at the end: then spread it over the others and plan again.
    # (Count the windows at 90 % of the budget: nicer cuts shorten windows, and a plan at 100 % then overflows.)
    target = min(budget, math.ceil(total / math.ceil(total / (0.9 * budget))) + 1)
    windows = _greedy(segments, line_tokens, target)
    for _ in range(4):
        if len(windows) < 2 or windows[-1].tokens >= 0.5 * target or target >= budget:
            break
        target = min(budget, target + math.ceil(windows[-1].tokens / (len(windows) - 1)) + 1)
        windows = _greedy(segments, line_tokens, target)
    return windows


def _greedy(segments: Sequence[Segment], line_tokens: Sequence[int], target: int) -> list[Window]:
    n = len(segments)
    windows: list[Window] = []
    first = 0
    while first < n:
        acc = 0
        stop = first
        while stop < n and acc + line_tokens[stop] <= target:
            acc += line_tokens[stop]
            stop += 1
        if stop < n:
            stop = _nicer_cut(segments, line_tokens, first, stop, acc)
        tokens = sum(line_tokens[first:stop])
        windows.append(Window(len(windows), first, stop, tokens))
        first = stop
    return windows


def _nicer_cut(
    segments: Sequence[Segment], line_tokens: Sequence[int], first: int, stop: int, acc: int
) -> int:
    """Move the cut back to a speaker change or a pause, if one lies within the last quarter of the window."""
    floor = acc * (1 - LOOK_BACK)
    running = acc
    best_pause = None
    for cut in range(stop, first + 1, -1):  # cut between cut-1 and cut
        prev, nxt = segments[cut - 1], segments[cut]
        if nxt.speaker != prev.speaker and nxt.speaker is not None:
            return cut
        if best_pause is None and nxt.start_s - prev.end_s >= PAUSE_S:
            best_pause = cut
        running -= line_tokens[cut - 1]
        if running < floor:
            break
    return best_pause or stop
