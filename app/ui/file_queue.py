"""The list of dropped files with each one's state."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem, QWidget

STATE_TEXT = {
    "waiting": "Waiting",
    "reading": "Reading file…",
    "running": "Summarizing…",
    "done": "Done",
    "failed": "Failed",
    "stopped": "Stopped",
    "needs-model": "Waiting for a model",
    "paused": "Paused",
}


class FileQueue(QListWidget):
    """Rows carry an item id (Qt.UserRole); the window owns the data. Rows can be dragged into another order,
    or moved with Alt+Up / Alt+Down; `reordered` then gives the ids in their new order."""

    selected = Signal(int)
    reordered = Signal(list)  # item ids, top to bottom

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Files")
        self.setToolTip("Files and their state; select one to see it. Drag (or Alt+Up/Down) to reorder.")
        self.setMinimumWidth(180)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.currentItemChanged.connect(self._changed)
        self.model().rowsMoved.connect(self._moved)

    def keyPressEvent(self, e: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        step = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1}.get(Qt.Key(e.key()))
        if step is not None and e.modifiers() & Qt.KeyboardModifier.AltModifier:
            self.move_current(step)
            e.accept()
            return
        super().keyPressEvent(e)

    def ids(self) -> list[int]:
        return [int(self.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(self.count())]

    def _moved(self, *_args: QModelIndex | int) -> None:
        self.reordered.emit(self.ids())

    def move_current(self, step: int) -> None:
        row = self.currentRow()
        to = row + step
        if row < 0 or not 0 <= to < self.count():
            return
        item = self.takeItem(row)
        self.insertItem(to, item)
        self.setCurrentRow(to)
        self.reordered.emit(self.ids())

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
