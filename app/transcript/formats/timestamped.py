"""Lines with timestamps: `[00:01:23] Name: text`, `(01:23) text`, `00:01:23 text`, `**Name** [1:23] text`,
`Name (01:23): text`, Zoom's `[Name] 11:02:09` headers, and YouTube's copy-paste (`0:00` on its own line, then
the text); each of them also with Markdown emphasis and links around the time and the speaker
(`**[12:34] SPEAKER_01:** text`, see markup.py). Lines without a time continue the entry above. Wall-clock times (a Zoom export starting at 11:02:09)
become media times counted from the first one."""

from __future__ import annotations

import re

from ..model import Parsed, Segment
from .common import H, LinePattern, head_lines, marked_blocks, numbered_lines, split_speakers, ts_seconds
from .markup import unmark

NAME = "timestamped"


def _ts(k: int) -> str:
    """TS with named groups for alternative k (one regex holds all four shapes)."""
    return rf"(?:(?P<h{k}>\d+):)?(?P<m{k}>\d{{1,2}}):(?P<s{k}>\d{{2}})(?:[.,](?P<f{k}>\d{{1,3}}))?"


def _t(k: int) -> str:
    return rf"[\[(]?{_ts(k)}[\])]?"


# The shapes, tried in this order at the start of a line (one alternation, so one pass over a whole text); the
# text after the time is the shared `rest` group that follows them.
SHAPES = [
    # **Name** [1:23] text
    rf"\*\*(?P<n0>[^*\n]{{1,40}})\*\*{H}*{_t(0)}{H}*:?{H}*",
    # [Name] 11:02:09   (Zoom; nothing after the time)
    rf"\[(?P<n1>[^\]\d\n][^\]\n]{{0,40}})\]{H}+{_ts(1)}{H}*(?=$)",
    # Name (01:23): text   /  Name [1:23] text
    rf"(?P<n2>[A-Z][\w.'’ -]{{0,30}}?){H}*[\[(]{_ts(2)}[\])]{H}*:?{H}*",
    # [00:01:23] text  /  (01:23) text  /  00:01:23 text  /  0:00 alone
    rf"{_t(3)}{H}*(?:[-–—|:]{H}*)?",
]
BOLD_NAME = re.compile(rf"{H}*\*\*[^*\n]{{1,40}}\*\*{H}*{_t(9)}")  # shape 0, whose markup is its own
ENTRY = LinePattern(rf"{H}*(?:" + "|".join(f"(?:{p})" for p in SHAPES) + ")(?P<rest>.*)")
# per shape: the indexes in m.groups() of its hours, minutes, seconds, fraction and name (-1: none); the most
# common shape (a bare time) is looked at first
_INDEX = [
    tuple(ENTRY.groupindex.get(f"{g}{k}", 0) - 1 for g in ("h", "m", "s", "f", "n"))
    for k in reversed(range(len(SHAPES)))
]
WALL_CLOCK_S = 3600.0  # a first time at or past an hour: the clock of the meeting, not the media


def _time_and_name(m: re.Match[str]) -> tuple[float, str | None]:
    g = m.groups()
    for h, mi, s, f, n in _INDEX:
        if g[mi] is not None:
            name = g[n] if n >= 0 else None
            return ts_seconds(g[h], g[mi], g[s], g[f]), (name.strip() or None) if name else None
    raise AssertionError("ENTRY matched no shape")


def match(line: str) -> tuple[float, str | None, str] | None:
    """(seconds, speaker or None, text after the time) for a line that starts an entry."""
    m = ENTRY.match(line)
    if not m:
        return None
    t, name = _time_and_name(m)
    return t, name, m.group("rest").strip()


def sniff(text: str) -> float:
    lines = [ln for ln in unmark("\n".join(head_lines(text, 500)), BOLD_NAME.match).split("\n") if ln.strip()]
    if not lines:
        return 0.0
    hits = sum(1 for ln in lines if match(ln) and "-->" not in ln)
    return 0.85 if hits >= 2 and hits >= 0.2 * len(lines) else 0.0


def parse(text: str, *, fps: float = 30.0) -> Parsed:
    warnings: list[str] = []
    text = unmark(text, BOLD_NAME.match)
    before, blocks = marked_blocks(text, ENTRY, _time_and_name, body_group="rest")
    for no, line in numbered_lines(before, 1):
        if line.strip():
            warnings.append(f"Line {no}: text before the first timestamp, not used: “{line.strip()[:60]}”.")
    canonical: dict[str, str] = {}
    times: list[float] = []
    names: list[str | None] = []
    texts: list[str] = []
    for _, (t, name), body in blocks:
        words = " ".join(body.split())
        if words:  # a time with no words after it (and none below) is not an entry
            times.append(t)
            names.append(canonical.setdefault(name, name) if name else None)
            texts.append(words)
    if not texts:
        return Parsed(segments=[], timing="exact", warnings=warnings)
    offset = 0.0
    if times[0] >= WALL_CLOCK_S:
        offset = times[0]
        warnings.append(
            f"The times look like clock times (first {_clock(offset)}); they are shown from 0:00."
        )
    if not any(names):
        speakers = split_speakers(texts)
    elif all(names):
        speakers = names
    else:  # some lines name their speaker in the line's shape, the others maybe as `Name:` in their text
        rest = [i for i, n in enumerate(names) if n is None]
        sub = [texts[i] for i in rest]
        speakers = list(names)
        named = {n for n in names if n}
        for i, spk, words in zip(rest, split_speakers(sub, named), sub, strict=True):
            speakers[i], texts[i] = spk, words
    # each entry lasts until the next one starts; the last one, as long as its words take to say
    last = len(texts) - 1
    segments: list[Segment] = []
    for i, (t, spk, words) in enumerate(zip(times, speakers, texts, strict=True)):
        start = t - offset
        end = times[i + 1] - offset if i < last else start + len(words.split()) * 60 / 160
        segments.append(Segment(start, max(start, end), spk, words))
    return Parsed(segments=segments, timing="exact", warnings=warnings)


def _clock(s: float) -> str:
    s = int(s)
    return f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}"
