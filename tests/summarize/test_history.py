"""The history: every finished and partial result kept, searchable, deletable; schema migration from version 1;
a process killed in the middle of writing leaves a database that opens and reads whole."""

from __future__ import annotations

import asyncio
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.summarize import Chapter, Options, Result, Stats, Summarizer
from app.summarize.events import Cancelled
from app.summarize.store import SCHEMA_VERSION, Store
from app.transcript import read_file
from tests.helpers import DATA

ROOT = Path(__file__).resolve().parents[2]


def result(
    title: str, summary: str = "We talk about bread.", chapters: tuple[str, ...] = ("Intro",)
) -> Result:
    return Result(
        title=title,
        duration_s=600.0,
        timing="exact",
        model="tiny.gguf",
        chapters=tuple(Chapter(i * 60.0, t) for i, t in enumerate(chapters)),
        summary=summary,
        stats=Stats(windows=1),
    )


def test_history_lists_newest_first_and_searches_title_and_text(tmp_path: Path) -> None:
    s = Store(tmp_path / "h.sqlite3")
    s.put_result("a", "/p/bread.srt", result("Bread", chapters=("Sourdough starters",)), preset="podcast")
    time.sleep(0.01)
    s.put_result("b", "/p/team.vtt", result("Weekly sync", summary="Budget 50% over; hiring_plan agreed."))
    time.sleep(0.01)
    s.put_result("c", "/p/lecture.txt", result("Thermodynamics"), partial=True)
    assert [e.run for e in s.history()] == ["c", "b", "a"]
    assert [e.run for e in s.history("SOURDOUGH")] == ["a"]  # a chapter title, any case
    assert [e.run for e in s.history("budget")] == ["b"]  # the summary text
    assert [e.run for e in s.history("team.vtt")] == ["b"]  # the file name
    assert [e.run for e in s.history("50%")] == ["b"] and s.history("5_%") == []  # LIKE wildcards are literal
    e = s.history("thermo")[0]
    assert e.partial and e.source == "/p/lecture.txt" and e.model == "tiny.gguf"
    assert s.history("sourdough")[0].preset == "podcast"


def test_partial_results_are_history_not_cache(tmp_path: Path) -> None:
    s = Store(tmp_path / "h.sqlite3")
    s.put_result("r", "/p/x.srt", result("X", summary="half"), partial=True)
    assert s.get_result("r") is None  # never served as a finished run
    entry, r = s.get_entry("r") or (None, None)
    assert entry is not None and entry.partial and r is not None and r.summary == "half"
    s.put_result("r", "/p/x.srt", result("X", summary="whole"))
    assert s.get_result("r").summary == "whole"  # type: ignore[union-attr]
    s.put_result("r", "/p/x.srt", result("X", summary="half again"), partial=True)
    assert s.get_result("r").summary == "whole"  # type: ignore[union-attr]  # a finished run is never downgraded
    assert len(s.history()) == 1


