"""Measuring a transcript with the model's own tokenizer, and how much of it one window may carry.

Every prompt is measured before it is sent: the window budget is the context minus the fixed prompt parts (with
the longest task) minus the largest answer reserved, so no planned prompt can overflow.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..transcript import Segment, Transcript
from . import prompts
from .chapters import window_starts
from .windows import PlanError

if TYPE_CHECKING:
    from .pipeline import Options, TextModel


@dataclass(frozen=True)
class Measured:
    units: list[Segment]  # prompt lines: runs of one speaker's segments (prompts.group_segments)
    full: list[str]  # each unit's line with its speaker
    cont: list[str]  # without the speaker when it is the line above's
    line_tokens: list[int]  # tokens of each `cont` line, newline included
    label: int  # the most a window's first line (full form) costs over its `cont` form
    transcript_tokens: (
        int  # the transcript's content ("Speaker: text"), without Recap's timestamps and instructions
    )
    stamps: list[bool]  # which `cont` lines carry their [hh:mm:ss] (prompts.stamped)

    def starts(self, first: int, stop: int) -> dict[str, float]:
        """The stamps a window of units first..stop shows (its first line always has one) -> their exact starts:
        the times the model can cite or begin a chapter at."""
        return window_starts(
            [u for i, u in enumerate(self.units[first:stop], first) if i == first or self.stamps[i]]
        )


async def measure(
    model: TextModel, t: Transcript, units: list[Segment] | None = None, stamps: list[bool] | None = None
) -> Measured:
    """The prompt lines of `units` (default: prompts.group_segments) with `stamps` (default: every line), counted."""
    units = prompts.group_segments(t.segments) if units is None else units
    stamps = [True] * len(units) if stamps is None else stamps
    full, cont = prompts.unit_lines(units, stamps)
    full_tokens = await model.count_tokens(full)
    line_tokens = [n + 1 for n in await model.count_tokens(cont)]  # +1: the newline between lines
    label = max((f + 1 - c for f, c in zip(full_tokens, line_tokens, strict=True)), default=0)
    content = [f"{s.speaker}: {s.text}" if s.speaker else s.text for s in t.segments]
    return Measured(units, full, cont, line_tokens, label, sum(await model.count_tokens(content)), stamps)


async def window_budget(
    model: TextModel, t: Transcript, system: str, tasks: Sequence[str], reserve: int, o: Options
) -> int:
    """Tokens of transcript lines one window may carry, given the tasks asked about a window and the largest
    answer reserved."""
    fixed = 0
    for task in tasks:
        fixed = max(
            fixed, await model.count_prompt(prompts.window_messages(t, [], 99, 99, (0, 0), task, system))
        )
    room = model.n_ctx - fixed - reserve - o.safety_tokens
    if room <= 0:
        raise PlanError(
            f"The model's context ({model.n_ctx} tokens) is too small for Recap's instructions and answers."
        )
    return min(o.window_tokens, room)
