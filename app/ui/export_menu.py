"""The Export and Copy menus: the current result saved to a file, copied to the clipboard, or written into an
MP3 as chapters. Formats come from `app.export`; this module only asks where and says what happened.

File dialogs are opened with `open()` and answer through a signal (no nested event loop while the model runs).
A format that can't be written (YouTube's rules, estimated times) gets its sentence in a message box, and
nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMenu, QMessageBox

from ..config import write_atomically
from ..export import FORMATS, ExportError, render
from ..summarize.events import Result


class ExportMenus(QObject):
    exported = Signal(str)  # what was done, in words (also shown in the status bar)

    def __init__(self, window: QMainWindow, current: Callable[[], tuple[Result, str | None] | None]) -> None:
        """`current` returns the result on screen and the path of its transcript, or None."""
        super().__init__(window)
        self.window = window
        self.current = current
        self.last_error: str | None = None
        self.dialog: QFileDialog | None = None

        self.save_menu = QMenu("&Export", window)
        self.save_menu.setToolTipsVisible(True)
        self.save_actions: dict[str, QAction] = {}
        for f in FORMATS.values():
            a = self.save_menu.addAction(f"{f.label}…")
            a.setToolTip(f"Save the result as {f.label} ({f.extension})")
            a.triggered.connect(lambda _=False, fid=f.id: self.save_dialog(fid))
            self.save_actions[f.id] = a
        self.save_menu.addSeparator()
        self.mp3_action = self.save_menu.addAction("Add chapters to an MP3…")
        self.mp3_action.setToolTip(
            "Write the chapters into an MP3 file as ID3 chapter frames (audio untouched)"
        )
        self.mp3_action.triggered.connect(self.mp3_dialog)

        self.copy_menu = QMenu("&Copy as", window)
        self.copy_actions: dict[str, QAction] = {}
        for f in FORMATS.values():
            a = self.copy_menu.addAction(f.label)
            a.triggered.connect(lambda _=False, fid=f.id: self.copy(fid))
            self.copy_actions[f.id] = a
        self.copy_summary_action = QAction("Copy &summary", window)
        self.copy_summary_action.setShortcut(QKeySequence("Ctrl+Shift+C"))
        self.copy_summary_action.setToolTip("Copy the summary text (Ctrl+Shift+C)")
        self.copy_summary_action.triggered.connect(self.copy_summary)
        self.update_enabled()

    def update_enabled(self) -> None:
        has = self.current() is not None
        for menu in (self.save_menu, self.copy_menu):
            menu.setEnabled(has)
        self.copy_summary_action.setEnabled(has)

    # ---- doing it --------------------------------------------------------------------------------------------

    def _result(self) -> tuple[Result, str | None] | None:
        got = self.current()
        if got is None:
            self._error("There is no result to export yet.")
        return got

    def _error(self, message: str) -> None:
        self.last_error = message
        box = QMessageBox(
            QMessageBox.Icon.Warning, "Recap", message, QMessageBox.StandardButton.Ok, self.window
        )
        box.open()
        self._box = box

    def _done(self, message: str) -> None:
        self.last_error = None
        self.window.statusBar().showMessage(message, 8000)
        self.exported.emit(message)

    def text(self, format_id: str) -> str | None:
        """The current result in a format, or None (and the reason shown)."""
        got = self._result()
        if got is None:
            return None
        try:
            return render(got[0], format_id)
        except ExportError as e:
            self._error(str(e))
            return None

    def copy(self, format_id: str) -> bool:
        text = self.text(format_id)
        if text is None:
            return False
        QGuiApplication.clipboard().setText(text)
        self._done(f"Copied as {FORMATS[format_id].label}.")
        return True

    def copy_summary(self) -> bool:
        got = self._result()
        if got is None:
            return False
        QGuiApplication.clipboard().setText(got[0].summary.strip())
        self._done("Copied the summary.")
        return True

    def export_to_file(self, format_id: str, path: str) -> bool:
        text = self.text(format_id)
        if text is None:
            return False
        target = Path(path)
        try:
            write_atomically(target, text)
        except OSError as e:
            self._error(f"“{target.name}” could not be written: {e.strerror or e}.")
            return False
        self._done(f"Saved {target.name}.")
        return True

    def write_mp3(self, path: str) -> bool:
        from ..export.id3 import write_id3_chapters

        got = self._result()
        if got is None:
            return False
        try:
            n = write_id3_chapters(got[0], path)
        except ExportError as e:
            self._error(str(e))
            return False
        self._done(f"Wrote {n} chapters into {Path(path).name}.")
        return True

    # ---- asking where ----------------------------------------------------------------------------------------

    def _dialog(self, title: str, name: str, filters: list[str], save: bool) -> QFileDialog:
        got = self.current()
        folder = Path(got[1]).parent if got and got[1] else Path.home()
        d = QFileDialog(self.window, title, str(folder / name))
        d.setNameFilters(filters)
        if save:
            d.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
            d.setFileMode(QFileDialog.FileMode.AnyFile)
        else:
            d.setFileMode(QFileDialog.FileMode.ExistingFile)
        self.dialog = d
        return d

    def save_dialog(self, format_id: str) -> None:
        got = self._result()
        if got is None:
            return
        f = FORMATS[format_id]
        stem = Path(got[1]).stem if got[1] else got[0].title
        d = self._dialog(
            f"Export as {f.label}", f"{stem}{f.extension}", [f"{f.label} (*{f.extension})"], True
        )
        d.fileSelected.connect(lambda path: self.export_to_file(format_id, path))
        d.open()

    def mp3_dialog(self) -> None:
        if self._result() is None:
            return
        d = self._dialog("Add chapters to an MP3", "", ["MP3 audio (*.mp3)", "All files (*)"], False)
        d.fileSelected.connect(self.write_mp3)
        d.open()
