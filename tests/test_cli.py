"""`recap inspect` and `recap summarize` as a user runs them: real processes, real files, the tiny model."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.summarize import Chapter
from app.summarize.chapters import valid_chapter_list
from tests.conftest import DATA, SEED_000, SEED_003, needs_seeds

ROOT = Path(__file__).resolve().parent.parent


def recap(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=ROOT,
    )


def test_inspect_json_has_the_documented_fields() -> None:
    r = recap("inspect", str(DATA / "premiere.txt"), "--json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert set(d) >= {
        "format",
        "encoding",
        "title",
        "description",
        "duration_s",
        "timing",
        "speakers",
        "segments",
        "warnings",
    }
    assert d["format"] == "premiere" and d["timing"] == "exact" and d["encoding"] == "utf-8"
    assert d["segments"][0] == {
        "start_s": 5.0,
        "end_s": 20.5,
        "speaker": "Alice",
        "text": "Welcome to the show. Today we talk about sourdough bread, why it rises, "
        "and what can go wrong.",
    }


def test_inspect_text_marks_estimated_times() -> None:
    r = recap("inspect", str(DATA / "speaker_page.txt"))
    assert r.returncode == 0
    assert "≈0:00" in r.stdout and "times estimated" in r.stdout


def test_inspect_bad_file_is_one_line(tmp_path: Path) -> None:
    p = tmp_path / "song.txt"
    p.write_bytes(b"fLaC" + b"\x00" * 100)
    r = recap("inspect", str(p))
    assert r.returncode == 2
    assert r.stderr.strip() == "recap: “song.txt” is a FLAC audio file, not a transcript."
    assert "Traceback" not in r.stderr


def _check_json(out: str, model: Path) -> dict:  # type: ignore[type-arg]
    d = json.loads(out)
    assert set(d) >= {"title", "duration_s", "timing", "model", "chapters", "summary", "stats"}
    assert d["model"] == model.name
    assert set(d["stats"]) >= {"prompt_tokens", "generated_tokens", "seconds"}
    chapters = [Chapter(c["start_s"], c["title"], c["end_s"]) for c in d["chapters"]]
    assert chapters, "no chapters"
    assert valid_chapter_list(chapters, 10) == []
    return d


@needs_seeds
@pytest.mark.parametrize("seed", [SEED_003, SEED_000], ids=["003-premiere", "000-podcast-page"])
def test_summarize_seeds_json(seed: Path, tiny_model: Path) -> None:
    from app.transcript import read_file

    r = recap("summarize", str(seed), "--model", str(tiny_model), "--format", "json")
    assert r.returncode == 0, r.stderr[-2000:]
    d = _check_json(r.stdout, tiny_model)
    t = read_file(seed)
    starts = {round(s.start_s, 3) for s in t.segments} | {0.0}
    assert all(c["start_s"] in starts for c in d["chapters"]), "a chapter time that is not a segment start"
    assert d["timing"] == t.timing and d["duration_s"] == round(t.duration_s, 3)
    assert "Reading part 1 of" in r.stderr  # progress goes to stderr


def test_summarize_sample_markdown_streams(endless_model: Path) -> None:
    # the endless model: a random model that happens to end at once would write no summary (a Notice says so)
    r = recap("summarize", str(DATA / "premiere.txt"), "--model", str(endless_model))
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("# Episode 7\n\n## Chapters\n\n- 0:00 ")
    assert "\n## Summary\n\n" in r.stdout


def test_summarize_bad_inputs_exit_nonzero_with_one_line(tmp_path: Path, tiny_model: Path) -> None:
    r = recap("summarize", str(DATA / "empty.txt"), "--model", str(tiny_model))
    assert r.returncode == 2 and r.stderr.strip() == "recap: “empty.txt” is empty."
    fake = tmp_path / "model.gguf"
    fake.write_text("not a model")
    r = recap("summarize", str(DATA / "premiere.txt"), "--model", str(fake))
    assert r.returncode == 2 and r.stderr.strip() == "recap: “model.gguf” is not a GGUF model file."
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(tiny_model.read_bytes()[:5000])
    r = recap("summarize", str(DATA / "premiere.txt"), "--model", str(cut))
    assert r.returncode == 1 and "damaged" in r.stderr and "Traceback" not in r.stderr
    r = recap("summarize", str(DATA / "premiere.txt"))
    assert r.returncode == 2 and "no model" in r.stderr


def test_import_contract() -> None:
    """app.transcript, app.summarize, app.engine, app.export and the CLI's headless path never import Qt;
    llama_cpp is imported by app/engine only."""
    code = (
        "import sys, app.transcript, app.summarize, app.engine, app.export, app.cli, app.config\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'qasync'))]\n"
        "assert not bad, bad\n"
        "assert 'llama_cpp' not in sys.modules  # loaded lazily, with the model\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    import ast

    for path in (ROOT / "app").rglob("*.py"):
        tree = ast.parse(path.read_text())
        names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        names |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        if any(n.split(".")[0] == "llama_cpp" for n in names):
            assert path.parent.name == "engine", f"{path} imports llama_cpp"
        if any(n.split(".")[0] == "PySide6" for n in names):
            assert path.parent.name == "ui", f"{path} imports PySide6"
