"""The chapters of the shown file, editable once its result is there: rename in place, delete, merge with the
next, add a chapter at the selected transcript line, move one there or nudge it to the previous or next line,
revert to the model's list. Every edit goes on the file's own undo stack (Edit › Undo / Redo); an edit that would
break a rule is refused with the rule, in words, below the list, and the YouTube and Podcasting 2.0 checks say
live whether the list would be accepted there. `edited` tells the window to keep the new result."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QUndoGroup, QUndoStack
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from ..export import platform_checks
from ..jobs import Job, JobState
from ..summarize import Chapter
from ..summarize import chapter_edit as edit
from ..summarize.chapter_edit import EditRefused, Timeline
from ..transcript.timefmt import hms
from .chapter_list import ChapterList
from .chapter_undo import ChapterEditCommand


class ChapterEditor(QWidget):
    edited = Signal(object)  # Job: its result's chapters changed (an edit, an undo, a redo or a revert)
    retitleRequested = Signal(object, int)  # Job, chapter index: the model is to title it again

    def __init__(self, selected_start: Callable[[], float | None]) -> None:
        """`selected_start`: where the transcript line the user selected starts (None when there is none)."""
        super().__init__()
        self.selected_start = selected_start
        self.job: Job | None = None
        self.list = ChapterList()
        self.list.renamed.connect(self.rename)
        self.undo_group = QUndoGroup(self)
        self._stacks: dict[int, QUndoStack] = {}
        self.undo_action = self.undo_group.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self.undo_group.createRedoAction(self, "&Redo")
        self.redo_action.setShortcut(QKeySequence.StandardKey.Redo)
        self.buttons: dict[str, QToolButton] = {}
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for key, text, tip, slot in (
            ("add", "Add", "Add a chapter at the transcript line selected on the left", self.add),
            (
                "move",
                "Move here",
                "Start the selected chapter at the transcript line selected on the left",
                self.move_here,
            ),
            (
                "earlier",
                "◀",
                "Start the selected chapter one transcript line earlier",
                lambda: self.nudge(-1),
            ),
            ("later", "▶", "Start the selected chapter one transcript line later", lambda: self.nudge(1)),
            ("merge", "Merge", "Merge the selected chapter with the next one", self.merge),
            (
                "retitle",
                "Retitle",
                "Ask the model for a new title (it reads this chapter's lines only)",
                self.retitle,
            ),
            ("delete", "Delete", "Delete the selected chapter", self.delete),
            ("revert", "Revert", "Go back to the model's chapters (the edits can be redone)", self.revert),
        ):
            b = QToolButton()
            b.setText(text)
            b.setToolTip(tip)
            b.setAccessibleName(tip)
            b.clicked.connect(slot)
            row.addWidget(b)
            self.buttons[key] = b
        row.addStretch(1)
        self.problem = QLabel()
        self.problem.setObjectName("ChapterProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("#ChapterProblem { color: #b3261e; }")
        self.problem.hide()
        self.checks = QLabel()
        self.checks.setWordWrap(True)
        self.checks.setTextFormat(Qt.TextFormat.PlainText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list, 1)
        layout.addLayout(row)
        layout.addWidget(self.problem)
        layout.addWidget(self.checks)
        self.show_job(None)

    # ---- what is shown -----------------------------------------------------------------------------------------

    @property
    def editable(self) -> bool:
        j = self.job
        return (
            j is not None
            and j.result is not None
            and j.transcript is not None
            and j.state != JobState.RUNNING
        )

    def show_job(self, job: Job | None) -> None:
        self.job = job
        if job is not None:
            stack = self._stacks.get(job.id)
            if stack is None:
                stack = self._stacks[job.id] = QUndoStack(self.undo_group)
            self.undo_group.setActiveStack(stack)
        else:
            self.undo_group.setActiveStack(None)  # type: ignore[arg-type]
        self.problem.hide()
        self.refresh()

    def refresh(self) -> None:
        """The list as the job has it now, and what may be done with it."""
        job = self.job
        est = job is not None and job.transcript is not None and job.transcript.timing == "estimated"
        chapters = (
            job.result.chapters
            if job is not None and job.result is not None
            else (job.chapters if job else [])
        )
        self.list.set_chapters(list(chapters), est)
        on = self.editable
        self.list.set_editable(on)
        for key, b in self.buttons.items():
            b.setEnabled(on and (key != "revert" or bool(job and job.result and job.result.edited)))
        r = job.result if job is not None else None
        if r is None or not r.chapters:
            self.checks.setText("")
            return
        said = [f"{name}: {'accepted' if why is None else why}" for name, why in platform_checks(r)]
        self.checks.setText(("Edited · " if r.edited else "") + "  ·  ".join(said))

    def add_chapter(self, c: Chapter) -> None:
        """A chapter found by the running pipeline (not an edit)."""
        self.list.add_chapter(c)

    # ---- edits -------------------------------------------------------------------------------------------------

    def _timeline(self) -> Timeline | None:
        j = self.job
        if j is None or j.transcript is None:
            return None
        return Timeline.of([s.start_s for s in j.transcript.segments], j.transcript.duration_s)

    def _edit(self, text: str, make: Callable[[tuple[Chapter, ...], Timeline], tuple[Chapter, ...]]) -> bool:
        job, tl = self.job, self._timeline()
        if not self.editable or job is None or job.result is None or tl is None:
            return False
        before = job.result.chapters
        try:
            after = make(before, tl)
        except EditRefused as e:
            self.problem.setText(str(e))
            self.problem.show()
            return False
        self.problem.hide()
        self.undo_group.activeStack().push(ChapterEditCommand(text, job, before, after, self._apply))
        return True

    def _apply(self, job: Job, chapters: tuple[Chapter, ...]) -> None:
        base = job.result
        if base is None:
            return
        model = base.original_chapters if base.original_chapters is not None else base.chapters
        job.result = replace(base, chapters=chapters, original_chapters=None if chapters == model else model)
        job.chapters = list(chapters)
        if job is self.job:
            self.refresh()
        self.edited.emit(job)

    def _row(self) -> int:
        return self.list.currentRow()

    def rename(self, i: int, title: str) -> bool:
        return self._edit("Rename chapter", lambda ch, tl: edit.rename(ch, i, title, tl))

    def delete(self) -> bool:
        i = self._row()
        return i >= 0 and self._edit("Delete chapter", lambda ch, tl: edit.delete(ch, i, tl))

    def merge(self) -> bool:
        i = self._row()
        return i >= 0 and self._edit("Merge chapters", lambda ch, tl: edit.merge_next(ch, i, tl))

    def add(self) -> bool:
        at = self.selected_start()
        if at is None:
            self._say("Select the transcript line where the new chapter starts, then press Add.")
            return False
        title = f"New chapter at {hms(at)}"  # unique, and says where: the user names it next
        return self._edit("Add chapter", lambda ch, tl: edit.add(ch, at, title, tl))

    def move_here(self) -> bool:
        i, at = self._row(), self.selected_start()
        if i < 0 or at is None:
            self._say("Select a chapter and the transcript line where it should start, then press Move here.")
            return False
        return self._edit("Move chapter", lambda ch, tl: edit.move(ch, i, at, tl))

    def nudge(self, step: int) -> bool:
        i = self._row()
        return i >= 0 and self._edit("Move chapter", lambda ch, tl: edit.nudge(ch, i, step, tl))

    def revert(self) -> bool:
        job = self.job
        if job is None or job.result is None or job.result.original_chapters is None:
            return False
        model = job.result.original_chapters
        return self._edit("Revert to the model's chapters", lambda _ch, _tl: model)

    def retitle(self) -> bool:
        i, job = self._row(), self.job
        if i < 0 or job is None or not self.editable:
            return False
        self.buttons["retitle"].setEnabled(False)  # one request at a time; the answer re-enables it
        self._say("Asking the model for a new title…")
        self.retitleRequested.emit(job, i)
        return True

    def retitled(self, job: Job, k: int, title: str) -> None:
        """The model's new title for chapter k: an edit like any other (undoable), checked like any other."""
        self.problem.hide()
        if job is self.job:
            self.rename(k, title)
            self.refresh()

    def retitle_failed(self, job: Job, why: str) -> None:
        if job is self.job:
            self._say(why)
            self.refresh()

    def _say(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.show()
