"""The unfinished part of the window's queue, kept on disk so that a restart (or a crash) picks it up again.

A small JSON file in the user data folder: the paths still to do, in queue order. Written atomically (temporary
file, then rename) whenever that list changes; finished results live in the results store, not here.
"""

from __future__ import annotations

import json
from pathlib import Path

from .config import write_atomically


def queue_path() -> Path:
    from .config import data_dir

    return data_dir() / "queue.json"


def load_queue(path: Path | None = None) -> list[str]:
    p = path or queue_path()
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []  # none yet, or a damaged file: start empty (the results themselves are in the store)
    files = data.get("files") if isinstance(data, dict) else None
    return [f for f in files if isinstance(f, str)] if isinstance(files, list) else []


def save_queue(files: list[str], path: Path | None = None) -> None:
    write_atomically(path or queue_path(), json.dumps({"files": files}, indent=2))
