"""Markdown emphasis and links around the time and the speaker of a timestamped line, taken off so the line has
one of the shapes `timestamped` knows: `**[12:34] SPEAKER_01:** text`, `__[12:34]__ Name: text`,
`*[12:34]* text`, `[12:34](https://…?t=754) Name: text`, `[**12:34**] Name: text`.

Only lines that start with such markup and have a time within their first characters are touched; on those, every
emphasis delimiter (`*`, `**`, `_`, `__`; an underscore inside a word such as `SPEAKER_01` is not one, nor a `*`
with spaces on both sides) and every link's target goes, and the words stay. Written here rather than with a
Markdown parser: those render a whole document into blocks, lose its lines (the reader counts lines for its
warnings), and would read `[12:34]` itself as a link reference. One regex pass over the text finds the lines.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .common import TS, H

# A line that starts (after indentation) with emphasis, a bracket holding emphasis, or a link.
_MARKED_LINE = re.compile(rf"(?m)^{H}*(?:[*_]|\[[*_]|\[[^\]\n]{{1,60}}\]\()[^\n]*")
_TIME_NEAR_START = re.compile(rf"^[^\n]{{0,80}}?{TS}")
_LINK = re.compile(r"\[([^\[\]\n]{1,60})\]\([^()\s]*(?:\([^()\s]*\)[^()\s]*)*\)")
_TIME_ONLY = re.compile(rf"^[*_\s]*{TS}[*_\s]*$")
_EMPHASIS = re.compile(r"\*{1,3}(?=\S)|(?<=\S)\*{1,3}|(?<!\w)_{1,3}(?=\S)|(?<=\S)_{1,3}(?!\w)")


def _label(m: re.Match[str]) -> str:
    """A link's words: `[12:34]` stays bracketed (a time), `[Name]` becomes `Name`."""
    label = m.group(1)
    return f"[{label}]" if _TIME_ONLY.match(label) else label


def unmark(text: str, keep: Callable[[str], object]) -> str:
    """The text with the markup taken off its marked timestamped lines (line count unchanged). Lines for which
    `keep` is true (a shape that has its markup built in, `**Name** [1:23] text`) stay as they are."""

    def one(m: re.Match[str]) -> str:
        line = m.group(0)
        if keep(line) or not _TIME_NEAR_START.match(_EMPHASIS.sub("", line[:200])):
            return line  # a Markdown line without a time (a heading, a list item) is not an entry: left alone
        return _EMPHASIS.sub("", _LINK.sub(_label, line))

    return _MARKED_LINE.sub(one, text)
