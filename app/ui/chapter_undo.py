"""One chapter edit on Qt's undo stack: the list before and after, applied to the job it was made on."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from ..jobs import Job
from ..summarize import Chapter

Apply = Callable[[Job, tuple[Chapter, ...]], None]


class ChapterEditCommand(QUndoCommand):
    def __init__(
        self, text: str, job: Job, before: tuple[Chapter, ...], after: tuple[Chapter, ...], apply: Apply
    ) -> None:
        super().__init__(text)
        self.job, self.before, self.after, self.apply = job, before, after, apply

    def redo(self) -> None:
        self.apply(self.job, self.after)

    def undo(self) -> None:
        self.apply(self.job, self.before)
