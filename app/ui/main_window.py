"""The main window: the parts put together. The queue of files (app/jobs.py), the runner that summarizes them
(queue_runner.py) and the model (model_controller.py) hold the state; the widgets show it. The window wires
their signals, takes the files dropped on it, and keeps the layout, the selection and the shutdown.

Thread contract: everything here runs on the Qt thread, which is also the asyncio loop's thread (qasync). Long
work (reading a file, the model, discovery) happens off this thread, so the window stays responsive.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QMainWindow,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ..config import Config
from ..jobs import Job, JobQueue, JobState, load_queue
from ..summarize import Options, Result
from ..transcript import TranscriptError, read_file
from .about_box import AboutBox
from .export_menu import ExportMenus
from .file_queue import FileQueue
from .history_dock import HistoryDock
from .layout_memory import LayoutMemory
from .model_banner import ModelBanner
from .model_controller import ModelController
from .model_label import ModelLabel
from .preset_picker import PresetPicker
from .progress_panel import ProgressPanel
from .queue_runner import QueueRunner
from .result_store import ResultStore
from .settings_dialog import SettingsDialog
from .theme import Theme
from .window_actions import WindowActions
from .workspace import Workspace

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        config: Config | None = None,
        options: Options | None = None,
        restore_queue: bool = True,
    ) -> None:
        """`restore_queue`: pick up the files left unfinished last time (paused); off for scripted runs."""
        super().__init__()
        self.loop = loop
        self.config = config or Config()
        self.base_options = options or Options()
        self.results = ResultStore(lambda text: self.statusBar().showMessage(text, 15000))
        self.current: Job | None = None  # the selected job
        self._tasks: set[asyncio.Task[Any]] = set()
        self._closing: asyncio.Task[None] | None = None
        self._closed = asyncio.Event()
        self.jobs = JobQueue()
        self.models = ModelController(loop, self.config)
        self.runner = QueueRunner(
            loop, self.jobs, lambda: self.models.engine, lambda: self.options, self.results
        )
        self.setWindowTitle("Recap")
        self.setAcceptDrops(True)
        self.resize(1200, 760)
        self._build()
        self._wire()
        self.models.start()
        app = QApplication.instance()
        self.theme = (
            Theme(app, self.config.get("appearance", "system")) if isinstance(app, QApplication) else None
        )
        self.commands.appearance[self.theme.choice if self.theme else "system"].setChecked(True)
        splitters = {
            "outer": self.outer_split,
            "content": self.workspace.content_split,
            "right": self.workspace.right_split,
        }
        self.layout_memory = LayoutMemory(self.config, self, splitters, self.history_dock)
        if self.layout_memory.restore():
            self.commands.history.setChecked(True)
        if restore_queue:
            self._restore_queue()

    @property
    def options(self) -> Options:
        return replace(self.base_options, preset=self.picker.preset, language=self.picker.language)

    # ---- construction ----------------------------------------------------------------------------------------

    def _build(self) -> None:
        self.commands = WindowActions(self)
        self.exports = ExportMenus(self, self.current_result)
        self.workspace = Workspace(self.exports)
        ws = self.workspace
        editor = ws.chapter_editor
        self.commands.build_menus(self, self.exports, [editor.undo_action, editor.redo_action])
        self.picker = PresetPicker(self.config, self.base_options.preset, self.base_options.language)
        self.model_label = ModelLabel(self.models)
        self.commands.build_toolbar(self, self.picker, self.model_label)
        self.banner = ModelBanner(self.models)
        self.file_list = FileQueue()
        self.outer_split = QSplitter(Qt.Orientation.Horizontal)
        self.outer_split.addWidget(self.file_list)
        self.outer_split.addWidget(ws)
        self.outer_split.setStretchFactor(1, 1)
        self.outer_split.setSizes([220, 980])
        self.file_list.hide()  # appears with the first file

        self.history_dock = HistoryDock(self.results, self.commands.history, self)
        self.history = self.history_dock.panel
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.history_dock)
        self.progress = ProgressPanel()
        central = QWidget()
        cl = QVBoxLayout(central)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.setSpacing(0)
        cl.addWidget(self.banner)
        cl.addWidget(self.outer_split, 1)
        cl.addWidget(self.progress)
        self.setCentralWidget(central)

    def _wire(self) -> None:
        a, m, r = self.commands, self.models, self.runner
        a.open.triggered.connect(self.open_dialog)
        a.settings.triggered.connect(self.settings_dialog)
        a.model.triggered.connect(self.choose_model_dialog)
        a.run.triggered.connect(self.summarize_selected)
        a.stop.triggered.connect(self.stop)
        a.pause.toggled.connect(lambda on: r.pause() if on else r.resume())
        a.quit.triggered.connect(self.close)
        a.about.triggered.connect(self.about)
        for choice, action in a.appearance.items():
            action.triggered.connect(lambda _=False, c=choice: self.set_appearance(c))
        self.picker.saved.connect(lambda text: self.statusBar().showMessage(text, 5000))
        self.banner.chooseFile.connect(self.choose_model_dialog)
        self.file_list.selected.connect(lambda job_id: self.show_job(self.jobs.get(job_id)))
        self.file_list.reordered.connect(self.jobs.reorder)
        self.workspace.drop_zone.openRequested.connect(self.open_dialog)
        self.history.opened.connect(self.open_history)
        self.progress.stopRequested.connect(self.stop)
        self.workspace.chapter_editor.edited.connect(self._chapters_edited)
        self.runner.answered.connect(self.results.keep_answer)
        self.runner.answered.connect(lambda *_: self._sync_actions())

        m.replacing.connect(lambda: r.stop() if r.busy else None)
        m.changed.connect(self._sync_actions)
        m.loading.connect(self._model_loading)
        m.ready.connect(r.release_needs_model)
        m.message.connect(lambda text: self.statusBar().showMessage(text, 8000))

        self.workspace.follow(r)
        self.workspace.ask_panel.asked.connect(lambda *_: self._sync_actions())  # Stop ends an answer too
        r.jobChanged.connect(self._job_changed)
        r.notice.connect(
            lambda job, text: self.statusBar().showMessage(
                f"{job.name}: {text}", 15000 if job.error else 10000
            )
        )
        r.progress.connect(self.progress.show_progress)
        r.idleText.connect(self.progress.set_idle)
        r.jobFinished.connect(self._job_finished)
        r.idle.connect(self._sync_actions)

    # ---- the model -------------------------------------------------------------------------------------------

    def set_model(self, path: str, remember: bool = True) -> bool:
        return self.models.set_model(path, remember)

    def _model_loading(self, on: bool) -> None:
        if self.runner.busy or self._closed.is_set():
            return
        if on:
            self.progress.show_progress("Loading model…", 0.0, None)
        else:
            self.progress.set_idle("Ready" if self.models.engine is not None else "No model")

    def settings_dialog(self) -> None:
        self._settings = SettingsDialog(self.config, self)
        self._settings.saved.connect(lambda: self.models.settings_saved(self.runner.busy))
        self._settings.open()

    def choose_model_dialog(self) -> None:
        # open(), not exec(): no nested event loop while asyncio tasks are running on this one.
        dialog = QFileDialog(self, "Choose a GGUF model file")
        dialog.setNameFilters(["GGUF models (*.gguf)", "All files (*)"])
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(lambda p: self.models.set_model(p))
        dialog.open()
        self._model_dialog = dialog

    # ---- files in ---------------------------------------------------------------------------------------------

    def open_dialog(self) -> None:
        dialog = QFileDialog(self, "Open transcripts")
        dialog.setNameFilters(
            [
                "Transcripts (*.txt *.srt *.vtt *.json *.tsv *.html *.md *.sbv *.csv *.docx *.pdf)",
                "All files (*)",
            ]
        )
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dialog.filesSelected.connect(self.add_files)
        dialog.open()
        self._open_dialog = dialog

    def add_files(self, paths: list[str]) -> list[Job]:
        new, skipped = self.jobs.add(paths)
        if skipped:
            more = "…" if len(skipped) > 5 else ""
            names = ", ".join(Path(s).name for s in skipped[:5])
            self.statusBar().showMessage(
                f"Skipped {len(skipped)} file(s) that are not transcripts: {names}{more}", 15000
            )
        for job in new:
            self._add_row(job)
        if new:
            if self.current is None or self.current.finished:
                self.file_list.select(new[0].id)
            self.runner.start()
        return new

    def _add_row(self, job: Job, detail: str = "") -> None:
        self.file_list.add(job.id, job.name)
        self._job_changed(job, detail)
        self.file_list.show()
        self.workspace.show_content()

    def _restore_queue(self) -> None:
        files = [f for f in load_queue() if Path(f).exists()]
        if files:
            self.commands.pause.setChecked(True)
            self.add_files(files)
            self.statusBar().showMessage(
                f"{len(files)} file(s) left from last time. Press Resume (Ctrl+P) or Summarize to go on.",
                30000,
            )

    def dragEnterEvent(self, e: QDragEnterEvent) -> None:  # noqa: N802 (Qt override)
        why = self.workspace.drop_zone.drag_entered(e.mimeData().urls())
        if why is None:
            e.acceptProposedAction()
        else:
            self.statusBar().showMessage(why, 8000)
            e.ignore()

    def dragLeaveEvent(self, e: QEvent) -> None:  # noqa: N802
        self.workspace.drop_zone.set_hover(False)

    def dropEvent(self, e: QDropEvent) -> None:  # noqa: N802
        self.workspace.drop_zone.set_hover(False)
        paths = [u.toLocalFile() for u in e.mimeData().urls() if u.isLocalFile()]
        if paths:
            e.acceptProposedAction()
            self.add_files(paths)

    # ---- what is shown -----------------------------------------------------------------------------------------

    def show_job(self, job: Job | None) -> None:
        if job is None:
            return
        self.current = job
        self.workspace.show_job(job)
        self.workspace.ask_panel.show_job(job, self.results.answers(job))
        self._sync_actions()

    def current_result(self) -> tuple[Result, str | None] | None:
        """The selected file's result (a stopped run's is partial; a running one's so far), and its file."""
        job = self.current
        if job is None:
            return None
        result = job.result or self.runner.partial(job)
        return (result, job.path) if result is not None else None

    def _job_changed(self, job: Job, detail: str) -> None:
        if job.state == JobState.WAITING and self.jobs.paused:
            detail = detail or "Paused"
        self.file_list.set_state(job.id, job.name, job.state, detail)
        self._sync_actions()

    def _chapters_edited(self, job: Job) -> None:
        """Edits are kept with the result in the history (and so reach every export and the next opening)."""
        self.results.keep_edits(job)
        self.history_dock.changed()
        self.exports.update_enabled()

    def _job_finished(self, _job: Job) -> None:
        self.history_dock.changed()
        self._sync_actions()

    def _sync_actions(self) -> None:
        busy = self.runner.busy
        self.commands.stop.setEnabled(busy)
        self.commands.run.setEnabled(
            self.current is not None and not busy and self.current.state != JobState.READING
        )
        self.exports.update_enabled()

    # ---- running ---------------------------------------------------------------------------------------------

    def summarize_selected(self) -> None:
        job = self.current
        if job is None or self.runner.busy:
            return
        job.reset()
        self.show_job(job)
        self._job_changed(job, "")
        if self.jobs.paused:
            self.commands.pause.setChecked(False)  # Summarize means go: the queue resumes
        self.runner.start()

    def stop(self) -> None:
        """Stop at once: the UI is idle when this returns; the model aborts within milliseconds."""
        self.runner.stop()
        self._sync_actions()

    @property
    def paused(self) -> bool:
        return self.jobs.paused

    # ---- history ---------------------------------------------------------------------------------------------

    def open_history(self, run: str) -> Job | None:
        """Show an earlier result at once, from the store; the transcript is read again if its file is there."""
        store = self.results()
        got = store.get_entry(run) if store is not None else None
        if got is None:
            self.statusBar().showMessage("That result is no longer in the history.", 8000)
            self.history.refresh()
            return None
        entry, result = got
        job = self.jobs.add_result(entry.source or entry.title, result, entry.partial, entry.run)
        self._add_row(job, "From the history" + (" (stopped part-way)" if entry.partial else ""))
        self.file_list.select(job.id)
        self.show_job(job)
        if entry.source and Path(entry.source).is_file():
            task = self.loop.create_task(self._read_for(job))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        else:
            self.workspace.header.show_missing(result.title, entry.source)
        return job

    async def _read_for(self, job: Job) -> None:
        try:
            job.transcript = await self.loop.run_in_executor(None, read_file, job.path)
        except TranscriptError as e:
            self.statusBar().showMessage(f"{job.name}: {e}", 10000)
            return
        if job is self.current:
            self.show_job(job)

    # ---- appearance, layout, about, closing --------------------------------------------------------------------

    def set_appearance(self, choice: str) -> None:
        if self.theme is not None:
            self.theme.set_choice(choice)
        self.commands.appearance[choice].setChecked(True)
        self.config.set("appearance", choice)

    def about(self) -> None:
        self._about = AboutBox(self, self.models.name)
        self._about.open()

    def closeEvent(self, e: QCloseEvent) -> None:  # noqa: N802
        if self._closing is None and not self._closed.is_set():
            self._closing = self.loop.create_task(self.shutdown())
        e.accept()

    async def shutdown(self) -> None:
        """Stop the run and the model thread (the loop cannot close while that thread runs)."""
        if self._closed.is_set():
            return
        self.jobs.freeze()  # the files still to do stay recorded for the next start
        if self.isVisible():
            self.layout_memory.save()
        await self.runner.shutdown()
        for t in list(self._tasks):
            t.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await t
        await self.models.close()
        self.results.close()
        self._closed.set()

    async def wait_closed(self) -> None:
        await self._closed.wait()
