"""The summary view: streamed text shown in batches and rendered block by block as it is finished (never the
whole text again while it streams), the same document as a full render, times as links, the end kept in view."""

from __future__ import annotations

import random
import re
from typing import Any

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QBrush, QTextDocument, QTextFormat

from tests.helpers import run_until

SUMMARY = (
    "The hosts compare home ovens with bakery ones [00:01:02] and explain why *steam* matters for the crust.\n"
    "They disagree about **scoring** the loaf, then agree on a hotter start.\n"
    "\n"
    "### Key moments\n"
    "\n"
    "- [00:00:05] Alice: “We bake at dawn, before the kitchen warms up.”\n"
    "- [00:03:11] Bob: “Steam is what lets the loaf rise before the crust sets.”\n"
    "- [01:02:03] Alice: “A tray of water works, but ice cubes work better.”\n"
    "  - a note on it [00:04:00]\n"
    "- **Scoring**: a razor at a shallow angle [00:05:30]\n"
    "\n"
    "### What they recommend\n"
    "\n"
    "1. Preheat for an hour [00:06:00].\n"
    "2. Use a `Dutch oven` or a baking stone.\n"
    "3. Let it cool before cutting.\n"
    "\n"
    "In short: heat, steam and patience [00:07:45].\n"
)

_PROPS = sorted({int(p.value) for p in QTextFormat.Property.__members__.values()} - {0})  # less ObjectIndex


def _props(fmt: QTextFormat) -> list[tuple[int, Any]]:
    """A format's properties, in an order that does not depend on how it was built (QTextFormat's == does)."""
    out = []
    for p in _PROPS:
        if fmt.hasProperty(p):
            try:
                v = fmt.property(p)
            except RuntimeError:  # a type PySide can't convert (a font's feature map): present is enough
                v = "?"
            out.append((p, _value(v)))
    return out


def _value(v: Any) -> Any:
    if isinstance(v, QBrush):
        return "brush", v.color().rgba(), v.style()
    if isinstance(v, int | float | str | bool | list):
        return v
    return re.sub(r" at 0x[0-9a-f]+", "", repr(v))


def structure(doc: QTextDocument) -> list[tuple[Any, ...]]:
    """Every block: its text runs and their formats, its own formats, and which list it is in at what number."""
    out: list[tuple[Any, ...]] = []
    lists: dict[int, int] = {}
    b = doc.begin()
    while b.isValid():
        runs: list[tuple[str, Any]] = []
        it = b.begin()
        while not it.atEnd():
            f = it.fragment()
            p = _props(f.charFormat())
            if runs and runs[-1][1] == p:
                runs[-1] = (runs[-1][0] + f.text(), p)
            else:
                runs.append((f.text(), p))
            it += 1
        lst = b.textList()
        where = None
        if lst is not None:
            n = lists.setdefault(lst.objectIndex(), len(lists))
            where = (n, _props(lst.format()), lst.itemNumber(b))
        out.append((runs, _props(b.blockFormat()), _props(b.charFormat()), where))
        b = b.next()
    return out


def make_view(qtbot, estimated: bool = False):  # noqa: ANN001, ANN201
    from app.ui.summary_view import SummaryView

    v = SummaryView()
    qtbot.addWidget(v)
    v.set_text("", estimated)
    v.trace = []
    v.renders = 0  # (set_text renders its text in full, empty or not: count what streaming does)
    return v


def stream(aloop, v, text: str, rng: random.Random, waits: float = 0.3) -> None:  # noqa: ANN001
    """`text` appended in small random pieces, sometimes waiting until all of it so far is shown."""
    i = 0
    while i < len(text):
        n = rng.randint(1, 9)
        v.append(text[i : i + n])
        i += n
        if rng.random() < waits:
            shown(aloop, v)
    shown(aloop, v)


def shown(aloop, v) -> None:  # noqa: ANN001
    run_until(aloop, lambda: bool(v.trace) and v.trace[-1][1] == len(v.text))


def full(qtbot, text: str, estimated: bool = False):  # noqa: ANN001, ANN201
    from app.ui.summary_view import SummaryView

    w = SummaryView()
    qtbot.addWidget(w)
    w.set_text(text, estimated)
    return w


