"""PDF transcripts as text. Rev, Otter, Descript, Zoom and others export transcripts as PDF in the same shapes as
their text exports ("Speaker 1 (00:15):" then the paragraph; "Name  0:03"; "[00:01:23] Name: text"), so the
pages' text goes to the same readers as a text file, a paragraph a line as in those exports: a line that runs to
the page's width (80 % of its longest line or more, and not a heading that ends in a colon) was wrapped, and the
next line is joined to it, across a page break too, unless that line begins a turn (a time at its start or end,
or a colon at its end).

The text comes from pypdf (pure Python, maintained, made for the job). What the pages repeat at their top and
bottom is left out: a running header or footer ("Transcript by Rev.com", the file's name, "Page 3 of 12") would
otherwise stand in the middle of a speaker's turn on every page. A line counts as repeated when, with its page
number ignored, it stands among the first or last two lines of at least half the pages (two pages or more); a
line that is only a page number is left out wherever it stands at a page's edge. A PDF with no text (a scan), a
password-protected one and a damaged one each get a sentence.
"""

from __future__ import annotations

import io
import logging
import re
from collections import Counter

from .model import TranscriptError

# pypdf logs what it repairs in a damaged file ("EOF marker not found"): for developers, not a line on the
# user's terminal next to Recap's own sentence
_PYPDF_LOG = logging.getLogger("pypdf")
_PYPDF_LOG.addHandler(logging.NullHandler())
_PYPDF_LOG.propagate = False

# a line this long against the page's longest was wrapped: its paragraph goes on on the next line
WRAPPED = 0.8
EDGE_LINES = 2  # the lines at the top and at the bottom of a page where headers and footers stand


# A line that begins a turn rather than going on with a paragraph: it ends with a colon ("Speaker 2 (00:15):"),
# begins with a time ("[00:01:23] Name: text"), a label ("Jens: text", "spk_0 text") or ends with a time (Otter's
# "Name  0:03"). A sentence with an early colon is taken for one too: a line left unjoined costs nothing, as the
# readers join a turn's lines themselves; it is the sniffers that want a paragraph a line.
_TURN = re.compile(
    r":$|^\W{0,2}\d{1,2}:\d{2}|\d{1,2}:\d{2}(?::\d{2})?\W{0,2}$|^[^\s:][^:]{0,30}:\s|^(?:spk_\d+|SPEAKER_\d+)\b"
)


def pdf_text(data: bytes, name: str = "the file") -> str:
    """The text of a PDF's pages, without their running headers, footers and page numbers."""
    pages = _pages(data, name)
    if not any(p.strip() for p in pages):
        raise TranscriptError(
            f"“{name}” is a PDF with no text in it, only images of pages (a scan?): Recap reads a PDF's text."
        )
    lines = [[line.strip() for line in page.splitlines() if line.strip()] for page in pages]
    repeated = _running_lines(lines)
    out: list[str] = []
    wrapped = False  # the last line kept ran to the page's width: the next one goes on with its paragraph
    for page in lines:
        width = max((len(line) for line in page), default=0)
        last = len(page) - 1
        for i, line in enumerate(page):
            at_edge = i < EDGE_LINES or last - i < EDGE_LINES
            # a line the pages repeat, or a lone page number ("7", "- 7 -", "Page 7 of 12")
            if at_edge and (_key(line) in repeated or _key(line.strip(" -–—")) == "#"):
                continue
            if wrapped and out and not _TURN.search(line):
                out[-1] += ("" if out[-1].endswith("-") else " ") + line
            else:
                out.append(line)
            wrapped = len(line) >= WRAPPED * width and not line.endswith(":")
    return "\n".join(out) + "\n"


def _pages(data: bytes, name: str) -> list[str]:
    # pypdf raises many kinds of exception on a damaged file (its own errors, and KeyError, ValueError,
    # TypeError... from the structures it walks): any of them means the PDF cannot be read, and says so.
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise FileNotDecryptedError("a password is needed")
        return [page.extract_text() or "" for page in reader.pages]
    except FileNotDecryptedError as e:
        raise TranscriptError(
            f"“{name}” is a password-protected PDF: open it and save a copy without the password."
        ) from e
    except Exception as e:  # noqa: BLE001 (see above)
        raise TranscriptError(f"“{name}” is a damaged PDF: Recap cannot read its text.") from e


_PAGE_REF = re.compile(r"(?:\bpage\s*|^)\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?\b|\b\d{1,4}$", re.I)


def _key(line: str) -> str:
    """A line as the pages repeat it: its page number ("Page 3 of 12", "3 / 12", a number at either end) as "#", its
    other digits kept, so that the turns' own headers ("Speaker 2 (00:15):"), which stand at the top of a page as
    often as not, never look alike."""
    return " ".join(_PAGE_REF.sub("#", line).lower().split())


def _running_lines(pages: list[list[str]]) -> set[str]:
    """The lines (as `_key`s) that stand at the top or bottom of at least half the pages, when there are two or
    more."""
    if len(pages) < 2:
        return set()
    seen: Counter[str] = Counter()
    for page in pages:
        seen.update({_key(line) for line in page[:EDGE_LINES] + page[-EDGE_LINES:]})
    return {k for k, n in seen.items() if n >= max(2, len(pages) / 2)}
