"""A longer, coverage-guided fuzz run of the transcript reader with atheris (libFuzzer for Python).

    pip install atheris
    python tests/bench/fuzz_reader.py -max_total_time=600 tests/data/formats tests/data/bad

The corpus folders seed it with a sample of every format. The only exception the reader may raise is its own
TranscriptError; anything else, or a hang (libFuzzer's -timeout, 10 s here), is a crash and is saved as
crash-*/timeout-* for a regression test. The test suite runs the quicker hypothesis version
(tests/test_faults.py); this is for a long run before a release.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import atheris  # noqa: E402

with atheris.instrument_imports():
    from app.transcript import TranscriptError
    from app.transcript.decode import decode
    from app.transcript.reader import read_text


def one(data: bytes) -> None:
    try:
        text, enc = decode(data, "fuzz")
        read_text(text, encoding=enc)
    except TranscriptError:
        pass


if __name__ == "__main__":
    argv = sys.argv if any(a.startswith("-timeout") for a in sys.argv) else [*sys.argv, "-timeout=10"]
    atheris.Setup(argv, one)
    atheris.Fuzz()