def test_delete_one_and_all_leave_nothing_behind(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    s = Store(path)
    for run in ("a", "b"):
        s.put_window(run, 0, 10, "[00:00:00] Secret chapter", "secret notes")
        s.put_result(run, f"/p/{run}.srt", result(f"Secret interview {run}"))
    s.delete("a")
    assert [e.run for e in s.history()] == ["b"] and s.get_window("a", 0, 10) is None
    assert s.get_window("b", 0, 10) is not None
    s.delete_all()
    assert s.history() == [] and s.get_window("b", 0, 10) is None
    s.close()
    assert b"Secret interview" not in path.read_bytes()  # vacuumed: not lingering in free pages


def test_schema_1_database_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE windows (run TEXT, first INTEGER, stop INTEGER, chapters TEXT, notes TEXT, created REAL, "
        "PRIMARY KEY (run, first, stop));"
        "CREATE TABLE runs (run TEXT PRIMARY KEY, source TEXT, title TEXT, model TEXT, result TEXT, created REAL);"
        "PRAGMA user_version=1;"
    )
    blob = (
        '{"title": "Old episode", "duration_s": 60.0, "timing": "exact", "model": "m.gguf", '
        '"chapters": [{"start_s": 0.0, "title": "Hello", "end_s": null}], "summary": "Old words.", '
        '"stats": {}, "notes": [], "warnings": []}'
    )
    db.execute("INSERT INTO runs VALUES ('old', '/p/old.srt', 'Old episode', 'm.gguf', ?, 1000.0)", (blob,))
    db.commit()
    db.close()
    s = Store(path)
    assert s.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
    assert [e.run for e in s.history("old words")] == ["old"]  # the search text was filled in
    old = s.get_result("old")
    assert old is not None and old.chapters[0].title == "Hello" and not old.edited  # no edits in version 1
    assert s.history()[0].updated == 1000.0 and not s.history()[0].edited
    assert s.answers("old") == []  # version 3: questions asked are kept
    s.put_answer("old", "What is it?", "Old words [00:00:05].")
    assert s.answers("old") == [("What is it?", "Old words [00:00:05].")]
    s.delete("old")
    assert s.answers("old") == []  # nothing of a deleted result stays behind


def test_newer_schema_is_refused_with_a_sentence(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version=99")
    db.close()
    with pytest.raises(sqlite3.DatabaseError, match="newer Recap"):
        Store(path)


def test_stopped_run_keeps_its_partial_result(slow_model: Path, tmp_path: Path) -> None:
    from app.engine import LlamaEngine

    store = Store(tmp_path / "h.sqlite3")
    engine = LlamaEngine(str(slow_model))
    summarizer = Summarizer(engine, Options(summary_max_tokens=3000), store=store)
    t = read_file(DATA / "premiere.txt")

    async def go() -> Cancelled | None:
        from app.summarize import ChapterFound

        try:
            async for ev in summarizer.run(t):
                if isinstance(ev, ChapterFound):  # random weights: the summary may be all dropped text
                    summarizer.stop()
                if isinstance(ev, Cancelled):
                    return ev
            return None
        finally:
            await engine.close()

    cancelled = asyncio.run(go())
    assert cancelled is not None and cancelled.chapters
    (entry,) = store.history()
    assert (
        entry.partial and entry.source and entry.source.endswith("premiere.txt") and entry.preset == "podcast"
    )
    got = store.get_entry(entry.run)
    assert got is not None and got[1].chapters == cancelled.chapters
    assert "Partial result" in got[1].notes[0]


WRITER = r"""
import sys, random
sys.path.insert(0, sys.argv[2])
from app.summarize.store import Store
from app.summarize.events import Chapter, Result, Stats
s = Store(__import__("pathlib").Path(sys.argv[1]))
i = int(sys.argv[3])
print("ready", flush=True)
while True:
    text = f"result {i} " + "words " * random.randint(1000, 40000)
    r = Result(f"Episode {i}", 60.0, "exact", "m.gguf", (Chapter(0.0, f"Chapter {i}"),), text, Stats())
    s.put_result(f"run{i % 7}", f"/p/{i}.srt", r, partial=bool(i % 2), settings={"i": i})
    s.put_window(f"run{i % 7}", 0, i, f"chapters {i}", text)
    i += 1
"""


def test_killed_in_the_middle_of_writing_the_database_opens_whole(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    rng = random.Random(7)
    for k in range(10):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), str(ROOT), str(k * 100000)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.05, 0.4))  # somewhere in the middle of a write
        proc.kill()
        proc.wait()
        s = Store(path)
        assert s.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        entries = s.history()
        assert entries, "nothing was written before the kill"
        for e in entries:  # every row reads back whole
            got = s.get_entry(e.run)
            assert got is not None and got[1].summary.startswith(f"result {got[1].title.split()[-1]} ")
        s.close()
