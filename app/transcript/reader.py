"""The transcript reader's front door: a path or text in, a Transcript out, or TranscriptError with a
sentence for the user. Pure Python, no Qt, no llama_cpp; safe to call from any thread."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .content import any_speech, json_literal
from .decode import decode, read_bytes
from .estimate import estimate_times
from .formats import READERS
from .model import Parsed, Segment, Segments, Transcript, TranscriptError
from .timefmt import hms

DEFAULT_FPS = 30.0


REPEAT_RUN = 3  # this many identical segments in a row is a speech-recognition loop, not speech


def collapse_repeats(segments: list[Segment]) -> tuple[list[Segment], list[str]]:
    """Runs of the same sentence repeated many times (a known Whisper failure) become one segment, reported.
    Segment texts are whitespace-folded, so comparing lower-cased texts is enough."""
    keys = map(str.lower, (s.text for s in segments))
    prev = next(keys, None)
    for key in keys:  # one lower() a segment, nothing kept: the common case (no two alike in a row) ends here
        if key == prev:
            break
        prev = key
    else:
        return segments, []
    out: list[Segment] = []
    warnings: list[str] = []
    n = len(segments)
    i = 0
    while i < n:
        key = segments[i].text.lower()
        j = i + 1
        while j < n and segments[j].text.lower() == key:
            j += 1
        if j - i >= REPEAT_RUN:
            first, last = segments[i], segments[j - 1]
            out.append(Segment(first.start_s, max(first.end_s, last.end_s), first.speaker, first.text))
            warnings.append(
                f"“{first.text[:50]}” was repeated {j - i} times in a row (a speech-recognition loop); kept once."
            )
        else:
            out.extend(segments[i:j])
        i = j
    return out, warnings


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Reading a long transcript builds ~100k small objects, none of them in a reference cycle; the cyclic
    collector would walk them all again and again as they pile up (measured: 10-25 % of a 10 MB read). It is
    paused for the read and resumed after, unless someone else had paused it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_file(path: str | Path, *, fps: float = DEFAULT_FPS) -> Transcript:
    p = Path(path)
    text, encoding = decode(read_bytes(p), p.name)  # the bytes are freed before parsing starts
    return read_text(text, encoding=encoding, source=str(p), fps=fps)


def read_text(
    text: str, *, encoding: str = "utf-8", source: str | None = None, fps: float = DEFAULT_FPS
) -> Transcript:
    with _no_cyclic_gc():
        return _read_text(text, encoding=encoding, source=source, fps=fps)


def _read_text(text: str, *, encoding: str, source: str | None, fps: float) -> Transcript:
    name = Path(source).name if source else "The text"
    if not text or text.isspace():  # (strip() would copy a 10 MB text)
        raise TranscriptError(f"“{name}” is empty." if source else "The transcript is empty.")
    literal = json_literal(text)
    if literal is not None:
        raise TranscriptError(f"“{name}” holds only the JSON value {literal}: no transcript text.")
    reader = max(READERS, key=lambda r: r.sniff(text))  # max() keeps the first of equal scores
    parsed: Parsed = reader.parse(text, fps=fps)
    if not parsed.segments:
        raise TranscriptError(f"“{name}” has no transcript text Recap could find.")
    if not any_speech(parsed.segments):
        raise TranscriptError(
            f"“{name}” has no transcript text Recap could find (no letters, or only markup)."
        )
    segments = list(parsed.segments)
    parsed.segments.clear()  # (the segments are this list's now: each is freed once it is in the columns)
    warnings = list(parsed.warnings)
    segments, collapsed = collapse_repeats(segments)
    warnings += collapsed
    if parsed.timing == "estimated":
        segments = estimate_times(segments)
    else:
        if any(a.start_s > b.start_s for a, b in zip(segments, segments[1:], strict=False)):
            order = sorted(range(len(segments)), key=lambda i: segments[i].start_s)
            moved = sum(1 for a, b in zip(order, range(len(order)), strict=True) if a != b)
            warnings.append(f"{moved} segments were out of time order; they were sorted by start time.")
            segments = [segments[i] for i in order]
        overlaps = sum(1 for a, b in zip(segments, segments[1:], strict=False) if b.start_s < a.end_s - 0.5)
        if overlaps:
            warnings.append(
                f"{overlaps} segments overlap the one before (kept as they are; speakers may talk at once)."
            )
    notes = list(parsed.notes)
    declared = parsed.duration_s
    if declared:
        note, warning = duration_reason(declared, parsed.duration_from, segments)
        notes.append(note)
        warnings += [warning] if warning else []
    return Transcript(
        segments=Segments(_drained(segments)),
        format=parsed.format or reader.NAME,
        timing=parsed.timing,
        encoding=encoding,
        title=parsed.title,
        description=parsed.description,
        warnings=tuple(warnings),
        source=source,
        notes=tuple(notes),
        declared_duration_s=declared or None,
    )


def _drained(segments: list[Segment]) -> Iterator[Segment]:
    """The list's segments in order, each let go of as it is given: the columns grow as the objects are freed, so
    reading a long file never holds its text as both at once."""
    segments.reverse()
    while segments:
        yield segments.pop()


def duration_reason(declared: float, where: str | None, segments: list[Segment]) -> tuple[str, str | None]:
    """A note on the declared duration and why it differs from the last segment's end, and a warning when the
    segments run past it (then their end is the duration: a chapter must not end before its words)."""
    last = max((s.end_s for s in segments), default=0.0)
    said = f"The file declares a duration of {hms(declared)}" + (f" (“{where}”)" if where else "")
    if declared > last + 1.0:
        return (
            f"{said}, used as the transcript's duration: the last segment ends at {hms(last)}, "
            f"{hms(declared - last)} before the end of the media (no speech transcribed there).",
            None,
        )
    if declared < last - 1.0:
        return (
            f"{said}; the segments run to {hms(last)}, which is used instead.",
            f"The file declares a duration of {hms(declared)}, but its segments run to {hms(last)}.",
        )
    return f"{said}, which is where the last segment ends.", None
