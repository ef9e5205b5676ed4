"""The empty state: a large drop target that says what Recap reads."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from ..transcript.files import refusal

# Only what the readers in app/transcript/formats really read: keep in step with formats.READERS (and the Word
# and PDF text that app/transcript/decode.py hands them).
ACCEPTS = (
    "Subtitles (SRT, WebVTT from Zoom, Teams or YouTube), Whisper, WhisperX and whisper.cpp output, AWS "
    "Transcribe, AssemblyAI, Deepgram and Podcasting 2.0 transcripts, Otter and Premiere/Resolve exports, "
    "timestamped or speaker-labelled text (spk_0, SPEAKER_01, Name:), and plain text; also as Word (.docx) or "
    "PDF files."
)


class DropZone(QWidget):
    openRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("DropZone")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)  # so the dashed border is painted
        self.setAccessibleName("Drop zone for transcript files")
        self.hover = False
        self.refused: str | None = None  # why the files being dragged can't be read
        layout = QVBoxLayout(self)
        layout.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = QLabel("Drop transcripts here")
        self.title.setObjectName("DropZoneTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setWordWrap(True)
        self.title.setMaximumWidth(640)
        f = self.title.font()
        f.setPointSizeF(f.pointSizeF() * 1.8)
        f.setBold(True)
        self.title.setFont(f)
        self.detail = QLabel(ACCEPTS + "\nOne file or many; everything stays on this computer.")
        self.detail.setWordWrap(True)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail.setFixedWidth(520)
        self.button = QPushButton("Open files…")
        self.button.setToolTip("Choose transcript files to summarize (Ctrl+O)")
        self.button.clicked.connect(self.openRequested)
        layout.addWidget(self.title)
        layout.addSpacing(8)
        layout.addWidget(self.detail, alignment=Qt.AlignmentFlag.AlignCenter)
        layout.addSpacing(16)
        layout.addWidget(self.button, alignment=Qt.AlignmentFlag.AlignCenter)
        self.set_hover(False)

    def set_hover(self, on: bool) -> None:
        """Highlighted while acceptable files are dragged over the window."""
        self.hover = on
        self.refused = None
        border = "palette(highlight)" if on else "palette(mid)"
        self.setStyleSheet(f"#DropZone {{ border: 2px dashed {border}; border-radius: 12px; margin: 24px; }}")
        self.title.setText("Drop to summarize" if on else "Drop transcripts here")

    def set_refusal(self, why: str) -> None:
        """Files Recap can't read are being dragged: a red border and the reason, until they leave."""
        self.hover = False
        self.refused = why
        self.setStyleSheet("#DropZone { border: 2px dashed #b3261e; border-radius: 12px; margin: 24px; }")
        self.title.setText(why)

    def drag_entered(self, urls: list[QUrl]) -> str | None:
        """Files dragged over the window: None to accept them (highlighted), else why not (also shown here)."""
        local = bool(urls) and all(u.isLocalFile() for u in urls)
        why = refusal([u.toLocalFile() for u in urls]) if local else None
        if why is not None:  # a song or a video: refused while it is still being dragged, with the reason
            self.set_refusal(why)
            return why
        if not local:
            return "Recap accepts transcript files and folders from this computer."
        self.set_hover(True)
        return None
