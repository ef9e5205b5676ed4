"""Build the one-folder bundle (dist/recap) and smoke-test it: one command.

    python packaging/build.py [--no-smoke]

Needs PyInstaller (`pip install -e '.[bundle]'`). The smoke test runs the built executable offscreen on a
transcript with a small generated model (`recap --exit-when-done --model M FILE`), checks its exit code, and
prints the bundle's size and its start-up time (`recap --version`, median of 5).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build(dist: Path, work: Path) -> float:
    t0 = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--log-level",
            "WARN",
            "--distpath",
            str(dist),
            "--workpath",
            str(work),
            str(ROOT / "packaging" / "recap.spec"),
        ],
        check=True,
        cwd=ROOT,
    )
    return time.perf_counter() - t0


def size_mb(path: Path) -> float:
    """On disk: links (PyInstaller links each library's versioned names) are not counted twice."""
    return sum(f.lstat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink()) / 2**20


def smoke(exe: Path, transcript: Path) -> dict[str, float]:
    """The built app, offscreen, reads the transcript and runs a generated model; its exit code must be 0."""
    with tempfile.TemporaryDirectory() as d:
        model = Path(d) / "tiny.gguf"
        subprocess.run([sys.executable, str(ROOT / "tests" / "make_model.py"), str(model)], check=True)
        env = dict(
            os.environ,
            QT_QPA_PLATFORM="offscreen",
            RECAP_CONFIG_DIR=str(Path(d) / "config"),
            RECAP_DATA_DIR=str(Path(d) / "data"),
        )
        env.pop("PYTHONPATH", None)  # the bundle must not need the source tree
        r = subprocess.run(
            [str(exe), "--exit-when-done", "--model", str(model), str(transcript)],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            cwd=d,
        )
        if r.returncode != 0:
            raise SystemExit(f"smoke test failed ({r.returncode}):\n{r.stderr[-3000:]}")
        r = subprocess.run([str(exe), "inspect", str(transcript)], env=env, capture_output=True, text=True)
        if r.returncode != 0 or "segments" not in r.stdout:
            raise SystemExit(f"`recap inspect` in the bundle failed:\n{r.stderr[-2000:]}")
        starts = []
        windows = []
        for _ in range(5):
            t0 = time.perf_counter()
            subprocess.run([str(exe), "--version"], env=env, capture_output=True, check=True)
            starts.append(time.perf_counter() - t0)
            t0 = (
                time.perf_counter()
            )  # start, build and show the window, shut down: the whole life of a window
            subprocess.run([str(exe), "--exit-when-done"], env=env, capture_output=True, timeout=60)
            windows.append(time.perf_counter() - t0)
    return {"version_start_s": statistics.median(starts), "window_life_s": statistics.median(windows)}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-smoke", action="store_true")
    ap.add_argument("--transcript", type=Path, default=ROOT / "tests" / "data" / "premiere.txt")
    ap.add_argument("--dist", type=Path, default=ROOT / "dist", help="where the bundle goes (default dist/)")
    ap.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller")
    a = ap.parse_args()
    if shutil.which("pyinstaller") is None and not _has_pyinstaller():
        print("PyInstaller is not installed: pip install -e '.[bundle]'", file=sys.stderr)
        return 2
    took = build(a.dist, a.work)
    folder = a.dist / "recap"
    exe = folder / "recap"
    print(f"built {folder} in {took:.0f} s: {size_mb(folder):.0f} MB")
    if not a.no_smoke:
        figures = smoke(exe, a.transcript)
        print(
            f"smoke test passed; `recap --version` takes {figures['version_start_s']:.2f} s, a window's whole "
            f"life (start, show, quit) {figures['window_life_s']:.2f} s (medians of 5)"
        )
    return 0


def _has_pyinstaller() -> bool:
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        return False
    return True


if __name__ == "__main__":
    sys.exit(main())
