"""Results that survive a crash: each finished window and each finished run, in SQLite.

The same table is the history the window lists: every finished result, and every partial one (a stopped run's
chapters and summary so far), with its source, transcript hash, model, preset and settings; searchable by title
and text; deletable one by one or all at once (windows included: nothing of a deleted run stays behind).

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
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from ..config import data_dir
from ..transcript import Transcript
from .events import Chapter, Result, Stats

SCHEMA_VERSION = (
    3  # 1: windows + runs; 2: runs gain hash, preset, settings, partial, search, updated; 3: answers
)


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
        """Each step is one transaction: a crash mid-migration leaves the previous version, whole."""
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
                self.db.execute("PRAGMA user_version=1")
        if version < 2:
            with self.db:
                self.db.execute("BEGIN")
                for column in (
                    "hash TEXT",
                    "preset TEXT",
                    "settings TEXT",
                    "partial INTEGER NOT NULL DEFAULT 0",
                    "search TEXT",
                    "updated REAL",
                ):
                    self.db.execute(f"ALTER TABLE runs ADD COLUMN {column}")
                rows = self.db.execute("SELECT run, source, result, created FROM runs").fetchall()
                for run, source, result, created in rows:
                    text = _search_text(source, _result_from_json(result))
                    self.db.execute("UPDATE runs SET search=?, updated=? WHERE run=?", (text, created, run))
                self.db.execute("CREATE INDEX IF NOT EXISTS runs_updated ON runs (updated)")
                self.db.execute("PRAGMA user_version=2")
        if version < 3:
            with self.db:
                self.db.execute("BEGIN")
                self.db.execute(
                    "CREATE TABLE IF NOT EXISTS answers (run TEXT, question TEXT, answer TEXT, created REAL)"
                )
                self.db.execute("CREATE INDEX IF NOT EXISTS answers_run ON answers (run, created)")
                self.db.execute("PRAGMA user_version=3")

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

    def put_result(
        self,
        run: str,
        source: str | None,
        r: Result,
        *,
        partial: bool = False,
        transcript: str | None = None,
        preset: str | None = None,
        settings: dict[str, Any] | None = None,
    ) -> None:
        """Keep a result (a partial one replaces nothing finished: a finished run is never downgraded). A run
        whose chapters a person edited keeps the edits when the model writes the same result again."""
        kept = self.get_any(run)
        if kept is not None and kept.edited and kept.original_chapters == r.chapters:
            r = replace(r, chapters=kept.chapters, original_chapters=kept.original_chapters)
        data = _result_json(r)
        now = time.time()
        with self.db:
            self.db.execute("BEGIN")
            if partial and self.db.execute("SELECT 1 FROM runs WHERE run=? AND partial=0", (run,)).fetchone():
                return
            created = self.db.execute("SELECT created FROM runs WHERE run=?", (run,)).fetchone()
            self.db.execute(
                "INSERT OR REPLACE INTO runs (run, source, title, model, result, created, hash, preset, settings, "
                "partial, search, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    run,
                    source,
                    r.title,
                    r.model,
                    data,
                    created[0] if created else now,
                    transcript,
                    preset,
                    json.dumps(settings, sort_keys=True) if settings is not None else None,
                    int(partial),
                    _search_text(source, r),
                    now,
                ),
            )

    def put_edited(self, run: str, r: Result) -> None:
        """The same run's result with the chapters a person edited (or reverted): everything else is kept."""
        with self.db:
            self.db.execute(
                "UPDATE runs SET result=?, title=?, search=?, updated=? WHERE run=?",
                (_result_json(r), r.title, _search_text(self.source_of(run), r), time.time(), run),
            )

    def put_answer(self, run: str, question: str, answer: str) -> None:
        """A question asked of the run's transcript and its answer, kept with the result."""
        with self.db:
            self.db.execute(
                "INSERT INTO answers (run, question, answer, created) VALUES (?, ?, ?, ?)",
                (run, question, answer, time.time()),
            )

    def answers(self, run: str) -> list[tuple[str, str]]:
        """(question, answer) asked of this run, oldest first."""
        rows = self.db.execute("SELECT question, answer FROM answers WHERE run=? ORDER BY created", (run,))
        return [(q, a) for q, a in rows.fetchall()]

    def source_of(self, run: str) -> str | None:
        row = self.db.execute("SELECT source FROM runs WHERE run=?", (run,)).fetchone()
        return row[0] if row else None

    def get_any(self, run: str) -> Result | None:
        """The run's result, finished or partial."""
        row = self.db.execute("SELECT result FROM runs WHERE run=?", (run,)).fetchone()
        return _result_from_json(row[0]) if row else None

    def get_result(self, run: str) -> Result | None:
        """A finished result (partial ones are history, never served as a finished run)."""
        row = self.db.execute("SELECT result FROM runs WHERE run=? AND partial=0", (run,)).fetchone()
        return _result_from_json(row[0]) if row else None

    def get_entry(self, run: str) -> tuple[HistoryEntry, Result] | None:
        row = self.db.execute(f"SELECT {_ENTRY_COLUMNS}, result FROM runs WHERE run=?", (run,)).fetchone()
        return (_entry(row[:-1]), _result_from_json(row[-1])) if row else None

    def history(self, query: str = "", limit: int = 1000) -> list[HistoryEntry]:
        """Newest first; `query` matches the title, source name, chapter titles and summary (case-insensitive)."""
        sql = f"SELECT {_ENTRY_COLUMNS} FROM runs"
        args: list[Any] = []
        if query.strip():
            sql += " WHERE search LIKE ? ESCAPE '\\'"
            q = query.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            args.append(f"%{q}%")
        sql += " ORDER BY updated DESC LIMIT ?"
        args.append(limit)
        return [_entry(row) for row in self.db.execute(sql, args).fetchall()]

    def delete(self, run: str) -> None:
        """One result and its windows: nothing of it stays behind."""
        with self.db:
            self.db.execute("BEGIN")
            self.db.execute("DELETE FROM runs WHERE run=?", (run,))
            self.db.execute("DELETE FROM windows WHERE run=?", (run,))
            self.db.execute("DELETE FROM answers WHERE run=?", (run,))

    def delete_all(self) -> None:
        with self.db:
            self.db.execute("BEGIN")
            self.db.execute("DELETE FROM runs")
            self.db.execute("DELETE FROM windows")
            self.db.execute("DELETE FROM answers")
        self.db.execute("VACUUM")  # deleted text does not linger in free pages of the file


