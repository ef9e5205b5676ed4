"""What tests share besides fixtures (those are in conftest.py): paths to the test data and the shared seeds,
and waiting on the qasync loop. Test modules import from here, never from one another."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
SEED_000 = SEEDS / "000_33af36d82867e4b0.txt"
SEED_003 = SEEDS / "003_89ecf7e1a8feb40e.txt"
DATA = Path(__file__).resolve().parent / "data"

needs_seeds = pytest.mark.skipif(
    not SEED_000.exists(), reason="../shared/seeds is absent (a fresh clone without the shared folder)"
)


def run_until(loop: asyncio.AbstractEventLoop, predicate: Callable[[], bool], timeout: float = 30.0) -> float:
    """Process Qt events (and with them the qasync loop's callbacks) until predicate() is true.
    Returns the seconds it took; fails the test on timeout."""
    from PySide6.QtTest import QTest

    start = time.perf_counter()
    while not predicate():
        if time.perf_counter() - start > timeout:
            raise AssertionError(f"condition not reached within {timeout} s")
        QTest.qWait(2)
    return time.perf_counter() - start


def run_coro(loop: asyncio.AbstractEventLoop, coro, timeout: float = 30.0):  # noqa: ANN001, ANN201
    task = loop.create_task(coro)
    run_until(loop, task.done, timeout)
    return task.result()


# ---- the window, driven like a user would ---------------------------------------------------------------------


def fast_options():  # noqa: ANN201
    """Short answers: the window tests are about the window, not the text (the quality benchmark is)."""
    from app.summarize import Options

    return Options(summary_max_tokens=160, notes_max_tokens=80)


def drag_enter(window, *paths: Path):  # noqa: ANN001, ANN201
    """Files dragged over the window, as a file manager does it; the event tells whether they were accepted.
    Returns (event, mime data)."""
    from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
    from PySide6.QtGui import QDragEnterEvent
    from PySide6.QtWidgets import QApplication

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    enter = QDragEnterEvent(
        QPoint(50, 50),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, enter)
    return enter, mime


def drop(window, *paths: Path) -> None:  # noqa: ANN001
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtGui import QDropEvent
    from PySide6.QtWidgets import QApplication

    enter, mime = drag_enter(window, *paths)
    assert enter.isAccepted()
    ev = QDropEvent(
        QPointF(50, 50),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, ev)


def episodes(folder: Path, n: int) -> list[Path]:
    """n small SubRip files, each with its own host's name."""
    paths = []
    for i in range(n):
        p = folder / f"ep{i}.srt"
        p.write_text((DATA / "formats" / "subrip.srt").read_text().replace("Alice", f"Host{i}"))
        paths.append(p)
    return paths
