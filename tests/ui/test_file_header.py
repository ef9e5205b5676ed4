"""The header above the transcript: the file's facts, its notes, its error in red, a history result's moved file."""

from __future__ import annotations

from app.jobs import Job, JobState
from app.transcript import read_file
from tests.helpers import DATA


def test_facts_notes_and_the_error(qtbot) -> None:  # noqa: ANN001
    from app.ui.file_header import FileHeader

    h = FileHeader()
    qtbot.addWidget(h)
    h.show()
    job = Job(1, str(DATA / "premiere.txt"))
    h.show_job(job)
    assert "premiere.txt" in h.info.text() and not h.message.isVisible()  # not read yet: its name
    job.transcript = read_file(job.path)
    job.notices = ["3 citations removed", "one more", "and another", "the fourth <b>not bold</b> & so on"]
    h.show_job(job)
    text = h.info.text()
    t = job.transcript
    assert t.display_title in text and f"{len(t.segments)} segments" in text and t.format in text
    n = len(t.warnings) + 4  # the reader's own notes on the file come first
    assert (
        f"{n} notes: " in text and "3 citations removed" in text and "the fourth" not in text
    )  # three, then …
    assert f"({n - 3} more: hover to read them all)" in text
    tip = h.info.toolTip()  # every note, a line each, its text as text
    assert tip.count("<li>") == n and "the fourth &lt;b&gt;not bold&lt;/b&gt; &amp; so on" in tip
    one = Job(2, str(DATA / "named_speakers.txt"))
    one.transcript = read_file(one.path)
    assert not one.transcript.warnings
    one.notices = ["only <this> one"]
    h.show_job(one)
    assert "1 note: only &lt;this&gt; one." in h.info.text() and "hover" not in h.info.text()
    assert h.info.toolTip() == "<ul><li>only &lt;this&gt; one</li></ul>"
    job.state, job.error = JobState.FAILED, "“x.mp3” is audio, not a transcript."
    h.show_job(job)
    assert h.message.isVisible() and h.message.text() == job.error
    h.show_missing("Episode 12 <live>", "/gone/ep12.srt")
    assert not h.message.isVisible() and "/gone/ep12.srt" in h.info.text()
    assert (
        "Episode 12 &lt;live&gt;" in h.info.text() and not h.info.toolTip()
    )  # the last file's notes are gone