@dataclass(frozen=True)
class HistoryEntry:
    run: str
    source: str | None
    title: str
    model: str
    preset: str | None
    partial: bool
    created: float  # Unix time of the first result of this run
    updated: float  # Unix time of the latest
    edited: bool = False  # a person edited its chapters


_ENTRY_COLUMNS = (
    "run, source, title, model, preset, partial, created, COALESCE(updated, created), "
    "json_extract(result, '$.original_chapters') IS NOT NULL"
)


def _entry(row: tuple[Any, ...]) -> HistoryEntry:
    return HistoryEntry(
        row[0], row[1], row[2] or "", row[3] or "", row[4], bool(row[5]), row[6], row[7], bool(row[8])
    )


def _result_json(r: Result) -> str:
    return json.dumps(
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
            "original_chapters": (
                None if r.original_chapters is None else [asdict(c) for c in r.original_chapters]
            ),
        }
    )


def _search_text(source: str | None, r: Result) -> str:
    parts = [r.title, Path(source).name if source else "", *(c.title for c in r.chapters), r.summary]
    return "\n".join(parts).lower()


def _result_from_json(blob: str) -> Result:
    d = json.loads(blob)
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
        original_chapters=(
            None
            if d.get("original_chapters") is None
            else tuple(Chapter(**c) for c in d["original_chapters"])
        ),
    )
