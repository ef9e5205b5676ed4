"""PySide6 6.12.0 on Python 3.11 aborts the process after a few thousand calls of void-returning methods
(each drops a reference to None). pyproject.toml pins around it; this test makes 20,000 such calls in a
subprocess, so that a crashing combination fails here instead of in a user's window."""

from __future__ import annotations

import subprocess
import sys

CODE = """
from PySide6.QtWidgets import QApplication, QTextEdit
app = QApplication([])
w = QTextEdit()
for i in range(20000):
    w.insertPlainText("x")
    if i % 1000 == 0:
        w.clear()
print("ok", len(w.toPlainText()))
"""


def test_twenty_thousand_void_calls_do_not_abort() -> None:
    r = subprocess.run(
        [sys.executable, "-c", CODE],
        capture_output=True,
        text=True,
        timeout=120,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"},
    )
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.startswith("ok 999")
