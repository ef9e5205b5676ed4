"""Where the summary view may cut streamed Markdown (Qt-free; the view's tests check the rendered result against
Qt's own full render)."""

from __future__ import annotations

import pytest

from app.ui.markdown_split import MarkdownSplitter


def _stream(text: str) -> tuple[list[tuple[str, bool]], bool]:
    """Feed `text` one character at a time, as tokens arrive: the finished pieces and whether the rest must be
    rendered with the whole."""
    split = MarkdownSplitter()
    pieces: list[tuple[str, bool]] = []
    start = 0
    for i in range(1, len(text) + 1):
        for cut in split.feed(text[:i]):
            pieces.append((text[start : cut.end], cut.continues_list))
            start = cut.end
    return pieces, split.whole


def test_a_paragraph_is_finished_by_the_blank_line_after_it() -> None:
    pieces, whole = _stream("Para one.\n\nPara two.\n\n")
    assert pieces == [("Para one.\n\n", False)]  # the second waits: the next line could still change nothing
    assert not whole


def test_a_heading_is_a_piece_of_its_own() -> None:
    assert _stream("# Head\nText\n\n")[0] == [("# Head\n", False)]


def test_no_cut_inside_a_code_fence_even_at_a_blank_line() -> None:
    pieces, _ = _stream("```\ncode\n\nmore\n```\nafter\n\n")
    assert pieces == [("```\ncode\n\nmore\n```\n", False)]


def test_each_list_item_is_cut_and_continues_the_list() -> None:
    pieces, _ = _stream("- a\n- b\n- c\n")
    assert pieces == [("- a\n", False), ("- b\n", True)]


@pytest.mark.parametrize("text", ["<div>x</div>\n\nPara\n\n", "Para\n\n<b>bold</b> text\n\nmore\n\n"])
def test_html_stops_the_cuts_and_asks_for_a_whole_render(text: str) -> None:
    pieces, whole = _stream(text)
    assert whole
    assert all("<" not in piece for piece, _ in pieces)


def test_reset_starts_a_new_text() -> None:
    split = MarkdownSplitter()
    split.feed("<div>x</div>\n\n")
    assert split.whole
    split.reset()
    assert not split.whole
    assert [c.end for c in split.feed("One.\n\nTwo.\n")] == [6]
