"""Measuring a transcript with the model's own tokenizer, and how much of it one window may carry.

Every prompt is measured before it is sent: the window budget is the context minus the fixed prompt parts (with
the longest task) minus the largest answer reserved, so no planned prompt can overflow.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..transcript import Transcript
from . import prompts
from .chapters import window_starts
from .units import Units
from .windows import PlanError

if TYPE_CHECKING:
    from .pipeline import Options, TextModel


@dataclass(frozen=True)
class Measured:
    """A transcript's prompt lines, counted. The lines themselves are not kept: a window's are made when it is
    read (`lines`), so a long transcript is held once, as its units, rather than three times over."""

    units: Units  # prompt lines: runs of one speaker's segments (prompts.group_segments)
    # tokens of each line in its window form (prompts.unit_line), newline included: an array, 4 bytes a line
    line_tokens: Sequence[int]
    label: int  # the most a window's first line (full form) costs over its window form
    transcript_tokens: (
        int  # the transcript's content ("Speaker: text"), without Recap's timestamps and instructions
    )
    stamps: bytes  # which lines carry their [hh:mm:ss], a byte a line (prompts.stamped)

    def lines(self, first: int, stop: int) -> list[str]:
        """The lines of a window of units first..stop: its first in full, stamp and speaker, the rest in their
        window form."""
        return [prompts.unit_line(self.units, i, self.stamps, full=i == first) for i in range(first, stop)]

    def starts(self, first: int, stop: int) -> dict[str, float]:
        """The stamps a window of units first..stop shows (its first line always has one) -> their exact starts:
        the times the model can cite or begin a chapter at."""
        return window_starts(
            [u for i, u in enumerate(self.units[first:stop], first) if i == first or self.stamps[i]]
        )


COUNT_CHUNK = 512  # lines counted per call: the lists of a 10-hour transcript's lines never exist at once


async def measure(
    model: TextModel, t: Transcript, units: Units | None = None, stamps: bytes | None = None
) -> Measured:
    """The prompt lines of `units` (default: prompts.group_segments) with `stamps` (default: every line), counted."""
    units = prompts.group_segments(t.segments) if units is None else units
    stamps = b"\x01" * len(units) if stamps is None else stamps
    line_tokens = array("i")
    label = 0
    for a in range(0, len(units), COUNT_CHUNK):
        at = range(a, min(a + COUNT_CHUNK, len(units)))
        cont = await model.count_tokens([prompts.unit_line(units, i, stamps) for i in at])
        full = await model.count_tokens([prompts.unit_line(units, i, full=True) for i in at])
        line_tokens.extend(n + 1 for n in cont)  # +1: the newline between lines
        label = max(label, *(f - c for f, c in zip(full, cont, strict=True)))
    content = 0
    segs = t.segments
    for a in range(0, len(segs), COUNT_CHUNK):
        texts = [f"{s.speaker}: {s.text}" if s.speaker else s.text for s in segs[a : a + COUNT_CHUNK]]
        content += sum(await model.count_tokens(texts))
    return Measured(units, line_tokens, label, content, stamps)


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
