"""Quotations in the model's text: the quoted stretches of a sentence, and quotation marks balanced line by
line."""

from __future__ import annotations


def quoted(text: str, inside: bool = False) -> tuple[list[str], bool]:
    """The quoted stretches of `text` (curly or straight quotation marks), and whether a quotation is still open
    at its end. `inside`: one was open when `text` began (a quotation that runs over two sentences)."""
    spans: list[str] = []
    cur: list[str] = []
    for ch in text:
        opens = ch in "“„«" or (ch == '"' and not inside)
        closes = ch in "”»" or (ch == '"' and inside)
        if inside and closes:
            spans.append("".join(cur))
            inside, cur = False, []
        elif opens:
            if inside and cur:
                spans.append("".join(cur))
            inside, cur = True, []
        elif inside:
            cur.append(ch)
    if inside and cur:
        spans.append("".join(cur))
    return spans, inside


_CLOSES = {"“": "”", "„": "“", "«": "»", '"': '"'}
_OPENS_AFTER = " \t([{*_/-–—"  # a straight quote after one of these (or at a line's start) opens a quotation


class QuoteMarks:
    """Quotation marks balanced line by line, as text goes out: a quotation still open at a line's end is closed
    there (the model's line ended inside it, or the rest of the quotation was dropped: SmolLM2's summary of seed
    003 showed `- Stefan: “Welcome back, ladies and gentlemen!`), and a closing mark that closes nothing is left
    out (`You're not going to have a conversation with me?"`, a note on QMSum's Bed002). A straight quote opens
    after a space, a bracket or emphasis, closes after anything else, and is left alone after a digit (12").
    Inside a quotation, spaces wait for what follows them, so that a mark added at the line's end comes right
    after the last word; text with its marks in order goes out unchanged."""

    def __init__(self) -> None:
        self.mark = ""  # the mark that opened the quotation still open on this line
        self.prev = ""  # the last character of this line that went out
        self.spaces = ""  # spaces inside an open quotation, not yet out

    def feed(self, text: str) -> str:
        out = []
        for ch in text:
            if ch == "\n":
                if self.mark:
                    out.append(_CLOSES[self.mark])
                self.mark = self.prev = self.spaces = ""
            elif self.mark and ch in " \t":
                self.spaces += ch
                continue
            elif self.mark:
                if ch == _CLOSES[self.mark] or (self.mark != '"' and ch in "”»"):
                    self.mark = ""
            elif ch in "“„«" or (ch == '"' and (not self.prev or self.prev in _OPENS_AFTER)):
                self.mark = ch
            elif ch == '"' and self.prev.isdigit():
                pass  # inches or seconds (a 12" pizza), not a quotation
            elif ch in '”»"':
                continue  # closes nothing
            if self.spaces:
                out.append(self.spaces)
                self.spaces = ""
            out.append(ch)
            if ch != "\n":
                self.prev = ch
        return "".join(out)

    def end(self) -> str:
        """What closes the last line: its open quotation's mark, or ""."""
        mark, self.mark, self.prev, self.spaces = self.mark, "", "", ""
        return _CLOSES[mark] if mark else ""
