"""JSON from speech-to-text tools and services, recognized by shape:

- openai-whisper `{"segments": [{"start", "end", "text"}]}` (seconds); WhisperX adds `speaker`
- whisper.cpp `-oj` `{"transcription": [{"offsets": {"from", "to"}, "text"}]}` (milliseconds)
- AWS Transcribe `{"results": {"items": [...], "speaker_labels": {...}}}` (times as strings, seconds)
- AssemblyAI `{"utterances": [{"start", "end", "speaker", "text"}]}` (milliseconds, speaker letters)
- Deepgram `{"results": {"channels": [{"alternatives": [{...}]}], "utterances": [...]}}` (seconds)
- Podcasting 2.0 JSON `{"segments": [{"speaker", "startTime", "endTime", "body"}]}` (seconds)
- any other shape: by its content (json_infer), the list of timed texts found at any depth

A media duration the file declares (`metadata.duration`, AssemblyAI's `audio_duration`) becomes the transcript's.
JSON is parsed by the standard library; nesting past its recursion limit is refused with a sentence, and
NaN/Infinity (which Python's parser accepts) are read as null.
"""

from __future__ import annotations

import dataclasses
import json
import math
from typing import Any

from ..model import Parsed, Segment, TranscriptError
from .common import lstripped_head
from .json_infer import infer
from .json_values import declared_duration, speaker_name

NAME = "json"


def sniff(text: str) -> float:
    first = lstripped_head(text, 1)
    last = text[-4096:].rstrip()[-1:] or text.rstrip()[-1:]  # the tail, not a copy of the whole text
    return 0.99 if first and first in "{[" and last and last in "}]" else 0.0


def _f(v: Any) -> float:
    f = float(v)
    if not math.isfinite(f):
        raise ValueError(f"{v!r} is not a time")
    return f


def _seg(start: Any, end: Any, speaker: Any, text: Any, scale: float = 1.0) -> Segment | None:
    t = " ".join(str(text or "").split())
    if not t:
        return None
    s, e = _f(start) * scale, _f(end) * scale
    if isinstance(speaker, dict | list):  # an object with a name (or something else that is not a name)
        spk = speaker_name(speaker) if isinstance(speaker, dict) else None
    else:
        spk = str(speaker).strip() or None if speaker not in (None, "") else None
    return Segment(s, max(s, e), spk, t)


def _speaker_label(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, int):
        return f"Speaker {v}"
    s = str(v)
    return f"Speaker {s}" if len(s) == 1 and s.isalpha() else s


def _whisper(d: dict[str, Any]) -> list[Segment | None]:
    return [_seg(x["start"], x["end"], x.get("speaker"), x.get("text")) for x in d["segments"]]


def _podcasting(d: dict[str, Any]) -> list[Segment | None]:
    return [_seg(x["startTime"], x["endTime"], x.get("speaker"), x.get("body")) for x in d["segments"]]


def _whisper_cpp(d: dict[str, Any]) -> list[Segment | None]:
    return [
        _seg(x["offsets"]["from"], x["offsets"]["to"], None, x.get("text"), 0.001) for x in d["transcription"]
    ]


def _assemblyai(d: dict[str, Any]) -> list[Segment | None]:
    if d.get("utterances"):
        return [
            _seg(u["start"], u["end"], _speaker_label(u.get("speaker")), u.get("text"), 0.001)
            for u in d["utterances"]
        ]
    return _sentences([(w["start"] / 1000, w["end"] / 1000, None, w["text"]) for w in d["words"]])


def _deepgram(d: dict[str, Any]) -> list[Segment | None]:
    r = d["results"]
    if r.get("utterances"):
        return [
            _seg(u["start"], u["end"], _speaker_label(u.get("speaker")), u.get("transcript"))
            for u in r["utterances"]
        ]
    alt = r["channels"][0]["alternatives"][0]
    paragraphs = (alt.get("paragraphs") or {}).get("paragraphs")
    if paragraphs:
        out: list[Segment | None] = []
        for p in paragraphs:
            text = " ".join(s["text"] for s in p.get("sentences", []))
            out.append(_seg(p["start"], p["end"], _speaker_label(p.get("speaker")), text))
        return out
    words = alt.get("words") or []
    if words:
        return _sentences(
            [
                (
                    w["start"],
                    w["end"],
                    _speaker_label(w.get("speaker")),
                    w.get("punctuated_word") or w["word"],
                )
                for w in words
            ]
        )
    return [_seg(0, 0, None, alt.get("transcript"))]


def _aws(d: dict[str, Any]) -> list[Segment | None]:
    r = d["results"]
    speaker_at: list[tuple[float, float, str]] = []
    for seg in (r.get("speaker_labels") or {}).get("segments", []):
        speaker_at.append((float(seg["start_time"]), float(seg["end_time"]), seg["speaker_label"]))
    words: list[tuple[float, float, str | None, str]] = []
    last_end = 0.0
    for it in r["items"]:
        content = it["alternatives"][0]["content"]
        if it.get("type") == "punctuation":
            if words:
                s, e, spk, w = words[-1]
                words[-1] = (s, e, spk, w + content)
            continue
        s, e = float(it["start_time"]), float(it["end_time"])
        last_end = e
        spk = it.get("speaker_label") or next((lab for a, b, lab in speaker_at if a <= s <= b), None)
        words.append((s, e, spk, content))
    if not words and r.get("transcripts"):
        return [_seg(0, last_end, None, r["transcripts"][0].get("transcript"))]
    return _sentences(words)


