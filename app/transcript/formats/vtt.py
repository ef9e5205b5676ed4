"""WebVTT (.vtt): header, cue ids (numbers, Teams GUIDs), cue settings, NOTE/STYLE/REGION blocks, `<v Name>` with
or without `</v>`, tags and entities; Zoom's `Name: text` cues; YouTube's rolling auto-captions.

Written here rather than with `webvtt-py`: it glues a NOTE block that follows a cue without a blank line onto
that cue's text, drops `<v>` speakers, and ends a cue at a blank line inside it. Here a cue runs until the next
timing line or a NOTE/STYLE/REGION block, and a cue id line just before a timing line is dropped.
"""

from __future__ import annotations

import re

from ..model import Parsed, Segment
from .common import TS, speaker_prefixes, strip_markup, ts_seconds

NAME = "webvtt"
TIMING = re.compile(rf"^\s*{TS}\s*-->\s*{TS}(?:\s+.*)?$")
CUE_ID = re.compile(r"^\S*\d\S*$")  # numbers, GUIDs, "0b8e…-1/2": one word with a digit
_VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^>]+)>")
_BLOCK = re.compile(r"^(NOTE|STYLE|REGION)(\s|$)")


def sniff(text: str) -> float:
    return 0.97 if text.lstrip().startswith("WEBVTT") else 0.0


def _drop_cue_id(body: list[str]) -> None:
    while body and not body[-1].strip():
        body.pop()
    if body and CUE_ID.match(body[-1].strip()) and (len(body) == 1 or not body[-2].strip()):
        body.pop()


def parse(text: str, *, fps: float = 30.0) -> Parsed:
    warnings: list[str] = []
    cues: list[tuple[int, float, float, list[str]]] = []
    in_block = False  # inside NOTE/STYLE/REGION, which ends at a blank line
    for no, line in enumerate(text.split("\n"), 1):
        m = TIMING.match(line)
        if m:
            g = m.groups()
            if cues:
                _drop_cue_id(cues[-1][3])
            in_block = False
            cues.append((no, ts_seconds(*g[:4]), ts_seconds(*g[4:]), []))
        elif _BLOCK.match(line):
            in_block = True
            if cues:
                cues[-1][3].append("")  # the block separates what follows from the cue above
        elif in_block:
            in_block = bool(line.strip())
        elif cues:
            cues[-1][3].append(line)
    rows: list[tuple[float, float, str | None, str]] = []
    prev_lines: list[str] = []
    merged = 0
    for no, start, end, body in cues:
        raw_lines = [ln for ln in body if ln.strip()]
        voice = None
        for ln in raw_lines:
            vm = _VOICE.search(ln)
            if vm:
                voice = " ".join(vm.group(1).split())
                break
        clean = [strip_markup(ln.replace("</v>", "")) for ln in raw_lines]
        clean = [c for c in clean if c]
        # Rolling captions repeat the previous cue's last line(s) at the top of the next cue: keep them once.
        while clean and prev_lines and clean[0] in prev_lines[-2:]:
            clean.pop(0)
            merged += 1
        if not clean:
            continue
        prev_lines = clean
        if end < start:
            warnings.append(f"Line {no}: cue ends before it starts; its end was set to its start.")
            end = start
        rows.append((start, end, voice, " ".join(clean)))
    if merged:
        warnings.append(
            f"{merged} repeated caption lines (rolling captions) were merged so no text appears twice."
        )
    if any(r[2] for r in rows):
        pairs: list[tuple[str | None, str]] = [(r[2], r[3]) for r in rows]
    else:
        pairs = speaker_prefixes([r[3] for r in rows])
    segments = [Segment(r[0], r[1], spk, t) for r, (spk, t) in zip(rows, pairs, strict=True)]
    return Parsed(segments=segments, timing="exact", warnings=warnings)
