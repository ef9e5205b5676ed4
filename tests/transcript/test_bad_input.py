"""Every bad input in tests/data/bad gets one sentence from the reader and from `recap inspect`, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app import cli
from app.transcript import TranscriptError, read_file
from tests.helpers import DATA

BAD = {
    "episode.mp3.txt": "is an MP3 audio file, not a transcript.",
    "slides.srt": "is a damaged PDF: Recap cannot read its text.",  # a PDF header and noise
    "cover.vtt": "is a PNG image, not a transcript.",
    "archive.json": "is a ZIP archive",
    "video.txt": "is an MP4/M4A media file, not a transcript.",
    "empty.vtt": "is empty.",
    "whitespace.srt": "is empty.",
    "damaged.json": "This JSON file is damaged (line 1",
    "unknown_shape.json": "This JSON file has a shape Recap does not know",
    "binary_noise.txt": "is a binary file, not a transcript.",
    "deep.json": "This JSON file is nested too deeply to be a transcript",
    "null.json": "holds only the JSON value null: no transcript text.",
    "control_chars.txt": "has no transcript text Recap could find (no letters, or only markup).",
    "markup_only.html": "has no transcript text Recap could find (no letters, or only markup).",
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_file_one_sentence(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(TranscriptError) as e:
        read_file(DATA / "bad" / name)
    assert BAD[name] in str(e.value)
    assert "\n" not in str(e.value)
    assert cli.main(["inspect", str(DATA / "bad" / name)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and BAD[name] in err and "Traceback" not in err


def test_every_bad_sample_is_covered() -> None:
    assert sorted(p.name for p in (DATA / "bad").iterdir()) == sorted(BAD)


SAMPLES = sorted((DATA / "formats").iterdir()) + sorted(DATA.glob("*.txt"))


@pytest.mark.parametrize(
    "path", [p for p in SAMPLES if p.name not in ("empty.txt", "whitespace.txt")], ids=lambda p: p.name
)
def test_inspect_json_for_every_sample(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["inspect", str(path), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert set(d) == {
        "format",
        "encoding",
        "title",
        "description",
        "duration_s",
        "timing",
        "speakers",
        "segments",
        "warnings",
        "notes",
    }
    assert d["segments"] and all(set(s) == {"start_s", "end_s", "speaker", "text"} for s in d["segments"])
    assert d["encoding"] and isinstance(d["warnings"], list)
