"""The results store: a second run opens from it; a killed run resumes from the first unfinished window."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from app.engine import LlamaEngine
from app.summarize import Finished, Options, Summarizer
from app.summarize.store import Store
from app.transcript import read_file
from tests.helpers import DATA, Spy

ROOT = Path(__file__).resolve().parents[2]


def run(engine, path: Path, options: Options | None = None):  # noqa: ANN001, ANN201
    async def main():  # noqa: ANN202
        store = Store()
        try:
            async with contextlib.aclosing(
                Summarizer(engine, options, store=store).run(read_file(path))
            ) as evs:
                return [ev async for ev in evs]
        finally:
            store.close()
            await engine.close()

    return asyncio.run(main())


def test_second_run_opens_from_the_store(tiny_model: Path) -> None:
    first = next(
        e for e in run(LlamaEngine(tiny_model), DATA / "premiere.txt") if isinstance(e, Finished)
    ).result
    spy = Spy(LlamaEngine(tiny_model))
    events = run(spy, DATA / "premiere.txt")
    second = next(e for e in events if isinstance(e, Finished)).result
    assert spy.requests == []  # nothing was asked of the model
    assert second.chapters == first.chapters and second.summary == first.summary
    # other settings are another run
    spy2 = Spy(LlamaEngine(tiny_model))
    run(spy2, DATA / "premiere.txt", Options(min_chapter_s=30))
    assert spy2.requests


def _long_transcript(path: Path, minutes: int = 40) -> None:
    lines = [
        f"{'Ann' if i % 3 else 'Ben'}: point number {i} about topic {i // 20}, with a few more words of detail."
        for i in range(minutes * 4)
    ]
    path.write_text("\n".join(lines))


def test_resume_after_kill(endless_model: Path, tmp_path: Path) -> None:
    src = tmp_path / "meeting.txt"
    _long_transcript(src)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    args = [
        sys.executable,
        "-m",
        "app",
        "summarize",
        str(src),
        "--model",
        str(endless_model),
        "--format",
        "json",
        "--window-tokens",
        "300",
    ]
    db = Path(os.environ["RECAP_DATA_DIR"]) / "recap.sqlite3"
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 120
        done = 0
        while time.time() < deadline and proc.poll() is None:
            if db.exists():
                with (
                    contextlib.closing(sqlite3.connect(db)) as c,
                    contextlib.suppress(sqlite3.OperationalError),
                ):
                    done = c.execute("SELECT count(*) FROM windows").fetchone()[0]
            if done >= 3:
                break
            time.sleep(0.01)
        assert done >= 2 and proc.poll() is None, "the run ended before it could be killed"
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
    with contextlib.closing(sqlite3.connect(db)) as c:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = c.execute("SELECT count(*) FROM windows").fetchone()[0]
    r = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    stats = json.loads(r.stdout)["stats"]
    assert stats["windows_reused"] == stored >= 2
    assert stats["windows"] > stats["windows_reused"]


def _windows(db: Path) -> int:
    """Finished windows in the store, 0 while it does not exist yet or is being written."""
    if not db.exists():
        return 0
    with contextlib.suppress(sqlite3.OperationalError), contextlib.closing(sqlite3.connect(db)) as c:
        return int(c.execute("SELECT count(*) FROM windows").fetchone()[0])
    return 0


def test_ten_kills_at_random_points_lose_nothing(endless_model: Path, tmp_path: Path) -> None:
    """The window process (`recap --exit-when-done`) is SIGKILLed ten times at random points of a run. After
    each kill the settings file and the results database are intact, finished windows never go away, and the
    last run resumes from where the kills left it.

    The points are points of progress, not of seconds, so a busy machine moves them rather than skipping them:
    even kills come at a random moment of the start-up (before or after the first write, which is not a loss
    either way), odd kills just after the run stored one more window (or at a random moment of it)."""
    import random

    src = tmp_path / "meeting.txt"
    _long_transcript(src, minutes=480)
    cfg = Path(os.environ["RECAP_CONFIG_DIR"])
    db = Path(os.environ["RECAP_DATA_DIR"]) / "recap.sqlite3"
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    args = [sys.executable, "-m", "app", "--exit-when-done", "--model", str(endless_model), str(src)]
    rng = random.Random(5)
    stored = 0
    kills = 0
    for i in range(10):
        proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            if i % 2 == 0:
                time.sleep(rng.uniform(0.3, 2.5))  # a random moment, whatever has happened by then
            else:
                deadline = time.monotonic() + 300  # a gross limit: a window takes seconds even when busy
                while _windows(db) <= stored and proc.poll() is None and time.monotonic() < deadline:
                    time.sleep(0.05)  # polling the store for the next finished window
                time.sleep(rng.uniform(0.0, 0.5))
            if proc.poll() is not None:
                break  # it finished before this kill: everything was already done
            proc.send_signal(signal.SIGKILL)
        finally:
            proc.kill()
            proc.wait()
        kills += 1
        if (cfg / "settings.json").exists():  # a kill before the first write leaves none: nothing was lost
            settings = json.loads((cfg / "settings.json").read_text())
            assert settings["model_path"] == str(endless_model)
        if db.exists():
            with contextlib.closing(sqlite3.connect(db)) as c:
                assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
                now = c.execute("SELECT count(*) FROM windows").fetchone()[0]
            assert now >= stored
            stored = now
    assert kills >= 5
    assert stored > 0, "no window was stored between the kills"
    r = subprocess.run(args, env=env, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr[-2000:]
    with contextlib.closing(sqlite3.connect(db)) as c:
        assert c.execute("SELECT count(*) FROM runs").fetchone()[0] == 1
        stats = json.loads(c.execute("SELECT result FROM runs").fetchone()[0])["stats"]
    assert stats["windows_reused"] == stored > 0
