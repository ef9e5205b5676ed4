"""Times for transcripts that have none, from a typical conversational speaking rate. Every such time is
flagged `estimated` and shown with `≈`."""

from __future__ import annotations

from .model import Segment

WORDS_PER_MINUTE = 160.0
MIN_SEGMENT_S = 1.0


def estimate_times(segments: list[Segment], wpm: float = WORDS_PER_MINUTE) -> list[Segment]:
    per_word = 60.0 / wpm
    out: list[Segment] = []
    t = 0.0
    start = 0.0  # rounded to the millisecond; each segment starts where the one before ends
    for s in segments:
        dur = (s.text.count(" ") + 1) * per_word  # texts are whitespace-folded: words = spaces + 1
        if dur < MIN_SEGMENT_S:
            dur = MIN_SEGMENT_S
        t += dur
        end = round(t, 3)
        out.append(Segment(start, end, s.speaker, s.text))
        start = end
    return out
