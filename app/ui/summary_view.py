"""The summary, streamed, and rendered as it grows without ever re-rendering the whole of it.

New text is appended at most ~60 times a second. What is finished (a paragraph and the blank line after it, a
heading, a list item once the next one begins: `markdown_split` says where it is safe to cut) is rendered as
Markdown on its own and appended to the document, so that each step costs what the new piece costs, not what the
whole summary does (a full setMarkdown holds the GUI thread for tens of milliseconds on a long summary). The
unfinished rest stays plain text at the end and is replaced when its block is finished; `finish()` renders what is
left the same way (or, after HTML, which renders differently after different blocks, the whole text once). The document so built is the one a full render of the whole text makes (the tests compare
them). `set_text` shows a whole text at once (history, a finished run). `[hh:mm:ss]` references become links that
seek the transcript."""

from __future__ import annotations

import re
import time

from PySide6.QtCore import QTimer, QUrl, Signal
from PySide6.QtGui import (
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextList,
)
from PySide6.QtWidgets import QTextBrowser, QWidget

from ..summarize.citations import REF, ref_seconds
from ..transcript.timefmt import display_time
from .markdown_split import MarkdownSplitter

PLAIN_INTERVAL_MS = 16
_GITHUB = QTextDocument.MarkdownFeature.MarkdownDialectGitHub
# Qt's front matter (a `---` block at the very start of a document) is for the start alone: a piece rendered on
# its own must not take a `---` of its own for it
_NO_FRONT_MATTER = QTextDocument.MarkdownFeature(int(_GITHUB.value) & ~0x100000)
_SENTINEL = "x\n\n"  # a paragraph before a piece rendered on its own: it begins the way it does in the whole


