"""Above the transcript: the selected file's title and facts (format, encoding, segments, length, speakers,
notes), and its error in red when it failed."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ..jobs import Job
from ..transcript.timefmt import display_time


class FileHeader(QWidget):
    def __init__(self) -> None:
        super().__init__()
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
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.message)
        layout.addWidget(self.info)

    def show_job(self, job: Job) -> None:
        self.message.setText(job.error or "")
        self.message.setVisible(bool(job.error))
        t = job.transcript
        if t is None:
            self.info.setText(f"<b>{job.name}</b>")
            return
        est = t.timing == "estimated"
        bits = [t.format, t.encoding, f"{len(t.segments)} segments", display_time(t.duration_s, est)]
        if t.speakers:
            bits.append("speakers: " + ", ".join(t.speakers[:6]))
        note = " · times estimated from speaking rate (≈)" if est else ""
        warn = ""
        extra = list(t.warnings) + job.notices
        if extra:
            more = " …" if len(extra) > 3 else ""
            warn = f"<br><small>{len(extra)} note(s): " + "; ".join(extra[:3]) + more + "</small>"
        self.info.setText(f"<b>{t.display_title}</b><br><small>{' · '.join(bits)}{note}</small>{warn}")

    def show_missing(self, title: str, source: str | None) -> None:
        """A result from the history whose transcript file is gone."""
        self.message.hide()
        self.info.setText(
            f"<b>{title}</b><br><small>From the history · the transcript file is no longer at "
            f"{source or 'its old place'}</small>"
        )
