"""Times for transcripts that have none, from a typical conversational speaking rate. Every such time is
flagged `estimated` and shown with `≈`."""

from __future__ import annotations

from .model import Segment

WORDS_PER_MINUTE = 160.0
MIN_SEGMENT_S = 1.0


def estimate_times(segments: list[Segment], wpm: float = WORDS_PER_MINUTE) -> list[Segment]:
    """The segments with estimated times, in the list given (each replaced as its time is set: a second list of
    every segment would double what reading a long file holds at its peak) and returned."""
    per_word = 60.0 / wpm
    t = 0.0
    start = 0.0  # rounded to the millisecond; each segment starts where the one before ends
    for i, s in enumerate(segments):
        dur = (s.text.count(" ") + 1) * per_word  # texts are whitespace-folded: words = spaces + 1
        if dur < MIN_SEGMENT_S:
            dur = MIN_SEGMENT_S
        t += dur
        end = round(t, 3)
        segments[i] = Segment(start, end, s.speaker, s.text)
        start = end
    return segments
