"""Why a chapter title cannot be shown, and a title made from a chapter's keywords."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from .instructions import Instructions
from .text import FILLERS, GENERIC, SPEAKER_LABEL, has_placeholder, similar, words

MAX_TITLE_CHARS = 60  # chapters.MAX_TITLE: the grammar's limit (a title that reaches it was cut off)
# A title that ends on one of these stops in the middle of a sentence: "The answer is", "The limitations of using
# only what was", "The Minister of Finance is not mindful of the conflict of" (SmolLM2 on QMSum, titles asked about
# 100-word excerpts). Words that can end a real title ("Moving on", "Where the money comes from", "Beyond that",
# "Meeting her") are not in it.
DANGLING = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "and",
        "or",
        "but",
        "nor",
        "will",
        "would",
        "can",
        "could",
        "should",
        "shall",
        "must",
        "which",
        "whose",
        "its",
        "their",
        "our",
        "your",
        "my",
        "his",
        "than",
    ]
)
_COPULA = frozenset(["is", "are", "was", "were"])  # dangling too, but for "What it is", "Who we are"
_WH = frozenset(["what", "who", "where", "how", "why", "when", "which"])
# A title about the text rather than about its subject: "This is a summary of ...", "In this part ...".
_META_STARTS = frozenset(
    [
        "this is",
        "in this",
        "here is",
        "here's",
        "the speaker",
        "the speakers",
        "the following",
        "this part",
        "the text",
    ]
    + [
        "the transcript",
        "this transcript",
        "the conversation",
        "this conversation",
        "the summary",
        "a summary",
    ]
)


def title_problem(
    title: str, instructions: Instructions, earlier: Sequence[str], speakers: Iterable[str] = ()
) -> str | None:
    """Why a chapter title cannot be shown, or None when it can. The reasons are Stats counters' names."""
    t = title.strip()
    ws = words(t)
    if not ws or not any(ch.isalpha() for ch in t):
        return "empty"
    if has_placeholder(t) or GENERIC.match(" ".join(ws)):
        return "placeholder"
    m = SPEAKER_LABEL.match(t)
    names = {s.casefold() for s in speakers if s}
    if m and (m.group(1).casefold() in names or len(ws) > 3 or re.match(r"spk|speaker", m.group(1), re.I)):
        return "speaker"
    if any(t.casefold().startswith(n + ":") for n in names) or t.casefold().strip(" :") in names:
        return "speaker"
    if instructions.echoes(t, short=True) or " ".join(ws[:2]) in _META_STARTS or ws[0] in {"here's", "here"}:
        return "echo"
    if ws[0] in FILLERS or (ws[:2] == ["i", "think"]) or (ws[:2] == ["you", "know"]):
        return "filler"
    if ws[0] in {"i", "i'm", "i've", "i'll", "i'd", "we're", "you're"} or {"i", "i'm", "me", "my"} & set(
        ws[1:]
    ):
        return "filler"  # someone speaking, not a title
    if " is about " in f" {' '.join(ws)} " or len(t) >= MAX_TITLE_CHARS - 2:
        return "filler"  # a sentence about the text, or one cut off at the title's length limit
    if (
        len(ws) > 12
        or t.endswith(("?", ",", "…"))
        or (len(ws) > 6 and t.endswith("."))
        or re.search(r"[.!?] \w", t)
    ):
        return "filler"  # a sentence someone said, not a title
    if len(ws) > 1 and (ws[-1] in DANGLING or (ws[-1] in _COPULA and ws[0] not in _WH)):
        return "filler"  # cut off mid-sentence: what it was going to say is not there
    if any(similar(ws, words(e)) for e in earlier):
        return "duplicate"
    return None


def keyword_title(keywords: Sequence[str]) -> str:
    """A title made from a chapter's own words, when the model gives none that can be shown."""
    ks = [k for k in keywords if k][:3]
    if not ks:
        return ""
    ks[0] = ks[0][:1].upper() + ks[0][1:]
    return ", ".join(ks[:-1]) + (" and " if len(ks) > 1 else "") + ks[-1]
