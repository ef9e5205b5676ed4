"""Whether what a reader found is speech at all: text with no letters (control characters, punctuation, digits),
text that is only markup (`<div>` repeated), and a file that is a bare JSON literal (`null`, `42`, `"x"`) are
"no transcript text", however many segments a reader made of them. Every check is one linear pass."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from .model import Segment

_LETTER = re.compile(r"[^\W\d_]")  # a letter of any script: \w without digits and the underscore
_TAG = re.compile(r"<[^<>]*>")
_LITERAL_START = frozenset('ntf-"0123456789')


def has_letters(text: str) -> bool:
    """A letter outside markup tags."""
    if "<" in text:
        text = _TAG.sub(" ", text)
    return _LETTER.search(text) is not None


def any_speech(segments: Iterable[Segment]) -> bool:
    return any(has_letters(s.text) for s in segments)  # stops at the first real segment


def json_literal(text: str) -> str | None:
    """The JSON literal a whole text is (`null`, `true`, `3.5`, a quoted string), shortened, or None."""
    stripped = text.strip()
    if not stripped or stripped[0] not in _LITERAL_START:
        return None
    try:
        value = json.loads(stripped)  # fails at the first character that does not fit: prose fails at once
    except (ValueError, RecursionError):
        return None
    if isinstance(value, dict | list):
        return None
    shown = json.dumps(value, ensure_ascii=False)
    return shown if len(shown) <= 20 else shown[:17] + "…"
