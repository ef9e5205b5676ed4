"""The long tail of real files (issue 13), one sample each in tests/data/formats, written for these tests: each is
read exactly as expected, times, speakers, every word and duration."""

from __future__ import annotations

import json

import pytest

from app import cli
from app.transcript import read_file, read_text
from tests.helpers import DATA

F = DATA / "formats"


def _rows(name: str) -> list[tuple[float, float, str | None, str]]:
    return [(s.start_s, s.end_s, s.speaker, s.text) for s in read_file(F / name).segments]


def test_markdown_emphasis_and_links_around_times_and_speakers() -> None:
    t = read_file(F / "timestamped_markdown.md")
    assert t.format == "timestamped" and t.timing == "exact"
    assert [s.start_s for s in t.segments] == [0, 7, 15, 24, 31, 38, 45, 52]
    assert [s.speaker for s in t.segments] == ["SPEAKER_01", "SPEAKER_02"] * 4
    assert [s.text for s in t.segments] == [
        "Welcome aboard the sleeper to Vienna.",
        "Thanks, it is my first night train.",
        "The bunks fold down after dinner, so eat slowly.",
        "Do the windows open?",
        "Only a crack, for safety.",
        "Then I will take the top bunk.",
        "Good choice, the view is better.",
        "And the snoring is quieter up there, 2 * 3 times quieter.",  # a `*` between spaces is not emphasis
    ]
    assert not any("example.org" in s.text or "**" in s.text for s in t.segments)


# every line shape timestamped.py knows, wrapped in each kind of markup: (line, start s, speaker, text)
SHAPES = [
    ("**[00:12] Ann:** first words here", 12, "Ann", "first words here"),
    ("__[00:12]__ Ann: first words here", 12, "Ann", "first words here"),
    ("*[00:12]* Ann: first words here", 12, "Ann", "first words here"),
    ("[00:12](https://example.org/v?t=12) Ann: first words here", 12, "Ann", "first words here"),
    ("**(00:12)** first words here", 12, None, "first words here"),
    ("**00:00:12** - first words here", 12, None, "first words here"),
    ("**Ann (00:12):** first words here", 12, "Ann", "first words here"),
    ("_Ann [00:12]_ first words here", 12, "Ann", "first words here"),
    ("[Ann](https://example.org/ann) [00:12]: first words here", 12, "Ann", "first words here"),
    ("**Ann** [00:12] first words here", 12, "Ann", "first words here"),
]


@pytest.mark.parametrize("line,start,speaker,words", SHAPES, ids=[s[0][:24] for s in SHAPES])
def test_each_line_shape_with_markup(line: str, start: float, speaker: str | None, words: str) -> None:
    later = [
        line.replace("00:12", t).replace("first words here", w)
        for t, w in (("00:20", "more"), ("01:05", "the end"))
    ]
    t = read_text("\n".join([line, *later]))
    assert t.format == "timestamped"
    assert [(s.start_s, s.speaker, s.text) for s in t.segments] == [
        (start, speaker, words),
        (20, speaker, "more"),
        (65, speaker, "the end"),
    ]


def test_zoom_header_in_emphasis() -> None:
    t = read_text("**[Ann Lee] 11:02:09**\nGood morning.\n**[Raj Patel] 11:02:15**\nMorning!\n")
    assert [(s.start_s, s.speaker, s.text) for s in t.segments] == [
        (0, "Ann Lee", "Good morning."),
        (6, "Raj Patel", "Morning!"),
    ]


def test_markdown_headings_and_list_items_without_times_are_left_alone() -> None:
    t = read_text("[00:01] Ann: one\n*an aside in italics*\n[00:05] Bob: two\n[00:09] Ann: three\n")
    assert [s.text for s in t.segments] == ["one *an aside in italics*", "two", "three"]


@pytest.mark.parametrize(
    "name,speakers",
    [
        ("subrip_turn_prefixes.srt", ["MARCUS"] * 3 + ["JUNE"] * 2 + ["MARCUS"] * 2 + ["JUNE"] * 2),
        ("webvtt_turn_prefixes.vtt", ["Ines"] * 2 + ["Tomas"] * 2 + ["Ines"] * 2),
    ],
)
def test_speaker_prefix_carries_over_to_the_cues_of_its_turn(name: str, speakers: list[str]) -> None:
    t = read_file(F / name)
    assert [s.speaker for s in t.segments] == speakers
    assert not any(s.text.startswith(("MARCUS:", "JUNE:", "Ines:", "Tomas:")) for s in t.segments)
    if name.endswith(".srt"):
        assert t.segments[0].text == "So the ferry leaves at seven, and the last bus is at six-thirty."
        # a colon inside the text of a carried-over cue stays text
        assert t.segments[-1].text == "I will bring the timetable: the winter one, not the summer one."
    else:
        assert t.segments[1].text == "It starts in the winter of 1911."


def test_colons_that_are_part_of_the_text_are_not_speakers() -> None:
    t = read_file(F / "subrip_colons_in_text.srt")
    assert t.speakers == []
    texts = [s.text for s in t.segments]
    assert texts[0] == "Remember: the dough must rest overnight."
    assert texts[2] == "Tip: a wet hand keeps it from sticking."
    assert texts[8] == "Gas Mark: eight, or two hundred and thirty degrees."
    assert len(texts) == 11


