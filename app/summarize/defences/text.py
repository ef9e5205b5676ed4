"""Words as the defences see them: a text's words and n-grams, placeholders, fillers, and the words that could
name something. Pure Python."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..citations import REF
from ..language import FUNCTION_WORDS

_WORDS = re.compile(r"[^\W_]+(?:'[^\W_]+)?", re.UNICODE)


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORDS.findall(REF.sub(" ", text.replace("’", "'")))]


def ngrams(ws: Sequence[str], n: int) -> list[tuple[str, ...]]:
    return [tuple(ws[i : i + n]) for i in range(len(ws) - n + 1)]


# "[hh:mm:ss]", "[xxxx]", "[quoted]", "[Title]", "<insert>", "{topic}": brackets that hold no real time (real
# references are kept by the citation filter before this runs) and are not a Markdown link.
# A bracket may hold a whole instruction ("[mentioning a book, tool or person recommended by the interviewer]").
PLACEHOLDER = re.compile(
    r"\[(?!\d{1,2}:\d{2}(?::\d{2})?\])[^\[\]\n]{0,120}\](?!\()|<[^<>\n]{1,40}>|\{[^{}\n]{0,40}\}"
)
_PLACEHOLDER_WORDS = re.compile(
    r"\b(hh:mm(:ss)?|mm:ss|x{3,}|tbd|n/a|lorem ipsum|insert (the )?\w+|title here|your title)\b"
    r"|(?-i:\b[A-Z]{2,}_[A-Z_]*[A-Z]\b)",  # a template variable: DOCUMENTATION_LINK (SPEAKER_01 has digits: a label)
    re.I,
)
SPEAKER_LABEL = re.compile(
    r"^\s*(?:\*\*)?([A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,2}|spk_\d+|speaker[ _]?\d+)(?:\*\*)?:\s", re.I
)
FILLERS = frozenset(
    [
        "so",
        "um",
        "uh",
        "erm",
        "er",
        "ah",
        "oh",
        "yeah",
        "yes",
        "no",
        "okay",
        "ok",
        "well",
        "like",
        "and",
        "but",
        "mm",
        "hmm",
        "mhm",
        "right",
        "alright",
        "hm",
        "uhm",
    ]
)
# Words that answer or greet without saying anything: a note or a turn made only of them ("Project Manager:
# Wow.", "Thank you.", "Hi there.": SmolLM2's notes on QMSum's ES2009a and Bro011) says nothing.
_ACKNOWLEDGEMENT_WORDS = """
    wow cool great nice sure thanks thank you good fine exactly absolutely indeed true correct perfect
    awesome hi hello hey bye goodbye there gosh huh sorry ha haha mmm mhmm
"""
ACKNOWLEDGEMENTS = FILLERS | frozenset(_ACKNOWLEDGEMENT_WORDS.split())
# A period that ends a title or an initial, not a sentence: "Dr. Michael A. Shapiro" (SmolLM2's notes on QMSum's
# Bro011, where "Prof. A: Thank you for having me." had been cut at "Prof." and its dialogue line let through;
# "The Hon. Bill Morneau: ...", its notes on covid_2)
ABBREVIATED = re.compile(r"(?:\b(?:Dr|Mr|Mrs|Ms|Prof|Hon|Rev|Sen|Gov|Gen|St|Jr|Sr|Mt|vs)|(?<![\w.])[A-Z])\.$")
# A web address: with its scheme or "www.", or a bare name under a common top-level domain ("ardour.org")
ADDRESS = re.compile(
    r"(?:https?://|www\.)[^\s<>()\[\]\"”]+"
    r"|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|io|dev|ai|co|app|fm|tv)\b(?:/[^\s<>()\[\]\"”]*)?",
    re.I,
)
GENERIC = re.compile(
    r"^(chapter|part|section|title|topic|segment|summary|transcript|conversation|excerpt|text|untitled)( \d+| title)?$",
    re.I,
)


def has_placeholder(text: str) -> bool:
    return bool(PLACEHOLDER.search(text) or _PLACEHOLDER_WORDS.search(text))


def strip_placeholders(text: str) -> tuple[str, int]:
    n = 0

    def drop(_m: re.Match[str]) -> str:
        nonlocal n
        n += 1
        return ""

    text = PLACEHOLDER.sub(drop, text)
    text = _PLACEHOLDER_WORDS.sub(drop, text)
    if n:
        text = re.sub(r"\(\s*\)|\[\s*\]", "", text)
        text = re.sub(r"[ \t]+([.,;:!?])", r"\1", re.sub(r"[ \t]{2,}", " ", text))
    return text, n


def similar(a: Sequence[str], b: Sequence[str]) -> bool:
    """Two titles or lines that say the same: equal, or sharing 80 % of their words."""
    if not a or not b:
        return False
    sa, sb = set(a), set(b)
    return sa == sb or len(sa & sb) >= 0.8 * max(len(sa), len(sb))


def within(part: Sequence[str], whole: Sequence[str]) -> bool:
    """A line of four words or more whose every word another line has: it says nothing that one does not
    ("Project Manager: You're gonna stay here?" under "Project Manager: You s you're gonna stay here?", SmolLM2's
    notes on QMSum's ES2009a; a key moment the summary quotes with the speaker's name and time around it)."""
    words_of = set(part)
    return len(words_of) >= 4 and words_of <= set(whole)


# English words that point at things or hold a sentence together rather than name anything (FUNCTION_WORDS,
# made to tell languages apart, has few): "So that's what is for the process." (SmolLM2's notes on QMSum's
# Bro022) and "It has been very helpful for me in my own way." (its summary of seed 000) name one thing each
_POINTER_WORDS = """
    what which who whom whose when where why how there here these those then than thing things something
    anything nothing everything someone stuff lot way kind sort bit me my mine your yours he him his she
    her hers its our ours their theirs them us has had been being do does did done am were will would
    could should can may might must shall very really just also only even still too now some any each
    every all both more most much many such same other another own about after before into onto from
    over under through between upon without within or nor yet because while if as
"""
_POINTERS = frozenset(_POINTER_WORDS.split())


def _content(ws: Sequence[str]) -> list[str]:
    """The words that could name something: three letters or more, not a function word, a pointer nor a
    filler, without an ending after an apostrophe ("episode's" -> "episode")."""
    out = []
    for w in ws:
        w = w.split("'")[0]
        if (
            len(w) >= 3
            and w.isalpha()
            and w not in FUNCTION_WORDS
            and w not in _POINTERS
            and w not in FILLERS
        ):
            out.append(w)
    return out
