"""The window's actions: each in its menu, with its shortcut and a tip; the toolbar holds the main ones."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QToolBar


def test_menus_shortcuts_and_toolbar(make_window) -> None:  # noqa: ANN001
    w = make_window()
    a = w.commands
    menus = {m.title().replace("&", ""): m for m in (act.menu() for act in w.menuBar().actions()) if m}
    assert list(menus) == ["File", "Edit", "View", "Run", "Help"]
    assert a.open in menus["File"].actions() and a.settings in menus["File"].actions()
    assert [a.run, a.stop, a.pause] == menus["Run"].actions()
    assert a.about in menus["Help"].actions() and a.history in menus["View"].actions()
    keys = {
        a.open: QKeySequence(QKeySequence.StandardKey.Open),
        a.run: QKeySequence("Ctrl+Return"),
        a.pause: QKeySequence("Ctrl+P"),
        a.history: QKeySequence("Ctrl+H"),
        a.settings: QKeySequence("Ctrl+,"),
    }
    for action, key in keys.items():
        assert action.shortcut() == key and action.toolTip(), action.text()
    toolbar = w.findChild(QToolBar, "MainToolbar")
    assert toolbar is not None and {a.open, a.run, a.stop, a.history} <= set(toolbar.actions())
    # appearance choices are exclusive
    a.appearance["dark"].trigger()
    assert [c for c, act in a.appearance.items() if act.isChecked()] == ["dark"]
