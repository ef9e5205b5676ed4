"""Hypothesis over the shapes of issue 13: timed texts nested at any depth in JSON of any shape, arbitrary JSON
values, and timestamped lines wrapped in Markdown markup. A generated transcript must read back exactly; anything
else must read or be refused with the reader's own sentence, never another exception."""

from __future__ import annotations

import json
import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.transcript import TranscriptError, read_text

WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéü", min_size=1, max_size=8)
TEXT = st.lists(WORD, min_size=1, max_size=6).map(" ".join)
NAMES = st.sampled_from(["Ann", "Bob Ray", "Chidi"])
WRAPPER_KEYS = st.sampled_from(["data", "transcript", "sections", "turns", "results", "payload", "x"])


def _clock(s: float) -> str:
    return f"{int(s // 3600):02d}:{int(s // 60 % 60):02d}:{s % 60:06.3f}"


@st.composite
def nested_transcript(draw: st.DrawFn) -> tuple[object, list[tuple[float, float, str | None, str]]]:
    """A list of timed texts with a random vocabulary and unit, wrapped in random objects and lists."""
    n = draw(st.integers(1, 12))
    gaps = draw(st.lists(st.integers(1, 20_000), min_size=n, max_size=n))  # ms between starts
    starts_ms = [sum(gaps[: i + 1]) for i in range(n)]
    text_key = draw(st.sampled_from(["text", "caption", "body", "content", "utterance"]))
    start_key, end_key = draw(
        st.sampled_from([("start", "end"), ("begin", "finish"), ("from", "to"), ("start", "stop")])
    )
    unit = draw(st.sampled_from(["s", "ms", "clock"]))
    speaker_kind = draw(st.sampled_from(["none", "str", "obj", "parent"]))
    rows = []
    expected = []
    for i, ms in enumerate(starts_ms):
        end_ms = ms + draw(st.integers(100, 900))  # ends before the next start (gaps ≥ 1 ms... or overlap)
        words = draw(TEXT) + " " + "q" * (i + 1)  # no three alike in a row (the reader collapses those loops)
        name = draw(NAMES)
        if unit == "s":
            s, e = ms / 1000, end_ms / 1000
            row: dict[str, object] = {start_key: s, end_key: e}
        elif unit == "ms":
            row = {f"{start_key}Ms": ms, f"{end_key}Ms": end_ms}
        else:
            row = {start_key: _clock(ms / 1000), end_key: _clock(end_ms / 1000)}
        row[text_key] = words
        if speaker_kind == "str":
            row["speaker"] = name
        elif speaker_kind == "obj":
            row["speaker"] = {"id": i, "name": name}
        rows.append(row)
        expected.append(
            (ms / 1000, end_ms / 1000, None if speaker_kind in ("none", "parent") else name, words)
        )
    value: object = rows
    if speaker_kind == "parent":  # every row in a turn of its own, the turn naming the speaker
        value = [{"speaker": {"name": exp_name}, "blocks": [r]} for r, exp_name in zip(rows, ["Ann"] * n)]
        expected = [(a, b, "Ann", t) for a, b, _, t in expected]
    for key in draw(st.lists(WRAPPER_KEYS, max_size=5)):
        value = {key: value, "title": "not speech"} if draw(st.booleans()) else [value]
    if isinstance(value, list) and value and isinstance(value[0], dict) and "start" in value[0]:
        pass  # a bare list of {start, end, text} is read as Whisper's shape: the same reading
    return value, expected


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(nested_transcript())
def test_nested_timed_texts_read_back_exactly(
    case: tuple[object, list[tuple[float, float, str | None, str]]],
) -> None:
    value, expected = case
    t = read_text(json.dumps(value))
    got = [(s.start_s, s.end_s, s.speaker, s.text) for s in t.segments]
    assert len(got) == len(expected)
    for (gs, ge, gspk, gt), (es, ee, espk, et) in zip(got, sorted(expected), strict=True):
        assert math.isclose(gs, es, abs_tol=1e-6) and math.isclose(ge, ee, abs_tol=1e-6)
        assert (gspk, gt) == (espk, et)


JSON_KEYS = st.sampled_from(
    ["start", "end", "stop", "text", "speaker", "name", "segments", "turns", "metadata", "duration", "offsets",
     "from", "to", "words", "results", "utterances", "items", "transcription"]
)  # fmt: skip
JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from(["", " ", "00:01:02", "1:2:3:4", "12.5", "-1", "hello world", "SPEAKER_00", "A"])
)
ANY_JSON = st.recursive(
    JSON_SCALARS,
    lambda kids: st.lists(kids, max_size=5) | st.dictionaries(JSON_KEYS, kids, max_size=6),
    max_leaves=40,
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANY_JSON)
def test_any_json_reads_or_gets_one_sentence(value: object) -> None:
    try:
        t = read_text(json.dumps(value))
    except TranscriptError as e:
        assert "\n" not in str(e)
        return
    assert t.segments
    assert all(math.isfinite(s.start_s) and s.end_s >= s.start_s >= 0 for s in t.segments)
    assert math.isfinite(t.duration_s) and t.duration_s >= t.segments[-1].end_s


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 30_000), st.sampled_from(["[", '{"a":', '[{"text": "x", "start": 1, "k": ']))
def test_any_nesting_depth_reads_or_gets_one_sentence(depth: int, opener: str) -> None:
    closer = {"[": "]", '{"a":': "}", '[{"text": "x", "start": 1, "k": ': "}]"}[opener]
    try:
        read_text(opener * depth + "null" + closer * depth)
    except TranscriptError as e:
        assert "\n" not in str(e)


MARKUP = st.sampled_from(
    [
        "**[{t}] {n}:** {w}",
        "__[{t}]__ {n}: {w}",
        "*[{t}]* {n}: {w}",
        "[{t}](https://example.org/e?t=1) {n}: {w}",
        "[**{t}**] {n}: {w}",
        "**{n} ({t}):** {w}",
        "_{n} [{t}]_ {w}",
        "**{n}** [{t}] {w}",
        "[{t}] {n}: {w}",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(MARKUP, NAMES, TEXT, MARKUP, TEXT), min_size=1, max_size=8))
def test_markup_wrapped_lines_read_back_exactly(drawn: list[tuple[str, str, str, str, str]]) -> None:
    """Every line names its speaker, in one markup shape or another, and every speaker speaks twice or more (a
    `Name:` said once is text, by design): each line's speaker, time and words."""
    entries = [(a, name, w) for a, name, w, _, _ in drawn] + [(b, name, w) for _, name, _, b, w in drawn]
    lines = []
    entries = [(shape, name, f"{words} {'q' * (i + 1)}") for i, (shape, name, words) in enumerate(entries)]
    for i, (shape, name, words) in enumerate(entries):
        lines.append(shape.format(t=f"{i // 60:02d}:{i % 60:02d}", n=name, w=words))
    t = read_text("\n".join(lines))
    assert t.format == "timestamped"
    assert [(s.start_s, s.speaker, s.text) for s in t.segments] == [
        (float(i), name, words) for i, (_, name, words) in enumerate(entries)
    ]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(["**", "__", "*", "_", "[", "](", ")", "12:34", " ", "Ann:", "x", "\n", "<b>", ":"]),
        max_size=60,
    )
)
def test_markup_soup_reads_or_gets_one_sentence(parts: list[str]) -> None:
    try:
        t = read_text("".join(parts))
    except TranscriptError:
        return
    assert t.segments and all(s.text.strip() for s in t.segments)
