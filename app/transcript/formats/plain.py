"""Plain prose: paragraphs, no times, no speakers. Long paragraphs are split at sentence ends into segments of
at most ~80 words, so that every segment can get its own (estimated) time and fit in any model window."""

from __future__ import annotations

import re

from ..model import Parsed, Segment

NAME = "plain"
MAX_WORDS = 80
_SENTENCE = re.compile(r"(?<=[.!?…])\s+")


def sniff(text: str) -> float:
    return 0.1 if text.strip() else 0.0


def split_long(text: str, max_words: int = MAX_WORDS) -> list[str]:
    """Split at sentence ends into pieces of at most max_words words (a run-on sentence is cut at words)."""
    pieces: list[str] = []
    current: list[str] = []
    for sentence in _SENTENCE.split(text):
        words = sentence.split()
        if len(words) > max_words:  # a sentence longer than a segment: cut it at words, keep every word
            if current:
                pieces.append(" ".join(current))
                current = []
            cut = len(words) - len(words) % max_words or len(words) - max_words
            # slices stepped through the list (not the rest copied again at each cut: a 10 MB line is one
            # sentence of 1.6 M words, and re-slicing it made the read quadratic)
            pieces.extend(" ".join(words[i : i + max_words]) for i in range(0, cut, max_words))
            words = words[cut:]
        if current and len(current) + len(words) > max_words:
            pieces.append(" ".join(current))
            current = []
        current += words
    if current:
        pieces.append(" ".join(current))
    return pieces


def parse(text: str, *, fps: float = 30.0) -> Parsed:
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    segments = [Segment(0.0, 0.0, None, piece) for p in paragraphs if p for piece in split_long(p)]
    return Parsed(segments=segments, timing="estimated")
