"""WebVTT (.vtt): header, cue ids (numbers, Teams GUIDs), cue settings, NOTE/STYLE/REGION blocks, `<v Name>` with
or without `</v>`, tags and entities; Zoom's `Name: text` cues; YouTube's rolling auto-captions.

Written here rather than with `webvtt-py`: it glues a NOTE block that follows a cue without a blank line onto
that cue's text, drops `<v>` speakers, and ends a cue at a blank line inside it. Here a cue runs until the next
timing line or a NOTE/STYLE/REGION block, and a cue id line just before a timing line is dropped.
"""

from __future__ import annotations

import re
from typing import Any

from ..model import Parsed, Segment
from .common import (
    TS,
    H,
    LinePattern,
    lstripped_head,
    marked_blocks,
    split_speakers,
    strip_markup,
    ts_seconds,
)

NAME = "webvtt"
TIMING = rf"{H}*{TS}{H}*-->{H}*{TS}(?:{H}.*)?"
# A marker line is a timing line or the start of a NOTE/STYLE/REGION block (which ends at a blank line).
MARKER = LinePattern(rf"{TIMING}|(?P<block>NOTE|STYLE|REGION)(?:{H}.*)?")
CUE_ID = re.compile(r"^\S*\d\S*$")  # numbers, GUIDs, "0b8e…-1/2": one word with a digit
_VOICE = re.compile(r"<v(?:\.[\w.-]+)?[^\S\n]+([^>\n]+)>")
_BLANK_LINE = re.compile(r"\n[^\S\n]*(?=\n|$)")


def sniff(text: str) -> float:
    return 0.97 if lstripped_head(text, 6) == "WEBVTT" else 0.0


def _without_cue_id(body: str) -> str:
    """The cue's text without the next cue's id line at its end (`body` starts with the newline that ends the
    timing line, so `head` is empty when the id is the body's only line). An id is directly above its timing line;
    a one-word line with a digit that has a blank line under it is a cue's text (`2024`, `w3`)."""
    if not body.rstrip(" \t").endswith("\n") or body.rstrip(" \t")[:-1].rstrip(" \t").endswith("\n"):
        return body.rstrip()
    body = body.rstrip()
    head, _, last = body.rpartition("\n")
    if last and CUE_ID.match(last.strip()) and (not head or not head.rpartition("\n")[2].strip()):
        return head
    return body


def _marker(m: re.Match[str]) -> tuple[float, float] | tuple[()]:
    g = m.groups()
    if g[8]:
        return ()  # NOTE, STYLE or REGION
    return ts_seconds(g[0], g[1], g[2], g[3]), ts_seconds(g[4], g[5], g[6], g[7])


def parse(text: str, *, fps: float = 30.0) -> Parsed:
    warnings: list[str] = []
    rows: list[tuple[float, float, str | None, str]] = []
    prev_lines: list[str] = []
    merged = 0

    def add(no: int, start: float, end: float, body: str) -> None:
        nonlocal prev_lines, merged
        voice = None
        body = body.strip().replace("</v>", "")
        if body.startswith("<v") and "\n" not in body and (vm := _VOICE.match(body)):
            # the common cue, `<v Name>text` on one line: slice the voice tag off (same result as the general
            # path below, a third of its time on a 10 MB file)
            voice = " ".join(vm.group(1).split())
            clean = [c] if (c := strip_markup(body[vm.end() :])) else []
        else:
            if "<v" in body:
                vm = _VOICE.search(body)
                if vm:
                    voice = " ".join(vm.group(1).split())
            clean = [c for ln in body.split("\n") if (c := strip_markup(ln))]
        # Rolling captions repeat the previous cue's last line(s) at the top of the next cue: keep them once.
        while clean and prev_lines and clean[0] in prev_lines[-2:]:
            clean.pop(0)
            merged += 1
        if not clean:
            return
        prev_lines = clean
        if end < start:
            warnings.append(f"Line {no}: cue ends before it starts; its end was set to its start.")
            end = start
        rows.append((start, end, voice, clean[0] if len(clean) == 1 else " ".join(clean)))

    cue: list[Any] | None = (
        None  # [line number, start s, end s, text so far]: complete at the next timing line
    )
    _, blocks = marked_blocks(text, MARKER, _marker)
    for no, value, body in blocks:
        if (
            not value
        ):  # NOTE/STYLE/REGION: its text runs to the first blank line; what follows joins the cue above
            if cue is not None:
                blank = _BLANK_LINE.search(body)
                # a blank line separates what follows the block from the cue above
                cue[3] += "\n" + (body[blank.end() :] if blank is not None else "")
            continue
        if cue is not None:
            add(cue[0], cue[1], cue[2], _without_cue_id(cue[3]))
        cue = [no, value[0], value[1], body]
    if cue is not None:
        add(cue[0], cue[1], cue[2], cue[3])
    if merged:
        warnings.append(
            f"{merged} repeated caption lines (rolling captions) were merged so no text appears twice."
        )
    if any(r[2] for r in rows):
        segments = [Segment(*r) for r in rows]
    else:
        texts = [r[3] for r in rows]
        speakers = split_speakers(texts)
        segments = [Segment(r[0], r[1], spk, t) for r, spk, t in zip(rows, speakers, texts, strict=True)]
    return Parsed(segments=segments, timing="exact", warnings=warnings)
