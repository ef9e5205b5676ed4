"""Which language a transcript is in, from its most common function words. A small, dependency-free detector:
transcripts are long, and the words that make up a quarter of any text ("the", "und", "que") are enough to tell
the languages Recap's users speak apart. Unknown languages return None, and the prompt then says "the language of
the transcript"."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..transcript import Transcript

STOPWORDS: dict[str, set[str]] = {
    "English": set(
        [
            "the",
            "and",
            "to",
            "of",
            "a",
            "in",
            "that",
            "is",
            "it",
            "you",
            "i",
            "was",
            "for",
            "on",
            "with",
            "this",
            "we",
            "they",
            "but",
            "have",
            "be",
            "are",
            "not",
            "so",
        ]
    ),
    "German": set(
        [
            "der",
            "die",
            "und",
            "das",
            "ist",
            "ich",
            "nicht",
            "zu",
            "den",
            "es",
            "sie",
            "wir",
            "ein",
            "mit",
            "auf",
            "sich",
            "dass",
            "auch",
            "eine",
            "aber",
            "so",
        ]
    ),
    "French": set(
        [
            "le",
            "la",
            "les",
            "de",
            "et",
            "est",
            "que",
            "je",
            "pas",
            "un",
            "une",
            "des",
            "en",
            "il",
            "on",
            "vous",
            "nous",
            "ce",
            "qui",
            "dans",
            "pour",
            "mais",
            "ça",
        ]
    ),
    "Spanish": set(
        [
            "el",
            "la",
            "que",
            "de",
            "y",
            "en",
            "es",
            "no",
            "un",
            "una",
            "los",
            "las",
            "lo",
            "por",
            "se",
            "con",
            "para",
            "pero",
            "muy",
            "como",
            "yo",
        ]
    ),
    "Italian": set(
        [
            "il",
            "la",
            "che",
            "di",
            "e",
            "è",
            "non",
            "un",
            "una",
            "per",
            "in",
            "mi",
            "ma",
            "sono",
            "lo",
            "ci",
            "gli",
            "le",
            "con",
            "questo",
            "anche",
        ]
    ),
    "Portuguese": set(
        [
            "o",
            "a",
            "que",
            "de",
            "e",
            "é",
            "não",
            "um",
            "uma",
            "os",
            "as",
            "do",
            "da",
            "em",
            "para",
            "com",
            "mas",
            "eu",
            "se",
            "isso",
            "você",
        ]
    ),
    "Dutch": set(
        [
            "de",
            "het",
            "een",
            "en",
            "is",
            "dat",
            "van",
            "ik",
            "niet",
            "je",
            "op",
            "te",
            "wat",
            "maar",
            "met",
            "we",
            "zijn",
            "ze",
            "er",
            "ook",
        ]
    ),
    "Swedish": set(
        [
            "och",
            "det",
            "att",
            "är",
            "som",
            "en",
            "på",
            "i",
            "jag",
            "inte",
            "för",
            "med",
            "har",
            "vi",
            "de",
            "så",
            "men",
            "den",
            "ett",
        ]
    ),
    "Polish": set(
        [
            "i",
            "w",
            "nie",
            "na",
            "to",
            "że",
            "się",
            "jest",
            "z",
            "do",
            "jak",
            "ale",
            "tak",
            "co",
            "o",
            "już",
            "mi",
            "ja",
            "czy",
        ]
    ),
}
FUNCTION_WORDS = frozenset(w for ws in STOPWORDS.values() for w in ws)  # of every language: never a subject
LANGUAGES = sorted(STOPWORDS)  # offered in the window; any language name works from the command line
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def detect(texts: Iterable[str], max_words: int = 20000) -> str | None:
    counts: Counter[str] = Counter()
    n = 0
    for t in texts:
        for w in _WORD.findall(t.lower()):
            counts[w] += 1
            n += 1
        if n >= max_words:
            break
    if n < 20:
        return None
    scores = {lang: sum(counts[w] for w in words) / n for lang, words in STOPWORDS.items()}
    best = max(scores, key=lambda k: scores[k])
    ranked = sorted(scores.values(), reverse=True)
    if scores[best] < 0.12 or ranked[0] < 1.3 * ranked[1]:
        return None  # not clearly any of them
    return best


def in_own_language(language: str | None, transcript: Transcript) -> bool:
    """Whether output asked for in `language` (None: the transcript's own) is in the transcript's language, so
    that its words can be compared with the transcript's."""
    if not language:
        return True
    own = detect(s.text for s in transcript.segments)
    return own is not None and own.casefold() == language.casefold()
