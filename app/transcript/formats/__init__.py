"""One module per family of formats. Each exposes NAME, `sniff(text) -> float` (0..1, how sure it is that the
text is its format) and `parse(text, *, fps) -> Parsed`. Adding a format is adding a module to READERS."""

from __future__ import annotations

from types import ModuleType

from . import (
    html_transcript,
    json_formats,
    otter,
    plain,
    premiere,
    speaker_lines,
    srt,
    timestamped,
    tsv,
    vtt,
)

# Highest sniff score wins; ties go to the earlier entry. `plain` accepts anything and comes last.
READERS: list[ModuleType] = [
    json_formats,
    vtt,
    premiere,
    tsv,
    srt,
    html_transcript,
    otter,
    timestamped,
    speaker_lines,
    plain,
]
