"""Ask the transcript: a question box under the summary. The answer streams in below it, its `[hh:mm:ss]`
citations are links to those moments, and the questions asked of this file before are listed with their
answers (they are kept in the history with the result)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from ..jobs import Job
from .summary_view import SummaryView


class AskPanel(QWidget):
    asked = Signal(object, str)  # Job, the question
    seek = Signal(float)

    def __init__(self) -> None:
        super().__init__()
        self.job: Job | None = None
        self.question = QLineEdit()
        self.question.setPlaceholderText("Ask the transcript: what did they say about …?")
        self.question.setAccessibleName("Question about the transcript")
        self.question.setToolTip(
            "A question about this transcript; the answer cites the moments it comes from"
        )
        self.question.returnPressed.connect(self.ask)
        self.button = QPushButton("Ask")
        self.button.setToolTip("Answer from the parts of the transcript that bear on the question (Enter)")
        self.button.clicked.connect(self.ask)
        self.answers = SummaryView()
        self.answers.setAccessibleName("Answers")
        self.answers.setToolTip(
            "Answers to your questions; click a time to see that moment in the transcript"
        )
        self.answers.setPlaceholderText("Answers appear here, with links to the moments they come from.")
        self.answers.seek.connect(self.seek)
        self.answering = False
        self._earlier = ""  # the questions and answers before the one being answered, as Markdown
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.question, 1)
        row.addWidget(self.button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.answers, 1)
        self.show_job(None, [])

    def show_job(self, job: Job | None, earlier: list[tuple[str, str]]) -> None:
        """This file's questions so far (from the history), newest last."""
        self.job = job
        self._earlier = "".join(_entry(q, a) for q, a in earlier)
        self.answers.set_text(
            self._earlier, estimated=bool(job and job.transcript and job.transcript.timing == "estimated")
        )
        self.answering = False
        self._sync()

    def refresh(self) -> None:
        """The file was read (or its run ended): whether a question can be asked now."""
        self._sync()

    def _sync(self) -> None:
        j = self.job
        ready = j is not None and j.transcript is not None and not self.answering
        self.question.setEnabled(j is not None and j.transcript is not None)
        self.button.setEnabled(ready)

    def ask(self) -> None:
        q = " ".join(self.question.text().split())
        if not q or self.job is None or self.answering or self.job.transcript is None:
            return
        self.answering = True
        self._sync()
        self._earlier += f"**{q}**\n\n"
        self.answers.set_text(self._earlier, self.answers.estimated)
        self.asked.emit(self.job, q)

    def append(self, job: Job, text: str) -> None:
        if job is self.job and self.answering:
            self.answers.append(text)

    def finish(self, job: Job, question: str, text: str) -> None:
        """The answer is complete (or was stopped, with `text` what there is)."""
        if job is not self.job:
            return
        self._earlier = self._earlier[: -len(f"**{question}**\n\n")] + _entry(question, text)
        self.answers.set_text(self._earlier, self.answers.estimated)
        self.answering = False
        self.question.clear()
        self._sync()


def _entry(question: str, answer: str) -> str:
    return f"**{question}**\n\n{answer.strip() or '(no answer)'}\n\n"
