"""Values inside transcript JSON of any shape: times (seconds, milliseconds, `hh:mm:ss` strings), speakers (a
string, a number, an object with a name), the media duration a file declares, and the key names each goes by.

Keys are compared normalized (lower case, no `_`, `-` or spaces): `start_time`, `startTime` and `Start-Time` are
one key. Non-finite numbers (JSON's NaN/Infinity, `1e999`) are never a time.
"""

from __future__ import annotations

import math
import re
from typing import Any

from ..timefmt import parse_hms


def norm(key: str) -> str:
    return key.lower().replace("_", "").replace("-", "").replace(" ", "")


_UNIT_SUFFIX = re.compile(r"(?<=.)(?:milliseconds|millis|msec|ms|seconds|secs|sec)$")


def base(key: str) -> str:
    """A normalized key without its unit suffix: `startMs` and `start_seconds` are `start`."""
    return _UNIT_SUFFIX.sub("", norm(key))


TEXT_KEYS = ("text", "transcript", "body", "content", "utterance", "sentence", "caption", "line", "words")
# Time keys by their base name: a unit suffix (`startMs`, `end_seconds`) is taken off before they are compared.
START_KEYS = (
    "start", "starttime", "starts", "startoffset", "begin", "begintime", "from", "offset", "tstart", "t0",
    "time", "timestamp", "ts", "in", "startat",
)  # fmt: skip
END_KEYS = (
    "end", "endtime", "ends", "endoffset", "stop", "stoptime", "to", "finish", "tend", "t1", "out", "endat",
)  # fmt: skip
LENGTH_KEYS = ("duration", "dur", "length")  # an entry's length: its end is its start plus this
SPEAKER_KEYS = (
    "speaker", "speakername", "speakerlabel", "speakerid", "speakertag", "spk", "spkid",
    "author", "participant", "voice", "who",
)  # fmt: skip
NAME_KEYS = ("name", "fullname", "displayname", "label", "speakername", "title", "identifier")
DURATION_KEYS = ("duration", "audioduration", "mediaduration", "durations", "durationsec", "durationseconds",
                 "durationms", "totalduration", "length", "lengths")  # fmt: skip
TIME_HOLDERS = ("offsets", "timestamps", "timing", "times", "time", "span", "range")  # {"from", "to"} inside

_MS = re.compile(r"(?:ms|millis|milliseconds|msec)$")
_SECONDS = re.compile(r"(?:sec|seconds|secs)$")
_NUMBER = re.compile(r"^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*s?\s*$")


def key_unit(key: str) -> str | None:
    """ "ms" or "s" when a key's name says its unit, else None."""
    k = norm(key)
    if _MS.search(k):
        return "ms"
    if _SECONDS.search(k):
        return "s"
    return None


def number(v: Any) -> float | None:
    """A finite number, or a string that is one (`"12.5"`, `"12.5s"`), else None. Booleans are not numbers."""
    if isinstance(v, bool):
        return None
    if isinstance(v, int | float):
        f = float(v)
    elif isinstance(v, str) and len(v) < 40 and _NUMBER.match(v):
        f = float(v.strip().rstrip("s"))
    else:
        return None
    return f if math.isfinite(f) and f >= 0 else None


def clock(v: Any) -> float | None:
    """`h:mm:ss(.fff)` or `mm:ss` as seconds, else None."""
    if not isinstance(v, str) or ":" not in v or len(v) > 20:
        return None
    try:
        f = parse_hms(v)
    except ValueError:
        return None
    return f if math.isfinite(f) and f >= 0 else None


def speaker_name(v: Any) -> str | None:
    """A speaker from a string, a number (`Speaker 2`), a single letter (`Speaker A`) or an object with a name."""
    if isinstance(v, dict):
        by_key = {norm(k): x for k, x in v.items() if isinstance(k, str)}
        for k in NAME_KEYS:
            x = by_key.get(k)
            if isinstance(x, str) and x.strip():
                return " ".join(x.split())
        for k in ("id", "speakerid", "identifier"):
            if k in by_key and (name := speaker_name(by_key[k])):
                return name
        return None
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, int) or (isinstance(v, float) and v.is_integer()):
        return f"Speaker {int(v)}"
    if isinstance(v, str):
        s = " ".join(v.split())
        if not s or len(s) > 60:
            return None
        return f"Speaker {s}" if len(s) == 1 and s.isalpha() else s
    return None


def declared_duration(d: Any) -> tuple[float, str | None, str] | None:
    """(value, unit named by its key or None, where it was found) of the media duration a file declares: a duration
    key at the top level or in an object directly under it (`metadata.duration`). Lists are not searched: an
    entry's own `duration` is not the media's."""
    if not isinstance(d, dict):
        return None
    places: list[tuple[str, dict[str, Any]]] = [("", d)]
    places += [(f"{k}.", v) for k, v in d.items() if isinstance(v, dict)]
    for prefix, obj in places:
        for k, v in obj.items():
            if isinstance(k, str) and norm(k) in DURATION_KEYS:
                value = clock(v)
                unit: str | None = "s"
                if value is None:
                    value, unit = number(v), key_unit(k)
                if value:
                    return value, unit, prefix + k
    return None
