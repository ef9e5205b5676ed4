"""`recap inspect` and `recap summarize` as a user runs them: real processes, real files, the tiny model."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.summarize import Chapter
from app.summarize.chapters import valid_chapter_list
from tests.helpers import DATA, SEED_000, SEED_003, needs_seeds, recap

ROOT = Path(__file__).resolve().parent.parent


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


def test_headless_imports_load_no_qt_and_no_llama_cpp() -> None:
    """Importing the headless parts (what `recap summarize` needs) loads neither Qt nor qasync, and llama_cpp
    only with the model. Which module may import which is the import contract's (pyproject.toml, lint-imports
    in tests/test_code_quality.py); this is what actually ends up loaded."""
    code = (
        "import sys, app.transcript, app.summarize, app.engine, app.export, app.cli, app.config, app.jobs\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'qasync'))]\n"
        "assert not bad, bad\n"
        "assert 'llama_cpp' not in sys.modules  # loaded lazily, with the model\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr


def _episode(i: int) -> str:
    """A short SRT of its own: four speakers' cues, 40 s apart, different words in each file."""
    words = ["bread", "ovens", "yeast", "flour", "salt", "water", "steam", "crust", "crumb", "starter"]
    cues = []
    for k in range(6):
        t = k * 40
        text = f"Ann: episode {i} part {k} is about {words[(i + k) % 10]} and {words[(i * 3 + k) % 10]}."
        cues.append(
            f"{k + 1}\n00:{t // 60:02d}:{t % 60:02d},000 --> 00:{t // 60:02d}:{t % 60 + 5:02d},000\n{text}\n"
        )
    return "\n".join(cues)


def test_batch_of_20_writes_each_and_a_rerun_skips_all(tmp_path: Path, tiny_model: Path) -> None:
    src = tmp_path / "episodes"
    (src / "season 2").mkdir(parents=True)
    for i in range(20):
        folder = src / "season 2" if i >= 10 else src
        (folder / f"episode-{i:02d}.srt").write_text(_episode(i))
    (src / "cover.jpg").write_bytes(b"\xff\xd8\xff" + bytes(100))
    out = tmp_path / "out"
    args = ("summarize", str(src), "--model", str(tiny_model), "--out", str(out), "--format", "podcast-json")
    r = recap(*args, timeout=900)
    assert r.returncode == 0, r.stderr[-3000:]
    assert "skipped (not a transcript file)" in r.stderr and "cover.jpg" in r.stderr
    assert "20 written, 0 already done, 0 failed" in r.stderr
    assert "[20/20] episode-19.srt" in r.stderr  # progress names the file and its place in the batch
    assert r.stderr.count("Measuring transcript") == 20  # each transcript went through the model
    files = sorted(out.glob("*.chapters.json"))
    assert [f.name for f in files] == [f"episode-{i:02d}.chapters.json" for i in range(20)]
    for f in files:
        d = json.loads(f.read_text())
        assert d["version"] == "1.2.0" and d["chapters"][0]["startTime"] == 0
    before = {f: f.stat().st_mtime_ns for f in files}

    r = recap(*args, timeout=900)
    assert r.returncode == 0, r.stderr[-3000:]
    assert "0 written, 20 already done, 0 failed" in r.stderr
    assert "Measuring transcript" not in r.stderr  # not one transcript was sent to the model
    assert {f: f.stat().st_mtime_ns for f in files} == before

    files[3].unlink()  # a lost output file is written again from the store, without the model
    r = recap(*args, timeout=900)
    assert "1 written, 19 already done, 0 failed" in r.stderr and "Measuring transcript" not in r.stderr
    assert files[3].exists()


