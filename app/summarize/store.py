"""Results that survive a crash: each finished window and each finished run, in SQLite.

A run is keyed by what determines its output: the transcript's content, the model file (path, size, mtime), the
prompts and options. A window is keyed by the run and its segment range. A run that was stopped, crashed or was
killed resumes from the first unfinished window; the same file with the same settings opens from the store.

Every write is one transaction (SQLite's journal makes a kill at any moment leave the file consistent).
Pure Python: safe to use from the asyncio thread; the writes are small (one window's text).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..transcript import Transcript
from .events import Chapter, Result, Stats

SCHEMA_VERSION = 1


def data_dir() -> Path:
    env = os.environ.get("RECAP_DATA_DIR")
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("recap", appauthor=False))


def transcript_hash(t: Transcript) -> str:
    h = hashlib.sha256()
    for s in t.segments:
        h.update(f"{s.start_s:.3f}\x1f{s.end_s:.3f}\x1f{s.speaker or ''}\x1f{s.text}\x1e".encode())
    h.update(f"{t.title or ''}\x1f{t.description or ''}".encode())
    return h.hexdigest()


def model_identity(path: str) -> str:
    try:
        st = os.stat(path)
        return f"{os.path.abspath(path)}|{st.st_size}|{int(st.st_mtime)}"
    except OSError:
        return os.path.abspath(path)


def run_key(t: Transcript, model_path: str, settings: dict[str, Any]) -> str:
    blob = json.dumps(
        {"t": transcript_hash(t), "m": model_identity(model_path), "s": settings}, sort_keys=True
    )
    return hashlib.sha256(blob.encode()).hexdigest()


class Store:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or data_dir() / "recap.sqlite3"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(self.path), timeout=10, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self._migrate()

    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise sqlite3.DatabaseError(f"{self.path} was written by a newer Recap (schema {version}).")
        if version < 1:
            with self.db:
                self.db.execute("BEGIN")
                self.db.execute(
                    "CREATE TABLE IF NOT EXISTS windows (run TEXT, first INTEGER, stop INTEGER, chapters TEXT, "
                    "notes TEXT, created REAL, PRIMARY KEY (run, first, stop))"
                )
                self.db.execute(
                    "CREATE TABLE IF NOT EXISTS runs (run TEXT PRIMARY KEY, source TEXT, title TEXT, model TEXT, "
                    "result TEXT, created REAL)"
                )
                self.db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def close(self) -> None:
        self.db.close()

    def get_window(self, run: str, first: int, stop: int) -> tuple[str, str | None] | None:
        row = self.db.execute(
            "SELECT chapters, notes FROM windows WHERE run=? AND first=? AND stop=?", (run, first, stop)
        ).fetchone()
        return (row[0], row[1]) if row else None

    def put_window(self, run: str, first: int, stop: int, chapters: str, notes: str | None) -> None:
        with self.db:
            self.db.execute("BEGIN")
            self.db.execute(
                "INSERT OR REPLACE INTO windows VALUES (?, ?, ?, ?, ?, ?)",
                (run, first, stop, chapters, notes, time.time()),
            )

    def put_result(self, run: str, source: str | None, r: Result) -> None:
        data = json.dumps(
            {
                "title": r.title,
                "duration_s": r.duration_s,
                "timing": r.timing,
                "model": r.model,
                "chapters": [asdict(c) for c in r.chapters],
                "summary": r.summary,
                "stats": asdict(r.stats),
                "notes": list(r.notes),
                "warnings": list(r.warnings),
            }
        )
        with self.db:
            self.db.execute("BEGIN")
            self.db.execute(
                "INSERT OR REPLACE INTO runs VALUES (?, ?, ?, ?, ?, ?)",
                (run, source, r.title, r.model, data, time.time()),
            )

    def get_result(self, run: str) -> Result | None:
        row = self.db.execute("SELECT result FROM runs WHERE run=?", (run,)).fetchone()
        if not row:
            return None
        d = json.loads(row[0])
        return Result(
            title=d["title"],
            duration_s=d["duration_s"],
            timing=d["timing"],
            model=d["model"],
            chapters=tuple(Chapter(**c) for c in d["chapters"]),
            summary=d["summary"],
            stats=Stats(**d["stats"]),
            notes=tuple(d["notes"]),
            warnings=tuple(d["warnings"]),
        )
