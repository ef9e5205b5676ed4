from __future__ import annotations

from app.summarize.citations import CitationFilter


def test_real_references_kept_invented_removed() -> None:
    f = CitationFilter([0.0, 21.0, 65.0, 3600.5])
    out = f.apply("- [00:00:21] real\n- [00:00:59] invented\n- [1:00:00] real hour\n- [99:00] nope\n")
    assert "[00:00:21] real" in out and "[01:00:00] real hour" in out  # written as the transcript lines are
    assert "[00:00:59]" not in out and "[99:00]" not in out
    assert f.removed == 2


def test_streaming_split_references() -> None:
    f = CitationFilter([21.0])
    pieces = ["- [00:", "00:2", "1] ok [00:0", "0:50] gone [not a time] end"]
    out = "".join(f.feed(p) for p in pieces) + f.flush()
    assert out == "- [00:00:21] ok  gone [not a time] end"
    assert f.removed == 1
