"""Chapters as they are found; activating one seeks the transcript to its start."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from ..summarize.events import Chapter
from ..transcript.timefmt import display_time


class ChapterList(QListWidget):
    seek = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Chapters")
        self.setToolTip("Chapters; click one to jump to it in the transcript")
        self.estimated = False
        self.setWordWrap(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.itemClicked.connect(self._clicked)
        self.itemActivated.connect(self._clicked)

    def _clicked(self, row: QListWidgetItem) -> None:
        self.seek.emit(float(row.data(Qt.ItemDataRole.UserRole)))

    def set_chapters(self, chapters: list[Chapter] | tuple[Chapter, ...], estimated: bool) -> None:
        self.clear()
        self.estimated = estimated
        for c in chapters:
            self.add_chapter(c)

    def add_chapter(self, c: Chapter) -> None:
        row = QListWidgetItem(f"{display_time(c.start_s, self.estimated)}   {c.title}")
        row.setData(Qt.ItemDataRole.UserRole, c.start_s)
        row.setToolTip(c.title)
        self.addItem(row)
