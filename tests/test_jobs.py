"""The job queue without Qt: adding (no duplicates, folders expanded), order, pause, stop, and what is kept on
disk for the next start."""

from __future__ import annotations

import json
from pathlib import Path

from app.jobs import FINISHED, UNFINISHED, Job, JobQueue, JobState, load_queue, queue_path, save_queue
from app.summarize import Result, Stats
from tests.helpers import DATA


def _files(tmp_path: Path, n: int) -> list[str]:
    out = []
    for i in range(n):
        p = tmp_path / f"ep{i}.srt"
        p.write_text((DATA / "formats" / "subrip.srt").read_text())
        out.append(str(p))
    return out


def _result() -> Result:
    return Result(
        title="t", duration_s=60.0, timing="exact", model="m", chapters=(), summary="s", stats=Stats()
    )


def test_states_are_strings_and_split_into_unfinished_and_finished() -> None:
    assert JobState.NEEDS_MODEL == "needs-model" and f"{JobState.DONE}" == "done"
    assert set(JobState) == UNFINISHED | FINISHED and not UNFINISHED & FINISHED


def test_add_expands_folders_skips_what_is_not_a_transcript_and_never_doubles(tmp_path: Path) -> None:
    saved: list[list[str]] = []
    q = JobQueue(save=saved.append)
    a, b = _files(tmp_path, 2)
    (tmp_path / "cover.jpg").write_bytes(b"\xff\xd8\xff")
    new, skipped = q.add([str(tmp_path)])
    assert sorted(j.path for j in new) == [a, b] and [Path(s).name for s in skipped] == ["cover.jpg"]
    assert [j.id for j in q] == [1, 2] and all(j.state == JobState.WAITING for j in q)
    again, _ = q.add([a])  # dropped twice while still in line
    assert again == [] and len(q) == 2
    q.get(1).state = JobState.DONE  # type: ignore[union-attr]
    redo, _ = q.add([q.jobs[0].path])  # a finished file dropped again is a new job
    assert len(redo) == 1 and redo[0].id == 3
    assert saved[-1] == [q.jobs[1].path, q.jobs[2].path]  # what is still to do, in order


def test_reorder_pause_and_the_next_job(tmp_path: Path) -> None:
    q = JobQueue(save=None)
    q.add(_files(tmp_path, 3))
    q.reorder([3, 1, 2])
    assert [j.id for j in q] == [3, 1, 2] and q.next_waiting() is q.get(3)
    q.paused = True
    assert q.next_waiting() is None  # nothing starts while paused
    q.paused = False
    q.get(3).state = JobState.RUNNING  # type: ignore[union-attr]
    assert q.next_waiting() is q.get(1)


def test_stop_stops_the_line_and_a_model_releases_the_waiting_ones(tmp_path: Path) -> None:
    q = JobQueue(save=None)
    q.add(_files(tmp_path, 3))
    q.jobs[0].state = JobState.NEEDS_MODEL
    stopped = q.stop_waiting()
    assert [j.id for j in stopped] == [2, 3] and all(j.state == JobState.STOPPED for j in stopped)
    assert [j.id for j in q.release_needs_model()] == [1] and q.jobs[0].state == JobState.WAITING


def test_reset_drops_what_the_last_run_wrote() -> None:
    job = Job(1, "/x/a.srt", JobState.FAILED, error="bad", summary="s", result=_result(), notices=["n"])
    job.reset()
    assert (job.state, job.error, job.summary, job.result, job.notices) == (
        JobState.WAITING,
        None,
        "",
        None,
        [],
    )
    assert job.name == "a.srt" and not job.finished


def test_a_history_result_is_a_finished_job_and_not_to_do(tmp_path: Path) -> None:
    q = JobQueue(save=None)
    done = q.add_result("/gone/a.srt", _result(), partial=False)
    part = q.add_result("/gone/b.srt", _result(), partial=True)
    assert (done.state, part.state) == (JobState.DONE, JobState.STOPPED) and done.summary == "s"
    assert q.to_do() == []


def test_the_record_on_disk_follows_changes_and_freezes_while_closing(tmp_path: Path) -> None:
    q = JobQueue()  # the real file in the (test's own) data folder
    files = _files(tmp_path, 2)
    q.add(files)
    assert load_queue() == files
    q.jobs[0].state = JobState.DONE
    q.persist()
    assert load_queue() == files[1:]
    q.freeze()  # closing: what was unfinished stays recorded
    q.jobs[1].state = JobState.STOPPED
    q.persist()
    assert load_queue() == files[1:]


def test_a_damaged_record_means_an_empty_queue(tmp_path: Path) -> None:
    queue_path().parent.mkdir(parents=True, exist_ok=True)
    queue_path().write_text("{not json")
    assert load_queue() == []
    queue_path().write_text(json.dumps({"files": ["a", 3, None]}))
    assert load_queue() == ["a"]
    save_queue(["b"], tmp_path / "q.json")
    assert load_queue(tmp_path / "q.json") == ["b"]


def test_a_record_that_cannot_be_written_is_not_an_error(tmp_path: Path) -> None:
    def refuse(_files: list[str]) -> None:
        raise OSError("disk full")

    q = JobQueue(save=refuse)
    new, _ = q.add(_files(tmp_path, 1))
    assert len(new) == 1  # the queue works on; only the record is missing (logged)


def test_notes_so_far_then_the_summary_in_their_place() -> None:
    job = Job(1, "/x/a.srt")
    shown = job.add_notes("- [00:00:05] Budget", 0, 3)
    assert shown.startswith("*Notes so far") and "**Part 1 of 3**" in shown and shown.endswith("Budget")
    assert job.add_notes(" is over.", 0, 3) == " is over."  # the same part: no new heading
    second = job.add_notes("- [00:10:00] Hiring", 1, 3)
    assert second.startswith("\n\n**Part 2 of 3**\n\n")
    assert job.summary.count("Notes so far") == 1 and "Budget is over." in job.summary
    assert job.add_summary("The team") is True  # the notes make way for the summary
    assert job.summary == "The team" and job.notes_part is None
    assert job.add_summary(" agreed.") is False
    assert job.summary == "The team agreed."
    job.add_notes("- x", 0, 1)
    job.reset()
    assert job.notes_part is None and job.summary == ""
