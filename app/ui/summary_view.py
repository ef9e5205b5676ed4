"""The summary, streamed: new text is appended as plain text at most ~60 times a second, and the whole is
re-rendered as Markdown a few times a second and at the end (a full setMarkdown per token would hold the GIL
for tens of milliseconds each time). `[hh:mm:ss]` references become links that seek the transcript."""

from __future__ import annotations

import re
import time

from PySide6.QtCore import QTimer, QUrl, Signal
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QTextBrowser, QWidget

from ..summarize.citations import REF, ref_seconds
from ..transcript.timefmt import display_time

PLAIN_INTERVAL_MS = 16
MARKDOWN_INTERVAL_MS = 300


class SummaryView(QTextBrowser):
    seek = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Summary")
        self.setToolTip("The summary; click a time to see that moment in the transcript")
        self.setOpenLinks(False)
        self.anchorClicked.connect(self._clicked)
        self.estimated = False
        self._text = ""
        self._pending = ""
        self._plain = QTimer(self, interval=PLAIN_INTERVAL_MS, singleShot=True)
        self._plain.timeout.connect(self._flush_plain)
        self._markdown = QTimer(self, interval=MARKDOWN_INTERVAL_MS, singleShot=True)
        self._markdown.timeout.connect(self.render_markdown)
        self.renders = 0  # how many full Markdown renders happened (tests check the batching)
        # Benchmarks set this to a list: (time.perf_counter(), characters shown so far) at each insertion.
        self.trace: list[tuple[float, int]] | None = None

    @property
    def text(self) -> str:
        return self._text + self._pending

    def _clicked(self, url: QUrl) -> None:
        if url.scheme() == "recap-time":
            self.seek.emit(float(url.path()))

    def set_text(self, text: str, estimated: bool) -> None:
        self._plain.stop()
        self._markdown.stop()
        self.estimated = estimated
        self._text, self._pending = text, ""
        self.render_markdown()

    def append(self, text: str) -> None:
        self._pending += text
        if not self._plain.isActive():
            self._plain.start()
        if not self._markdown.isActive():
            self._markdown.start()

    def _flush_plain(self) -> None:
        if not self._pending:
            return
        cursor = QTextCursor(self.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(self._pending)
        self._text += self._pending
        self._pending = ""
        if self.trace is not None:
            self.trace.append((time.perf_counter(), len(self._text)))

    def finish(self) -> None:
        self._plain.stop()
        self._markdown.stop()
        self._text += self._pending
        self._pending = ""
        self.render_markdown()

    def to_markdown_with_links(self, text: str) -> str:
        def link(m: re.Match[str]) -> str:
            secs = ref_seconds(m.group(1))
            return f"[{display_time(secs, self.estimated)}](recap-time:{secs})"

        return REF.sub(link, text)

    def render_markdown(self) -> None:
        self._text += self._pending
        self._pending = ""
        bar = self.verticalScrollBar()
        at_end = bar.value() >= bar.maximum() - 4
        keep = bar.value()
        self.setMarkdown(self.to_markdown_with_links(self._text))
        self.renders += 1
        bar.setValue(bar.maximum() if at_end else keep)
