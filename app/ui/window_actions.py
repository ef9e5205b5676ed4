"""The window's actions (with their shortcuts and tips), its menus and its toolbar. The window connects what
each action does; this module only says what there is and where it shows."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QSizePolicy, QStyle, QWidget

from .export_menu import ExportMenus

APPEARANCES = (("system", "Follow the &system"), ("light", "&Light"), ("dark", "&Dark"))


class WindowActions(QObject):
    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        style = window.style()

        def action(
            text: str,
            tip: str,
            keys: QKeySequence | QKeySequence.StandardKey | None = None,
            icon: QStyle.StandardPixmap | None = None,
        ):  # noqa: ANN202
            a = QAction(text, window) if icon is None else QAction(style.standardIcon(icon), text, window)
            a.setToolTip(tip)
            if keys is not None:
                a.setShortcut(keys)
            return a

        sp = QStyle.StandardPixmap
        self.open = action(
            "&Open…", "Open transcript files (Ctrl+O)", QKeySequence.StandardKey.Open, sp.SP_DialogOpenButton
        )
        self.settings = action(
            "&Settings…", "Model, threads, context size, GPU, model folders (Ctrl+,)", QKeySequence("Ctrl+,")
        )
        self.model = action("Choose &model…", "Choose the GGUF model file Recap uses")
        self.run = action(
            "&Summarize",
            "Summarize the selected file (Ctrl+Enter)",
            QKeySequence("Ctrl+Return"),
            sp.SP_MediaPlay,
        )
        self.stop = action("S&top", "Stop (Esc)", QKeySequence(Qt.Key.Key_Escape), sp.SP_MediaStop)
        self.pause = action(
            "&Pause queue",
            "Pause the queue: the file being summarized stops at once and picks up where it was on Resume (Ctrl+P)",
            QKeySequence("Ctrl+P"),
        )
        self.pause.setCheckable(True)
        self.quit = action("&Quit", "Quit Recap", QKeySequence.StandardKey.Quit)
        self.history = action(
            "&History", "Earlier results: search, open, delete (Ctrl+H)", QKeySequence("Ctrl+H")
        )
        self.history.setCheckable(True)
        self.about = action(
            "&About Recap", "Version, components and licences (F1)", QKeySequence(Qt.Key.Key_F1)
        )
        group = QActionGroup(self)
        self.appearance: dict[str, QAction] = {}
        for choice, label in APPEARANCES:
            a = action(label, f"Colours: {label.replace('&', '').lower()}")
            a.setCheckable(True)
            group.addAction(a)
            self.appearance[choice] = a

    def build_menus(self, window: QMainWindow, exports: ExportMenus, undo: list[QAction]) -> None:
        menu = window.menuBar()
        file_menu = menu.addMenu("&File")
        file_menu.addActions([self.open, self.model, self.settings])
        file_menu.addSeparator()
        file_menu.addMenu(exports.save_menu)
        file_menu.addSeparator()
        file_menu.addAction(self.quit)
        edit_menu = menu.addMenu("&Edit")
        edit_menu.addActions(undo)
        edit_menu.addSeparator()
        edit_menu.addAction(exports.copy_summary_action)
        edit_menu.addMenu(exports.copy_menu)
        view_menu = menu.addMenu("&View")
        view_menu.addAction(self.history)
        view_menu.addMenu("&Appearance").addActions(list(self.appearance.values()))
        menu.addMenu("&Run").addActions([self.run, self.stop, self.pause])
        menu.addMenu("&Help").addAction(self.about)

    def build_toolbar(self, window: QMainWindow, picker: QWidget, model_label: QLabel) -> None:
        tb = window.addToolBar("Main")
        tb.setObjectName("MainToolbar")
        tb.setMovable(False)
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        tb.addActions([self.open, self.run, self.stop, self.history])
        tb.addSeparator()
        tb.addWidget(picker)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        tb.addWidget(spacer)
        tb.addWidget(model_label)
        tb.addAction(self.model)
