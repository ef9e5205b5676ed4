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
    job.notices = ["3 citations removed", "one more", "and another", "the fourth"]
    h.show_job(job)
    text = h.info.text()
    t = job.transcript
    assert t.display_title in text and f"{len(t.segments)} segments" in text and t.format in text
    assert "note(s)" in text and "3 citations removed" in text and "the fourth" not in text  # three, then …
    job.state, job.error = JobState.FAILED, "“x.mp3” is audio, not a transcript."
    h.show_job(job)
    assert h.message.isVisible() and h.message.text() == job.error
    h.show_missing("Episode 12", "/gone/ep12.srt")
    assert not h.message.isVisible() and "/gone/ep12.srt" in h.info.text() and "Episode 12" in h.info.text()
