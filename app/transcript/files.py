"""Which files to read when the user gives folders: transcript files found recursively, the rest listed as
skipped. Pure Python; shared by the window (drops) and the CLI (batches)."""

from __future__ import annotations

from pathlib import Path

TRANSCRIPT_SUFFIXES = {".txt", ".srt", ".vtt", ".json", ".tsv", ".html", ".htm", ".md", ".sbv", ".csv"}


def expand_paths(paths: list[str] | list[Path]) -> tuple[list[str], list[str]]:
    """Files to read (folders searched recursively for transcript files, in name order) and the paths skipped.
    A file named directly is always kept: the reader decides what it is and says so."""
    files: list[str] = []
    skipped: list[str] = []
    for p in map(Path, paths):
        if p.is_dir():
            try:
                found = sorted(f for f in p.rglob("*") if f.is_file())
            except OSError:
                skipped.append(str(p))
                continue
            for f in found:
                (files if f.suffix.lower() in TRANSCRIPT_SUFFIXES else skipped).append(str(f))
        else:
            files.append(str(p))
    return files, skipped
