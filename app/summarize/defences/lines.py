"""Lines of the model's own that are no sentence or say nothing."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .instructions import Instructions
from .source import Source
from .text import ACKNOWLEDGEMENTS, ADDRESS, GENERIC, _content, words

# An article right before a word that cannot follow it: "The of the is a very important point in this
# episode.", "Each started with the where it was said." (SmolLM2's summaries of QMSum's TS3010d). Outside
# quotations only: speakers stammer ("the the").
_BROKEN = re.compile(
    r"\b(?:the|a|an)\s+(?:of|the|a|an|is|are|was|were|where|which|who|whom|when|how|why)\b(?![-'’\w])", re.I
)


def _garbled(
    body: str,
    ws: Sequence[str],
    spans: Sequence[str],
    whole_line: bool,
    source: Source,
    instructions: Instructions,
) -> bool:
    """The model's own sentence (not a speaker's turn) that is not one: it names nothing the transcript has
    (`Source.names_anything`), its words break off ("The of the is"), or, as a whole line of three words or
    more, it has one content word at most: "This is the idea", "This is the goal", "This is the plan" (SmolLM2's
    notes on a part of QMSum's Bed002, one a line). Also a sentence that calls the recording what the transcript
    never calls it (`Source.frame_word`: "This is a continuation of the previous episode" on a meeting), or that
    names someone or something nobody in it named (`Source.unknown_name`: "Dr. Michael A. Shapiro and his team",
    "January 2023", "Claude Joubert"), or whose subject is mostly words the transcript never uses
    (`Source.mostly_unknown`: "... in a wide range of applications, including medical diagnostics, autonomous
    vehicles, and health monitoring", in notes on a meeting about speech recognition)."""
    if not source.names_anything(ws, instructions.vocab):
        return True
    if (
        source.frame_word(ws) is not None
        or source.unknown_name(_unquoted(body), instructions.vocab) is not None
    ):
        return True
    if not spans and source.mostly_unknown(words(ADDRESS.sub(" ", body)), instructions.vocab):
        return True
    if not spans and _BROKEN.search(body):
        return True
    return whole_line and not spans and _thin(ws)


def _thin(ws: Sequence[str]) -> bool:
    """Three words or more, one content word at most: "This is the plan", "So we have a product"."""
    return len(ws) >= 3 and len(_content(ws)) <= 1


def _nothing_said(turn: str, line_ends: bool) -> bool:
    """What follows a speaker's label says nothing: no words ("Jens:"), or only a filler or a greeting to the end
    of the line ("Stefan: Yes.", a note SmolLM2 wrote on a part of seed 003, "Project Manager: Wow."; one that
    goes on after it keeps its stamp)."""
    ws = words(turn)
    return not ws or (line_ends and _acknowledgement(ws))


# Phrases that fill a turn without saying anything ("Stefan: I mean, yeah.", SmolLM2's notes on seed 003)
_FILLER_PHRASES = re.compile(r"\b(?:i mean|you know|i guess|kind of|sort of)\b")


def _acknowledgement(ws: Sequence[str]) -> bool:
    """Words (from `words`) that are only fillers, greetings and filler phrases, three words or five with the
    phrases: nothing said."""
    rest = _FILLER_PHRASES.sub(" ", " ".join(ws)).split()
    return len(ws) <= (5 if len(rest) < len(ws) else 3) and all(
        w in ACKNOWLEDGEMENTS or w.replace("-", "") in ACKNOWLEDGEMENTS for w in rest
    )


# A label at a line's start, after its bullet and time ("- [00:01:38] Professor B: ")
_AFTER_LABEL = re.compile(r"\s*(?:[-*•]\s*)?(?:\[\d{1,2}:\d{2}(?::\d{2})?\]\s*)?[^:\n\[\]]{1,40}:\s+")


def _junk(body: str, ws: Sequence[str]) -> bool:
    """A line with nothing to read: only fillers or greetings ("Mm-hmm.", "Wow."), a dangling speaker colon, no
    word of three letters."""
    if ws and _acknowledgement(ws):
        return True
    after = _AFTER_LABEL.match(body)
    if after is not None and _nothing_said(body[after.end() :], True):
        return True  # "Professor B: Hey." under a name nobody has (SmolLM2's notes on QMSum's Bro011)
    if re.match(r"^\s*(?:[-*•]\s*)?:", body):
        return True
    if GENERIC.match(" ".join(ws)):
        return True  # "SECTION 1", "Summary": a template's scaffolding, not content
    return not any(len(w) >= 3 and w.isalpha() for w in ws)


def _unquoted(body: str) -> str:
    """The model's own words in `body`: its quotations (held to the transcript by the quote check) left out."""
    return re.sub(r"[“„«\"][^”»\"\n]*[”»\"]?", " ", body)
