"""Earlier results, newest first: search by title and text, open one (instantly, from the store), delete one or
all. The panel only lists and asks; the window opens what is chosen."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..summarize.store import HistoryEntry, Store


def _when(ts: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(ts))


class HistoryPanel(QWidget):
    opened = Signal(str)  # the run id of the result to show

    def __init__(self, store: Callable[[], Store | None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.setAccessibleName("History")
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search titles and text")
        self.search.setAccessibleName("Search the history")
        self.search.setToolTip("Find earlier results by title, file name, chapter or summary text")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.refresh)
        self.list = QListWidget()
        self.list.setAccessibleName("Earlier results")
        self.list.setToolTip("Earlier results; double-click (or Enter) to open one")
        self.list.setWordWrap(True)
        self.list.itemActivated.connect(self._activated)
        self.list.currentRowChanged.connect(lambda _row: self._sync())
        self.open_button = QPushButton("Open")
        self.open_button.setToolTip("Show this result")
        self.open_button.clicked.connect(self.open_selected)
        self.delete_button = QPushButton("Delete")
        self.delete_button.setToolTip("Delete this result from the history")
        self.delete_button.clicked.connect(self.delete_selected)
        self.delete_all_button = QPushButton("Delete all…")
        self.delete_all_button.setToolTip("Delete every result in the history")
        self.delete_all_button.clicked.connect(self.ask_delete_all)
        buttons = QHBoxLayout()
        for b in (self.open_button, self.delete_button, self.delete_all_button):
            buttons.addWidget(b)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.search)
        lay.addWidget(self.list, 1)
        lay.addLayout(buttons)
        self.confirm: QMessageBox | None = None
        self._sync()  # the list is filled when the panel is shown (the store is not opened at start-up)

    def entries(self) -> list[HistoryEntry]:
        s = self.store()
        return s.history(self.search.text()) if s is not None else []

    def refresh(self) -> None:
        keep = self.selected_run()
        self.list.clear()
        for e in self.entries():
            detail = f"{_when(e.updated)} · {e.model}" + (" · stopped part-way" if e.partial else "")
            detail += " · chapters edited" if e.edited else ""
            row = QListWidgetItem(f"{e.title}\n{detail}")
            row.setData(Qt.ItemDataRole.UserRole, e.run)
            row.setToolTip(e.source or e.title)
            if e.source and not Path(e.source).exists():
                row.setToolTip(f"{e.source} (the file is no longer there; the result is kept here)")
            self.list.addItem(row)
            if e.run == keep:
                self.list.setCurrentItem(row)
        self._sync()

    def _sync(self) -> None:
        has = self.list.currentItem() is not None
        self.open_button.setEnabled(has)
        self.delete_button.setEnabled(has)
        self.delete_all_button.setEnabled(self.list.count() > 0 or bool(self.search.text()))

    def selected_run(self) -> str | None:
        row = self.list.currentItem()
        return str(row.data(Qt.ItemDataRole.UserRole)) if row is not None else None

    def _activated(self, row: QListWidgetItem) -> None:
        self.opened.emit(str(row.data(Qt.ItemDataRole.UserRole)))

    def open_selected(self) -> None:
        run = self.selected_run()
        if run is not None:
            self.opened.emit(run)

    def delete_selected(self) -> None:
        run, s = self.selected_run(), self.store()
        if run is not None and s is not None:
            s.delete(run)
            self.refresh()

    def ask_delete_all(self) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Delete all results?",
            "Every result in the history will be deleted from this computer. This can't be undone.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(
            lambda code: self.delete_all() if code == QMessageBox.StandardButton.Yes else None
        )
        box.open()  # not exec(): no nested event loop while a run may be streaming
        self.confirm = box

    def delete_all(self) -> None:
        s = self.store()
        if s is not None:
            s.delete_all()
        self.refresh()
