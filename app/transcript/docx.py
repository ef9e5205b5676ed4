"""Word documents (.docx) as text. Transcription services export transcripts as Word files in the same shapes as
their text exports (Rev: "Speaker 1 (00:15):" then the paragraph; Otter: "Name  0:03"; Descript and others:
"[00:01:23] Name: text"), so the document's text, paragraph by paragraph, goes to the same readers as a text file.

Written here rather than with python-docx: that library needs lxml (a compiled dependency of several MB in the
bundle, for one file format) and gives a document's paragraphs and its tables as separate lists, while a
transcript needs its text in document order, tables included (a row of time, speaker and text becomes
`[time] Speaker: text`, any other row its cells apart by tabs). The text is the `w:t`, `w:tab` and `w:br`
elements of `word/document.xml`, in order; nothing else in the package is read. Standard library only: `zipfile`,
and ElementTree's `iterparse` (expat, which resolves no external entity), reading as it decompresses. What it will
inflate is capped (zipfile gives no more than the size the package declares, and that is checked first), so a ZIP
bomb renamed .docx gets a sentence instead of the machine's memory.
(python-docx writes the real Word files the tests read.)
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from typing import IO
from xml.etree.ElementTree import ParseError, iterparse

from .model import TranscriptError

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_PART = "word/document.xml"
MAX_XML_BYTES = 256 * 1024 * 1024  # a 10-hour transcript is ~10 MB of document XML
MAX_TEXT_CHARS = 64 * 1024 * 1024  # as much text as a transcript file may have (decode.MAX_BYTES)


def docx_text(data: bytes, name: str = "the file") -> str | None:
    """The text of a Word document: a line a paragraph and a line a table row (`_row_line`); None when `data` is
    not a ZIP package with a Word document's main part (another archive, or one too damaged to list its parts:
    the caller names it by its signature). TranscriptError when the document is damaged, or larger than a
    transcript can be."""
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    try:
        with z:
            if _PART not in z.namelist():
                return None
            info = z.getinfo(_PART)
            if info.file_size > MAX_XML_BYTES:
                raise TranscriptError(
                    f"“{name}” is a Word document whose text part is {info.file_size / 2**20:.0f} MB unpacked: "
                    "more than a transcript can be."
                )
            with z.open(info) as raw:
                return "".join(_text(raw, name))  # (zipfile stops at the declared size, checked above)
    except ParseError as e:
        raise TranscriptError(
            f"“{name}” is a damaged Word document (its text is not well-formed XML)."
        ) from e
    except (zipfile.BadZipFile, KeyError, EOFError, OSError, ValueError, zlib.error) as e:
        raise TranscriptError(f"“{name}” is a damaged Word document (it does not unpack).") from e


def _text(stream: IO[bytes], name: str) -> Iterator[str]:
    """The document's text as it is parsed; each paragraph and table row is emptied once read, so memory follows
    the text rather than the XML. A text box's fallback copy (`mc:Fallback`, for old Word) is not read twice."""
    rows: list[list[str]] = []  # the cells of each open table row, innermost last (tables nest)
    cells: list[list[str]] = []  # the text of each open cell, innermost last
    fallback = 0
    produced = 0
    for event, el in iterparse(stream, events=("start", "end")):
        tag = el.tag
        if tag == _FALLBACK:
            fallback += 1 if event == "start" else -1
            continue
        if event == "start":
            if tag == _W + "tr":
                rows.append([])
            elif tag == _W + "tc":
                cells.append([])
            continue
        if tag == _W + "t":
            piece = el.text or ""
        elif tag in (_W + "tab", _W + "br", _W + "cr"):
            piece = " " if cells else ("\t" if tag == _W + "tab" else "\n")
        elif tag == _W + "p":
            piece = " " if cells else "\n"
            el.clear()
        elif tag == _W + "tc":
            text = " ".join("".join(cells.pop()).split())
            if rows:
                rows[-1].append(text)
            piece = ""
            el.clear()
        elif tag == _W + "tr":
            piece = _row_line(rows.pop() if rows else [])
            el.clear()
        else:
            continue
        if not piece or fallback:
            continue
        produced += len(piece)
        if produced > MAX_TEXT_CHARS:
            raise TranscriptError(f"“{name}” is a Word document with more text than a transcript can have.")
        if cells:
            cells[-1].append(piece)
        else:
            yield piece


_TIME = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?")


def _row_line(row: list[str]) -> str:
    """A table row as a line: a row of time, speaker and text as `[time] Speaker: text` (the timestamped reader's
    shape), any other row as its cells apart by tabs; "" for an empty row."""
    if not any(row):
        return ""
    if (
        len(row) == 3
        and _TIME.fullmatch(row[0])
        and 0 < len(row[1].split()) <= 4
        and not row[1].endswith((".", "?", "!"))
        and row[2]
    ):
        return f"[{row[0]}] {row[1]}: {row[2]}\n"
    return "\t".join(row) + "\n"
