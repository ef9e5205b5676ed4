"""The window's size and place, its splitters and whether the history is shown, kept in the settings."""

from __future__ import annotations

from PySide6.QtCore import QByteArray
from PySide6.QtWidgets import QDockWidget, QMainWindow, QSplitter

from ..config import Config


class LayoutMemory:
    def __init__(
        self, config: Config, window: QMainWindow, splitters: dict[str, QSplitter], dock: QDockWidget
    ):
        self.config, self.window, self.splitters, self.dock = config, window, splitters, dock

    def save(self) -> None:
        self.config.set(
            "layout",
            {
                "geometry": bytes(self.window.saveGeometry().toBase64().data()).decode(),
                "splitters": {k: sp.sizes() for k, sp in self.splitters.items()},
                "history": self.dock.isVisible(),
            },
        )

    def restore(self) -> bool:
        """Put back what was saved. True when the history was shown (the caller shows it through its action)."""
        layout = self.config.get("layout")
        if not isinstance(layout, dict):
            return False
        geometry = layout.get("geometry")
        if isinstance(geometry, str):
            self.window.restoreGeometry(QByteArray.fromBase64(geometry.encode()))
        sizes = layout.get("splitters")
        if isinstance(sizes, dict):
            for k, sp in self.splitters.items():
                v = sizes.get(k)
                if isinstance(v, list) and all(isinstance(x, int) for x in v) and sum(v) > 0:
                    sp.setSizes(v)
        return bool(layout.get("history"))
