"""Light, dark or the system's colours, for every widget, remembered."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from app.ui.main_window import MainWindow
from tests.helpers import (
    run_coro,
)


def test_appearance_switch_and_it_is_remembered(make_window, aloop) -> None:  # noqa: ANN001
    from PySide6.QtGui import QPalette

    def window_lightness(w: MainWindow) -> int:
        QApplication.processEvents()  # palette changes reach the widgets as events
        return w.palette().color(QPalette.ColorRole.Window).lightness()

    w = make_window()
    assert w.commands.appearance["system"].isChecked()
    light = window_lightness(w)  # offscreen reports no scheme: "system" is light here
    assert light > 128
    w.commands.appearance["dark"].trigger()
    assert window_lightness(w) < 80 and w.theme.dark
    assert (
        w.workspace.summary_view.palette().color(QPalette.ColorRole.Base).lightness() < 80
    )  # every widget follows
    assert w.file_list.palette().color(QPalette.ColorRole.Text).lightness() > 200
    run_coro(aloop, w.shutdown())
    w2 = make_window()
    assert w2.commands.appearance["dark"].isChecked() and window_lightness(w2) < 80
    w2.commands.appearance["light"].trigger()
    assert window_lightness(w2) == light
    w2.commands.appearance["system"].trigger()
    assert window_lightness(w2) == light