def test_streamed_text_is_batched_and_times_become_links(aloop, qtbot) -> None:  # noqa: ANN001
    from app.ui.summary_view import SummaryView

    v = SummaryView()
    qtbot.addWidget(v)
    pieces = [f"word{i} " for i in range(300)] + ["see [00:03:11]."]
    for p in pieces:
        v.append(p)  # as fast as a model could ever write
    assert v.text == "".join(pieces) and v.renders == 0  # nothing shown per piece
    run_until(aloop, lambda: "word299" in v.toPlainText())
    assert v.renders == 0  # streaming never renders the whole text
    v.finish()
    assert "recap-time:191" in v.toHtml() and "3:11" in v.toPlainText()
    seeks: list[float] = []
    v.seek.connect(seeks.append)
    v.anchorClicked.emit(QUrl("recap-time:191"))
    v.anchorClicked.emit(QUrl("https://example.com"))  # not a time: nothing happens
    assert seeks == [191.0]
    v.set_text("New [00:00:05] text", estimated=True)
    assert v.text == "New [00:00:05] text" and "≈0:05" in v.toPlainText()  # estimated times say so


@pytest.mark.parametrize("seed", range(6))
def test_a_streamed_summary_is_the_document_a_full_render_makes(aloop, qtbot, seed: int) -> None:  # noqa: ANN001
    rng = random.Random(seed)
    text = SUMMARY if seed % 2 == 0 else SUMMARY.replace("\n", "\r\n")[:-2]  # \r\n, and no last line break
    v = make_view(qtbot)
    stream(aloop, v, text, rng)
    assert v.renders == 0 and v.pieces >= 8  # block by block, never the whole
    v.finish()
    w = full(qtbot, text)
    assert structure(v.document()) == structure(w.document())
    assert v.toHtml() == w.toHtml() and v.toMarkdown() == w.toMarkdown()
    assert v.renders == 0  # finish() renders the last block the same way


def test_finished_blocks_are_rendered_while_the_rest_streams(aloop, qtbot) -> None:  # noqa: ANN001
    v = make_view(qtbot)
    head, rest = SUMMARY.split("- [01:02:03]")
    v.append(head + "- [01:02:03]")
    shown(aloop, v)
    html = v.toHtml()
    # the paragraph, the heading and the two items before the one being written are Markdown already, links
    # and all; the item being written is still plain text
    assert "recap-time:62" in html and "recap-time:191" in html and "<h3" in html
    assert "**scoring**" not in v.toPlainText() and v.toPlainText().endswith("- [01:02:03]")
    assert v.renders == 0
    seeks: list[float] = []
    v.seek.connect(seeks.append)
    v.anchorClicked.emit(QUrl("recap-time:191"))
    assert seeks == [191.0]
    items = [b for b in _blocks(v.document()) if b.textList() is not None]
    assert len(items) == 2 and items[0].textList().objectIndex() == items[1].textList().objectIndex()


def _blocks(doc: QTextDocument) -> list[Any]:
    out, b = [], doc.begin()
    while b.isValid():
        out.append(b)
        b = b.next()
    return out


def test_a_step_costs_what_the_new_text_costs_not_the_whole(aloop, qtbot) -> None:  # noqa: ANN001
    v = make_view(qtbot)
    edits: list[tuple[int, int, int]] = []  # (where, how much removed, the document's length before)

    def changed(pos: int, removed: int, added: int) -> None:
        edits.append((pos, removed, v.document().characterCount() - added + removed))

    v.document().contentsChange.connect(changed)
    rng = random.Random(7)
    body = "".join(
        f"Paragraph {i} says [00:{i % 60:02d}:00] something about the bread and the oven.\n\n"
        + "".join(f"- point {i}.{k} [00:0{k}:10]\n" for k in range(3))
        + "\n"
        for i in range(60)
    )
    stream(aloop, v, body, rng, waits=0.1)
    assert len(body) > 8000 and v.renders == 0
    assert v.rendered_chars < 200  # the most Markdown any one step rendered: one block
    assert v.pieces > 200  # (60 × 4 blocks)
    # every edit is at the end of the document and removes at most the plain tail (a few lines)
    assert all(removed < 200 and pos >= before - 200 for pos, removed, before in edits)
    v.finish()
    assert structure(v.document()) == structure(full(qtbot, body).document())


def test_the_end_stays_in_view_unless_the_user_scrolls_away(aloop, qtbot) -> None:  # noqa: ANN001
    v = make_view(qtbot)
    v.resize(320, 160)
    v.show()
    bar = v.verticalScrollBar()
    stream(aloop, v, SUMMARY * 2, random.Random(3), waits=0.2)
    run_until(aloop, lambda: bar.maximum() > 0 and bar.value() == bar.maximum())
    bar.setValue(0)  # the user scrolls up to read
    stream(aloop, v, SUMMARY, random.Random(4), waits=0.2)
    v.finish()
    assert bar.value() == 0
    bar.setValue(bar.maximum())  # and back to the end: it follows again
    stream(aloop, v, "\n\nMore.\n\n- one\n- two\n" * 5, random.Random(5), waits=0.2)
    run_until(aloop, lambda: bar.value() == bar.maximum())


