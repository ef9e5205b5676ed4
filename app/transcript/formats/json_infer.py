"""Transcript JSON of a shape Recap has no reader for, read by its content: somewhere in the file, at any depth,
the objects in lists that carry text and a start time (`{"start", "stop", "text"}`, `{"begin", "caption"}`,
`{"offsets": {"from", "to"}, "text"}` ...). Objects at the same path (keys, with list positions left out: an
oral-argument archive's `transcript.sections[].turns[].text_blocks[]`) are one candidate; the one with the most
text wins, the shallowest among those with nearly as much (a `segments[]` list over its own `segments[].words[]`).
A speaker is the object's own (a string, a number, an object with a name) or its nearest enclosing object's (the
turn that holds the text blocks).

Written here: it is a search over already-parsed JSON, not a parse. The walk keeps its own stack instead of
recursing, so depth costs nothing but memory, and it looks at each value once: linear in the file's size.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any

from ..model import Segment
from .json_values import (
    END_KEYS,
    LENGTH_KEYS,
    SPEAKER_KEYS,
    START_KEYS,
    TEXT_KEYS,
    TIME_HOLDERS,
    base,
    clock,
    key_unit,
    norm,
    number,
    speaker_name,
)

WORDS_PER_S = 160 / 60  # the length of an entry without an end: as long as its words take to say


@dataclass
class _Group:
    """The timed texts found at one path."""

    path: str
    depth: int
    text_key: str = ""
    start_key: str = ""
    end_key: str | None = None
    speaker_from: str | None = None
    rows: list[tuple[Any, Any, bool, str | None, str]] = field(
        default_factory=list
    )  # start, end|len, is_len, ...
    letters: int = 0
    untimed: int = 0  # objects here with text but no time


@dataclass(frozen=True)
class Inferred:
    segments: list[Segment]
    description: str  # which shape was inferred, for `recap inspect`
    warnings: list[str]


def _by_norm(d: dict[str, Any]) -> dict[str, str]:
    return {norm(k): k for k in d if isinstance(k, str)}


def _first(keys: dict[str, str], names: tuple[str, ...]) -> str | None:
    for n in names:
        if n in keys:
            return keys[n]
    return None


def _time_value(v: Any) -> bool:
    return number(v) is not None or clock(v) is not None


def _times(d: dict[str, Any], keys: dict[str, str]) -> tuple[str, Any, str | None, Any, bool] | None:
    """(start key, start value, end key, end value, end is a length) of an object, looking one level down into a
    time holder (`offsets`, `timestamps`) when the object has no start of its own."""
    for holder, obj in [("", d)] + [
        (keys[h] + ".", d[keys[h]]) for h in TIME_HOLDERS if h in keys and isinstance(d[keys[h]], dict)
    ]:
        k = {base(x): x for x in obj if isinstance(x, str)}
        start = next((k[n] for n in START_KEYS if n in k and _time_value(obj[k[n]])), None)
        if start is None:
            continue
        end = next((k[n] for n in END_KEYS if n in k and _time_value(obj[k[n]])), None)
        if end is not None:
            return holder + start, obj[start], holder + end, obj[end], False
        length = next((k[n] for n in LENGTH_KEYS if n in k and _time_value(obj[k[n]])), None)
        if length is not None:
            return holder + start, obj[start], holder + length, obj[length], True
        return holder + start, obj[start], None, None, False
    return None


def _speaker(d: dict[str, Any], keys: dict[str, str]) -> tuple[str, str] | None:
    """(name, key it came from) of an object's own speaker."""
    for n in SPEAKER_KEYS:
        if n in keys:
            v = d[keys[n]]
            name = speaker_name(v)
            if name:
                suffix = ""
                if isinstance(v, dict):
                    inner = _by_norm(v)
                    suffix = "." + (_first(inner, ("name", "fullname", "displayname", "label")) or "id")
                return name, keys[n] + suffix
    return None


