"""A second launch hands its files to the window that is open."""

from __future__ import annotations

import os
from pathlib import Path

from tests.helpers import (
    DATA,
    run_until,
)


def test_second_launch_hands_its_files_to_the_running_window(make_window, aloop, tmp_path) -> None:  # noqa: ANN001
    """What a double-click on a second transcript does: a real `recap FILE` process finds this window's socket,
    hands the file over and exits; the file is queued here."""
    import subprocess
    import sys

    from app.ui.single_instance import SingleInstance

    w = make_window()
    instance = SingleInstance()
    assert instance.listen()
    instance.filesReceived.connect(w.add_files)
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", str(DATA / "premiere.txt")],
        env=dict(os.environ, PYTHONPATH=str(root), QT_QPA_PLATFORM="offscreen"),
        cwd=root,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        run_until(aloop, lambda: proc.poll() is not None and len(w.jobs.jobs) == 1, timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        instance.close()
    assert proc.returncode == 0 and "handed to the Recap window" in (
        proc.stderr.read() if proc.stderr else ""
    )
    assert w.jobs.jobs[0].path == str(DATA / "premiere.txt")


def test_no_running_window_means_no_hand_off(tmp_path) -> None:  # noqa: ANN001
    from app.ui.single_instance import hand_off

    assert not hand_off(["x.srt"], name=f"recap-test-nobody-{tmp_path.name}")
