"""Above the transcript: the selected file's title and facts (format, encoding, segments, length, speakers,
notes: the first three, and every one on hover), and its error in red when it failed."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ..jobs import Job
from ..transcript.timefmt import display_time


class FileHeader(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.message = QLabel()
        self.message.setObjectName("FileMessage")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)  # an error quotes the file: its "<" is text
        self.message.setStyleSheet(
            "#FileMessage { padding: 8px; color: palette(bright-text); background: #b3261e; }"
        )
        self.message.hide()
        self.info = QLabel()
        self.info.setObjectName("FileInfo")
        self.info.setWordWrap(True)
        self.info.setTextFormat(Qt.TextFormat.RichText)  # with every file-borne text escaped
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.message)
        layout.addWidget(self.info)

    def show_job(self, job: Job) -> None:
        self.message.setText(job.error or "")
        self.message.setVisible(bool(job.error))
        t = job.transcript
        if t is None:
            self.info.setText(f"<b>{escape(job.name)}</b>")
            self.info.setToolTip("")
            return
        est = t.timing == "estimated"
        bits = [t.format, t.encoding, f"{len(t.segments)} segments", display_time(t.duration_s, est)]
        if t.speakers:
            bits.append("speakers: " + ", ".join(t.speakers[:6]))
        bits = [escape(b) for b in bits]
        note = " · times estimated from speaking rate (≈)" if est else ""
        warn = ""
        extra = [escape(n) for n in list(t.warnings) + job.notices]
        if extra:
            # Three in the header, where they may run long; every one in the tooltip, a line each.
            more = f" … ({len(extra) - 3} more: hover to read them all)" if len(extra) > 3 else ""
            count = "1 note" if len(extra) == 1 else f"{len(extra)} notes"
            shown = " ".join(n if n.endswith((".", "!", "?", "…")) else n + "." for n in extra[:3])
            warn = f"<br><small>{count}: {shown}{more}</small>"
        self.info.setToolTip("<ul>" + "".join(f"<li>{n}</li>" for n in extra) + "</ul>" if extra else "")
        self.info.setText(
            f"<b>{escape(t.display_title)}</b><br><small>{' · '.join(bits)}{note}</small>{warn}"
        )

    def show_missing(self, title: str, source: str | None) -> None:
        """A result from the history whose transcript file is gone."""
        self.message.hide()
        self.info.setToolTip("")
        self.info.setText(
            f"<b>{escape(title)}</b><br><small>From the history · the transcript file is no longer at "
            f"{escape(source or 'its old place')}</small>"
        )
