"""The window's centre: the drop zone until the first file, then the selected file's header and transcript on
the left, its chapters (with Copy and Export) and summary on the right, in splitters whose sizes are kept.
It shows one job and follows the queue runner's signals for it: chapters and summary stream in as they come."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..jobs import Job, JobState
from ..summarize import Chapter
from .ask_panel import AskPanel
from .chapter_editor import ChapterEditor
from .drop_zone import DropZone
from .export_menu import ExportMenus
from .file_header import FileHeader
from .queue_runner import QueueRunner
from .summary_view import SummaryView
from .transcript_view import TranscriptView

PLACEHOLDERS = {
    JobState.RUNNING: "The summary is written after the whole transcript is read; chapters appear as each part "
    "is finished.",
    JobState.NEEDS_MODEL: "Choose a model to summarize this transcript.",
    JobState.STOPPED: "Stopped. Press Summarize (Ctrl+Enter) to start again.",
    JobState.FAILED: "",
    JobState.DONE: "The model wrote no summary.",
}


def _menu_button(text: str, tip: str, m: QMenu) -> QToolButton:
    b = QToolButton()
    b.setText(text)
    b.setToolTip(tip)
    b.setAccessibleName(tip)
    b.setMenu(m)
    b.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    return b


def _column(*parts: QWidget | QHBoxLayout) -> QWidget:
    box = QWidget()
    lay = QVBoxLayout(box)
    lay.setContentsMargins(0, 0, 0, 0)
    for p in parts:
        if isinstance(p, QHBoxLayout):
            lay.addLayout(p)
        else:
            lay.addWidget(p)
    return box


class Workspace(QStackedWidget):
    def __init__(self, exports: ExportMenus) -> None:
        super().__init__()
        self.job: Job | None = None  # the one shown
        self.drop_zone = DropZone()
        self.header = FileHeader()
        self.transcript_view = TranscriptView()
        self.chapter_editor = ChapterEditor(self.transcript_view.selected_start)
        self.chapter_list = self.chapter_editor.list
        self.summary_view = SummaryView()
        self.chapter_list.seek.connect(self.transcript_view.seek)
        self.summary_view.seek.connect(self.transcript_view.seek)
        head = QHBoxLayout()
        head.addWidget(QLabel("<b>Chapters</b>"), 1)
        self.copy_button = _menu_button("Copy", "Copy the result as…", exports.copy_menu)
        self.export_button = _menu_button("Export", "Save the result as…", exports.save_menu)
        head.addWidget(self.copy_button)
        head.addWidget(self.export_button)
        self.right_split = QSplitter(Qt.Orientation.Vertical)
        self.right_split.addWidget(_column(head, self.chapter_editor))
        self.right_split.addWidget(_column(QLabel("<b>Summary</b>"), self.summary_view))
        self.ask_panel = AskPanel()
        self.ask_panel.seek.connect(self.transcript_view.seek)
        self.right_split.addWidget(self.ask_panel)
        self.right_split.setSizes([260, 340, 160])
        self.content_split = QSplitter(Qt.Orientation.Horizontal)
        self.content_split.addWidget(_column(self.header, self.transcript_view))
        self.content_split.addWidget(self.right_split)
        self.content_split.setSizes([600, 420])
        self.addWidget(self.drop_zone)
        self.addWidget(self.content_split)

    def show_content(self) -> None:
        self.setCurrentWidget(self.content_split)

    def show_job(self, job: Job) -> None:
        self.job = job
        est = job.transcript is not None and job.transcript.timing == "estimated"
        self.transcript_view.set_transcript(job.transcript)
        self.chapter_editor.show_job(job)
        self.summary_view.set_text(job.summary, est)
        self._placeholder(job)
        self.header.show_job(job)

    def _placeholder(self, job: Job) -> None:
        self.summary_view.setPlaceholderText(PLACEHOLDERS.get(job.state, "The summary will appear here."))

    def follow(self, runner: QueueRunner) -> None:
        """What the runner says about the shown job reaches its views."""
        runner.jobChanged.connect(self._changed)
        runner.transcriptRead.connect(self._read)
        runner.chapterFound.connect(self._chapter_found)
        runner.summaryDelta.connect(self._summary_delta)
        runner.summaryReplaced.connect(self._summary_replaced)
        runner.notice.connect(self._notice)
        runner.jobFinished.connect(self._finished)
        runner.answerDelta.connect(self.ask_panel.append)
        runner.answered.connect(self.ask_panel.finish)
        self.ask_panel.asked.connect(runner.ask)
        self.chapter_editor.retitleRequested.connect(runner.retitle)
        runner.retitled.connect(self.chapter_editor.retitled)
        runner.retitleFailed.connect(self.chapter_editor.retitle_failed)

    def _changed(self, job: Job, _detail: str) -> None:
        if job is self.job:
            self._placeholder(job)
            if job.state == JobState.RUNNING and job.notes_part is not None:
                # a new stage: the part's notes are complete, so their last bullet is rendered now rather than
                # staying plain Markdown while the next part's titles are asked (the next notes go on from it)
                self.summary_view.finish()
            if job.state != JobState.RUNNING:
                self.chapter_editor.refresh()  # a result to edit, or none

    def _read(self, job: Job) -> None:
        if job is self.job:
            self.show_job(job)
            self.ask_panel.refresh()

    def _summary_delta(self, job: Job, text: str) -> None:
        if job is self.job:
            self.summary_view.append(text)

    def _summary_replaced(self, job: Job, text: str) -> None:
        if job is self.job:
            self.summary_view.set_text("", self.summary_view.estimated)
            self.summary_view.append(text)

    def _notice(self, job: Job, _text: str) -> None:
        if job is self.job:
            self.header.show_job(job)

    def _chapter_found(self, job: Job, chapter: Chapter) -> None:
        if job is self.job:
            self.chapter_editor.add_chapter(chapter)

    def _finished(self, job: Job) -> None:
        if job is not self.job:
            return
        self.chapter_editor.refresh()
        if job.state == JobState.DONE:
            self.summary_view.set_text(job.summary, self.summary_view.estimated)
        else:
            self.summary_view.finish()
