"""The main window: a queue of dropped files, the selected file's transcript, chapters and summary, and the
progress of the run.

Thread contract: everything here runs on the Qt thread, which is also the asyncio loop's thread (qasync). The
window starts asyncio tasks on the loop given to it and keeps a reference to each; long work (reading a file,
the model) happens off this thread, so the window stays responsive.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from PySide6.QtCore import QByteArray, QEvent, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDockWidget,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from .. import __version__
from ..config import Config, config_dir, data_dir
from ..engine import EngineError
from ..engine.discovery import FoundModel
from ..engine.download import Download
from ..engine.llama_engine import check_model_file
from ..queue_state import load_queue, save_queue
from ..summarize import (
    Cancelled,
    Chapter,
    ChapterFound,
    Event,
    Failed,
    Finished,
    Notice,
    Options,
    Progress,
    Result,
    Stats,
    Summarizer,
    SummaryDelta,
    TextModel,
)
from ..summarize.language import LANGUAGES
from ..summarize.presets import DEFAULT as DEFAULT_PRESET
from ..summarize.presets import Preset, load_presets, save_user_preset
from ..summarize.store import Store
from ..transcript import Transcript, TranscriptError, read_file
from ..transcript.files import expand_paths, refusal
from .chapter_list import ChapterList
from .drop_zone import DropZone
from .export_menu import ExportMenus
from .file_queue import FileQueue
from .history_panel import HistoryPanel
from .progress_panel import ProgressPanel
from .settings_dialog import SettingsDialog
from .summary_view import SummaryView
from .theme import Theme
from .transcript_view import TranscriptView

log = logging.getLogger(__name__)


@dataclass
class Item:
    id: int
    path: str
    state: str = "waiting"  # waiting | reading | running | done | failed | stopped | needs-model
    transcript: Transcript | None = None
    error: str | None = None
    chapters: list[Chapter] = field(default_factory=list)
    summary: str = ""
    result: Result | None = None
    notices: list[str] = field(default_factory=list)
    stage: str = ""

    @property
    def name(self) -> str:
        return Path(self.path).name


# (distribution, what it is, licence) of what a Recap installation or bundle ships, for the About box.
BUNDLED = [
    ("recap", "Recap", "MIT"),
    ("llama_cpp_python", "llama-cpp-python (llama.cpp, ggml)", "MIT"),
    ("PySide6-Essentials", "Qt for Python (PySide6, Qt)", "LGPL-3.0"),
    ("qasync", "qasync", "BSD-2-Clause"),
    ("charset-normalizer", "charset-normalizer", "MIT"),
    ("platformdirs", "platformdirs", "MIT"),
    ("mutagen", "mutagen", "GPL-2.0-or-later"),
]


class MainWindow(QMainWindow):
    itemFinished = Signal(int)  # item id, whatever the outcome (done, failed, stopped)
    runIdle = Signal()  # the queue stopped running

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        config: Config | None = None,
        engine_factory: Callable[[str], TextModel] | None = None,
        options: Options | None = None,
        restore_queue: bool = True,
    ) -> None:
        """`restore_queue`: pick up the files left unfinished last time (paused); off for scripted runs."""
        super().__init__()
        self.loop = loop
        self.config = config or Config()
        self.engine_factory = engine_factory
        base = options or Options()
        self.options = replace(
            base,
            preset=self.config.get("preset", base.preset),
            language=self.config.get("language", base.language),
        )
        self.engine: TextModel | None = None
        self.store: Store | None = None
        self.model_error: str | None = None
        self.items: list[Item] = []
        self.current: Item | None = None  # the selected item
        self.running: Item | None = None
        self._next_id = 1
        self._task: asyncio.Task[None] | None = None
        self._load_task: asyncio.Task[None] | None = None
        self._closing: asyncio.Task[None] | None = None
        self._closed = asyncio.Event()
        self.found_models: list[FoundModel] = []  # usable models on this computer (discovery runs off-thread)
        self.download: Download | None = None  # the recommended model, when the user asked for it
        self._download_timer = QTimer(self)
        self._download_timer.setInterval(100)
        self._download_timer.timeout.connect(self._poll_download)
        self._discovery: asyncio.Task[None] | None = None
        self.paused = False  # the queue starts no file while paused; Resume (or Summarize) goes on
        self._saved_queue: list[str] | None = None
        self._queue_frozen = False  # while closing: the unfinished files stay recorded as they were
        self.setWindowTitle("Recap")
        self.setAcceptDrops(True)
        self.resize(1200, 760)
        self._build()
        model = self.config.model_path
        server = self.config.get("server_url")
        if isinstance(server, str) and server:
            self.use_server(server)
        elif model:
            self.set_model(model, remember=False)
        self._update_model_ui()
        if self.engine is None:
            self._discovery = self.loop.create_task(self.discover_models())
        app = QApplication.instance()
        self.theme = (
            Theme(app, self.config.get("appearance", "system")) if isinstance(app, QApplication) else None
        )
        self.appearance_actions[self.theme.choice if self.theme else "system"].setChecked(True)
        self._restore_layout()
        if restore_queue:
            self._restore_queue()

    # ---- construction ----------------------------------------------------------------------------------------

    def _build(self) -> None:
        style = self.style()
        self.open_action = QAction(
            style.standardIcon(QStyle.StandardPixmap.SP_DialogOpenButton), "&Open…", self
        )
        self.open_action.setShortcut(QKeySequence.StandardKey.Open)
        self.open_action.setToolTip("Open transcript files (Ctrl+O)")
        self.open_action.triggered.connect(self.open_dialog)
        self.settings_action = QAction("&Settings…", self)
        self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        self.settings_action.setToolTip("Model, threads, context size, GPU, model folders (Ctrl+,)")
        self.settings_action.triggered.connect(self.settings_dialog)
        self.model_action = QAction("Choose &model…", self)
        self.model_action.setToolTip("Choose the GGUF model file Recap uses")
        self.model_action.triggered.connect(self.choose_model_dialog)
        self.run_action = QAction(style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay), "&Summarize", self)
        self.run_action.setShortcut(QKeySequence("Ctrl+Return"))
        self.run_action.setToolTip("Summarize the selected file (Ctrl+Enter)")
        self.run_action.triggered.connect(self.summarize_selected)
        self.stop_action = QAction(style.standardIcon(QStyle.StandardPixmap.SP_MediaStop), "S&top", self)
        self.stop_action.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.stop_action.setToolTip("Stop (Esc)")
        self.stop_action.triggered.connect(self.stop)
        self.pause_action = QAction("&Pause queue", self)
        self.pause_action.setCheckable(True)
        self.pause_action.setShortcut(QKeySequence("Ctrl+P"))
        self.pause_action.setToolTip(
            "Pause the queue: the file being summarized stops at once and picks up where it was on Resume (Ctrl+P)"
        )
        self.pause_action.toggled.connect(self._pause_toggled)
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        self.history_action = QAction("&History", self)
        self.history_action.setCheckable(True)
        self.history_action.setShortcut(QKeySequence("Ctrl+H"))
        self.history_action.setToolTip("Earlier results: search, open, delete (Ctrl+H)")
        about_action = QAction("&About Recap", self)
        about_action.setShortcut(QKeySequence(Qt.Key.Key_F1))
        about_action.triggered.connect(self.about)

        self.exports = ExportMenus(self, self.current_result)
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        file_menu.addActions([self.open_action, self.model_action, self.settings_action])
        file_menu.addSeparator()
        file_menu.addMenu(self.exports.save_menu)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        edit_menu = menu.addMenu("&Edit")
        edit_menu.addAction(self.exports.copy_summary_action)
        edit_menu.addMenu(self.exports.copy_menu)
        view_menu = menu.addMenu("&View")
        view_menu.addAction(self.history_action)
        appearance = view_menu.addMenu("&Appearance")
        group = QActionGroup(self)
        self.appearance_actions: dict[str, QAction] = {}
        for choice, label in (("system", "Follow the &system"), ("light", "&Light"), ("dark", "&Dark")):
            a = appearance.addAction(label)
            a.setCheckable(True)
            a.triggered.connect(lambda _=False, c=choice: self.set_appearance(c))
            group.addAction(a)
            self.appearance_actions[choice] = a
        run_menu = menu.addMenu("&Run")
        run_menu.addActions([self.run_action, self.stop_action, self.pause_action])
        menu.addMenu("&Help").addAction(about_action)

        tb = self.addToolBar("Main")
        tb.setObjectName("MainToolbar")
        tb.setMovable(False)
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        tb.addActions([self.open_action, self.run_action, self.stop_action, self.history_action])
        spacer = QWidget()
        spacer.setSizePolicy(
            spacer.sizePolicy().horizontalPolicy().Expanding, spacer.sizePolicy().verticalPolicy()
        )
        tb.addSeparator()
        tb.addWidget(QLabel(" Write: "))
        self.preset_box = QComboBox()
        self.preset_box.setAccessibleName("Preset")
        self.preset_box.setToolTip("What Recap writes: show notes, minutes, lecture notes, interview themes…")
        self.presets = load_presets()
        for p in self.presets.values():
            self.preset_box.addItem(p.name, p.id)
        self.preset_box.currentIndexChanged.connect(self._preset_changed)
        tb.addWidget(self.preset_box)
        self.edit_preset_action = QAction("Edit…", self)
        self.edit_preset_action.setToolTip("Write your own instructions (the Custom preset)")
        self.edit_preset_action.triggered.connect(self.edit_custom_preset)
        tb.addAction(self.edit_preset_action)
        tb.addWidget(QLabel(" in "))
        self.language_box = QComboBox()
        self.language_box.setAccessibleName("Output language")
        self.language_box.setToolTip(
            "The language of the summary and chapters (default: the transcript's own)"
        )
        self.language_box.addItem("the transcript's language", None)
        for lang in LANGUAGES:
            self.language_box.addItem(lang, lang)
        self.language_box.currentIndexChanged.connect(self._language_changed)
        tb.addWidget(self.language_box)
        tb.addWidget(spacer)
        self.model_label = QLabel()
        self.model_label.setAccessibleName("Model in use")
        tb.addWidget(self.model_label)
        tb.addAction(self.model_action)

        # Banner shown when there is no usable model.
        self.banner = QFrame()
        self.banner.setObjectName("ModelBanner")
        self.banner.setStyleSheet(
            "#ModelBanner { background: palette(alternate-base); border-bottom: 1px solid palette(mid); }"
        )
        bl = QHBoxLayout(self.banner)
        self.banner_text = QLabel()
        self.banner_text.setWordWrap(True)
        self.banner_button = QPushButton("Choose model file…")
        self.banner_button.setToolTip("Pick a .gguf model file on this computer")
        self.banner_button.clicked.connect(self.choose_model_dialog)
        self.found_box = QComboBox()
        self.found_box.setAccessibleName("Models found on this computer")
        self.found_box.setToolTip(
            "GGUF models that LM Studio, Ollama, GPT4All, Jan or Hugging Face already downloaded"
        )
        self.use_found_button = QPushButton("Use this model")
        self.use_found_button.setToolTip("Summarize with the model chosen on the left (no download)")
        self.use_found_button.clicked.connect(self.use_found_model)
        self.found_box.hide()
        self.use_found_button.hide()
        from ..engine.download import RECOMMENDED

        offer = RECOMMENDED
        self.download_button = QPushButton(f"Download {offer.name}…")
        self.download_button.setToolTip(
            f"{offer.name}, {offer.size_bytes / 2**30:.1f} GB, licence {offer.license}. {offer.why} "
            "This is the only time Recap goes online, and only when you click."
        )
        self.download_button.clicked.connect(self.offer_download)
        self.download_bar = QProgressBar()
        self.download_bar.setAccessibleName("Download progress")
        self.download_bar.setToolTip("How much of the model has arrived")
        self.download_bar.setRange(0, 1000)
        self.pause_download_button = QPushButton("Pause")
        self.pause_download_button.setToolTip("Pause the download; Resume continues where it stopped")
        self.pause_download_button.clicked.connect(self.toggle_download_pause)
        self.cancel_download_button = QPushButton("Cancel")
        self.cancel_download_button.setToolTip("Stop the download and delete the partial file")
        self.cancel_download_button.clicked.connect(self.cancel_download)
        for wdg in (self.download_bar, self.pause_download_button, self.cancel_download_button):
            wdg.hide()
        bl.addWidget(self.banner_text, 1)
        bl.addWidget(self.download_bar)
        bl.addWidget(self.pause_download_button)
        bl.addWidget(self.cancel_download_button)
        bl.addWidget(self.download_button)
        bl.addWidget(self.found_box)
        bl.addWidget(self.use_found_button)
        bl.addWidget(self.banner_button)

        self.queue = FileQueue()
        self.queue.selected.connect(self._select_id)
        self.queue.reordered.connect(self._reordered)
        self.drop_zone = DropZone()
        self.drop_zone.openRequested.connect(self.open_dialog)
        self.transcript_view = TranscriptView()
        self.chapter_list = ChapterList()
        self.summary_view = SummaryView()
        self.chapter_list.seek.connect(self.seek)
        self.summary_view.seek.connect(self.seek)
        self.message = QLabel()
        self.message.setObjectName("FileMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(
            "#FileMessage { padding: 8px; color: palette(bright-text); background: #b3261e; }"
        )
        self.message.hide()
        self.info = QLabel()
        self.info.setObjectName("FileInfo")
        self.info.setWordWrap(True)

        def titled(title: str, w: QWidget) -> QWidget:
            box = QWidget()
            lay = QVBoxLayout(box)
            lay.setContentsMargins(0, 0, 0, 0)
            label = QLabel(f"<b>{title}</b>")
            lay.addWidget(label)
            lay.addWidget(w)
            return box

        def menu_button(text: str, tip: str, m: QMenu) -> QToolButton:
            b = QToolButton()
            b.setText(text)
            b.setToolTip(tip)
            b.setAccessibleName(tip)
            b.setMenu(m)
            b.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
            return b

        chapters_box = QWidget()
        cb = QVBoxLayout(chapters_box)
        cb.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        head.addWidget(QLabel("<b>Chapters</b>"), 1)
        self.copy_button = menu_button("Copy", "Copy the result as…", self.exports.copy_menu)
        self.export_button = menu_button("Export", "Save the result as…", self.exports.save_menu)
        head.addWidget(self.copy_button)
        head.addWidget(self.export_button)
        cb.addLayout(head)
        cb.addWidget(self.chapter_list)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(chapters_box)
        right.addWidget(titled("Summary", self.summary_view))
        right.setSizes([260, 440])
        self.right_split = right
        self.content_split = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.message)
        ll.addWidget(self.info)
        ll.addWidget(self.transcript_view)
        self.content_split.addWidget(left)
        self.content_split.addWidget(right)
        self.content_split.setSizes([600, 420])
        self.stack = QStackedWidget()
        self.stack.addWidget(self.drop_zone)
        self.stack.addWidget(self.content_split)

        outer = self.outer_split = QSplitter(Qt.Orientation.Horizontal)
        outer.addWidget(self.queue)
        outer.addWidget(self.stack)
        outer.setStretchFactor(1, 1)
        outer.setSizes([220, 980])
        self.queue.hide()  # appears with the first file

        self.history = HistoryPanel(self._store)
        self.history.opened.connect(self.open_history)
        self.history_dock = QDockWidget("History", self)
        self.history_dock.setObjectName("HistoryDock")
        self.history_dock.setWidget(self.history)
        self.history_dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable | QDockWidget.DockWidgetFeature.DockWidgetMovable
        )
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.history_dock)
        self.history_dock.hide()
        self.history_action.toggled.connect(self._toggle_history)
        self.history_dock.visibilityChanged.connect(self.history_action.setChecked)
        self.itemFinished.connect(self._history_changed)

        self.progress = ProgressPanel()
        self.progress.stopRequested.connect(self.stop)

        central = QWidget()
        cl = QVBoxLayout(central)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.setSpacing(0)
        cl.addWidget(self.banner)
        cl.addWidget(outer, 1)
        cl.addWidget(self.progress)
        self.setCentralWidget(central)
        self._select_box(self.preset_box, self.options.preset)
        self._select_box(self.language_box, self.options.language)
        self._sync_actions()

    @staticmethod
    def _select_box(box: QComboBox, value: object) -> None:
        i = box.findData(value)
        box.setCurrentIndex(max(0, i))

    def _preset_changed(self, _index: int) -> None:
        preset_id = self.preset_box.currentData()
        self.options = replace(self.options, preset=preset_id)
        self.config.set("preset", preset_id)
        p = self.presets.get(preset_id)
        self.preset_box.setToolTip(p.description if p else "")
        self.edit_preset_action.setVisible(preset_id == "custom")

    def _language_changed(self, _index: int) -> None:
        self.options = replace(self.options, language=self.language_box.currentData())
        self.config.set("language", self.options.language)

    def edit_custom_preset(self) -> None:
        """The Custom preset's instructions, typed here and kept in the user's presets folder."""
        current = self.presets.get("custom")
        dialog = QInputDialog(self)
        dialog.setWindowTitle("Custom instructions")
        dialog.setLabelText(
            "What should Recap write? Keep “[hh:mm:ss]” in the instructions so each point links to the transcript."
        )
        dialog.setOption(QInputDialog.InputDialogOption.UsePlainTextEditForTextInput, True)
        dialog.setTextValue(current.summary if current else "")
        dialog.textValueSelected.connect(self._save_custom)
        dialog.open()  # not exec(): no nested event loop
        self._custom_dialog = dialog

    def _save_custom(self, text: str) -> None:
        base = self.presets.get("custom")
        text = " ".join(text.split())
        if not text:
            return
        preset = Preset(
            "custom",
            "Custom",
            "Your own instructions.",
            base.notes if base else DEFAULT_PRESET.notes,
            text,
        )
        save_user_preset(preset)
        self.presets = load_presets()
        self.statusBar().showMessage("Custom instructions saved.", 5000)

    # ---- model -----------------------------------------------------------------------------------------------

    def set_model(self, path: str, remember: bool = True) -> bool:
        """Use this GGUF file. Checks it at once, loads it in the background. False (and a banner) if unusable."""
        try:
            check_model_file(Path(path))
        except EngineError as e:
            self.model_error = str(e)
            self._update_model_ui()
            return False
        if self.running is not None:
            self.stop()
        old = self.engine
        self.engine = self.engine_factory(path) if self.engine_factory else self._make_engine(path)
        self.model_error = None
        if old is not None:
            self.loop.create_task(self._close_engine(old))
        if remember:
            self.config.model_path = path
        self._load_task = self.loop.create_task(self._load_model(self.engine))
        self._update_model_ui()
        self._resume_needs_model()
        return True

    def use_server(self, url: str) -> None:
        """Summarize with a model on an OpenAI-compatible server the user runs (Settings › Model server)."""
        from ..engine.openai_engine import OpenAIEngine

        if self.running is not None:
            self.stop()
        old = self.engine
        self.engine = OpenAIEngine(url, n_ctx=int(self.config.get("n_ctx") or 8192))
        self.model_error = None
        if old is not None:
            self.loop.create_task(self._close_engine(old))
        self._load_task = self.loop.create_task(self._load_model(self.engine))
        self._update_model_ui()
        self._resume_needs_model()

    async def _close_engine(self, engine: TextModel) -> None:
        close = getattr(engine, "close", None)
        if close is not None:
            await close()

    async def _load_model(self, engine: TextModel) -> None:
        if self.running is None:
            self.progress.show_progress("Loading model…", 0.0, None)
        try:
            await engine.load()
        except EngineError as e:
            if engine is self.engine:
                self.engine = None
                self.model_error = str(e)
        except asyncio.CancelledError:
            raise
        finally:
            if self.running is None and not self._closed.is_set():
                self.progress.set_idle("Ready" if self.engine is not None else "No model")
            self._update_model_ui()

    def _update_model_ui(self) -> None:
        if self.engine is not None:
            name = Path(self.engine.model_path).name
            info = getattr(self.engine, "info", None)
            detail = f" · {info.n_ctx} tokens context" if info is not None else " · loading…"
            self.model_label.setText(f"Model: {name}{detail}  ")
            self.model_label.setToolTip(self.engine.model_path)
            self.banner.hide()
        else:
            self.model_label.setText("No model  ")
            found = len(self.found_models)
            self.banner_text.setText(
                (self.model_error + " " if self.model_error else "")
                + (
                    f"Recap found {found} model{'s' if found > 1 else ''} on this computer that can write "
                    "summaries: choose one, or another GGUF file."
                    if found
                    else "Recap needs a local GGUF model file (for example Qwen2.5-1.5B-Instruct Q4_K_M) to write "
                    "summaries. Transcripts can be opened and read without one."
                )
            )
            self.found_box.setVisible(bool(found))
            self.use_found_button.setVisible(bool(found))
            self.banner.show()
        self._sync_actions()

    def _make_engine(self, path: str) -> TextModel:
        """The local engine with the Settings dialog's choices (threads, context, GPU layers)."""
        from ..engine import LlamaEngine

        c = self.config
        return LlamaEngine(
            path,
            n_ctx=c.get("n_ctx") or None,
            n_threads=c.get("threads") or None,
            n_gpu_layers=int(c.get("gpu_layers") or 0),
        )

    def settings_dialog(self) -> None:
        d = SettingsDialog(self.config, self)
        d.saved.connect(self._settings_saved)
        d.open()
        self._settings = d

    def _settings_saved(self) -> None:
        """New threads, context or model: a fresh engine (the old one is closed); new folders: look again."""
        path = self.config.model_path
        server = self.config.get("server_url")
        if server and self.running is None:
            self.use_server(str(server))
        elif path and self.running is None:
            self.set_model(path, remember=False)
        elif path or server:
            self.statusBar().showMessage("The new settings apply from the next file.", 8000)
        self._discovery = self.loop.create_task(self.discover_models())

    async def discover_models(self) -> None:
        """Look for models other tools already downloaded (headers only, on a worker thread)."""
        from ..engine.discovery import default_roots, discover

        folders = [f for f in self.config.get("model_folders", []) if isinstance(f, str)]
        try:
            found = await self.loop.run_in_executor(None, lambda: discover(default_roots(extra=folders)))
        except OSError as e:
            log.warning("model discovery failed: %s", e)
            return
        self.found_models = [m for m in found if m.usable]
        self.found_box.clear()
        for m in self.found_models:
            params = f"{m.parameters / 1e9:.1f}B · " if m.parameters and m.parameters >= 1e8 else ""
            self.found_box.addItem(
                f"{m.name} ({params}{m.quantization or '?'} · {m.size_bytes / 2**30:.1f} GB · {m.source})",
                m.path,
            )
            self.found_box.setItemData(self.found_box.count() - 1, m.path, Qt.ItemDataRole.ToolTipRole)
        self._update_model_ui()

    # ---- downloading the recommended model (only when asked) -------------------------------------------------

    def offer_download(self) -> None:
        from ..engine.download import RECOMMENDED

        o = RECOMMENDED
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Download a model",
            f"<b>{o.name}</b><br>{o.size_bytes / 2**30:.1f} GB · licence {o.license}<br><br>{o.why}<br><br>"
            f"From huggingface.co ({o.repo}), into {data_dir() / 'models'}. This is the only time Recap goes "
            "online. You can pause or cancel it.",
            QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.button(QMessageBox.StandardButton.Ok).setText("Download")
        box.finished.connect(
            lambda code: self.start_download() if code == QMessageBox.StandardButton.Ok else None
        )
        box.open()
        self._download_box = box

    def start_download(self) -> None:
        from ..engine.download import RECOMMENDED, Download

        if self.download is None:
            self.download = Download(RECOMMENDED, data_dir() / "models")
        self.download.start()
        self.download_button.hide()
        for wdg in (self.download_bar, self.pause_download_button, self.cancel_download_button):
            wdg.show()
        self.pause_download_button.setText("Pause")
        self._download_timer.start()
        self._poll_download()

    def _poll_download(self) -> None:
        d = self.download
        if d is None:
            return
        s = d.progress()
        if s.total_bytes:
            self.download_bar.setValue(int(1000 * s.done_bytes / s.total_bytes))
        speed = f" · {s.bytes_per_s / 2**20:.1f} MB/s" if s.bytes_per_s else ""
        total = f" of {s.total_bytes / 2**20:.0f} MB" if s.total_bytes else ""
        if s.status in ("checking", "downloading"):
            self.banner_text.setText(
                f"Downloading {d.offer.name}: {s.done_bytes / 2**20:.0f} MB{total}{speed}"
            )
            return
        self._download_timer.stop()
        if s.status == "done" and s.path:
            for wdg in (self.download_bar, self.pause_download_button, self.cancel_download_button):
                wdg.hide()
            self.download = None
            if self.set_model(s.path):
                self._resume_needs_model()
        elif s.status == "paused":
            self.banner_text.setText(f"Download paused at {s.done_bytes / 2**20:.0f} MB{total}.")
        elif s.status in ("failed", "cancelled"):
            for wdg in (self.download_bar, self.pause_download_button, self.cancel_download_button):
                wdg.hide()
            self.download_button.show()
            self.download = None if s.status == "cancelled" else self.download
            self.model_error = s.error if s.status == "failed" else None
            self._update_model_ui()

    def toggle_download_pause(self) -> None:
        d = self.download
        if d is None:
            return
        if d.state.status == "paused":
            self.start_download()
        else:
            d.pause()
            self.pause_download_button.setText("Resume")
            self._poll_download()

    def cancel_download(self) -> None:
        if self.download is not None:
            self.download.cancel()
            self._poll_download()

    def use_found_model(self) -> None:
        path = self.found_box.currentData()
        if isinstance(path, str) and self.set_model(path):
            self._resume_needs_model()

    def choose_model_dialog(self) -> None:
        # open(), not exec(): no nested event loop while asyncio tasks are running on this one.
        dialog = QFileDialog(self, "Choose a GGUF model file")
        dialog.setNameFilters(["GGUF models (*.gguf)", "All files (*)"])
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(lambda p: self.set_model(p))
        dialog.open()
        self._model_dialog = dialog

    # ---- files -----------------------------------------------------------------------------------------------

    def open_dialog(self) -> None:
        dialog = QFileDialog(self, "Open transcripts")
        dialog.setNameFilters(
            ["Transcripts (*.txt *.srt *.vtt *.json *.tsv *.html *.md *.sbv *.csv)", "All files (*)"]
        )
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dialog.filesSelected.connect(self.add_files)
        dialog.open()
        self._open_dialog = dialog

    def add_files(self, paths: list[str]) -> list[Item]:
        files, skipped = expand_paths(list(paths))
        in_line = {i.path for i in self.items if i.state in self.UNFINISHED}
        new = []
        for f in files:
            if f in in_line:
                continue  # already waiting (restored from last time, or dropped twice)
            item = Item(self._next_id, f)
            self._next_id += 1
            self.items.append(item)
            self.queue.add(item.id, item.name)
            self._refresh_row(item)
            new.append(item)
        if skipped:
            self.statusBar().showMessage(
                f"Skipped {len(skipped)} file(s) that are not transcripts: "
                + ", ".join(Path(s).name for s in skipped[:5])
                + ("…" if len(skipped) > 5 else ""),
                15000,
            )
        if new:
            self.queue.show()
            self.stack.setCurrentWidget(self.content_split)
            if self.current is None or self.current.state in ("done", "failed", "stopped"):
                self.queue.select(new[0].id)
            self._start()
        self._save_queue()
        return new

    # ---- drag and drop ---------------------------------------------------------------------------------------

    def dragEnterEvent(self, e: QDragEnterEvent) -> None:  # noqa: N802 (Qt override)
        urls = e.mimeData().urls()
        why = (
            refusal([u.toLocalFile() for u in urls]) if urls and all(u.isLocalFile() for u in urls) else None
        )
        if why is not None:  # a song or a video: refused while it is still being dragged, with the reason
            self.statusBar().showMessage(why, 8000)
            self.drop_zone.set_refusal(why)
            e.ignore()
        elif urls and all(u.isLocalFile() for u in urls):
            e.acceptProposedAction()
            self.drop_zone.set_hover(True)
        else:
            self.statusBar().showMessage(
                "Recap accepts transcript files and folders from this computer.", 5000
            )
            e.ignore()

    def dragLeaveEvent(self, e: QEvent) -> None:  # noqa: N802
        self.drop_zone.set_hover(False)

    def dropEvent(self, e: QDropEvent) -> None:  # noqa: N802
        self.drop_zone.set_hover(False)
        paths = [u.toLocalFile() for u in e.mimeData().urls() if u.isLocalFile()]
        if paths:
            e.acceptProposedAction()
            self.add_files(paths)

    # ---- selection and views ---------------------------------------------------------------------------------

    def _select_id(self, item_id: int) -> None:
        item = next((i for i in self.items if i.id == item_id), None)
        if item is not None:
            self.show_item(item)

    def show_item(self, item: Item) -> None:
        self.current = item
        t = item.transcript
        self.transcript_view.set_transcript(t)
        est = t is not None and t.timing == "estimated"
        self.chapter_list.set_chapters(item.chapters, est)
        self.summary_view.set_text(item.summary, est)
        self._update_placeholder(item)
        self._show_info(item)
        self._sync_actions()

    def _show_info(self, item: Item) -> None:
        if item.error:
            self.message.setText(item.error)
            self.message.show()
        else:
            self.message.hide()
        t = item.transcript
        if t is None:
            self.info.setText(f"<b>{item.name}</b>")
            return
        from ..transcript.timefmt import display_time

        est = t.timing == "estimated"
        bits = [t.format, t.encoding, f"{len(t.segments)} segments", display_time(t.duration_s, est)]
        if t.speakers:
            bits.append("speakers: " + ", ".join(t.speakers[:6]))
        note = " · times estimated from speaking rate (≈)" if est else ""
        warn = ""
        extra = list(t.warnings) + item.notices
        if extra:
            warn = (
                f"<br><small>{len(extra)} note(s): "
                + "; ".join(w for w in extra[:3])
                + (" …" if len(extra) > 3 else "")
                + "</small>"
            )
        self.info.setText(f"<b>{t.display_title}</b><br><small>{' · '.join(bits)}{note}</small>{warn}")

    def _update_placeholder(self, item: Item) -> None:
        text = {
            "running": "The summary is written after the whole transcript is read; chapters appear as each part "
            "is finished.",
            "needs-model": "Choose a model to summarize this transcript.",
            "stopped": "Stopped. Press Summarize (Ctrl+Enter) to start again.",
            "failed": "",
            "done": "The model wrote no summary.",
        }.get(item.state, "The summary will appear here.")
        self.summary_view.setPlaceholderText(text)

    def current_result(self) -> tuple[Result, str | None] | None:
        """What is on screen as a Result (a stopped run's chapters and summary so far count too), and its file."""
        item = self.current
        if item is None:
            return None
        if item.result is not None:
            return item.result, item.path
        if item.transcript is None or (not item.chapters and not item.summary):
            return None
        t = item.transcript
        partial = Result(
            title=t.display_title,
            duration_s=t.duration_s,
            timing=t.timing,
            model=Path(self.engine.model_path).name if self.engine else "",
            chapters=tuple(item.chapters),
            summary=item.summary,
            stats=Stats(),
            notes=("Partial result: the run was stopped before it finished.",),
        )
        return partial, item.path

    def seek(self, seconds: float) -> None:
        self.transcript_view.seek(seconds)

    def _refresh_row(self, item: Item, detail: str = "") -> None:
        if item.state == "waiting" and self.paused:
            detail = detail or "Paused"
        self.queue.set_state(item.id, item.name, item.state, detail)
        self._save_queue()
        if item is self.current:
            self._update_placeholder(item)

    # ---- running ---------------------------------------------------------------------------------------------

    def _sync_actions(self) -> None:
        busy = self.running is not None
        self.stop_action.setEnabled(busy)
        can_run = self.current is not None and not busy and self.current.state != "reading"
        self.run_action.setEnabled(can_run)
        self.exports.update_enabled()

    def summarize_selected(self) -> None:
        item = self.current
        if item is None or self.running is not None:
            return
        item.state, item.error = "waiting", None
        item.chapters, item.summary, item.result, item.notices = [], "", None, []
        self.show_item(item)
        self._refresh_row(item)
        if self.paused:
            self.pause_action.setChecked(False)  # Summarize means go: the queue resumes
        self._start()

    def _resume_needs_model(self) -> None:
        for item in self.items:
            if item.state == "needs-model":
                item.state = "waiting"
                self._refresh_row(item)
        self._start()

    # ---- the queue: order, pause, kept across restarts -------------------------------------------------------

    UNFINISHED = ("waiting", "reading", "running", "needs-model")

    def _save_queue(self) -> None:
        """Record the files still to do, in order, when that list changed (see app/queue_state.py)."""
        if self._queue_frozen:
            return
        files = [i.path for i in self.items if i.state in self.UNFINISHED and i.result is None]
        if files != self._saved_queue:
            try:
                save_queue(files)
                self._saved_queue = files
            except OSError as e:
                log.warning("queue not saved: %s", e)

    def _restore_queue(self) -> None:
        files = [f for f in load_queue() if Path(f).exists()]
        if not files:
            return
        self.paused = True
        self.pause_action.setChecked(True)
        self.add_files(files)
        self.statusBar().showMessage(
            f"{len(files)} file(s) left from last time. Press Resume (Ctrl+P) or Summarize to go on.", 30000
        )

    def _reordered(self, ids: list[int]) -> None:
        order = {item_id: n for n, item_id in enumerate(ids)}
        self.items.sort(key=lambda i: order.get(i.id, len(order)))
        self._save_queue()

    def _pause_toggled(self, on: bool) -> None:
        if on == self.paused:
            return
        self.paused = on
        if on:
            running = self.running
            if self.engine is not None and running is not None:
                self.engine.stop()
            if self._task is not None:
                self._task.cancel()
            self.running = None
            if running is not None:  # back in line: its finished windows are in the store
                running.state = "waiting"
            self.progress.set_idle("Queue paused")
        for i in self.items:
            if i.state == "waiting":
                self._refresh_row(i, "Paused" if on else "")
        self._sync_actions()
        if not on:
            self._start()

    def _start(self) -> None:
        if self.paused:
            return
        if self._task is None and any(i.state == "waiting" for i in self.items):
            self._task = self.loop.create_task(self._process_queue())

    async def _process_queue(self) -> None:
        try:
            while True:
                item = next((i for i in self.items if i.state == "waiting"), None)
                if item is None:
                    break
                await self._process(item)
                if item.state == "stopped":
                    break
        except asyncio.CancelledError:
            pass  # Stop: the item's state was set by stop()
        finally:
            self._task = None
            self.running = None
            self._sync_actions()
            self.runIdle.emit()

    async def _process(self, item: Item) -> None:
        self.running = item
        self._sync_actions()
        try:
            if item.transcript is None:
                item.state = "reading"
                self._refresh_row(item)
                self.progress.show_progress(f"{item.name}: reading file", 0.0, None)
                try:
                    item.transcript = await self.loop.run_in_executor(None, read_file, item.path)
                except TranscriptError as e:
                    self._fail(item, str(e))
                    return
                if item is self.current:
                    self.show_item(item)
            if self.engine is None:
                item.state = "needs-model"
                self._refresh_row(item)
                self.progress.set_idle("Choose a model to summarize")
                return
            item.state = "running"
            self._refresh_row(item)
            summarizer = Summarizer(self.engine, self.options, store=self._store())
            async with contextlib.aclosing(summarizer.run(item.transcript)) as events:
                async for ev in events:
                    self._on_event(item, ev)
        finally:
            self.running = None
            if item.state in ("done", "failed", "stopped"):
                self.itemFinished.emit(item.id)

    # ---- appearance and layout, remembered -------------------------------------------------------------------

    def set_appearance(self, choice: str) -> None:
        if self.theme is not None:
            self.theme.set_choice(choice)
        self.appearance_actions[choice].setChecked(True)
        self.config.set("appearance", choice)

    def _splitters(self) -> dict[str, QSplitter]:
        return {"outer": self.outer_split, "content": self.content_split, "right": self.right_split}

    def _save_layout(self) -> None:
        self.config.set(
            "layout",
            {
                "geometry": bytes(self.saveGeometry().toBase64().data()).decode(),
                "splitters": {k: sp.sizes() for k, sp in self._splitters().items()},
                "history": self.history_dock.isVisible(),
            },
        )

    def _restore_layout(self) -> None:
        layout = self.config.get("layout")
        if not isinstance(layout, dict):
            return
        geometry = layout.get("geometry")
        if isinstance(geometry, str):
            self.restoreGeometry(QByteArray.fromBase64(geometry.encode()))
        sizes = layout.get("splitters")
        if isinstance(sizes, dict):
            for k, sp in self._splitters().items():
                v = sizes.get(k)
                if isinstance(v, list) and all(isinstance(x, int) for x in v) and sum(v) > 0:
                    sp.setSizes(v)
        if layout.get("history"):
            self.history_action.setChecked(True)

    # ---- history ---------------------------------------------------------------------------------------------

    def _history_changed(self, _item_id: int) -> None:
        if self.history_dock.isVisible():
            self.history.refresh()

    def _toggle_history(self, on: bool) -> None:
        if on:
            self.history.refresh()
            self.history_dock.show()
            self.history.search.setFocus()
        else:
            self.history_dock.hide()

    def open_history(self, run: str) -> Item | None:
        """Show an earlier result at once, from the store; the transcript is read again if its file is there."""
        store = self._store()
        got = store.get_entry(run) if store is not None else None
        if got is None:
            self.statusBar().showMessage("That result is no longer in the history.", 8000)
            self.history.refresh()
            return None
        entry, result = got
        item = Item(self._next_id, entry.source or entry.title)
        self._next_id += 1
        item.result, item.summary, item.chapters = result, result.summary, list(result.chapters)
        item.state = "stopped" if entry.partial else "done"
        self.items.append(item)
        self.queue.add(item.id, item.name)
        self._refresh_row(item, "From the history" + (" (stopped part-way)" if entry.partial else ""))
        self.queue.show()
        self.stack.setCurrentWidget(self.content_split)
        self.queue.select(item.id)
        self.show_item(item)
        if entry.source and Path(entry.source).is_file():
            self.loop.create_task(self._read_for(item))
        else:
            self.info.setText(
                f"<b>{result.title}</b><br><small>From the history · the transcript file is no longer at "
                f"{entry.source or 'its old place'}</small>"
            )
        return item

    async def _read_for(self, item: Item) -> None:
        try:
            item.transcript = await self.loop.run_in_executor(None, read_file, item.path)
        except TranscriptError as e:
            self.statusBar().showMessage(f"{item.name}: {e}", 10000)
            return
        if item is self.current:
            self.show_item(item)

    def _store(self) -> Store | None:
        """The results store, opened on first use. Without it (a damaged database) runs still work."""
        if self.store is None:
            try:
                self.store = Store()
            except (OSError, sqlite3.DatabaseError) as e:
                log.warning("results store unavailable: %s", e)
                self.statusBar().showMessage(f"Results will not be kept: {e}", 15000)
        return self.store

    def _fail(self, item: Item, message: str) -> None:
        item.state, item.error = "failed", message
        self._refresh_row(item, f"Failed: {message}")
        self.statusBar().showMessage(f"{item.name}: {message}", 15000)
        self.progress.set_idle(f"{item.name}: failed")
        if item is self.current:
            self._show_info(item)

    def _on_event(self, item: Item, ev: Event) -> None:
        shown = item is self.current
        if isinstance(ev, Progress):
            item.stage = ev.stage
            self.progress.show_progress(f"{item.name}: {ev.stage}", ev.fraction, ev.eta_s)
            self._refresh_row(item, ev.stage)
        elif isinstance(ev, ChapterFound):
            item.chapters.append(ev.chapter)
            if shown:
                self.chapter_list.add_chapter(ev.chapter)
        elif isinstance(ev, SummaryDelta):
            item.summary += ev.text
            if shown:
                self.summary_view.append(ev.text)
        elif isinstance(ev, Notice):
            item.notices.append(ev.message)
            self.statusBar().showMessage(f"{item.name}: {ev.message}", 10000)
            if shown:
                self._show_info(item)
        elif isinstance(ev, Finished):
            item.result = ev.result
            item.summary = ev.result.summary
            item.chapters = list(ev.result.chapters)
            item.state = "done"
            s = ev.result.stats
            self._refresh_row(item, f"Done · {len(item.chapters)} chapters")
            self.progress.set_idle(
                f"{item.name}: done in {s.seconds:.1f} s ({s.transcript_tokens} transcript tokens)", 1.0
            )
            if shown:
                self.summary_view.set_text(item.summary, self.summary_view.estimated)
                self.exports.update_enabled()
        elif isinstance(ev, Failed):
            self._fail(item, ev.message)
        elif isinstance(ev, Cancelled):
            self._mark_stopped(item)

    def _mark_stopped(self, item: Item) -> None:
        if self.paused:  # a pause, not a stop: the file stays in line
            item.state = "waiting"
            self._refresh_row(item, "Paused")
            return
        item.state = "stopped"
        self._refresh_row(item, "Stopped")
        self.progress.set_idle(f"{item.name}: stopped")
        if item is self.current:
            self.summary_view.finish()
            self.exports.update_enabled()

    def stop(self) -> None:
        """Stop at once: the UI is idle when this returns; the model aborts within milliseconds."""
        item = self.running
        if self.engine is not None:
            self.engine.stop()
        if self._task is not None:
            self._task.cancel()
        if item is not None:
            self._mark_stopped(item)
        for i in self.items:  # Stop stops the queue too; Summarize starts it again
            if i.state == "waiting":
                i.state = "stopped"
                self._refresh_row(i, "Not started")
        self.running = None
        self._sync_actions()

    @property
    def busy(self) -> bool:
        return self.running is not None

    # ---- about and closing -----------------------------------------------------------------------------------

    def about(self) -> None:
        from importlib.metadata import PackageNotFoundError, version

        rows = []
        for dist, what, lic in BUNDLED:
            try:
                v = version(dist)
            except PackageNotFoundError:
                v = "?"
            rows.append(f"<tr><td>{what}</td><td>{v}</td><td>{lic}</td></tr>")
        model = Path(self.engine.model_path).name if self.engine else "none chosen"
        box = QMessageBox(self)
        box.setWindowTitle("About Recap")
        box.setIconPixmap(self.windowIcon().pixmap(64, 64))
        box.setText(
            f"<b>Recap {__version__}</b><br>Offline transcript summaries and chapters. Everything runs on this "
            f"computer with llama.cpp; nothing is sent anywhere.<br><br>Model in use: {model}<br>"
            f"Results: {data_dir()}<br>Settings: {config_dir()}"
        )
        box.setInformativeText(
            "<b>Components</b><table cellspacing=6>" + "".join(rows) + "</table>"
            "<small>Recap itself is MIT-licensed. mutagen (GPL-2.0-or-later) and Qt (LGPL-3.0) come with their own "
            "terms; their sources are at pypi.org and qt.io.</small>"
        )
        box.open()
        self._about = box

    def closeEvent(self, e: QCloseEvent) -> None:  # noqa: N802
        if self._closing is None and not self._closed.is_set():
            self._closing = self.loop.create_task(self.shutdown())
        e.accept()

    async def shutdown(self) -> None:
        """Stop the run and the model thread (the loop cannot close while that thread runs)."""
        self._queue_frozen = True  # the files still to do stay recorded for the next start
        if self.download is not None:
            self.download.pause()  # the partial file stays: the next Download resumes it
        if self.isVisible():
            self._save_layout()
        self.stop()
        for t in (self._task, self._load_task, self._discovery):
            if t is not None and not t.done():
                t.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await t
        if self.engine is not None:
            await self._close_engine(self.engine)
        if self.store is not None:
            self.store.close()
            self.store = None
        self._closed.set()

    async def wait_closed(self) -> None:
        await self._closed.wait()


def file_url(path: str) -> QUrl:
    return QUrl.fromLocalFile(str(Path(path).resolve()))
