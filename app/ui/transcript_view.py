"""The transcript: one block per segment (block number == segment index), time and speaker in front."""

from __future__ import annotations

import bisect

from PySide6.QtGui import QColor, QFont, QTextCharFormat, QTextCursor, QTextFormat
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget

from ..transcript import Transcript
from ..transcript.timefmt import display_time


class TranscriptView(QPlainTextEdit):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setAccessibleName("Transcript")
        self.setToolTip("The transcript as Recap read it")
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self._starts: list[float] = []
        self.highlighted: int | None = None

    def set_transcript(self, t: Transcript | None) -> None:
        self.clear()
        self.setExtraSelections([])
        self.highlighted = None
        self._starts = []
        if t is None:
            return
        est = t.timing == "estimated"
        time_fmt = QTextCharFormat()
        time_fmt.setForeground(self.palette().placeholderText())
        speaker_fmt = QTextCharFormat()
        speaker_fmt.setFontWeight(QFont.Weight.Bold)
        text_fmt = QTextCharFormat()
        cursor = QTextCursor(self.document())
        cursor.beginEditBlock()
        for i, s in enumerate(t.segments):
            if i:
                cursor.insertBlock()
            cursor.insertText(display_time(s.start_s, est).rjust(8) + "  ", time_fmt)
            if s.speaker:
                cursor.insertText(f"{s.speaker}  ", speaker_fmt)
            cursor.insertText(s.text, text_fmt)
        cursor.endEditBlock()
        self._starts = [s.start_s for s in t.segments]
        self.moveCursor(QTextCursor.MoveOperation.Start)

    def segment_at(self, seconds: float) -> int:
        """The segment being spoken at `seconds` (the last one starting at or before it)."""
        if not self._starts:
            return -1
        return max(0, bisect.bisect_right(self._starts, seconds + 1e-6) - 1)

    def seek(self, seconds: float) -> int:
        """Scroll so the segment at `seconds` is at the top, and highlight it. Returns its index."""
        i = self.segment_at(seconds)
        if i < 0:
            return i
        block = self.document().findBlockByNumber(i)
        self.moveCursor(QTextCursor.MoveOperation.End)  # then back: leaves the target at the top of the view
        cursor = QTextCursor(block)
        self.setTextCursor(cursor)
        self.ensureCursorVisible()
        sel = QTextEdit.ExtraSelection()
        sel.cursor = QTextCursor(block)
        sel.format.setBackground(QColor(self.palette().highlight().color()).lighter(160))
        sel.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
        self.setExtraSelections([sel])
        self.highlighted = i
        return i

    def selected_start(self) -> float | None:
        """Where the line the user put the cursor on (clicked, or moved to with the keys) starts."""
        if not self._starts:
            return None
        i = self.textCursor().blockNumber()
        return self._starts[i] if 0 <= i < len(self._starts) else None

    def first_visible_segment(self) -> int:
        return self.firstVisibleBlock().blockNumber()