def test_replaced_content_then_streaming_anew(aloop, qtbot) -> None:  # noqa: ANN001
    """Notes so far, then the summary in their place: set_text("") and stream again (and other ways of going
    on from a text shown whole)."""
    rng = random.Random(11)
    v = make_view(qtbot, estimated=True)
    stream(aloop, v, "Part 1 notes [00:00:05]\n\n- a point\n- another", rng)
    v.finish()
    v.set_text("", estimated=True)
    stream(aloop, v, SUMMARY, rng)
    v.finish()
    assert structure(v.document()) == structure(full(qtbot, SUMMARY, estimated=True).document())
    assert "≈0:05" in v.toPlainText() and "Part 1" not in v.toPlainText()
    # going on from a whole text: after a blank line (a new block), inside its last paragraph, after finish()
    for shown_first, more in [
        ("**Why do ovens lose steam?**\n\n", SUMMARY),
        ("The hosts compare home ovens", SUMMARY[len("The hosts compare home ovens") :]),
        ("- one\n- two\n", "- three [00:00:07]\n\nThe end.\n"),
    ]:
        v.set_text(shown_first, estimated=False)
        stream(aloop, v, more, rng)
        v.finish()
        assert structure(v.document()) == structure(full(qtbot, shown_first + more).document())
    v.set_text("", estimated=False)
    stream(aloop, v, "Some text and a list:\n\n- one", rng)
    v.finish()
    stream(aloop, v, " more of one\n- two\n", rng)  # more after finish(): its last block goes on
    v.finish()
    text = "Some text and a list:\n\n- one more of one\n- two\n"
    assert v.text == text and structure(v.document()) == structure(full(qtbot, text).document())


# ---- odd Markdown: streaming may wait for a safe place to cut, but the document is the same ----------------------

_LINES = [
    lambda r: _words(r),
    lambda r: _words(r),
    lambda r: "",
    lambda r: "",
    lambda r: "#" * r.randint(1, 4) + " " + _words(r, 2),
    lambda r: "- " + _words(r),
    lambda r: "- " + _words(r),
    lambda r: "* " + _words(r),
    lambda r: "  - " + _words(r),
    lambda r: "1. " + _words(r),
    lambda r: f"{r.randint(1, 9)}. " + _words(r),
    lambda r: f"{r.randint(1, 3)}) " + _words(r),
    lambda r: r.choice(["   ", "  ", "    ", "\t", " - ", "> ", "- [ ] ", "- [x] ", "-\t"]) + _words(r),
    lambda r: r.choice([">", "```", "```py", "~~~", "---", "***", "- - -", "===", "-", "- ```", "  ```"]),
    lambda r: r.choice(["<div>", "<!-- c -->", "a | b", "--|--", "![img](a.png) x", "www.example.com x"]),
    lambda r: r.choice(["  # ", "#", "+ "]) + _words(r, 2),
]
_WORDS = "the oven steam bread [00:01:02] [00:03:11] *soft* **crust** `code` alice 2024 “quote” x".split()


def _words(r: random.Random, n: int = 0) -> str:
    return " ".join(r.choice(_WORDS) for _ in range(n or r.randint(1, 8)))


def test_odd_markdown_streams_into_the_same_document(aloop, qtbot) -> None:  # noqa: ANN001
    """Generated documents of every kind of line (code fences, HTML, tables, task lists, lists at odd
    indentation…) in random pieces with random pauses: each equals its full render."""
    from app.ui.summary_view import SummaryView

    for seed in range(120):
        rng = random.Random(seed)
        text = "\n".join(rng.choice(_LINES)(rng) for _ in range(rng.randint(1, 20)))
        text += rng.choice(["\n", "", "\n\n"])
        v = SummaryView()
        qtbot.addWidget(v)
        i = 0
        while i < len(text):
            n = rng.randint(1, 12)
            v.append(text[i : i + n])
            i += n
            if rng.random() < 0.5:
                v.flush()  # (what the 16 ms timer does, without waiting for it)
        v.finish()
        assert structure(v.document()) == structure(full(qtbot, text).document()), (seed, text)
