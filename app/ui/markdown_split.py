"""Where streamed Markdown can be cut into pieces that render on their own exactly as they do inside the whole.

The summary view renders a finished piece once and appends it to its document, and shows the unfinished rest as
plain text; it asks this splitter where the pieces end. A cut before a line is made only where nothing that
follows can change how the text before it renders (CommonMark, as md4c parses it for Qt): after a paragraph and a
blank line, before and after a `#` heading, after a closed code fence, before each top-level item of a list (the
next piece then continues that list), and so on. Anything unusual (HTML, tables, a list that does not start at
the margin, a fence inside a list) only makes the cuts wait for a safer place: waiting is always correct, it just
keeps more text plain for longer, and at the end the rest is rendered in one piece (or, after HTML and the like,
the whole text is: `whole`).

One difference is known and accepted: a link reference definition (`[x]: https://…`) in a later piece does not
turn an earlier `[x]` into a link, as it does in a full render.

Pure Python (no Qt), fed the whole text so far each time; each call looks only at what is new.

Why our own code rather than markdown-it-py (installed with Rich): its block tokens do carry line ranges, but it
parses the whole text again on every call, which is the cost this module exists to avoid, and what matters here
is where md4c (Qt's parser) may be cut, which this module decides conservatively and the tests check against
Qt's own full render."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum, auto


class _Kind(Enum):
    EMPTY = auto()  # nothing but blank lines since the last cut
    PARA = auto()  # paragraphs, block quotes, setext headings, thematic breaks: closed by a blank line
    LIST = auto()  # a list whose items start at the margin
    LOOSE = auto()  # anything less predictable: cut only after a blank line, before a line at the margin
    CODE = auto()  # an indented code block
    FENCE = auto()  # an open fenced code block: no cut until it closes
    STICKY = auto()  # no more cuts, and the rest renders right only with all before it (HTML, front matter…)
    CLOSED = auto()  # a heading or a closed code fence: the cut after it waits for the next line


@dataclass(frozen=True)
class Cut:
    end: int  # text[start:end] is a finished piece (start: the previous cut's end, or 0)
    continues_list: bool  # the piece begins with an item of the list the piece before it ended in


_HR = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_ITEM = re.compile(r"([-+*]|(\d{1,9})([.)]))([ \t]+|$)")
_TASK = re.compile(r"\[[ xX]\]")
_NO_BLOCK = re.compile(r"(?:>[ \t]*)+$|\[[^\]]*\]:")
_HTML_ANY = re.compile(r"<[A-Za-z/!?]")
# how an item's text or a paragraph's continuation line may begin to be nothing but text (no block of its own)
_PLAIN = re.compile(r"[^\s#><`~\-+*_=|\d]|\d+(?![.)\d])|\*\*?[^\s*]|__?[^\s_]|`{1,2}[^`]|~~?[^~]|-[^\s-]")


def _indent(line: str) -> tuple[int, str]:
    """Columns of leading whitespace (tabs to the next multiple of 4) and the rest of the line."""
    col = 0
    for i, ch in enumerate(line):
        if ch == " ":
            col += 1
        elif ch == "\t":
            col = col // 4 * 4 + 4
        else:
            return col, line[i:]
    return col, ""


def _item(rest: str) -> tuple[str, int, int, str] | None:
    """A list item marker at the start of `rest`: (kind: the bullet or the number's delimiter, number, the
    column its text starts at relative to the marker, its text), or None."""
    m = _ITEM.match(rest)
    if not m:
        return None
    kind = m.group(3) or m.group(1)
    number = int(m.group(2)) if m.group(2) else 0
    marker = len(m.group(1))
    spaces, text = _indent(m.group(4) + rest[m.end() :])
    if "\t" in m.group(4) or not text or spaces > 4:  # tabs, an empty item, code inside: no guesses
        return kind, number, marker + 1, text
    return kind, number, marker + spaces, text


def _fence(rest: str) -> tuple[str, int] | None:
    """An opening code fence at the start of `rest`: (its character, its length), or None."""
    for ch in "`~":
        n = len(rest) - len(rest.lstrip(ch))
        if n >= 3 and not (ch == "`" and "`" in rest[n:]):
            return ch, n
    return None


def _odd_item(rest: str) -> bool:
    """A list item that may have no text of its own (`-`, `- [ ]`, `- ```…`, `- # …`): if none of a list's
    items has text, Qt makes the block before the list an item, and every block after it one too."""
    it = _item(rest)
    if it is None or _HR.match(rest):
        return False
    text = re.sub(r"^\[[ xX]\](?:[ \t]+|$)", "", it[3])
    return _PLAIN.match(text) is None


def _heading(rest: str) -> bool:
    return re.match(r"#{1,6}(?:[ \t]|$)", rest) is not None


def _plain_item(rest: str) -> bool:
    """A list item whose text is plain: it can interrupt a paragraph, and cannot be a thematic break."""
    it = _item(rest)
    return it is not None and _PLAIN.match(it[3]) is not None and not _HR.match(rest)


class MarkdownSplitter:
    def __init__(self) -> None:
        self.reset()

    @property
    def whole(self) -> bool:
        """What is left can't be rendered on its own: render the whole text instead (HTML, for one, renders
        differently after different blocks)."""
        return self._kind is _Kind.STICKY

    def reset(self) -> None:
        self.start = 0  # where the unfinished piece begins
        self.continues_list = False  # it begins with an item of the list the finished text ends in
        self._line = 0  # where the first line not yet taken in begins
        self._ruled = False  # whether the cut before that line was decided on (it was not cut)
        self._kind = _Kind.EMPTY
        self._blank = False  # the last line taken in was blank
        self._bullet = ""  # LIST: its marker ("-", "*", "+", or "." / ")" for numbers)
        self._width = 0  # LIST: the column the current item's text starts at
        self._fence_ch, self._fence_n = "", 0
        self._next_continues = False  # the line being cut before is another item of the list
        # a task item (`- [ ]`) was seen: Qt gives its box to the blocks after it up to the next item, so the
        # next cut must be before an item that is no task
        self._task = False

    def feed(self, text: str) -> list[Cut]:
        """The cuts that `text` (all of it so far: what was fed before and more) allows since the last call."""
        cuts: list[Cut] = []
        while True:
            end, nxt = _line_end(text, self._line)
            line = text[self._line : end]
            complete = nxt >= 0
            if not self._ruled:
                cut = self._cut_before(line, complete)
                if cut is None:
                    break  # not enough of the line yet to tell
                if cut and self._task:
                    it = _item(_indent(line)[1])
                    cut = it is not None and not _TASK.match(it[3])
                    self._task = not cut
                if cut and self._line > self.start:
                    cuts.append(Cut(self._line, self.continues_list))
                    self.start = self._line
                    self.continues_list = self._next_continues
                    self._kind, self._blank = _Kind.EMPTY, False
                self._next_continues = False
                self._ruled = True
            if not complete:
                break
            self._take(line)
            self._line, self._ruled = nxt, False
        return cuts

    # ---- may the text be cut before this line (None: can't tell yet) ----

    def _cut_before(self, line: str, complete: bool) -> bool | None:
        kind = self._kind
        if kind in (_Kind.EMPTY, _Kind.FENCE, _Kind.STICKY):
            return False
        indent, rest = _indent(line)
        if not rest:
            return False if complete else None
        if not complete and len(rest) < 12 and not re.search(r"[^-+*#`~_\d.)\[\]> \txX]", rest):
            return None  # `-`, `1.`, `##`, `` ` ``: what this line is depends on what comes next
        if indent <= 3 and (rest[0] == "<" or _odd_item(rest) or _NO_BLOCK.match(rest) or _fence(rest)):
            # How HTML renders depends on what is before it, and so does a list without text: Qt makes the
            # block before it an item. So never cut before either, nor before what may make no block (so
            # that what is before the list is before the cut): an empty quote, a link definition, a fence.
            return False
        if kind is _Kind.CLOSED:
            return True
        if kind is _Kind.CODE:
            return indent < 4
        if kind is _Kind.PARA:
            if self._blank:
                return indent < 4  # (an indented line may go on with an indented code block)
            return indent == 0 and self._interrupts(rest)
        if kind is _Kind.LIST:
            if indent > 0:
                return False
            it = _item(rest)
            if it is not None and it[0] == self._bullet:  # another item of this list
                self._next_continues = _plain_item(rest)
                return self._next_continues
            if self._blank:
                return True  # the list is over: anything at the margin after a blank line
            return self._interrupts(rest)
        # LOOSE
        return self._blank and indent == 0 and rest[0] not in "-+*0123456789"

    def _interrupts(self, rest: str) -> bool:
        """A line at the margin that ends a paragraph (or a list item's) and begins a block of its own."""
        if _heading(rest):
            return True
        it = _item(rest)
        return it is not None and (it[0] in "-+*" or it[1] == 1) and _plain_item(rest)

    # ---- take a complete line in ----

    def _take(self, line: str) -> None:
        indent, rest = _indent(line.rstrip("\r"))
        kind = self._kind
        if _TASK.search(line):
            self._task = True
        if _HTML_ANY.search(line) or (kind is not _Kind.FENCE and _odd_item(rest)):
            # Qt's importer carries these over to all that follows: HTML tags it counts as open (`<br>`
            # included) swallow the text after them, and a list of empty items makes the next block an item
            self._kind = _Kind.STICKY
            return
        if kind is _Kind.STICKY:
            return
        if kind is _Kind.FENCE:
            ch, n = self._fence_ch, self._fence_n
            if indent <= 3 and rest.startswith(ch * n) and not rest.lstrip(ch).strip():
                self._kind = _Kind.CLOSED
            return
        if not rest:
            self._blank = kind is not _Kind.EMPTY
            return
        was_blank, self._blank = self._blank, False
        if kind is _Kind.EMPTY:
            self._begin(line, indent, rest)
            return
        if indent <= 3 and _fence(rest):  # (no cut is made before a fence)
            top = kind in (_Kind.PARA, _Kind.CODE, _Kind.CLOSED) or (kind is _Kind.LIST and indent == 0)
            if top:
                self._begin_fence(rest)
            else:
                self._kind = _Kind.STICKY  # inside a list item, or not: can't tell where it ends
        elif kind is _Kind.CLOSED or (kind is _Kind.CODE and indent < 4):
            self._kind = _Kind.LOOSE  # what makes no block of its own, after a heading or code
        elif kind is _Kind.PARA:
            if "|" in rest or (indent <= 3 and _item(rest)):
                self._kind = _Kind.LOOSE  # a table, or a list not at the margin
            elif 0 < indent <= 3 and not _PLAIN.match(rest):
                self._kind = _Kind.LOOSE  # a heading or a rule not at the margin: what follows may be code
        elif kind is _Kind.LIST:
            self._take_in_list(indent, rest, was_blank)

    def _begin(self, line: str, indent: int, rest: str) -> None:
        """The first line of a piece."""
        self._kind = _Kind.PARA
        if self._line == 0 and line.rstrip("\r") == "---":
            self._kind = _Kind.STICKY  # maybe front matter: that depends on the rest of the text
        elif indent >= 4:
            self._kind = _Kind.CODE
        elif _heading(rest):
            self._kind = _Kind.CLOSED
        elif _fence(rest):
            self._begin_fence(rest)
        elif "|" in rest:
            self._kind = _Kind.LOOSE
        elif _HR.match(rest):
            pass  # a thematic break, closed by a blank line like a paragraph
        elif (it := _item(rest)) is not None:
            if indent == 0 and _plain_item(rest):
                self._kind, self._bullet, self._width = _Kind.LIST, it[0], it[2]
            else:
                self._kind = _Kind.LOOSE

    def _begin_fence(self, rest: str) -> None:
        f = _fence(rest)
        assert f is not None
        self._kind = _Kind.FENCE
        self._fence_ch, self._fence_n = f

    def _take_in_list(self, indent: int, rest: str, was_blank: bool) -> None:
        """A line of a list that was not cut before: more of the current item, or the list may be over."""
        if indent == 0:
            if was_blank or not _PLAIN.match(rest) or _item(rest) or _HR.match(rest):
                self._kind = _Kind.LOOSE  # the list may have ended here: no more guesses
            return  # else the item's paragraph goes on (a lazy continuation line)
        if indent < self._width or (was_blank and indent >= self._width + 4):
            self._kind = _Kind.LOOSE  # an item indented oddly, or code inside the item
            return
        if not (_PLAIN.match(rest) and not _HR.match(rest)) and not _plain_item(rest):
            self._kind = _Kind.LOOSE  # a heading, a fence, a quote… inside the item: it ends differently


def _line_end(text: str, pos: int) -> tuple[int, int]:
    """The end of the line that begins at pos (without its line break) and where the next line begins (-1: the
    line is not complete yet). Markdown ends lines at \\n, \\r\\n and \\r."""
    n = text.find("\n", pos)
    r = text.find("\r", pos, n if n >= 0 else len(text))
    if r >= 0:
        if r + 1 == len(text):
            return r, -1  # a \r at the very end: \n may follow
        return r, r + 2 if text[r + 1] == "\n" else r + 1
    if n >= 0:
        return n, n + 1
    return len(text), -1
