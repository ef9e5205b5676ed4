"""Podcasting 2.0 HTML transcripts: `<cite>Speaker:</cite> <time>0:00</time> <p>text</p>`, read with the
standard library's HTML parser (tolerant of unclosed tags)."""

from __future__ import annotations

import contextlib
from html.parser import HTMLParser

from ..model import Parsed, Segment, TranscriptError
from .common import parse_ts

NAME = "podcasting2-html"


def sniff(text: str) -> float:
    head = text[:5000].lower()
    if head.lstrip().startswith("<") and "<time" in head and ("<p" in head or "<cite" in head):
        return 0.9
    return 0.0


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tag: str | None = None
        self.speaker: str | None = None
        self.time: float | None = None
        self.text: list[str] = []
        self.rows: list[tuple[float | None, str | None, str]] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "head", "title"):
            self.skip += 1
        if tag in ("cite", "time", "p"):
            if tag in ("cite", "time") and self.text:
                self._flush()
            self.tag = tag
            if tag == "time":
                dt = dict(attrs).get("datetime")
                if dt:
                    self._set_time(dt)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head", "title"):
            self.skip = max(0, self.skip - 1)
        if tag == "p":
            self._flush()
        if tag == self.tag:
            self.tag = None

    def _set_time(self, value: str) -> None:
        with contextlib.suppress(
            ValueError
        ):  # a <time> that is not a time: the paragraph follows the last one
            self.time = parse_ts(value.strip().lstrip("PT"))

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.tag == "cite":
            name = data.strip().rstrip(":").strip()
            if name:
                self.speaker = name
        elif self.tag == "time":
            if data.strip():
                self._set_time(data)
        elif data.strip():
            self.text.append(data.strip())

    def _flush(self) -> None:
        t = " ".join(" ".join(self.text).split())
        if t:
            self.rows.append((self.time, self.speaker, t))
        self.text = []


def parse(text: str, *, fps: float = 30.0) -> Parsed:
    r = _Reader()
    try:
        r.feed(text)
        r.close()
    except (
        AssertionError,
        ValueError,
    ) as e:  # html.parser asserts on some malformed declarations (found by fuzzing)
        raise TranscriptError(f"This HTML transcript is malformed and cannot be read ({e}).") from e
    r._flush()
    warnings: list[str] = []
    segments: list[Segment] = []
    timed = [row for row in r.rows if row[0] is not None]
    for i, (start, speaker, t) in enumerate(r.rows):
        if start is None:
            start = segments[-1].end_s if segments else 0.0
            warnings.append(f"Paragraph {i + 1} has no time; it follows the one before.")
        nxt = next((x[0] for x in r.rows[i + 1 :] if x[0] is not None), None)
        end = max(start, nxt if nxt is not None else start + len(t.split()) * 60 / 160)
        segments.append(Segment(start, end, speaker, t))
    return Parsed(segments=segments, timing="exact" if timed else "estimated", warnings=warnings)
