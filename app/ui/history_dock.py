"""View › History: the history panel in a dock at the window's side, shown and hidden with its action."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QWidget

from ..summarize.store import Store
from .history_panel import HistoryPanel


class HistoryDock(QDockWidget):
    def __init__(self, store: Callable[[], Store | None], action: QAction, parent: QWidget) -> None:
        super().__init__("History", parent)
        self.setObjectName("HistoryDock")
        self.panel = HistoryPanel(store)
        self.setWidget(self.panel)
        self.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable | QDockWidget.DockWidgetFeature.DockWidgetMovable
        )
        self.hide()
        action.toggled.connect(self.set_shown)
        self.visibilityChanged.connect(action.setChecked)

    def set_shown(self, on: bool) -> None:
        if on:
            self.panel.refresh()
            self.show()
            self.panel.search.setFocus()
        else:
            self.hide()

    def changed(self) -> None:
        """A result was added or changed: the list follows while it is shown."""
        if self.isVisible():
            self.panel.refresh()
