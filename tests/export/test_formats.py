"""Every export parsed back by an independent parser: json, xml.etree, Recap's own WebVTT reader (a different
code path from the writer), ffmpeg/ffprobe where installed, and mutagen for the ID3 frames."""

from __future__ import annotations

import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from app.export import FORMATS, ExportError, render
from app.export.formats import PODLOVE_NS
from app.export.id3 import write_id3_chapters
from app.summarize.events import Chapter, Result, Stats
from app.transcript import read_text

TITLES = ["Intro", "Sourdough = yeast; bacteria # and \\ more", "Ovens & steam <hot>", "Q&A: “what next?”"]
STARTS = [0.0, 65.5, 612.25, 3725.0]
HAS_FFMPEG = shutil.which("ffmpeg") is not None and shutil.which("ffprobe") is not None
NO_FFMPEG = "ffmpeg/ffprobe are not installed on this machine (apt-get install ffmpeg to run this check)"


def result(
    starts: list[float] = STARTS,
    titles: list[str] = TITLES,
    duration: float = 4000.0,
    timing: str = "exact",
) -> Result:
    return Result(
        title="Episode 7: Bread",
        duration_s=duration,
        timing=timing,
        model="tiny.gguf",
        chapters=tuple(Chapter(s, t) for s, t in zip(starts, titles, strict=True)),
        summary="We talk about bread [00:01:05].",
        stats=Stats(),
        notes=("a note",),
    )


def silent_mp3(path: Path, frames: int = 60) -> bytes:
    """MPEG-1 Layer III frames (128 kb/s, 44.1 kHz, 417 bytes each) with silent payloads: a real, playable MP3."""
    frame = b"\xff\xfb\x90\x44" + bytes(413)
    audio = frame * frames
    path.write_bytes(audio)
    return audio


def test_every_format_renders_a_full_result() -> None:
    r = result()
    for fid in FORMATS:
        text = render(r, fid)
        assert text.strip(), fid


def test_json_round_trip() -> None:
    d = json.loads(render(result(), "json"))
    assert [c["title"] for c in d["chapters"]] == TITLES
    assert [c["start_s"] for c in d["chapters"]] == STARTS
    assert d["chapters"][0]["end_s"] == 65.5 and d["chapters"][-1]["end_s"] == 4000.0
    assert d["summary"].startswith("We talk") and d["notes"] == ["a note"]


def test_markdown_and_text_carry_title_summary_and_every_chapter() -> None:
    for fid in ("markdown", "text"):
        text = render(result(), fid)
        assert "Episode 7: Bread" in text and "We talk about bread" in text
        for t in TITLES:
            assert t in text
    assert "01:02:05  Q&A" in render(result(), "text")


def test_youtube_lines_follow_youtubes_rules() -> None:
    lines = render(result(), "youtube").splitlines()
    assert lines == [
        "0:00:00 Intro",
        f"0:01:05 {TITLES[1]}",
        f"0:10:12 {TITLES[2]}",
        f"1:02:05 {TITLES[3]}",
    ]
    short = render(result([0, 30, 90], TITLES[:3], duration=200), "youtube").splitlines()
    assert short == ["0:00 Intro", f"0:30 {TITLES[1]}", f"1:30 {TITLES[2]}"]  # m:ss under an hour


