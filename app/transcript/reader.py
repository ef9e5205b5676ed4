"""The transcript reader's front door: a path or text in, a Transcript out, or TranscriptError with a
sentence for the user. Pure Python, no Qt, no llama_cpp; safe to call from any thread."""

from __future__ import annotations

from pathlib import Path

from .decode import decode, read_bytes
from .estimate import estimate_times
from .formats import READERS
from .model import Parsed, Transcript, TranscriptError

DEFAULT_FPS = 30.0


def read_file(path: str | Path, *, fps: float = DEFAULT_FPS) -> Transcript:
    p = Path(path)
    data = read_bytes(p)
    text, encoding = decode(data, p.name)
    return read_text(text, encoding=encoding, source=str(p), fps=fps)


def read_text(
    text: str, *, encoding: str = "utf-8", source: str | None = None, fps: float = DEFAULT_FPS
) -> Transcript:
    name = Path(source).name if source else "The text"
    if not text.strip():
        raise TranscriptError(f"“{name}” is empty." if source else "The transcript is empty.")
    reader = max(READERS, key=lambda r: r.sniff(text))  # max() keeps the first of equal scores
    parsed: Parsed = reader.parse(text, fps=fps)
    if not parsed.segments:
        raise TranscriptError(f"“{name}” has no transcript text Recap could find.")
    segments = list(parsed.segments)
    warnings = list(parsed.warnings)
    if parsed.timing == "estimated":
        segments = estimate_times(segments)
    else:
        order = sorted(range(len(segments)), key=lambda i: segments[i].start_s)
        if order != list(range(len(segments))):
            moved = sum(1 for a, b in zip(order, range(len(order)), strict=True) if a != b)
            warnings.append(f"{moved} segments were out of time order; they were sorted by start time.")
            segments = [segments[i] for i in order]
    return Transcript(
        segments=tuple(segments),
        format=reader.NAME,
        timing=parsed.timing,
        encoding=encoding,
        title=parsed.title,
        description=parsed.description,
        warnings=tuple(warnings),
        source=source,
    )
