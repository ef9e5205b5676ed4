"""Times for transcripts that have none, from a typical conversational speaking rate. Every such time is
flagged `estimated` and shown with `≈`."""

from __future__ import annotations

from .model import Segment

WORDS_PER_MINUTE = 160.0
MIN_SEGMENT_S = 1.0


def estimate_times(segments: list[Segment], wpm: float = WORDS_PER_MINUTE) -> list[Segment]:
    out: list[Segment] = []
    t = 0.0
    for s in segments:
        dur = max(MIN_SEGMENT_S, len(s.text.split()) * 60.0 / wpm)
        out.append(Segment(round(t, 3), round(t + dur, 3), s.speaker, s.text))
        t += dur
    return out
