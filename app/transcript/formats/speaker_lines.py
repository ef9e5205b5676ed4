"""Speaker-labelled lines without times: `spk_0 text`, `SPEAKER_01: text`, `Name: text`.

Text in front of the first labelled line is a page header (title, description), not speech. `Name:` counts as a
speaker label only for short names that repeat; machine labels (`spk_0`, `SPEAKER_01`) always count.
"""

from __future__ import annotations

import re
from collections import Counter

from ..model import Parsed, Segment
from .common import H, LinePattern, head_lines, marked_blocks, numbered_lines

NAME = "speaker-lines"

_MACHINE = re.compile(rf"^{H}*((?:spk|speaker|SPEAKER|Speaker)[_ ]?\d+)(?:{H}*:{H}*|{H}+|$)(.*)$", re.M)
_NAMED = re.compile(rf"^{H}*([A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){{0,2}}){H}*:{H}+(.*)$", re.M)
_NAME_LINE = LinePattern(rf"{H}*([A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){{0,2}}){H}*:{H}+.*")
# Both in one pass over a whole text: a machine label wins, as it does line by line.
_LABEL = LinePattern(
    rf"{H}*(?:(?P<m>(?:spk|speaker|SPEAKER|Speaker)[_ ]?\d+)(?:{H}*:{H}*|{H}+|$)(?P<mr>.*)"
    rf"|(?P<n>[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){{0,2}}){H}*:{H}+(?P<nr>.*))"
)


def _labels(lines: list[str]) -> tuple[Counter[str], Counter[str]]:
    machine: Counter[str] = Counter()
    named: Counter[str] = Counter()
    for ln in lines:
        m = _MACHINE.match(ln)
        if m:
            machine[m.group(1)] += 1
            continue
        m = _NAMED.match(ln)
        if m and len(m.group(1)) <= 32:
            named[m.group(1)] += 1
    return machine, named


def _speakers(lines: list[str]) -> tuple[set[str], set[str]]:
    machine, named = _labels(lines)
    return set(machine), {n for n, c in named.items() if c >= 2}


def sniff(text: str) -> float:
    lines = [ln for ln in head_lines(text, 600) if ln.strip()]
    if not lines:
        return 0.0
    machine, named = _speakers(lines)
    hits = 0
    for ln in lines:
        m = _MACHINE.match(ln)
        if m and m.group(1) in machine:
            hits += 1
            continue
        m = _NAMED.match(ln)
        if m and m.group(1) in named:
            hits += 1
    return 0.8 if hits >= 3 and hits >= 0.3 * len(lines) else 0.0


def parse(text: str, *, fps: float = 30.0) -> Parsed:
    from .header import split_header

    # Names that label two lines or more. Counted with the name-only pattern (a separate fast scan; it also
    # counts machine labels such as SPEAKER_01, which is harmless: those lines are taken as machine labels first).
    named_counts = Counter(n for _, m in _NAME_LINE.finditer(text) if len(n := m.group(1)) <= 32)
    named = {n for n, c in named_counts.items() if c >= 2}
    canonical: dict[str, str] = {}

    def accept(m: re.Match[str]) -> str | None:
        # the label only, one string a speaker: the turn's words are sliced from the text as its block's body
        label = m.group("m")
        if label is None and (label := m.group("n")) not in named:
            return None
        return canonical.setdefault(label, label)

    warnings: list[str] = []
    before, turns = marked_blocks(text, _LABEL, accept, body_group=("mr", "nr"))
    title, description, header_warnings = split_header(list(numbered_lines(before, 1)))
    warnings += header_warnings
    segments: list[Segment] = []
    for no, speaker, body in turns:
        # the body: the rest of the label's line and the turn's wrapped continuation lines
        words = " ".join(body.split())
        if not words:
            warnings.append(f"Line {no}: speaker label “{speaker}” with no text, skipped.")
            continue
        segments.append(Segment(0.0, 0.0, speaker, words))
    return Parsed(
        segments=segments, timing="estimated", title=title, description=description, warnings=warnings
    )
