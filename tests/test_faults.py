"""Faults and bad input: each gives a clear message and Recap keeps working. And the offline guarantee."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.engine import EngineError, LlamaEngine
from app.summarize import Failed, Finished, NotesDelta, Notice, Options, Summarizer
from app.transcript import TranscriptError, read_text
from app.transcript.decode import decode
from tests.helpers import DATA

ROOT = Path(__file__).resolve().parent.parent


def run_pipeline(engine: LlamaEngine, path: Path) -> list[object]:
    from app.transcript import read_file

    async def main() -> list[object]:
        try:
            async with contextlib.aclosing(Summarizer(engine).run(read_file(path))) as evs:
                return [ev async for ev in evs]
        finally:
            await engine.close()

    return asyncio.run(main())


def test_model_that_only_ends_gives_notice_not_silence(silent_model: Path) -> None:
    events = run_pipeline(LlamaEngine(silent_model), DATA / "premiere.txt")
    r = next(e for e in events if isinstance(e, Finished)).result
    # nothing the model wrote: the summary is only the key moments, the speakers' own sentences
    assert r.summary.startswith("### Key moments")
    assert r.chapters  # a chapter list always has its 0:00 chapter
    assert any(isinstance(e, Notice) and e.message == "The model wrote no summary." for e in events)
    assert "The model wrote no summary." in r.warnings


def test_parts_the_model_writes_nothing_on_show_their_own_sentences(silent_model: Path) -> None:
    """No usable notes on a part (here: empty, with no grammar to ask again under; SmolLM2 on seed 003's third
    part repeats the task, then writes "Stefan: Yes." under the grammar): the part shows its most central
    sentences instead, verbatim with their real times and speakers, and a notice says so."""
    import re

    from tests.standin_server import topic_transcript

    t = topic_transcript(40)

    async def main() -> list[object]:
        engine = LlamaEngine(silent_model)
        try:
            async with contextlib.aclosing(
                Summarizer(engine, Options(window_tokens=1200, use_grammar=False)).run(t)
            ) as evs:
                return [ev async for ev in evs]
        finally:
            await engine.close()

    events = asyncio.run(main())
    r = next(e for e in events if isinstance(e, Finished)).result
    assert r.stats.windows > 2
    shown = {e.part for e in events if isinstance(e, NotesDelta) and e.text.strip()}
    assert shown == set(range(r.stats.windows))
    said = {(round(s.start_s), s.speaker, s.text) for s in t.segments}
    for note in r.notes:
        lines = note.splitlines()
        assert 1 <= len(lines) <= 3, note
        for line in lines:
            m = re.fullmatch(r"- \[(\d\d):(\d\d):(\d\d)\] (\w+): “(.+)”", line)
            assert m, line
            h, mi, sec, who, text = m.groups()
            start = int(h) * 3600 + int(mi) * 60 + int(sec)
            # said by them, in the turn that begins at that time (a line of the prompt: up to 30 s of one speaker)
            assert any(
                start - 1 <= s <= start + 30 and w == who and text.casefold() in x.casefold()
                for s, w, x in said
            ), line
    notice = (
        f"The model's notes on {r.stats.windows} parts could not be used; their notes are the transcript's"
    )
    assert any(isinstance(e, Notice) and e.message.startswith(notice) for e in events)


def test_model_that_never_stops_is_capped_and_reported(endless_model: Path) -> None:
    events = run_pipeline(LlamaEngine(endless_model), DATA / "premiere.txt")
    r = next(e for e in events if isinstance(e, Finished)).result
    # every answer ends: at a sentence near its cap (defences), or at the cap itself, which is then reported
    assert r.stats.generated_tokens <= 2 * 64 * len(r.chapters) + 700
    assert r.summary
    if r.stats.output_capped:
        assert any(isinstance(e, Notice) and "length limit" in e.message for e in events)


def test_wrong_architecture_gguf(tmp_path: Path) -> None:
    import gguf

    p = tmp_path / "alien.gguf"
    w = gguf.GGUFWriter(str(p), arch="notarealarch")
    w.add_block_count(1)
    w.add_tensor("token_embd.weight", __import__("numpy").zeros((4, 4), dtype="float32"))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()

    async def main() -> None:
        e = LlamaEngine(p)
        try:
            with pytest.raises(EngineError, match="could not be loaded"):
                await e.load()
        finally:
            await e.close()

    asyncio.run(main())


def test_model_file_deleted_while_loaded(tmp_path: Path, tiny_model: Path) -> None:
    p = tmp_path / "m.gguf"
    p.write_bytes(tiny_model.read_bytes())

    async def main() -> list[object]:
        e = LlamaEngine(p)
        await e.load()
        p.unlink()  # the weights are mapped: the loaded model keeps working
        from app.transcript import read_file

        try:
            async with contextlib.aclosing(Summarizer(e).run(read_file(DATA / "premiere.txt"))) as evs:
                return [ev async for ev in evs]
        finally:
            await e.close()

    events = asyncio.run(main())
    assert isinstance(events[-1], Finished)
    # and a new engine on the vanished path says so in a sentence
    events = run_pipeline(LlamaEngine(p), DATA / "premiere.txt")
    assert isinstance(events[-1], Failed) and "does not exist" in events[-1].message


GUARD = r"""
import socket, sys
attempts = []
_real_socket = socket.socket
class GuardedSocket(_real_socket):
    def __init__(self, family=-1, type=-1, proto=-1, fileno=None):
        if family in (socket.AF_INET, socket.AF_INET6) and fileno is None:
            attempts.append(("socket", family))
            raise OSError("network access attempted")
        super().__init__(family, type, proto, fileno)
    def connect(self, *a):
        attempts.append(("connect", a)); raise OSError("network access attempted")