def _walk(data: Any) -> dict[str, _Group]:
    groups: dict[str, _Group] = {}
    # (value, path, depth, speaker inherited from the enclosing objects, path of that speaker)
    stack: list[tuple[Any, str, int, str | None, str | None]] = [(data, "", 0, None, None)]
    pop, push = stack.pop, stack.append
    while stack:
        node, path, depth, spk, spk_from = pop()
        if isinstance(node, list):
            item_path = path + "[]"
            for x in reversed(node):  # reversed onto the stack: popped in document order
                if isinstance(x, dict | list):
                    push((x, item_path, depth + 1, spk, spk_from))
            continue
        if not isinstance(node, dict):
            continue
        keys = _by_norm(node)
        # a speaker comes from an entry or an object in a list around it (a turn), never from the file's own
        # top-level objects (a podcast's `author` is not everyone's speaker)
        own = _speaker(node, keys) if path.endswith("[]") else None
        if own is not None:
            spk, spk_from = own[0], f"{path}.{own[1]}".lstrip(".")
        if path.endswith("[]"):
            tk = next((keys[n] for n in TEXT_KEYS if n in keys and isinstance(node[keys[n]], str)), None)
            if tk is not None and node[tk].strip():
                g = groups.get(path)
                if g is None:
                    g = groups[path] = _Group(path, depth, text_key=tk)
                times = _times(node, keys)
                if times is None:
                    g.untimed += 1
                else:
                    start_key, start, end_key, end, is_len = times
                    if not g.rows:  # the keys the first entry uses, for the description
                        g.start_key, g.end_key = start_key, end_key
                    text = node[tk]
                    g.rows.append((start, end, is_len, spk, text))
                    g.letters += len(text)
                    if spk_from and g.speaker_from is None:
                        g.speaker_from = spk_from
        for k in reversed(list(node)):
            v = node[k]
            if isinstance(v, dict | list):
                push((v, f"{path}.{k}" if path else str(k), depth + 1, spk, spk_from))
    return groups


def _scale(g: _Group) -> tuple[float, str]:
    """Units per second of a group's numeric times (1000 for milliseconds: divided, not multiplied by 0.001, so
    that 5100 ms is 5.1 s exactly): from the key's name when it says, else milliseconds when
    every time is a whole number and entries would otherwise last minutes each (text entries last seconds)."""
    unit = key_unit(g.start_key.rpartition(".")[2])
    if unit:
        return (1000.0, "milliseconds") if unit == "ms" else (1.0, "seconds")
    starts = [number(r[0]) for r in g.rows]
    nums = [s for s in starts if s is not None]
    if not nums or any(not float(s).is_integer() for s in nums):
        return 1.0, "seconds"
    if any(isinstance(r[0], str) for r in g.rows):
        return 1.0, "seconds"
    spans: list[float] = []
    for r in g.rows:
        s, e = number(r[0]), number(r[1])
        if s is not None and e is not None:
            spans.append(e if r[2] else e - s)
    if not spans:
        spans = [b - a for a, b in zip(nums, nums[1:], strict=False) if b > a]
    return (1000.0, "milliseconds") if spans and statistics.median(spans) >= 100 else (1.0, "seconds")


def _seconds(v: Any, scale: float) -> float | None:
    c = clock(v)
    if c is not None:
        return c
    n = number(v)
    return None if n is None else n / scale


def infer(data: Any) -> Inferred | None:
    """The timed texts of a JSON value of unknown shape, or None when no list in it holds any."""
    groups = [g for g in _walk(data).values() if g.rows]
    if not groups:
        return None
    most = max(g.letters for g in groups)
    g = min((g for g in groups if g.letters >= 0.8 * most), key=lambda g: (g.depth, -g.letters))
    scale, unit_name = _scale(g)
    segments: list[Segment] = []
    pending: list[tuple[float, float | None, str | None, str]] = []
    for start_v, end_v, is_len, spk, text in g.rows:
        words = " ".join(text.split())
        start = _seconds(start_v, scale)
        if start is None:
            continue
        end: float | None = None
        if end_v is not None:
            e = _seconds(end_v, scale)
            if e is not None:
                end = start + e if is_len else e
        pending.append((start, end, spk, words))
    for i, (start, end, spk, words) in enumerate(pending):
        if end is None:
            nxt = pending[i + 1][0] if i + 1 < len(pending) else None
            end = nxt if nxt is not None and nxt >= start else start + (words.count(" ") + 1) / WORDS_PER_S
        segments.append(Segment(start, max(start, end), spk, words))
    times = f"“{g.start_key}”" + (f"/“{g.end_key}”" if g.end_key else "")
    who = f"; speakers from {g.speaker_from}" if g.speaker_from else "; no speakers"
    description = (
        f"Recap inferred this JSON's shape: {len(segments)} timed texts at {g.path} "
        f"(text in “{g.text_key}”, times in {times}, {unit_name}{who})."
    )
    warnings = []
    if g.untimed:
        warnings.append(f"{g.untimed} entries at {g.path} have text but no time; not used.")
    return Inferred(segments, description, warnings)
