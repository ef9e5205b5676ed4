"""A finished (or partial) result in the formats people paste and publish. Pure Python, no Qt.

Each exporter takes a Result and returns the text, or raises ExportError with one sentence saying why it can't:
no chapters, times that are only estimates (a media player would jump to the wrong moment), or chapters that
break a platform's rules (YouTube ignores a chapter list that does not start at 0:00, has fewer than three
chapters, or has one shorter than ten seconds; Recap says so instead of writing a list YouTube would drop).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass

from ..summarize.events import Result
from .markdown import to_markdown

YOUTUBE_MIN_CHAPTERS = 3
YOUTUBE_MIN_LENGTH_S = 10.0


class ExportError(Exception):
    """Why a result can't be written in a format: one sentence for the user."""


@dataclass(frozen=True)
class Span:
    start_s: float
    end_s: float
    title: str


def spans(r: Result) -> list[Span]:
    """Chapters with their ends: their own, the next chapter's start, or the end of the transcript."""
    return [Span(c.start_s, max(c.start_s, r.chapter_end(i)), c.title) for i, c in enumerate(r.chapters)]


def _media_spans(r: Result, what: str) -> list[Span]:
    if not r.chapters:
        raise ExportError(f"There are no chapters to write as {what}.")
    if r.timing == "estimated":
        raise ExportError(
            f"This transcript has no timestamps, so its chapter times are estimates; {what} would send "
            "listeners to the wrong moment. Use a transcript with times (SRT, VTT, JSON ...)."
        )
    return spans(r)


def clock(seconds: float, *, hours: bool) -> str:
    """YouTube's style: m:ss, or h:mm:ss when the video is an hour or longer."""
    s = int(seconds)
    if hours:
        return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"
    return f"{s // 60}:{s % 60:02d}"


def hmsms(seconds: float, sep: str = ".") -> str:
    ms = int(round(seconds * 1000))
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d}{sep}{ms % 1000:03d}"


def to_text(r: Result) -> str:
    est = "≈" if r.timing == "estimated" else ""
    out = [r.title, "=" * len(r.title), "", r.summary.strip() or "(no summary)", "", "Chapters", ""]
    out += [f"{est}{hmsms(s.start_s)[:8]}  {s.title}" for s in spans(r)] or ["(no chapters)"]
    return "\n".join(out) + "\n"


def to_json(r: Result) -> str:
    d = r.to_dict()
    d["notes"] = list(r.notes)
    return json.dumps(d, ensure_ascii=False, indent=2) + "\n"


def to_youtube(r: Result) -> str:
    ch = _media_spans(r, "YouTube chapters")
    if len(ch) < YOUTUBE_MIN_CHAPTERS:
        raise ExportError(
            f"YouTube needs at least {YOUTUBE_MIN_CHAPTERS} chapters; this result has {len(ch)}, "
            "so YouTube would ignore the list."
        )
    if ch[0].start_s > 0:
        raise ExportError("YouTube needs the first chapter at 0:00; this one starts later.")
    for a, b in zip(ch, ch[1:], strict=False):
        if b.start_s <= a.start_s:
            raise ExportError(f"YouTube needs chapters in ascending order; “{b.title}” is out of order.")
    short = [s for s in ch if s.end_s - s.start_s < YOUTUBE_MIN_LENGTH_S]
    if short:
        raise ExportError(
            f"YouTube needs every chapter to last at least {YOUTUBE_MIN_LENGTH_S:.0f} s; "
            f"“{short[0].title}” is shorter."
        )
    hours = r.duration_s >= 3600 or ch[-1].start_s >= 3600
    return "\n".join(f"{clock(s.start_s, hours=hours)} {s.title}" for s in ch) + "\n"


def to_podcasting20(r: Result) -> str:
    """Podcasting 2.0 JSON chapters (podcastindex.org `podcast:chapters`, version 1.2.0)."""
    ch = _media_spans(r, "podcast chapters")
    data = {
        "version": "1.2.0",
        "chapters": [
            {"startTime": round(s.start_s, 3), "endTime": round(s.end_s, 3), "title": s.title} for s in ch
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


PODLOVE_NS = "http://podlove.org/simple-chapters"


def to_podlove(r: Result) -> str:
    """Podlove Simple Chapters (PSC 1.2) XML, built with ElementTree so titles are escaped correctly."""
    ch = _media_spans(r, "Podlove chapters")
    ET.register_namespace("psc", PODLOVE_NS)
    root = ET.Element(f"{{{PODLOVE_NS}}}chapters", {"version": "1.2"})
    for s in ch:
        ET.SubElement(root, f"{{{PODLOVE_NS}}}chapter", {"start": hmsms(s.start_s), "title": s.title})
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def to_webvtt_chapters(r: Result) -> str:
    """A WebVTT chapters track (`<track kind="chapters">`): one cue per chapter."""
    ch = _media_spans(r, "a WebVTT chapters track")
    out = ["WEBVTT", ""]
    for i, s in enumerate(ch, 1):
        end = s.end_s if s.end_s > s.start_s else s.start_s + 1.0  # a cue needs a length
        title = s.title.replace("-->", "→")  # the one sequence a cue's text may not contain
        out += [f"chapter-{i}", f"{hmsms(s.start_s)} --> {hmsms(end)}", title, ""]
    return "\n".join(out)


def _ffescape(value: str) -> str:
    """FFmpeg metadata escaping: `=`, `;`, `#`, `\\` and newlines get a backslash."""
    out = []
    for c in value:
        if c in "=;#\\\n":
            out.append("\\")
        out.append(c)
    return "".join(out)


def to_ffmetadata(r: Result) -> str:
    """FFmpeg's metadata file (`ffmpeg -i in.mp3 -i chapters.txt -map_metadata 1 -codec copy out.mp3`)."""
    ch = _media_spans(r, "FFmpeg chapters")
    out = [";FFMETADATA1", f"title={_ffescape(r.title)}", ""]
    for s in ch:
        out += [
            "[CHAPTER]",
            "TIMEBASE=1/1000",
            f"START={int(round(s.start_s * 1000))}",
            f"END={int(round(max(s.end_s, s.start_s + 0.001) * 1000))}",
            f"title={_ffescape(s.title)}",
            "",
        ]
    return "\n".join(out)


@dataclass(frozen=True)
class ExportFormat:
    id: str  # the CLI's --format value
    label: str  # menu text
    extension: str  # of the file it is saved as
    render: Callable[[Result], str]


FORMATS: dict[str, ExportFormat] = {
    f.id: f
    for f in [
        ExportFormat("markdown", "Markdown", ".md", to_markdown),
        ExportFormat("text", "Plain text", ".txt", to_text),
        ExportFormat("json", "JSON (full result)", ".json", to_json),
        ExportFormat("youtube", "YouTube description chapters", ".txt", to_youtube),
        ExportFormat("podcast-json", "Podcasting 2.0 chapters (JSON)", ".chapters.json", to_podcasting20),
        ExportFormat("podlove", "Podlove Simple Chapters (XML)", ".psc.xml", to_podlove),
        ExportFormat("webvtt", "WebVTT chapters track", ".chapters.vtt", to_webvtt_chapters),
        ExportFormat("ffmetadata", "FFmpeg metadata (FFMETADATA)", ".ffmetadata.txt", to_ffmetadata),
    ]
}


def render(r: Result, format_id: str) -> str:
    """The result in a format, or ExportError with the reason it can't be written."""
    return FORMATS[format_id].render(r)
