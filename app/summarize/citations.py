"""`[hh:mm:ss]` references in notes and summaries: kept when the time is a real moment of the transcript,
removed otherwise (and counted). A kept one is written the way the transcript lines are (`[01:32]` becomes
`[00:01:32]`), so every time in a summary looks the same. Works on a stream: text after an unclosed `[` is held back until it is
known to be a reference or not; `stream()` gives each answer its own held text, for answers streamed at the same
time (windows read concurrently), with the removals counted in the one filter."""

from __future__ import annotations

import bisect
import re
from array import array
from collections.abc import Sequence

from .chapters import stamp

REF = re.compile(r"\[(\d{1,2}:\d{2}(?::\d{2})?)\]")
_MAX_HELD = 12  # "[00:00:00]" is 10 characters; anything longer without "]" is not a reference


def ref_seconds(text: str) -> int:
    parts = [int(p) for p in text.split(":")]
    return sum(v * 60**i for i, v in enumerate(reversed(parts)))


class CitationFilter:
    def __init__(self, segment_starts: Sequence[float], tolerance_s: float = 2.0) -> None:
        # whole seconds in an array: 4 bytes a segment instead of a list of ints (36 bytes each)
        self._starts = array("i", sorted({int(s) for s in segment_starts}))
        self._tol = tolerance_s
        self._held = ""
        self.removed = 0

    def is_real(self, seconds: int) -> bool:
        i = bisect.bisect_left(self._starts, seconds)
        near = [self._starts[j] for j in (i - 1, i) if 0 <= j < len(self._starts)]
        return any(abs(s - seconds) <= self._tol for s in near)

    def _filter(self, text: str) -> str:
        def keep(m: re.Match[str]) -> str:
            seconds = ref_seconds(m.group(1))
            if self.is_real(seconds):
                return f"[{stamp(seconds)}]"
            self.removed += 1
            return ""

        return REF.sub(keep, text)

    def feed(self, text: str) -> str:
        buf = self._held + text
        self._held = ""
        cut = buf.rfind("[")
        if cut != -1 and "]" not in buf[cut:] and len(buf) - cut <= _MAX_HELD and "\n" not in buf[cut:]:
            buf, self._held = buf[:cut], buf[cut:]
        return self._filter(buf)

    def flush(self) -> str:
        buf, self._held = self._held, ""
        return self._filter(buf)

    def apply(self, text: str) -> str:
        return self.feed(text) + self.flush()

    def stream(self) -> CitationFilter:
        """A filter for one more answer streamed alongside others: the same moments, its own held text, its
        removals counted here too."""
        return _Stream(self)


class _Stream(CitationFilter):
    def __init__(self, parent: CitationFilter) -> None:
        self._starts = parent._starts
        self._tol = parent._tol
        self._held = ""
        self._parent = parent

    @property  # type: ignore[override]
    def removed(self) -> int:
        return self._parent.removed

    @removed.setter
    def removed(self, n: int) -> None:
        self._parent.removed = n
