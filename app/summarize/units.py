"""Prompt lines ("units"): runs of one speaker's consecutive segments, held as index ranges into the transcript.

A unit's text is its segments' texts joined, made when the unit is asked for: a run holds the transcript's text
once (`Segments`), not again as its units (a 10-hour transcript's units were a second copy of its text)."""

from __future__ import annotations

from array import array

from ..transcript import Segment, Segments, SegmentView


class Units(SegmentView):
    """Unit i is the kept segments (all when `kept` is None; the others are backchannels said over a run) from
    segment `first[i]` up to the next unit's first: 4 bytes a unit, and a byte a segment when some are left out.
    It starts where its first segment starts and ends where the last of them ends, or later when an earlier one
    overruns it."""

    __slots__ = ("_segments", "_kept", "_first")

    def __init__(self, segments: Segments, kept: bytearray | None, first: array[int]) -> None:
        self._segments, self._kept, self._first = segments, kept, first

    @classmethod
    def runs(
        cls, segs: Segments, kept: bytearray | None, max_s: float, max_words: int, pause_s: float
    ) -> Units:
        """Runs of the kept segments (all when `kept` is None): a run ends at a change of speaker, at a pause of
        `pause_s` or more, or before it would pass `max_s` seconds or `max_words` words."""
        firsts = array("i")
        starts, seg_ends = segs.starts, segs.ends
        first, words, end = -1, 0, 0.0
        for j in range(len(segs)):
            if kept is not None and not kept[j]:
                continue
            n = len(segs.text(j).split())
            if first >= 0 and (
                segs.speaker(j) != segs.speaker(first)
                or starts[j] - end >= pause_s
                or seg_ends[j] - starts[first] > max_s
                or words + n > max_words
            ):
                firsts.append(first)
                first = -1
            if first < 0:
                first, words, end = j, 0, seg_ends[j]
            else:
                end = max(end, seg_ends[j])
            words += n
        if first >= 0:
            firsts.append(first)
        return cls(segs, kept, firsts)

    def __len__(self) -> int:
        return len(self._first)

    def speaker(self, i: int) -> str | None:
        return self._segments.speaker(self._first[i])

    def _make(self, i: int) -> Segment:
        segs, a, kept = self._segments, self._first[i], self._kept
        b = self._first[i + 1] if i + 1 < len(self._first) else len(segs)
        if b - a == 1:
            return Segment(segs.starts[a], segs.ends[a], segs.speaker(a), segs.text(a))
        at = [j for j in range(a, b) if kept is None or kept[j]]
        end = max(segs.ends[j] for j in at)
        return Segment(segs.starts[a], end, segs.speaker(a), " ".join(segs.text(j) for j in at))