socket.socket = GuardedSocket
def _no(*a, **k):
    attempts.append(("resolve", a)); raise OSError("network access attempted")
socket.getaddrinfo = _no
socket.create_connection = _no
import atexit, os
atexit.register(lambda: attempts and os.write(2, f"NETWORK ATTEMPTS: {attempts}\n".encode()))
"""


@pytest.mark.parametrize("mode", ["cli", "gui"])
def test_offline_guarantee(mode: str, tiny_model: Path, tmp_path: Path) -> None:
    """The whole flow with every internet socket forbidden: nothing is attempted (local socketpairs used by
    asyncio's own wake-up pipe stay allowed; they never leave the process)."""
    (tmp_path / "sitecustomize.py").write_text(GUARD)
    env = dict(
        os.environ,
        PYTHONPATH=f"{tmp_path}:{ROOT}",
        QT_QPA_PLATFORM="offscreen",
        RECAP_CONFIG_DIR=str(tmp_path / "cfg"),
    )
    if mode == "cli":
        args = ["summarize", str(DATA / "premiere.txt"), "--model", str(tiny_model), "--format", "json"]
    else:
        args = ["--exit-when-done", "--model", str(tiny_model), str(DATA / "premiere.txt")]
    r = subprocess.run(
        [sys.executable, "-m", "app", *args], env=env, capture_output=True, text=True, timeout=120
    )
    assert r.returncode == 0, r.stderr[-2000:]
    assert "NETWORK ATTEMPTS" not in r.stderr
    check = subprocess.run(
        [sys.executable, "-c", "import socket; socket.getaddrinfo('example.org', 80)"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert "NETWORK ATTEMPTS" in check.stderr  # the guard itself works


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=3000))
def test_reader_fuzz_text(text: str) -> None:
    try:
        t = read_text(text)
    except TranscriptError:
        return
    assert t.segments
    assert all(s.end_s >= s.start_s for s in t.segments)


LINES = st.sampled_from(
    [
        "00:00:21:00 - 00:00:41:25",
        "[00:01:00:00 - 00:00:59:00]",
        "Stefan",
        "spk_0 hello",
        "spk_1",
        "SPEAKER_01: yes",
        "Alice: hi",
        "Bob:",
        "",
        "  ",
        "Title line",
        "0:00 / 0:00",
        "Interactive Transcript",
        "99:99:99:99 - 00:00:00:00",
        "text with [00:01:02] inside",
        "\ufeff",
        "\x00",
        "Ünïcödé ✓ 漢字",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(LINES, max_size=60))
def test_reader_fuzz_structured(lines: list[str]) -> None:
    try:
        t = read_text("\n".join(lines))
    except TranscriptError:
        return
    assert t.segments
    assert [s.start_s for s in t.segments] == sorted(s.start_s for s in t.segments)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_decoder_fuzz_bytes(data: bytes) -> None:
    try:
        text, enc = decode(data)
    except TranscriptError:
        return
    assert isinstance(text, str) and enc


SAMPLES = sorted(p for p in (DATA / "formats").iterdir()) + sorted(p for p in DATA.glob("*.txt"))


@settings(max_examples=400, deadline=2000)
@given(
    st.sampled_from(SAMPLES),
    st.lists(
        st.tuples(st.integers(0, 10_000), st.integers(0, 3), st.binary(min_size=0, max_size=8)), max_size=8
    ),
)
def test_reader_fuzz_mutated_samples(sample: Path, edits: list[tuple[int, int, bytes]]) -> None:
    """Real samples of every format with bytes deleted, replaced and inserted: the reader answers with a
    Transcript or its own error, never anything else, and quickly (the deadline catches a hang)."""
    from app.transcript.decode import decode as dec
    from app.transcript.reader import read_text as rt

    data = bytearray(sample.read_bytes())
    for pos, kind, chunk in edits:
        pos = pos % (len(data) + 1)
        if kind == 0:
            del data[pos : pos + len(chunk) + 1]
        elif kind == 1:
            data[pos : pos + len(chunk)] = chunk
        else:
            data[pos:pos] = chunk
    try:
        text, enc = dec(bytes(data), sample.name)
        t = rt(text, encoding=enc, source=str(sample))
    except TranscriptError:
        return
    assert t.segments and all(s.end_s >= s.start_s for s in t.segments)


def test_fuzz_regression_html_marked_section() -> None:
    """Found by the atheris run (tests/bench/fuzz_reader.py): html.parser raised AssertionError on `<![ime`."""
    data = (DATA / "fuzz-html-marked-section.bin").read_bytes()
    try:
        text, enc = decode(data, "fuzz")
        read_text(text, encoding=enc)
    except TranscriptError:
        pass
