"""Running the queue from the window: Stop and Pause at once (through the pipeline), a bad file does not stop the line."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import Qt

from app.summarize import Options
from app.ui.main_window import MainWindow
from tests.helpers import (
    DATA,
    drop,
    episodes,
    fast_options,
    run_coro,
    run_until,
)


def _stop_when(w: MainWindow, aloop, phase: str) -> float:  # noqa: ANN001
    engine = w.models.engine
    run_until(aloop, lambda: engine.phase == phase, timeout=60)
    t0 = time.perf_counter()
    w.commands.stop.trigger()
    ui_idle = lambda: not w.progress.busy and not w.runner.busy and w.runner.task is None  # noqa: E731
    run_until(aloop, lambda: ui_idle() and engine.phase == "idle", timeout=5)
    return time.perf_counter() - t0


def test_stop_during_prompt_evaluation(make_window, aloop, slow_model) -> None:  # noqa: ANN001
    w = make_window(slow_model, Options(window_tokens=3000))
    run_until(aloop, lambda: w.models.engine.loaded)
    text = "\n".join(
        f"Ann: sentence number {i} about the long topic of the day, with some detail." for i in range(400)
    )
    p = Path(w.config.path).parent / "long.txt"
    p.write_text(text)
    drop(w, p)
    took = _stop_when(w, aloop, "prompt")
    assert took < 0.5, took
    assert w.jobs.jobs[0].state == "stopped"
    assert "stopped" in w.progress.stage.text()


def test_stop_during_generation_with_esc(make_window, aloop, slow_model, qtbot) -> None:  # noqa: ANN001
    w = make_window(slow_model, Options(summary_max_tokens=3000))
    drop(w, DATA / "premiere.txt")
    engine = w.models.engine
    run_until(aloop, lambda: engine.phase == "generating", timeout=60)
    t0 = time.perf_counter()
    qtbot.keyClick(w, Qt.Key.Key_Escape)
    run_until(aloop, lambda: not w.runner.busy and engine.phase == "idle", timeout=5)
    assert time.perf_counter() - t0 < 0.5
    assert w.jobs.jobs[0].state == "stopped"
    # Summarize again (Ctrl+Enter) works after a stop
    w.commands.run.trigger()
    run_until(aloop, lambda: w.jobs.jobs[0].state == "running", timeout=5)
    w.stop()


def test_pause_during_a_run_keeps_the_file_in_line(make_window, aloop, slow_model, tmp_path) -> None:  # noqa: ANN001
    files = episodes(tmp_path, 2)
    w = make_window(slow_model, Options(summary_max_tokens=3000))
    drop(w, *files)
    run_until(aloop, lambda: w.models.engine.phase == "generating", timeout=60)
    t0 = time.perf_counter()
    w.commands.pause.trigger()
    run_until(aloop, lambda: not w.runner.busy and w.models.engine.phase == "idle", timeout=5)
    assert time.perf_counter() - t0 < 0.5  # a pause stops the model at once
    assert [i.state for i in w.jobs.jobs] == ["waiting", "waiting"]
    assert "Paused" in w.file_list.item(0).text()
    w.commands.pause.trigger()  # Resume: the first file runs again
    run_until(aloop, lambda: w.jobs.jobs[0].state == "running", timeout=10)
    w.stop()


def test_bad_file_shows_error_and_next_file_still_runs(make_window, aloop, tiny_model, tmp_path) -> None:  # noqa: ANN001
    bad = tmp_path / "recording.txt"
    bad.write_bytes(b"ID3\x04\x00" + bytes(range(256)) * 20)
    empty = tmp_path / "empty.srt"
    empty.write_text("")
    w = make_window(tiny_model)
    drop(w, bad, empty, DATA / "premiere.txt")
    run_until(aloop, lambda: w.jobs.jobs[2].state == "done")
    assert w.jobs.jobs[0].state == "failed" and "MP3" in (w.jobs.jobs[0].error or "")
    assert w.jobs.jobs[1].state == "failed" and "empty" in (w.jobs.jobs[1].error or "")
    w.file_list.select(w.jobs.jobs[0].id)
    assert w.workspace.header.message.isVisible() and "MP3" in w.workspace.header.message.text()
    assert "Failed" in w.file_list.item(0).text()


def _runner(aloop, engine, store=None):  # noqa: ANN001, ANN202
    from app.jobs import JobQueue
    from app.ui.queue_runner import QueueRunner

    queue = JobQueue(save=None)
    holder = {"engine": engine}
    runner = QueueRunner(aloop, queue, lambda: holder["engine"], fast_options, lambda: store)
    events: list[tuple[str, object]] = []
    runner.jobChanged.connect(lambda job, detail: events.append(("state", f"{job.state}")))
    runner.chapterFound.connect(lambda job, ch: events.append(("chapter", ch.title)))
    runner.jobFinished.connect(lambda job: events.append(("finished", f"{job.state}")))
    runner.idle.connect(lambda: events.append(("idle", None)))
    return runner, queue, holder, events


def test_runner_signals_a_whole_run_in_order(aloop, tiny_model) -> None:  # noqa: ANN001
    from app.engine import LlamaEngine

    engine = LlamaEngine(tiny_model)
    runner, queue, _, events = _runner(aloop, engine)
    queue.add([str(DATA / "premiere.txt")])
    runner.start()
    assert runner.task is not None
    run_until(aloop, lambda: ("idle", None) in events, timeout=60)
    states = [e[1] for e in events if e[0] == "state"]
    assert states[:2] == ["reading", "running"] and states[-1] == "done"
    kinds = [e[0] for e in events]
    assert "chapter" in kinds and kinds.index("chapter") < kinds.index("finished") < kinds.index("idle")
    job = queue.jobs[0]
    assert job.result is not None and [c.title for c in job.result.chapters] == [
        e[1] for e in events if e[0] == "chapter"
    ]
    assert runner.task is None and not runner.busy
    run_coro(aloop, engine.close())


def test_runner_without_a_model_waits_and_goes_on_when_one_comes(aloop, tiny_model) -> None:  # noqa: ANN001
    from app.engine import LlamaEngine

    runner, queue, holder, events = _runner(aloop, None)
    queue.add([str(DATA / "premiere.txt")])
    runner.start()
    run_until(aloop, lambda: queue.jobs[0].state == "needs-model")
    assert queue.jobs[0].transcript is not None  # read meanwhile, shown to the user
    holder["engine"] = engine = LlamaEngine(tiny_model)
    runner.release_needs_model()
    run_until(aloop, lambda: queue.jobs[0].state == "done", timeout=60)
    run_coro(aloop, engine.close())


def test_runner_stop_shows_at_once_and_the_partial_result_follows(aloop, slow_model) -> None:  # noqa: ANN001
    from app.engine import LlamaEngine

    engine = LlamaEngine(slow_model)
    runner, queue, _, events = _runner(aloop, engine)
    queue.add([str(DATA / "premiere.txt"), str(DATA / "named_speakers.txt")])
    runner.start()
    job, second = queue.jobs
    run_until(aloop, lambda: bool(job.chapters) and engine.phase == "generating", timeout=120)
    so_far = runner.partial(job)  # while it runs: what the pipeline has
    assert so_far is not None and so_far.chapters == tuple(job.chapters)
    runner.stop()
    assert (job.state, second.state, runner.busy) == ("stopped", "stopped", False)
    run_until(aloop, lambda: ("idle", None) in events, timeout=10)
    assert job.result is not None and "Partial result" in job.result.notes[0]
    assert ("finished", "stopped") in events and second.transcript is None  # the line stopped with it
    run_coro(aloop, engine.close())


def _run_queue_on_server(aloop, server, files: list[Path]) -> tuple[dict[str, object], dict[str, int]]:  # noqa: ANN001
    """The runner on the stand-in server until its queue is done: each file's chapters and summary, and the
    most jobs that were running at once and progress lines that summed several up."""
    from app.engine.openai_engine import OpenAIEngine
    from app.jobs import JobQueue
    from app.ui.queue_runner import QueueRunner
    from tests.standin_server import OPTIONS

    engine = OpenAIEngine(server.url)
    queue = JobQueue(save=None)
    runner = QueueRunner(aloop, queue, lambda: engine, lambda: OPTIONS, lambda: None)
    seen = {"running": 0, "summed": 0}

    def changed(*_: object) -> None:
        seen["running"] = max(seen["running"], sum(j.state == "running" for j in queue.jobs))

    runner.jobChanged.connect(changed)
    runner.progress.connect(lambda text, *_: seen.update(summed=seen["summed"] + ("files at once" in text)))
    queue.add([str(f) for f in files])
    runner.start()
    run_until(aloop, lambda: runner.task is None and all(j.finished for j in queue.jobs), timeout=120)
    run_coro(aloop, engine.close())
    assert [j.state for j in queue.jobs] == ["done"] * len(files)
    out = {
        j.name: ([(c.start_s, c.title) for c in j.result.chapters], j.result.summary)
        for j in queue.jobs
        if j.result is not None
    }
    return out, seen


def test_the_queue_on_a_model_server_runs_as_many_files_as_it_has_slots(aloop, tiny_model, tmp_path) -> None:  # noqa: ANN001
    """The window's queue, like `recap summarize` on a folder: four one-window files on the paced stand-in server
    (tests/standin_server.py, named as one) with one slot and with two. With two, two files run at once (the
    progress line sums them up), never more requests than slots, the same results, and the queue done in
    clearly less time; with one, one file at a time as on a local model."""
    from tests.standin_server import PacedServer, episode_files

    files = episode_files(tmp_path / "episodes", 4)
    results, seen, seconds, peaks = {}, {}, {}, {}
    for slots in (1, 2):
        with PacedServer(tiny_model, slots, gen_tps=50.0) as server:
            results[slots], seen[slots] = _run_queue_on_server(aloop, server, files)
            served = list(server.served)
            seconds[slots] = max(s.ended for s in served) - min(s.started for s in served)
            peaks[slots] = server.peak
    print("queue seconds by slots:", {n: round(s, 2) for n, s in seconds.items()})
    assert len(results[1]) == 4 and results[2] == results[1]
    assert peaks == {1: 1, 2: 2}
    assert seen[1] == {"running": 1, "summed": 0}
    assert seen[2]["running"] == 2 and seen[2]["summed"] > 0
    assert seconds[1] / seconds[2] >= 1.6, seconds


def test_stop_ends_every_file_running_on_a_server_at_once(aloop, tiny_model, tmp_path) -> None:  # noqa: ANN001
    """Two files writing at once on two slots, slowly enough that neither ends by itself: Stop shows both as
    stopped when it returns, the third file never starts, and the runner and every request end within 200 ms."""
    from app.engine.openai_engine import OpenAIEngine
    from app.jobs import JobQueue
    from app.ui.queue_runner import QueueRunner
    from tests.standin_server import OPTIONS, PacedServer, episode_files

    files = episode_files(tmp_path / "episodes", 3)
    with PacedServer(tiny_model, 2, gen_tps=20.0, answer_tokens=10_000) as server:
        engine = OpenAIEngine(server.url)
        queue = JobQueue(save=None)
        runner = QueueRunner(aloop, queue, lambda: engine, lambda: OPTIONS, lambda: None)
        ended: list[str] = []
        runner.jobFinished.connect(lambda job: ended.append(job.name))
        queue.add([str(f) for f in files])
        runner.start()
        run_until(aloop, lambda: server.generating() == 2, timeout=60)
        assert [j.state for j in queue.jobs] == ["running", "running", "waiting"]
        t0 = time.perf_counter()
        runner.stop()
        assert [j.state for j in queue.jobs] == ["stopped"] * 3 and not runner.busy
        run_until(aloop, lambda: runner.task is None and not server.active, timeout=5)
        took = time.perf_counter() - t0
        run_coro(aloop, engine.close())
        assert all(s.how == "client gone" for s in server.served if s.generated)
    assert took < 0.2, f"Stop took {took:.3f} s"
    assert sorted(ended) == ["episode-0.txt", "episode-1.txt"]  # both runs ended through the pipeline's Stop