def test_batch_reports_failures_and_needs_out(tmp_path: Path, tiny_model: Path) -> None:
    (tmp_path / "good.srt").write_text(_episode(1))
    (tmp_path / "empty.srt").write_text("")
    r = recap("summarize", str(tmp_path), "--model", str(tiny_model))
    assert r.returncode == 2 and "pass --out DIR" in r.stderr
    out = tmp_path / "out"
    r = recap("summarize", str(tmp_path), "--model", str(tiny_model), "--out", str(out), "--format", "text")
    assert r.returncode == 1
    assert "1 written, 0 already done, 1 failed" in r.stderr
    assert "failed: empty.srt: “empty.srt” is empty." in r.stderr
    assert (out / "good.txt").read_text().startswith("good\n")


def test_export_that_cannot_be_written_says_why(tiny_model: Path) -> None:
    # a transcript without times: YouTube chapters would point at the wrong moments
    r = recap("summarize", str(DATA / "speaker_page.txt"), "--model", str(tiny_model), "--format", "youtube")
    assert r.returncode == 1
    assert "no timestamps" in r.stderr and "Traceback" not in r.stderr
    assert r.stdout == ""


def test_ctx_and_threads_reach_the_engine(tiny_model: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process, to see the engine the CLI built (through app.engine.factory) and what llama.cpp ran with."""
    from app import cli
    from app.engine import factory

    built = []
    real = factory.make_engine

    def recording(*a, **kw):  # noqa: ANN002, ANN003, ANN202
        built.append(real(*a, **kw))
        return built[-1]

    monkeypatch.setattr(factory, "make_engine", recording)
    args = ["summarize", str(DATA / "premiere.txt"), "--model", str(tiny_model), "--format", "json"]
    assert cli.main([*args, "--ctx", "4096", "--threads", "1"]) == 0
    (engine,) = built
    assert engine.info.n_ctx == 4096 and engine.info.n_threads == 1


def test_ask_answers_from_the_transcript_and_says_what_it_read(tiny_model: Path) -> None:
    r = recap("ask", str(DATA / "premiere.txt"), "Why do home ovens lose steam?", "--model", str(tiny_model))
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() and "recap: read 0:05-5:00" in r.stderr  # the one passage of this short file
    r = recap("ask", str(DATA / "premiere.txt"), "  ", "--model", str(tiny_model))
    assert r.returncode == 2 and "question is empty" in r.stderr
    r = recap("ask", str(DATA / "premiere.txt"), "Why?")
    assert r.returncode == 2 and "no model" in r.stderr


def test_a_batch_on_a_model_server_uses_its_slots_across_files(tmp_path: Path, tiny_model: Path) -> None:
    """Four short transcripts, each one window (its requests one after the other: nothing within a file to read
    at once), on the paced stand-in server (tests/standin_server.py, named as one) with one slot and with two.
    With two, two files are summarized at once: the slots the one leaves idle serve the other. Never more
    requests than slots at a time, and every file's output is the one a batch in turn writes."""
    from tests.standin_server import PacedServer, episode_files

    src = tmp_path / "episodes"
    episode_files(src, 4)
    outputs, seconds, peaks = {}, {}, {}
    for slots in (1, 2):
        out = tmp_path / f"out-{slots}"
        with PacedServer(tiny_model, slots, gen_tps=50.0) as server:
            r = recap("summarize", str(src), "--server", server.url, "--out", str(out), "--format", "json")
            assert r.returncode == 0, r.stderr[-3000:]
            assert "4 written, 0 already done, 0 failed" in r.stderr
            served = list(server.served)
            seconds[slots] = max(s.ended for s in served) - min(s.started for s in served)
            peaks[slots] = server.peak
        outputs[slots] = {
            f.name: {
                k: v for k, v in json.loads(f.read_text()).items() if k not in ("stats", "created", "model")
            }
            for f in sorted(out.glob("*.json"))
        }
    print("batch seconds by slots:", {n: round(s, 2) for n, s in seconds.items()})
    assert len(outputs[1]) == 4 and outputs[2] == outputs[1]
    assert peaks == {1: 1, 2: 2}
    assert seconds[1] / seconds[2] >= 1.5, seconds