def test_oral_argument_archive_nesting_is_inferred() -> None:
    t = read_file(F / "oral_argument.json")
    assert t.format == "json/inferred" and t.timing == "exact"
    assert _rows("oral_argument.json") == [
        (
            0.0,
            6.1,
            "Chief Justice Elena Park",
            "We will hear argument first this morning in case number 24-118.",
        ),
        (6.1, 12.6, "Chief Justice Elena Park", "Ms. Okafor, whenever you are ready."),
        (12.6, 40.2, "Adaeze Okafor", "Thank you, Chief Justice, and may it please the Court."),
        (
            40.2,
            95.4,
            "Adaeze Okafor",
            "The contract here named the harbor, not the warehouse, as the place of delivery.",
        ),
        (1780.5, 1790.0, "Chief Justice Elena Park", "Thank you, counsel. The case is submitted."),
    ]
    assert t.duration_s == 31 * 60 + 5  # media.duration "00:31:05", not the last segment's end (29:50)
    shape, duration = t.notes
    assert "transcript.sections[].turns[].text_blocks[]" in shape and "speaker.name" in shape
    assert "“stop”" in shape and "seconds" in shape
    assert "31:05" in duration and "media.duration" in duration and "29:50" in duration and "1:15" in duration


def test_inspect_says_which_shape_it_inferred(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["inspect", str(F / "oral_argument.json")]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "oral_argument  (json/inferred, utf-8, 5 segments, 31:05)"
    assert "note: Recap inferred this JSON's shape: 5 timed texts at transcript.sections[].turns[]" in out
    assert "note: The file declares a duration of 31:05" in out
    assert cli.main(["inspect", str(F / "oral_argument.json"), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["duration_s"] == 1865.0 and len(d["notes"]) == 2


def test_milliseconds_in_a_time_holder_and_numeric_speakers() -> None:
    t = read_file(F / "captions_ms.json")
    assert t.format == "json/inferred"
    assert _rows("captions_ms.json") == [
        (0.0, 2.4, "Speaker 1", "Good evening and welcome to the late bulletin."),
        (2.4, 5.1, "Speaker 1", "Snow closed two mountain passes this afternoon."),
        (5.6, 9.0, "Speaker 2", "Our reporter is at the foot of the first one."),
    ]
    assert "offsets.from" in t.notes[0] and "milliseconds" in t.notes[0]


def test_clock_strings_and_missing_ends() -> None:
    assert _rows("clock_strings.json") == [
        (1.5, 4.0, "Guide", "Keep your tickets ready for the gate."),
        (4.0, 6.25, "Visitor", "Is the tower open today?"),
        (3723.0, 3729.0, "Guide", "Two hundred and twelve steps to the top."),  # ends where the next starts
        (3729.0, 3729.0 + 5 * 60 / 160, "Visitor", "Then I will rest halfway."),  # as long as its words
    ]


def test_declared_duration_of_a_known_service_shape() -> None:
    t = read_file(F / "deepgram_duration.json")
    assert t.format == "json/deepgram"
    assert t.segments[-1].end_s == 9.0
    assert t.duration_s == 300.25
    assert any("metadata.duration" in n and "4:51" in n for n in t.notes)


def test_declared_duration_shorter_than_the_segments_is_reported_and_not_used() -> None:
    d = {"metadata": {"duration": 5}, "segments": [{"start": 0, "end": 9, "text": "Nine seconds of talk."}]}
    t = read_text(json.dumps(d))
    assert t.duration_s == 9.0
    assert any("declares a duration of 0:05" in w and "0:09" in w for w in t.warnings)


def test_duration_in_milliseconds_by_its_key() -> None:
    d = {"duration_ms": 60000, "segments": [{"start": 0, "end": 9, "text": "Nine seconds of talk."}]}
    assert read_text(json.dumps(d)).duration_s == 60.0


def test_no_timed_list_is_refused_with_one_sentence() -> None:
    for d in ({"title": "x", "items": [{"text": "no times here"}]}, {"a": [1, 2, 3]}, [[], {}], {"start": 1}):
        with pytest.raises(Exception) as e:
            read_text(json.dumps(d))
        assert type(e.value).__name__ == "TranscriptError"
        assert "shape Recap does not know" in str(e.value) and "\n" not in str(e.value)


def test_nan_and_infinite_times_are_not_times() -> None:
    t = read_text(
        '{"x": [{"start": NaN, "text": "lost"}, {"start": 1e999, "text": "too"}, {"start": 2, "text": "kept"}]}'
    )
    assert [(s.start_s, s.text) for s in t.segments] == [(2.0, "kept")]


def test_a_top_level_author_is_not_every_entry_s_speaker() -> None:
    d = {
        "author": "Harbor Radio",
        "show": {"parts": [{"begin": 1, "caption": "Good morning from the harbor."}]},
    }
    t = read_text(json.dumps(d))
    assert [(s.start_s, s.speaker, s.text) for s in t.segments] == [
        (1.0, None, "Good morning from the harbor.")
    ]