class SummaryView(QTextBrowser):
    seek = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Summary")
        self.setToolTip("The summary; click a time to see that moment in the transcript")
        self.setOpenLinks(False)
        self.document().setUndoRedoEnabled(False)  # appends are not edits to undo (and would pile up)
        self.anchorClicked.connect(self._clicked)
        self.estimated = False
        self._text = ""  # what the document shows (rendered or plain)
        self._pending = ""  # appended, not shown yet
        self._split = MarkdownSplitter()
        self._done = 0  # self._text[:_done] is rendered; the rest is the plain tail
        self._tail_pos: int | None = None  # where the plain tail begins in the document (None: no tail)
        # After set_text or finish the whole text is rendered, the last block too: (where the last block's text
        # begins, where its rendering begins in the document: None after a full render)
        self._sealed: tuple[int, int | None] | None = (0, None)
        self._plain = QTimer(self, interval=PLAIN_INTERVAL_MS, singleShot=True)
        self._plain.timeout.connect(self.flush)
        self.renders = 0  # full Markdown renders of the whole text (set_text; never while streaming)
        self.pieces = 0  # finished blocks rendered on their own and appended
        self.rendered_chars = 0  # the most text a single step rendered as Markdown (what a step costs)
        # Benchmarks set this to a list: (time.perf_counter(), characters shown so far) at each insertion.
        self.trace: list[tuple[float, int]] | None = None
        bar = self.verticalScrollBar()
        self._follow = True  # the view is at the end and stays there as the text grows
        bar.valueChanged.connect(self._scrolled)
        bar.rangeChanged.connect(self._range_changed)

    @property
    def text(self) -> str:
        return self._text + self._pending

    @property
    def plain_tail(self) -> str:
        """What is shown (or waiting to be shown) as plain text, its block not finished yet."""
        return ("" if self._sealed is not None else self._text[self._done :]) + self._pending

    def _clicked(self, url: QUrl) -> None:
        if url.scheme() == "recap-time":
            self.seek.emit(float(url.path()))

    # ---- the end stays in view ----

    def _at_end(self) -> bool:
        bar = self.verticalScrollBar()
        return bar.value() >= bar.maximum() - 4

    def _scrolled(self, _value: int) -> None:
        self._follow = self._at_end()

    def _range_changed(self, _lo: int, hi: int) -> None:
        if self._follow:  # the document grew (it may be laid out after the edit): keep the end in view
            self.verticalScrollBar().setValue(hi)

    # ---- the whole text at once ----

    def set_text(self, text: str, estimated: bool) -> None:
        """Show `text` (rendered in full), replacing everything; append() then goes on from its end (`""` to
        start streaming anew)."""
        self._plain.stop()
        self.estimated = estimated
        self._text, self._pending = text, ""
        self._split.reset()
        self._split.feed(text)
        self._render_all(text)
        self._done = len(text)
        self._sealed = (self._split.start, None)

    def render_markdown(self) -> None:
        """Render everything now, in full (what set_text does with the text shown)."""
        self.set_text(self.text, self.estimated)

    def _render_all(self, text: str) -> None:
        follow = self._follow or self._at_end()
        keep = self.verticalScrollBar().value()
        self._follow = False  # (setMarkdown empties the document first: the range shrinks on the way)
        self.setMarkdown(self.to_markdown_with_links(text))
        self.renders += 1
        self.rendered_chars = max(self.rendered_chars, len(text))
        self._tail_pos = None
        bar = self.verticalScrollBar()
        bar.setValue(bar.maximum() if follow else keep)
        self._follow = follow

    def to_markdown_with_links(self, text: str) -> str:
        def link(m: re.Match[str]) -> str:
            secs = ref_seconds(m.group(1))
            return f"[{display_time(secs, self.estimated)}](recap-time:{secs})"

        return REF.sub(link, text)

    # ---- streaming ----

    def append(self, text: str) -> None:
        self._pending += text
        if not self._plain.isActive():
            self._plain.start()

    def flush(self) -> None:
        """Show what was appended now (it is shown at most ~16 ms after append() anyway)."""
        self._plain.stop()
        if not self._pending:
            return
        self._take_pending()
        if self.trace is not None:
            self.trace.append((time.perf_counter(), len(self._text)))

    def finish(self) -> None:
        """The stream is over: what is still plain is rendered (the last block, like the others)."""
        self._plain.stop()
        if self._pending:
            self._take_pending()
        if self._sealed is not None:
            return
        self._remove_tail()
        start, pos = self._done, self._end()
        if self._split.whole:  # (HTML and the like: it renders right only with all before it)
            self._render_all(self._text)
            self._sealed = (start, None)
        elif self._render_piece(self._text[start:], self._split.continues_list):
            self._sealed = (start, None)
        else:
            self._sealed = (start, pos)
        self._done = len(self._text)

    def _take_pending(self) -> None:
        new, self._pending = self._pending, ""
        base = len(self._text)
        self._text += new
        cuts = self._split.feed(self._text)
        if self._sealed is not None:  # the text shown so far was rendered to its end: go on from there
            start, pos = self._sealed
            self._sealed = None
            if start < base and not any(c.end == base for c in cuts):
                # its last block goes on with the new text: that block is plain again until it is finished
                if pos is not None:
                    self._remove(pos)
                else:
                    self._render_all(self._text[:start])
                self._done = start
        cuts = [c for c in cuts if c.end > self._done]
        if not cuts:
            self._append_tail(new if self._tail_pos is not None else self._text[self._done :])
            return
        self._remove_tail()
        for c in cuts:
            self._render_piece(self._text[self._done : c.end], c.continues_list)
            self._done = c.end
        self._append_tail(self._text[self._done :])

    # ---- the document's end: rendered pieces, then the plain tail ----

    def _end(self) -> int:
        return self.document().characterCount() - 1

    def _remove(self, pos: int) -> None:
        """Remove everything after `pos` (0, or the end of a block, which stays as it is)."""
        doc = self.document()
        if pos >= self._end():
            return
        if pos > 0:
            _remove_to_end(doc, pos + 1)  # what was after the block; one empty block is left of it
            block = doc.findBlock(pos)
            if block.length() == 1:
                # removing the break after an empty block removes that block and keeps the next one: make the
                # next one what it is first
                c = QTextCursor(block.next())
                c.setBlockFormat(block.blockFormat())
                c.setBlockCharFormat(block.charFormat())
                if (lst := block.textList()) is not None:
                    lst.add(block.next())
        _remove_to_end(doc, pos)

    def _remove_tail(self) -> None:
        if self._tail_pos is not None:
            self._remove(self._tail_pos)
            self._tail_pos = None

    def _append_tail(self, text: str) -> None:
        if not text:
            return
        self._keep_end()
        c = QTextCursor(self.document())
        c.movePosition(QTextCursor.MoveOperation.End)
        if self._tail_pos is None:
            self._tail_pos = c.position()
            if not self.document().isEmpty():
                c.insertBlock(QTextBlockFormat(), QTextCharFormat())
        c.insertText(text, QTextCharFormat())

    def _keep_end(self) -> None:
        if self._at_end():
            self._follow = True

    def _render_piece(self, text: str, continues_list: bool) -> bool:
        """A finished piece of the text, rendered as Markdown on its own and appended: block by block, with the
        formats a render of the whole text gives them (the first one too), into the list it continues. True: it
        took a full render instead."""
        md = self.to_markdown_with_links(text)
        if not md.strip():
            return False  # blank lines: nothing in a full render either
        self._keep_end()
        doc = self.document()
        empty = doc.isEmpty()  # a full render fills the first block; after it, each block is a new one
        piece = QTextDocument()
        piece.setDefaultFont(doc.defaultFont())  # (paragraph margins and heading sizes follow it)
        if empty:
            piece.setMarkdown(md, _GITHUB if self._done == 0 else _NO_FRONT_MATTER)
            block = piece.begin()
        else:
            piece.setMarkdown(_SENTINEL + md, _NO_FRONT_MATTER)
            block = piece.begin().next()
        if piece.rootFrame().childFrames():  # a table: rendered with all before it instead (rare)
            self._render_all(self._text[: self._done + len(text)])
            return True
        self.pieces += 1
        self.rendered_chars = max(self.rendered_chars, len(text))
        into = self._open_list() if continues_list and not empty else None
        cursor = QTextCursor(doc)
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.beginEditBlock()
        lists: dict[int, QTextList] = {}
        first = True
        while block.isValid():
            fmt = QTextBlockFormat(block.blockFormat())
            fmt.clearProperty(QTextFormat.Property.ObjectIndex)  # (the piece's lists are not the document's)
            if first and empty:
                cursor.setBlockFormat(fmt)
                cursor.setBlockCharFormat(block.charFormat())
            else:
                cursor.insertBlock(fmt, block.charFormat())
            first = False
            it = block.begin()
            while not it.atEnd():
                frag = it.fragment()
                cursor.insertText(frag.text(), frag.charFormat())
                it += 1
            src = block.textList()
            if src is not None:
                dest = lists.get(src.objectIndex())
                if dest is None and not lists and into is not None:
                    dest = into  # the piece's first list goes on with the one the document ends in
                if dest is None:
                    dest = cursor.createList(src.format())
                else:
                    dest.add(cursor.block())
                lists[src.objectIndex()] = dest
            block = block.next()
        cursor.endEditBlock()
        return False

    def _open_list(self) -> QTextList | None:
        """The top-level list the document ends in (a piece that begins with its next item goes into it)."""
        b = self.document().lastBlock()
        for _ in range(10_000):
            if not b.isValid():
                return None
            lst = b.textList()
            if lst is not None and lst.format().indent() == 1:
                return lst
            if lst is None and b.blockFormat().indent() == 0:
                return None  # out of the list
            b = b.previous()
        return None


def _remove_to_end(doc: QTextDocument, pos: int) -> None:
    c = QTextCursor(doc)
    c.setPosition(pos)
    c.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
    c.removeSelectedText()
