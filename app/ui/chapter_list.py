"""Chapters as they are found; activating one seeks the transcript to its start. When the list may be edited,
a title is renamed in place (double-click, F2 or Enter): the editor shows the title alone, and the new title is
asked for through `renamed`, not written into the row (the chapter editor decides whether the rules allow it)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from ..summarize.events import Chapter
from ..transcript.timefmt import display_time

TITLE_ROLE = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex


class ChapterList(QListWidget):
    seek = Signal(float)
    renamed = Signal(int, str)  # row, the title typed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Chapters")
        self.setToolTip("Chapters; click one to jump to it in the transcript")
        self.estimated = False
        self.setWordWrap(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.itemClicked.connect(self._clicked)
        self.itemActivated.connect(self._clicked)
        self.setItemDelegate(_TitleDelegate(self))
        self.set_editable(False)

    def set_editable(self, on: bool) -> None:
        self.editable = on
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
            if on
            else QAbstractItemView.EditTrigger.NoEditTriggers
        )
        for i in range(self.count()):
            self._flags(self.item(i))

    def _flags(self, row: QListWidgetItem) -> None:
        flags = row.flags() | Qt.ItemFlag.ItemIsEditable
        row.setFlags(flags if self.editable else flags & ~Qt.ItemFlag.ItemIsEditable)

    def _clicked(self, row: QListWidgetItem) -> None:
        self.seek.emit(float(row.data(Qt.ItemDataRole.UserRole)))

    def set_chapters(self, chapters: list[Chapter] | tuple[Chapter, ...], estimated: bool) -> None:
        keep = self.currentRow()
        self.clear()
        self.estimated = estimated
        for c in chapters:
            self.add_chapter(c)
        if 0 <= keep < self.count():
            self.setCurrentRow(keep)

    def add_chapter(self, c: Chapter) -> None:
        row = QListWidgetItem(f"{display_time(c.start_s, self.estimated)}   {c.title}")
        row.setData(Qt.ItemDataRole.UserRole, c.start_s)
        row.setData(TITLE_ROLE, c.title)
        row.setToolTip(c.title)
        self._flags(row)
        self.addItem(row)


class _TitleDelegate(QStyledItemDelegate):
    """Edits the title alone and hands the new one to the list's `renamed` signal."""

    def __init__(self, chapters: ChapterList) -> None:
        super().__init__(chapters)
        self.chapters = chapters

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:  # noqa: N802
        editor = QLineEdit(parent)
        editor.setAccessibleName("Chapter title")
        editor.setToolTip("The chapter's title (Enter to keep it, Esc to leave it as it was)")
        return editor

    def setEditorData(self, editor: QWidget, index: Index) -> None:  # noqa: N802
        if isinstance(editor, QLineEdit):
            editor.setText(str(index.data(TITLE_ROLE) or ""))
            editor.selectAll()

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:  # noqa: N802
        if isinstance(editor, QLineEdit) and editor.text() != index.data(TITLE_ROLE):
            self.chapters.renamed.emit(index.row(), editor.text())
