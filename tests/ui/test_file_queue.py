"""The list of files: folders dropped, order changed with the keyboard, pause, and the queue kept over a restart."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from tests.helpers import (
    DATA,
    drop,
    episodes,
    run_coro,
    run_until,
)


def test_folder_drop_queues_transcripts_and_lists_skipped(make_window, aloop, tmp_path) -> None:  # noqa: ANN001
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text((DATA / "premiere.txt").read_text())
    (tmp_path / "b.srt").write_text((DATA / "named_speakers.txt").read_text())
    (tmp_path / "cover.jpg").write_bytes(b"\xff\xd8\xff")
    w = make_window()
    drop(w, tmp_path)
    assert sorted(Path(i.path).name for i in w.jobs.jobs) == ["a.txt", "b.srt"]
    assert "cover.jpg" in w.statusBar().currentMessage()
    # no model: files are read and shown, and wait for one
    run_until(aloop, lambda: all(i.state == "needs-model" for i in w.jobs.jobs))
    assert w.jobs.jobs[0].transcript is not None


def test_queue_reorder_pause_and_resume_after_a_restart(
    make_window, aloop, tiny_model, tmp_path, qtbot
) -> None:  # noqa: ANN001
    from app.jobs import load_queue

    files = episodes(tmp_path, 3)
    w = make_window(tiny_model)
    w.commands.pause.trigger()  # paused before anything runs
    assert w.paused
    drop(w, *files)
    assert [i.state for i in w.jobs.jobs] == ["waiting"] * 3 and not w.runner.active
    assert "Paused" in w.file_list.item(0).text()
    # reorder with the keyboard: the third file to the top
    w.file_list.setCurrentRow(2)
    w.file_list.setFocus()
    qtbot.keyClick(w.file_list, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(w.file_list, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert [i.name for i in w.jobs.jobs] == ["ep2.srt", "ep0.srt", "ep1.srt"]
    assert load_queue() == [str(files[2]), str(files[0]), str(files[1])]  # kept on disk, in the new order

    # quit while paused: the next start has the same queue, paused, in the same order
    run_coro(aloop, w.shutdown())
    w2 = make_window(tiny_model)
    assert [i.name for i in w2.jobs.jobs] == ["ep2.srt", "ep0.srt", "ep1.srt"]
    assert (
        w2.paused
        and w2.commands.pause.isChecked()
        and "left from last time" in w2.statusBar().currentMessage()
    )
    finished: list[str] = []
    w2.runner.jobFinished.connect(lambda job: finished.append(job.name))
    w2.commands.pause.trigger()  # Resume
    run_until(aloop, lambda: all(i.state == "done" for i in w2.jobs.jobs), timeout=60)
    assert finished == ["ep2.srt", "ep0.srt", "ep1.srt"]  # one after another, in the chosen order
    assert load_queue() == []  # nothing left to do
