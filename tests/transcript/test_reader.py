from __future__ import annotations

import codecs
import os
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from app.transcript import TranscriptError, read_file, read_text
from app.transcript.decode import decode
from app.transcript.timefmt import display_time, hms
from tests.helpers import DATA

T = TypeVar("T")


def test_premiere_sample() -> None:
    t = read_file(DATA / "premiere.txt")
    assert (t.format, t.timing, t.title) == ("premiere", "exact", "Episode 7")
    assert [s.speaker for s in t.segments] == ["Alice", "Bob", "Alice", "Bob"]
    assert t.segments[1].start_s == pytest.approx(20 + 18 / 30)
    assert t.segments[2].end_s == pytest.approx(3 * 60 + 10 + 29 / 30)
    assert t.segments[0].text == (
        "Welcome to the show. Today we talk about sourdough bread, why it rises, and what can go wrong."
    )


def test_premiere_frame_rate_is_a_setting() -> None:
    t = read_file(DATA / "premiere.txt", fps=25)
    assert t.segments[1].start_s == pytest.approx(20 + 18 / 25)


def test_speaker_page_sample_header_and_empty_label() -> None:
    t = read_file(DATA / "speaker_page.txt")
    assert t.format == "speaker-lines"
    assert t.title == "12: Bread Science"
    assert t.description and t.description.startswith("In episode 12")
    assert len(t.segments) == 6
    assert t.speakers == ["spk_0", "spk_1"]
    assert any("speaker label “spk_0” with no text" in w for w in t.warnings)
    assert t.timing == "estimated"
    assert t.segments[0].start_s == 0.0 and t.segments[1].start_s > 0


def test_named_speakers_only_count_when_they_repeat() -> None:
    t = read_file(DATA / "named_speakers.txt")
    assert t.speakers == ["Alice", "Bob"]
    # "Note:" appears once: it is text of Bob's turn, not a speaker, and it is kept
    assert any("Note: this line is not a speaker" in s.text for s in t.segments)


def test_plain_prose_is_split_into_estimated_segments() -> None:
    t = read_file(DATA / "plain.txt")
    assert t.format == "plain" and t.timing == "estimated" and t.speakers == []
    words = " ".join((DATA / "plain.txt").read_text().split()).split()
    assert [w for s in t.segments for w in s.text.split()] == words


@pytest.mark.parametrize("name", ["empty.txt", "whitespace.txt"])
def test_empty_files_get_a_sentence(name: str) -> None:
    with pytest.raises(TranscriptError, match="is empty"):
        read_file(DATA / name)


@pytest.mark.parametrize(
    ("head", "what"),
    [
        (b"ID3\x03\x00", "MP3"),
        (b"%PDF-1.7", "PDF"),
        (b"\x89PNG\r\n\x1a\n", "PNG"),
        (b"PK\x03\x04", "ZIP"),
        (b"GGUF\x03\x00", "GGUF"),
    ],
)
def test_binary_files_are_named_by_signature(tmp_path: Path, head: bytes, what: str) -> None:
    p = tmp_path / "episode.txt"
    p.write_bytes(head + os.urandom(2000))
    with pytest.raises(TranscriptError, match=what):
        read_file(p)


def test_unreadable_and_missing_and_folder(tmp_path: Path) -> None:
    with pytest.raises(TranscriptError, match="no longer exists"):
        read_file(tmp_path / "gone.txt")
    with pytest.raises(TranscriptError, match="folder"):
        read_file(tmp_path)
    p = tmp_path / "secret.txt"
    p.write_text("Alice: hi\nAlice: there\n")
    p.chmod(0)
    try:
        if os.access(p, os.R_OK):  # root reads anything: the permission check cannot fail here
            pytest.skip("running as root: a file without read permission is still readable")
        with pytest.raises(TranscriptError, match="permission"):
            read_file(p)
    finally:
        p.chmod(0o644)


def test_size_limit_is_checked_before_reading(tmp_path: Path) -> None:
    from app.transcript import decode as dec

    p = tmp_path / "huge.txt"
    with open(p, "wb") as f:
        f.truncate(dec.MAX_BYTES + 1)  # sparse: nothing is really written
    with pytest.raises(TranscriptError, match="up to 64 MB"):
        read_file(p)


def _with_peak(work: Callable[[], T]) -> tuple[T, int]:
    """What `work` returns, and the most Python memory it held at once (tracemalloc)."""
    tracemalloc.start()
    try:
        return work(), tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_reading_a_file_allocates_about_its_size(tmp_path: Path) -> None:
    from app.transcript.decode import read_bytes

    p = tmp_path / "talk.txt"
    p.write_bytes(b"Alice: a line of the talk\n" * 8000)  # 208 KB
    data, peak = _with_peak(lambda: read_bytes(p))
    assert len(data) == p.stat().st_size
    assert peak < 4 * len(data)  # a read(limit) allocated the whole 64 MB limit for any file


