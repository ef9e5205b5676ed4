"""The one-folder bundle builds with one command (packaging/build.py), and the built app, run without Python or
the source tree, reads a transcript, runs a generated model and exits 0 (the smoke test inside build.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytest.importorskip("PyInstaller", reason="PyInstaller is not installed (pip install -e '.[bundle]')")


@pytest.mark.slow
def test_bundle_builds_and_its_smoke_test_passes(tmp_path: Path) -> None:
    r = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "build.py"), "--dist", str(tmp_path / "dist")]
        + ["--work", str(tmp_path / "work")],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=ROOT,
    )
    assert r.returncode == 0, (r.stdout + r.stderr)[-4000:]
    assert "smoke test passed" in r.stdout
    exe = tmp_path / "dist" / "recap" / "recap"
    assert exe.is_file()
    assert (tmp_path / "dist" / "recap" / "_internal" / "resources" / "presets").is_dir()