@pytest.mark.parametrize(
    ("kwargs", "why"),
    [
        ({"starts": [0, 100], "titles": TITLES[:2]}, "at least 3 chapters"),
        ({"starts": [5, 100, 200], "titles": TITLES[:3]}, "first chapter at 0:00"),
        ({"starts": [0, 100, 105], "titles": TITLES[:3]}, "at least 10 s"),
        ({"starts": [0, 100, 200], "titles": TITLES[:3], "duration": 205}, "at least 10 s"),
        ({"starts": [], "titles": []}, "no chapters"),
        ({"timing": "estimated"}, "estimates"),
    ],
)
def test_youtube_says_why_instead_of_a_list_youtube_would_ignore(kwargs: dict, why: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(ExportError, match=why):
        render(result(**kwargs), "youtube")


def test_podcasting20_json_round_trip() -> None:
    d = json.loads(render(result(), "podcast-json"))
    assert d["version"] == "1.2.0"
    assert [(c["startTime"], c["title"]) for c in d["chapters"]] == list(zip(STARTS, TITLES, strict=True))
    assert all(c["endTime"] > c["startTime"] for c in d["chapters"])


def test_podlove_xml_round_trip() -> None:
    root = ET.fromstring(render(result(), "podlove").encode())
    assert root.tag == f"{{{PODLOVE_NS}}}chapters" and root.get("version") == "1.2"
    got = [(c.get("start"), c.get("title")) for c in root.findall(f"{{{PODLOVE_NS}}}chapter")]
    assert got == [
        ("00:00:00.000", TITLES[0]),
        ("00:01:05.500", TITLES[1]),
        ("00:10:12.250", TITLES[2]),
        ("01:02:05.000", TITLES[3]),
    ]


def test_webvtt_chapters_read_back_by_the_transcript_reader() -> None:
    t = read_text(render(result(), "webvtt"))
    assert t.format == "webvtt"
    assert [s.text for s in t.segments] == [
        "Intro",
        "Sourdough = yeast; bacteria # and \\ more",
        "Ovens & steam",  # <hot> reads as a tag in WebVTT; the writer's text is what a player shows
        "Q&A: “what next?”",
    ]
    assert [s.start_s for s in t.segments] == STARTS
    assert t.segments[-1].end_s == 4000.0


def test_webvtt_title_with_an_arrow_cannot_break_the_cue() -> None:
    t = read_text(render(result([0, 20, 40], ["a --> b", "c", "d"], duration=60), "webvtt"))
    assert [s.text for s in t.segments] == ["a → b", "c", "d"]


def test_ffmetadata_escapes_and_structure() -> None:
    text = render(result(), "ffmetadata")
    assert text.startswith(";FFMETADATA1\n")
    assert text.count("[CHAPTER]") == 4 and text.count("TIMEBASE=1/1000") == 4
    assert "title=Sourdough \\= yeast\\; bacteria \\# and \\\\ more" in text


@pytest.mark.skipif(not HAS_FFMPEG, reason=NO_FFMPEG)
def test_ffmetadata_is_read_by_ffmpeg(tmp_path: Path) -> None:
    silent_mp3(
        tmp_path / "in.mp3", frames=200
    )  # ~5 s of audio; chapters may point past it, ffmpeg keeps them
    meta = tmp_path / "chapters.txt"
    meta.write_text(render(result(), "ffmetadata"))
    out = tmp_path / "out.mp3"
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-y",
            "-i",
            tmp_path / "in.mp3",
            "-i",
            meta,
            "-map",
            "0",
            "-map_metadata",
            "1",
        ]
        + ["-map_chapters", "1", "-codec", "copy", out],
        check=True,
    )
    chapters = _ffprobe_chapters(out)
    assert [c["tags"]["title"] for c in chapters] == TITLES
    assert [float(c["start_time"]) for c in chapters] == STARTS


def _ffprobe_chapters(path: Path) -> list[dict]:  # type: ignore[type-arg]
    p = subprocess.run(
        ["ffprobe", "-v", "error", "-show_chapters", "-print_format", "json", path],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(p.stdout)["chapters"]  # type: ignore[no-any-return]


def test_id3_chapters_keep_the_audio_and_the_other_tags(tmp_path: Path) -> None:
    from mutagen.id3 import ID3, TIT2, TPE1

    mp3 = tmp_path / "episode.mp3"
    audio = silent_mp3(mp3)
    tags = ID3()
    tags.add(TIT2(text=["Original title"]))
    tags.add(TPE1(text=["The Podcast"]))
    tags.save(mp3)
    assert write_id3_chapters(result(), mp3) == 4
    assert write_id3_chapters(result(), mp3) == 4  # again: replaced, not duplicated

    back = ID3(mp3)
    assert back["TIT2"].text == ["Original title"] and back["TPE1"].text == ["The Podcast"]
    chaps = sorted(back.getall("CHAP"), key=lambda c: c.start_time)
    assert len(chaps) == 4
    assert [c.sub_frames["TIT2"].text[0] for c in chaps] == TITLES
    assert [c.start_time for c in chaps] == [0, 65500, 612250, 3725000]
    assert [c.end_time for c in chaps] == [65500, 612250, 3725000, 4000000]
    (toc,) = back.getall("CTOC")
    assert toc.child_element_ids == [c.element_id for c in chaps]
    data = mp3.read_bytes()
    size = 0
    for b in data[6:10]:  # the tag's size: a syncsafe integer, 7 bits a byte
        size = size << 7 | (b & 0x7F)
    assert data[10 + size :] == audio  # the audio frames are byte for byte what they were


@pytest.mark.skipif(not HAS_FFMPEG, reason=NO_FFMPEG)
def test_id3_chapters_are_read_by_ffprobe(tmp_path: Path) -> None:
    mp3 = tmp_path / "episode.mp3"
    silent_mp3(mp3)
    write_id3_chapters(result(), mp3)
    # players order chapters by time (and by the CTOC); ffprobe lists CHAP frames in file order
    chapters = sorted(_ffprobe_chapters(mp3), key=lambda c: float(c["start_time"]))
    assert [c["tags"]["title"] for c in chapters] == TITLES
    assert [float(c["start_time"]) for c in chapters] == STARTS


def test_id3_refuses_what_is_not_an_mp3_and_estimated_times(tmp_path: Path) -> None:
    notes = tmp_path / "notes.mp3"
    notes.write_text("not audio at all\n" * 50)
    with pytest.raises(ExportError, match="not an MP3"):
        write_id3_chapters(result(), notes)
    assert notes.read_text() == "not audio at all\n" * 50  # untouched
    mp3 = tmp_path / "a.mp3"
    silent_mp3(mp3)
    with pytest.raises(ExportError, match="estimates"):
        write_id3_chapters(result(timing="estimated"), mp3)
