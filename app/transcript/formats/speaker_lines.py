"""Speaker-labelled lines without times: `spk_0 text`, `SPEAKER_01: text`, `Name: text`.

Text in front of the first labelled line is a page header (title, description), not speech. `Name:` counts as a
speaker label only for short names that repeat; machine labels (`spk_0`, `SPEAKER_01`) always count.
"""

from __future__ import annotations

import re
from collections import Counter

from ..model import Parsed, Segment

NAME = "speaker-lines"

_MACHINE = re.compile(r"^\s*((?:spk|speaker|SPEAKER|Speaker)[_ ]?\d+)(?:\s*:\s*|\s+|$)(.*)$")
_NAMED = re.compile(r"^\s*([A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,2})\s*:\s+(.*)$")


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
    lines = [ln for ln in text.split("\n")[:600] if ln.strip()]
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

    lines = text.split("\n")
    machine, named = _speakers(lines)
    warnings: list[str] = []
    header: list[tuple[int, str]] = []
    turns: list[tuple[int, str, list[str]]] = []  # (line number, speaker, text parts)
    for no, line in enumerate(lines, 1):
        speaker = rest = None
        m = _MACHINE.match(line)
        if m and m.group(1) in machine:
            speaker, rest = m.group(1), m.group(2).strip()
        else:
            m = _NAMED.match(line)
            if m and m.group(1) in named:
                speaker, rest = m.group(1), m.group(2).strip()
        if speaker is not None:
            turns.append((no, speaker, [rest] if rest else []))
        elif not turns:
            header.append((no, line))
        elif line.strip():
            turns[-1][2].append(line.strip())  # a wrapped continuation of the turn above
    title, description, header_warnings = split_header(header)
    warnings += header_warnings
    segments: list[Segment] = []
    for no, speaker, parts in turns:
        if not parts:
            warnings.append(f"Line {no}: speaker label “{speaker}” with no text, skipped.")
            continue
        segments.append(Segment(0.0, 0.0, speaker, " ".join(parts)))
    return Parsed(
        segments=segments, timing="estimated", title=title, description=description, warnings=warnings
    )