def test_reading_a_long_speaker_labelled_file_peaks_at_a_few_times_its_text(tmp_path: Path) -> None:
    """A 10-hour podcast's worth of "Name: words" lines (6,000 turns, 0.49 MB). Its reading peaked at 6.3 times
    the text while every turn's words were held twice over (as the label's match and as the segment), and at 3.8
    once a turn is kept as where its words begin (2026-12-05, tracemalloc)."""
    import random

    rng = random.Random(1)
    vocab = (
        "we talked about the plan budget hiring and next release in some detail today then moved on".split()
    )
    p = tmp_path / "ten-hours.txt"
    p.write_text(
        "\n".join(f"{'Ann' if i % 2 else 'Ben'}: " + " ".join(rng.choices(vocab, k=16)) for i in range(6000))
    )
    t, peak = _with_peak(lambda: read_file(p))
    assert t.format == "speaker-lines" and len(t.segments) == 6000
    assert peak < 5 * p.stat().st_size, peak / p.stat().st_size


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux's /proc (a file of size 0)")
def test_a_file_longer_than_its_size_says_is_read_to_its_end() -> None:
    from app.transcript.decode import read_bytes

    p = Path("/proc/self/status")
    assert p.stat().st_size == 0
    data = read_bytes(p)
    assert data.startswith(b"Name:") and b"VmHWM:" in data


# The three tests below change a real file on disk at the exact moment it is read. The timing is the only
# stand-in: `_read_all` (the read of the open file) is wrapped so that the change lands mid-read every time,
# instead of racing a writer thread and passing by luck.
SRT_START = "1\n00:00:01,000 --> 00:00:02,000\nAlice: the first cue\n\n"
SRT_MORE = "2\n00:00:03,000 --> 00:00:04,000\nAlice: written while Recap was reading\n"


def _write_during_read(monkeypatch: pytest.MonkeyPatch, change: object) -> list[int]:
    from app.transcript import decode as dec

    calls: list[int] = []
    real = dec._read_all

    def reading(f, limit):  # type: ignore[no-untyped-def]
        calls.append(1)
        data = real(f, limit)
        change(len(calls))  # type: ignore[operator]
        return data

    monkeypatch.setattr(dec, "_read_all", reading)
    monkeypatch.setattr(dec, "RETRY_DELAY_S", 0.0)
    return calls


def test_a_file_written_while_read_is_read_again_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = tmp_path / "growing.srt"
    p.write_text(SRT_START)

    def append_once(n: int) -> None:
        if n == 1:
            with open(p, "a") as f:
                f.write(SRT_MORE)

    calls = _write_during_read(monkeypatch, append_once)
    t = read_file(p)
    assert len(calls) == 2  # the first read saw the file change, the second read it whole
    assert [s.text for s in t.segments] == ["the first cue", "written while Recap was reading"]


def test_a_file_that_keeps_changing_gets_a_sentence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from app.transcript import decode as dec

    p = tmp_path / "still-writing.srt"
    p.write_text(SRT_START)

    def append_always(n: int) -> None:
        with open(p, "a") as f:
            f.write(f"{n}\n")

    calls = _write_during_read(monkeypatch, append_always)
    with pytest.raises(TranscriptError, match="kept changing while Recap read it"):
        read_file(p)
    assert len(calls) == dec.READ_ATTEMPTS


def test_a_file_deleted_while_read_is_still_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = tmp_path / "vanishing.srt"
    p.write_text(SRT_START + SRT_MORE)
    _write_during_read(monkeypatch, lambda n: p.unlink())
    t = read_file(p)  # the open file keeps its data: nothing the user had is lost
    assert not p.exists()
    assert len(t.segments) == 2


def test_a_file_truncated_while_read_is_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = tmp_path / "rewritten.srt"
    p.write_text(SRT_START + SRT_MORE)

    def rewrite_once(n: int) -> None:
        if n == 1:
            p.write_text(SRT_START)  # an editor saving a shorter version in place

    calls = _write_during_read(monkeypatch, rewrite_once)
    t = read_file(p)
    assert len(calls) == 2
    assert [s.text for s in t.segments] == [
        "Alice: the first cue"
    ]  # one cue: a name said once is kept as text


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (codecs.BOM_UTF8 + "Zoë: hi\n".encode(), "utf-8"),
        (codecs.BOM_UTF16_LE + "Zoë: hi\n".encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + "Zoë: hi\n".encode("utf-16-be"), "utf-16-be"),
        ("Zoë: hi there\n".encode("utf-16-le"), "utf-16-le"),
        ("Zoë: hi\n".encode(), "utf-8"),
    ],
)
def test_decoding(data: bytes, encoding: str) -> None:
    text, enc = decode(data)
    assert enc == encoding
    assert text.startswith("Zoë: hi")


def test_cp1252_is_detected() -> None:
    text, enc = decode("Café crème: “quoted” — naïve façade, déjà vu. Ça coûte 5 €.\n".encode("cp1252") * 5)
    assert "€" in text and "“quoted”" in text
    assert enc.replace("_", "").lower() in ("cp1252", "windows1252")


def test_line_endings_are_normalized() -> None:
    text, _ = decode(b"a\r\nb\rc\nd")
    assert text == "a\nb\nc\nd"


def test_read_text_without_a_file() -> None:
    t = read_text("Host: hello\nGuest: hi\nHost: bye\nGuest: ok\n")
    assert t.speakers == ["Host", "Guest"]


def test_time_display() -> None:
    assert hms(750) == "12:30"
    assert hms(3723) == "1:02:03"
    assert display_time(750, estimated=True) == "≈12:30"
    assert display_time(750, estimated=False) == "12:30"
