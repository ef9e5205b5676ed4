"""The list of dropped files with each one's state."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

STATE_TEXT = {
    "waiting": "Waiting",
    "reading": "Reading file…",
    "running": "Summarizing…",
    "done": "Done",
    "failed": "Failed",
    "stopped": "Stopped",
    "needs-model": "Waiting for a model",
}


class FileQueue(QListWidget):
    """Rows carry an item id (Qt.UserRole); the window owns the data."""

    selected = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Files")
        self.setToolTip("Dropped files and their state; select one to see it")
        self.setMinimumWidth(180)
        self.currentItemChanged.connect(self._changed)

    def _changed(self, cur: QListWidgetItem | None, _prev: QListWidgetItem | None) -> None:
        if cur is not None:
            self.selected.emit(int(cur.data(Qt.ItemDataRole.UserRole)))

    def add(self, item_id: int, name: str) -> None:
        row = QListWidgetItem(name)
        row.setData(Qt.ItemDataRole.UserRole, item_id)
        self.addItem(row)
        self.set_state(item_id, name, "waiting")

    def _row(self, item_id: int) -> QListWidgetItem | None:
        for i in range(self.count()):
            row = self.item(i)
            if row.data(Qt.ItemDataRole.UserRole) == item_id:
                return row
        return None

    def set_state(self, item_id: int, name: str, state: str, detail: str = "") -> None:
        row = self._row(item_id)
        if row is None:
            return
        label = STATE_TEXT.get(state, state)
        row.setText(f"{name}\n{detail or label}")
        row.setToolTip(f"{name}: {detail or label}")

    def select(self, item_id: int) -> None:
        row = self._row(item_id)
        if row is not None:
            self.setCurrentItem(row)
