"""The two real transcripts Recap was specified from (../shared/seeds) must read exactly."""

from __future__ import annotations

from app.transcript import read_file
from tests.helpers import SEED_000, SEED_003, needs_seeds


@needs_seeds
def test_premiere_seed_reads_all_115_blocks_with_frame_accurate_times() -> None:
    t = read_file(SEED_003)
    assert t.format == "premiere"
    assert t.timing == "exact"
    assert len(t.segments) == 115
    assert t.speakers == ["Stefan", "Jens"]
    first, last = t.segments[0], t.segments[-1]
    assert first.start_s == 21.0
    assert abs(first.end_s - (41 + 25 / 30)) < 1e-9  # 00:00:41:25 at 30 fps
    assert first.text.startswith("And we're live. Welcome back")
    assert first.text.endswith("go versus rust.")  # wrapped lines joined, nothing lost
    assert abs(last.end_s - (32 * 60 + 24 + 21 / 30)) < 1e-9  # 00:32:24:21
    assert last.speaker == "Jens"
    assert all(s.speaker in ("Stefan", "Jens") for s in t.segments)
    assert [s.start_s for s in t.segments] == sorted(s.start_s for s in t.segments)
    # every word of the body is in the segments, in order
    body = [ln for ln in SEED_003.read_text().splitlines()[2:] if ln.strip()]
    words = [w for ln in body if not ln[:2].isdigit() and ln not in ("Stefan", "Jens") for w in ln.split()]
    assert words == [w for s in t.segments for w in s.text.split()]


@needs_seeds
def test_podcast_page_seed_header_is_title_not_speech() -> None:
    t = read_file(SEED_000)
    assert t.format == "speaker-lines"
    assert t.title == "184: Asynchronous Programming"
    assert t.description and t.description.startswith("In episode 184 of the podcast")
    assert t.timing == "estimated"
    # 1,135 spk_0 lines, one of them (line 777) a bare label with no text: 1,134 spoken segments
    assert len(t.segments) == 1134
    assert any("Line 777" in w for w in t.warnings)
    assert t.speakers == ["spk_0"]
    texts = [s.text for s in t.segments]
    assert texts[0].startswith("Progaming through down episode 184")
    assert texts[-1] == "uh to uh Patrick and I and uh share alike in kind"
    assert not any("0:00 / 0:00" in x or x == "Interactive Transcript" for x in texts)
    lines = SEED_000.read_text().splitlines()
    spoken = [ln[len("spk_0 ") :] for ln in lines if ln.startswith("spk_0 ") and ln.strip() != "spk_0"]
    assert texts == spoken
    # estimated times: ascending, contiguous, and a plausible length for ~16.6k words
    assert all(a.end_s == b.start_s for a, b in zip(t.segments, t.segments[1:]))
    assert 45 * 60 < t.duration_s < 2.5 * 3600