def _sentences(words: list[tuple[float, float, str | None, str]]) -> list[Segment | None]:
    """Word lists become segments: a new one at a speaker change, a sentence end, a pause, or 40 words."""
    out: list[Segment | None] = []
    cur: list[tuple[float, float, str | None, str]] = []
    for w in words:
        if cur and (w[2] != cur[-1][2] or w[0] - cur[-1][1] > 1.5 or len(cur) >= 40):
            out.append(_seg(cur[0][0], cur[-1][1], cur[0][2], " ".join(x[3] for x in cur)))
            cur = []
        cur.append(w)
        if w[3].endswith((".", "?", "!")) and len(cur) >= 8:
            out.append(_seg(cur[0][0], cur[-1][1], cur[0][2], " ".join(x[3] for x in cur)))
            cur = []
    if cur:
        out.append(_seg(cur[0][0], cur[-1][1], cur[0][2], " ".join(x[3] for x in cur)))
    return out


def _shape(d: Any) -> tuple[str, Any] | None:
    if isinstance(d, list) and d and isinstance(d[0], dict) and {"start", "end", "text"} <= set(d[0]):
        return "whisper", {"segments": d}
    if not isinstance(d, dict):
        return None
    segs = d.get("segments")
    if isinstance(segs, list) and segs and isinstance(segs[0], dict):
        if {"startTime", "body"} <= set(segs[0]):
            return "podcasting2", d
        if {"start", "end", "text"} <= set(segs[0]):
            return "whisper", d
    if isinstance(d.get("transcription"), list):
        return "whisper.cpp", d
    if isinstance(d.get("utterances"), list) or (isinstance(d.get("words"), list) and "text" in d):
        return "assemblyai", d
    r = d.get("results")
    if isinstance(r, dict) and isinstance(r.get("channels"), list):
        return "deepgram", d
    if isinstance(r, dict) and isinstance(r.get("items"), list):
        return "aws", d
    return None


READERS = {
    "whisper": _whisper,
    "podcasting2": _podcasting,
    "whisper.cpp": _whisper_cpp,
    "assemblyai": _assemblyai,
    "deepgram": _deepgram,
    "aws": _aws,
}


KNOWN = "Whisper, WhisperX, whisper.cpp, AWS Transcribe, AssemblyAI, Deepgram and Podcasting 2.0"


def load(text: str) -> Any:
    """The parsed JSON, or TranscriptError with a sentence (damaged, or nested absurdly deep)."""
    try:
        return json.loads(text, parse_constant=lambda _: None)
    except json.JSONDecodeError as e:
        raise TranscriptError(
            f"This JSON file is damaged (line {e.lineno}, column {e.colno}: {e.msg})."
        ) from e
    except RecursionError:  # the parser's own guard (it stops at the interpreter's recursion limit)
        raise TranscriptError(
            "This JSON file is nested too deeply to be a transcript (over a thousand levels of brackets)."
        ) from None


def _known(d: Any) -> Parsed | None:
    found = _shape(d)
    if found is None:
        return None
    kind, data = found
    try:
        segs = READERS[kind](data)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as e:
        if infer(d) is not None:
            return None  # not that shape after all: read it by its content
        raise TranscriptError(
            f"This looks like {kind} JSON, but a required field is missing or wrong ({str(e)[:80]!r})."
        ) from e
    segments = [s for s in segs if s is not None]
    warnings = []
    if len(segs) > len(segments):
        warnings.append(f"{len(segs) - len(segments)} entries without text were skipped.")
    if kind == "whisper" and any(s.speaker for s in segments):
        kind = "whisperx"
    return Parsed(segments=segments, timing="exact", warnings=warnings, format=f"json/{kind}")


def _duration(d: Any, segments: list[Segment]) -> tuple[float | None, str | None]:
    """The declared media duration in seconds, and the key it was found at."""
    found = declared_duration(d)
    if found is None:
        return None, None
    value, unit, where = found
    last = max((s.end_s for s in segments), default=0.0)
    if unit == "ms" or (unit is None and value > 100 * max(last, 1.0) and value / 1000 >= last - 1):
        value /= 1000  # a duration key that does not say its unit, in milliseconds by its size
    return value, where


def parse(text: str, *, fps: float = 30.0) -> Parsed:
    d = load(text)
    parsed = _known(d)
    if parsed is None:
        found = infer(d)
        if found is None:
            keys = ", ".join(str(k) for k in list(d)[:8]) if isinstance(d, dict) else type(d).__name__
            raise TranscriptError(
                f"This JSON file has a shape Recap does not know (top level: {keys[:120]}), and no list in it "
                f"holds text with times. Recap reads {KNOWN} JSON, and any JSON with such a list."
            )
        parsed = Parsed(
            segments=found.segments,
            timing="exact",
            warnings=found.warnings,
            format="json/inferred",
            notes=[found.description],
        )
    duration, where = _duration(d, parsed.segments)
    return dataclasses.replace(parsed, duration_s=duration, duration_from=where)  # all else as read
