"""The window's size and splitters, kept over a restart."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from tests.helpers import (
    run_coro,
)


def test_window_size_and_splitters_are_remembered(make_window, aloop) -> None:  # noqa: ANN001
    w = make_window()
    w.resize(760, 520)  # inside the offscreen screen (restoreGeometry keeps a window on its screen)
    w.workspace.setCurrentWidget(w.workspace.content_split)
    QApplication.processEvents()
    w.workspace.content_split.setSizes([150, 500])
    QApplication.processEvents()
    sizes = w.workspace.content_split.sizes()
    assert sizes[0] < sizes[1] / 2  # the user's choice, far from the default 600:420
    run_coro(aloop, w.shutdown())
    w2 = make_window()

    QApplication.processEvents()
    assert (w2.width(), w2.height()) == (760, 520)
    got = w2.workspace.content_split.sizes()
    assert abs(got[0] / sum(got) - sizes[0] / sum(sizes)) < 0.02  # the same split (Qt scales it to the width)
