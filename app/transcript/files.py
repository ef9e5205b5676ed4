"""Which files to read when the user gives folders: transcript files found recursively, the rest listed as
skipped. Pure Python; shared by the window (drops) and the CLI (batches)."""

from __future__ import annotations

from pathlib import Path

TRANSCRIPT_SUFFIXES = {
    ".txt",
    ".srt",
    ".vtt",
    ".json",
    ".tsv",
    ".html",
    ".htm",
    ".md",
    ".sbv",
    ".csv",
    ".docx",
    ".pdf",
}


# What a file manager may drag along that is certainly not a transcript: refused at the drop, with the reason.
NOT_TRANSCRIPTS = {
    **dict.fromkeys((".mp3", ".m4a", ".wav", ".flac", ".ogg", ".opus", ".aac", ".wma"), "audio"),
    **dict.fromkeys((".mp4", ".mkv", ".mov", ".avi", ".webm", ".m4v"), "video"),
    **dict.fromkeys((".png", ".jpg", ".jpeg", ".gif", ".webp", ".heic"), "an image"),
    **dict.fromkeys((".zip", ".gz", ".7z", ".rar", ".tar"), "an archive"),
    ".gguf": "a model file (choose it with File › Choose model…)",
}


def refusal(paths: list[str]) -> str | None:
    """Why none of these can be read, when every one is a file of a kind that is never a transcript."""
    kinds = []
    for p in map(Path, paths):
        kind = NOT_TRANSCRIPTS.get(p.suffix.lower())
        if kind is None or p.is_dir():
            return None
        kinds.append((p.name, kind))
    name, kind = kinds[0]
    more = f" (and {len(kinds) - 1} more like it)" if len(kinds) > 1 else ""
    return f"“{name}” is {kind}, not a transcript{more}. Drop the transcript file instead."


def expand_paths(paths: list[str] | list[Path]) -> tuple[list[str], list[str]]:
    """Files to read (folders searched recursively for transcript files, in name order) and the paths skipped.
    A file named directly is always kept: the reader decides what it is and says so."""
    files: list[str] = []
    skipped: list[str] = []
    for p in map(Path, paths):
        if p.is_dir():
            try:
                found = sorted(f for f in p.rglob("*") if not f.is_dir())
            except OSError:
                skipped.append(str(p))
                continue
            for f in found:  # is_file() is false for pipes, devices and sockets: skipped, never opened
                ok = f.is_file() and f.suffix.lower() in TRANSCRIPT_SUFFIXES
                (files if ok else skipped).append(str(f))
        else:
            files.append(str(p))
    return files, skipped
