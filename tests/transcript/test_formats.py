"""Every transcript family Recap reads, from small samples written for each row of the format table
(tests/data/formats). For each: the format is recognized from content, times and speakers are right, and every
spoken phrase of the input appears in the segments, in order ("nothing lost")."""

from __future__ import annotations

import pytest

from app.transcript import TranscriptError, read_file
from tests.helpers import DATA

F = DATA / "formats"

# file: (format, timing, segments, speakers, first start_s, phrases that must appear in order)
CASES: dict[str, tuple[str, str, int, list[str], float, list[str]]] = {
    "subrip.srt": (
        "srt",
        "exact",
        3,
        ["Alice", "Bob"],
        1.0,
        [
            "Welcome to the show.",
            "Thanks for having me.",
            "This line follows a blank line inside the cue.",
            "Let's talk about bread & butter.",
        ],
    ),
    "subrip_noindex_dots_100h.srt": (
        "srt",
        "exact",
        3,
        [],
        1.0,
        ["First cue without an index.", "Second cue with dots", "past one hundred hours."],
    ),
    "webvtt.vtt": (
        "webvtt",
        "exact",
        4,
        ["Alice", "Bob"],
        1.0,
        [
            "Welcome back to the podcast.",
            "We have a lot to cover & little time",
            "Teams puts GUIDs as cue ids.",
            "Short timestamps without hours work too.",
        ],
    ),
    "zoom.vtt": (
        "webvtt",
        "exact",
        3,
        ["Ann Lee", "Raj Patel"],
        0.5,
        ["Good morning, everyone.", "Morning! Shall we start with the roadmap?", "Yes, the roadmap first."],
    ),
    "youtube_auto.vtt": (
        "webvtt",
        "exact",
        3,
        [],
        0.0,
        ["so today we talk", "about rolling captions", "and why they repeat"],
    ),
    "premiere_brackets.txt": (
        "premiere",
        "exact",
        2,
        ["Host", "Guest"],
        0.0,
        ["Welcome to the brackets variant", "Frame counts go up to twenty-nine"],
    ),
    "whisper.json": ("json/whisper", "exact", 2, [], 0.0, ["Hello there.", "This is Whisper."]),
    "whisperx.json": (
        "json/whisperx",
        "exact",
        2,
        ["SPEAKER_00", "SPEAKER_01"],
        0.5,
        ["Welcome to the interview.", "Thank you for inviting me."],
    ),
    "whisper_cpp.json": (
        "json/whisper.cpp",
        "exact",
        2,
        [],
        0.0,
        ["The quick brown fox.", "Jumps over the lazy dog."],
    ),
    "whisper.tsv": ("whisper-tsv", "exact", 2, [], 0.0, ["A line from whisper TSV.", "And a second line."]),
    "aws_transcribe.json": (
        "json/aws",
        "exact",
        2,
        ["spk_0", "spk_1"],
        0.1,
        ["Hello world.", "How are you?"],
    ),
    "assemblyai.json": (
        "json/assemblyai",
        "exact",
        2,
        ["Speaker A", "Speaker B"],
        0.25,
        ["Hi, thanks for joining the call.", "Happy to be here."],
    ),
    "deepgram.json": (
        "json/deepgram",
        "exact",
        2,
        ["Speaker 0", "Speaker 1"],
        0.1,
        ["So let us begin the review.", "It went well."],
    ),
    "podcasting2.json": (
        "json/podcasting2",
        "exact",
        2,
        ["Jane", "Sam"],
        0.0,
        ["Welcome to the Podcasting 2.0 sample.", "Transcripts in JSON are part of the namespace."],
    ),
    "podcasting2.html": (
        "podcasting2-html",
        "exact",
        3,
        ["Jane", "Sam"],
        0.0,
        [
            "Welcome to the HTML transcript.",
            "HTML transcripts use cite, time & p elements.",
            "And times can pass an hour.",
        ],
    ),
    "otter.txt": (
        "otter",
        "exact",
        3,
        ["Maria Gomez", "Tom Becker"],
        3.0,
        ["Thanks everyone for joining.", "Revenue is up eight percent.", "let's move on to hiring."],
    ),
    "timestamped_brackets.txt": (
        "timestamped",
        "exact",
        3,
        ["Host", "Guest"],
        5.0,
        ["Welcome to the show.", "Glad to be here.", "This line has no time;", "Let's dig in."],
    ),
    "timestamped_parens.txt": (
        "timestamped",
        "exact",
        3,
        [],
        12.0,
        ["We start with the agenda.", "Then the budget.", "Finally, questions."],
    ),
    "timestamped_bold.md": (
        "timestamped",
        "exact",
        4,
        ["Priya", "Student"],
        0.0,
        ["Welcome to the lecture on graphs.", "Are trees graphs too?", "connected acyclic graphs."],
    ),
    "youtube_copy.txt": (
        "timestamped",
        "exact",
        3,
        [],
        0.0,
        ["welcome back to the channel", "building a bookshelf", "the end of the video"],
    ),
    "zoom_clock.txt": (
        "timestamped",
        "exact",
        3,
        ["Ann Lee", "Raj Patel"],
        0.0,
        ["Good morning everyone.", "Let's start with the roadmap.", "Agreed."],
    ),
    "bom_crlf.txt": (
        "speaker-lines",
        "estimated",
        3,
        ["Speaker 1", "Speaker 2"],
        0.0,
        ["Café talk.", "Yes, café."],
    ),
    "cp1252.txt": (
        "speaker-lines",
        "estimated",
        4,
        ["Zoë", "Marc"],
        0.0,
        ["Ça coûte 5 € pour un café crème.", "D’accord, très bien – merci."],
    ),
    "utf16_nobom.txt": (
        "speaker-lines",
        "estimated",
        4,
        ["Host", "Guest"],
        0.0,
        ["Hello in UTF-16", "Still readable."],
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_format(name: str) -> None:
    fmt, timing, n, speakers, first, phrases = CASES[name]
    t = read_file(F / name)
    assert t.format == fmt, t.format
    assert t.timing == timing
    assert len(t.segments) == n, [s.text for s in t.segments]
    assert t.speakers == speakers
    assert t.segments[0].start_s == pytest.approx(first)
    joined = " ".join(s.text for s in t.segments)
    pos = 0
    for p in phrases:
        i = joined.find(p, pos)
        assert i >= 0, f"lost or out of order: {p!r} in {joined!r}"
        pos = i + len(p)
    assert all(s.end_s >= s.start_s for s in t.segments)


def test_srt_hours_past_99() -> None:
    t = read_file(F / "subrip_noindex_dots_100h.srt")
    assert t.segments[-1].start_s == 123 * 3600 + 4 * 60 + 5


def test_webvtt_note_style_and_ids_are_not_speech() -> None:
    text = " ".join(s.text for s in read_file(F / "webvtt.vtt").segments)
    for junk in ("NOTE", "comment", "::cue", "0b8e9c7e", "align:start", "<v", "glued"):
        assert junk not in text


def test_rolling_captions_merged_and_reported() -> None:
    t = read_file(F / "youtube_auto.vtt")
    joined = " ".join(s.text for s in t.segments)
    assert joined.count("so today we talk") == 1 and joined.count("about rolling captions") == 1
    assert any("rolling captions" in w for w in t.warnings)


def test_wall_clock_times_become_media_times() -> None:
    t = read_file(F / "zoom_clock.txt")
    assert [s.start_s for s in t.segments] == [0.0, 6.0, 91.0]
    assert any("clock times" in w for w in t.warnings)


def test_repeated_sentence_runs_collapse() -> None:
    t = read_file(F / "repeated.srt")
    assert [s.text for s in t.segments] == ["We are starting now.", "Thank you for watching."]
    assert t.segments[1].end_s == 6.0
    assert any("repeated 4 times" in w for w in t.warnings)


def test_backwards_and_overlapping_times_sorted_and_reported() -> None:
    t = read_file(F / "backwards.srt")
    assert [s.text for s in t.segments] == ["First in time.", "Second in time.", "Overlapping the second."]
    assert any("sorted" in w for w in t.warnings)
    assert any("overlap" in w for w in t.warnings)


def test_unknown_json_shape_is_a_sentence() -> None:
    with pytest.raises(TranscriptError, match="shape Recap does not know .*foo, bar"):
        read_file(DATA / "bad" / "unknown_shape.json")


def test_damaged_json_is_a_sentence(tmp_path) -> None:  # noqa: ANN001
    p = tmp_path / "cut.json"
    p.write_text('{"segments": [{"start": 0, "end": 1, "text": "hi"}')
    with pytest.raises(TranscriptError, match="damaged"):
        read_file(p)


def test_encodings_are_reported() -> None:
    assert read_file(F / "bom_crlf.txt").encoding == "utf-8"
    assert read_file(F / "utf16_nobom.txt").encoding == "utf-16-le"
    assert read_file(F / "cp1252.txt").encoding.replace("_", "").lower() in ("cp1252", "windows1252")


def test_extension_does_not_decide(tmp_path) -> None:  # noqa: ANN001
    p = tmp_path / "really_srt.txt"
    p.write_bytes((F / "subrip.srt").read_bytes())
    assert read_file(p).format == "srt"
    q = tmp_path / "really_vtt.json"
    q.write_bytes((F / "webvtt.vtt").read_bytes())
    assert read_file(q).format == "webvtt"


def test_symlink_loop(tmp_path) -> None:  # noqa: ANN001
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.symlink_to(b)
    b.symlink_to(a)
    with pytest.raises(TranscriptError, match="could not be read"):
        read_file(a)
