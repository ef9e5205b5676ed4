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


async def measure(model: TextModel, t: Transcript) -> Measured:
    units = prompts.group_segments(t.segments)
    full, cont = prompts.unit_lines(units)
    full_tokens = await model.count_tokens(full)
    line_tokens = [n + 1 for n in await model.count_tokens(cont)]  # +1: the newline between lines
    label = max((f + 1 - c for f, c in zip(full_tokens, line_tokens, strict=True)), default=0)
    content = [f"{s.speaker}: {s.text}" if s.speaker else s.text for s in t.segments]
    return Measured(units, full, cont, line_tokens, label, sum(await model.count_tokens(content)))


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
