"""One module per family of formats. Each exposes NAME, `sniff(text) -> float` (0..1, how sure it is that the
text is its format) and `parse(text, *, fps) -> Parsed`. Adding a format is adding a module to READERS."""

from __future__ import annotations

from types import ModuleType

from . import plain, premiere, speaker_lines

# Highest sniff score wins; ties go to the earlier entry. `plain` accepts anything and comes last.
READERS: list[ModuleType] = [premiere, speaker_lines, plain]
