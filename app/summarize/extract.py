"""Key moments: for each chapter, the sentence that says most of what the chapter is about, in the speaker's own
words, with its real time.

Extractive and model-free (tf-idf centrality within the chapter, as in classic centroid summarizers): whatever the
model writes, the summary then carries verifiable points that exist in the transcript, each a link to its moment.
Small models hallucinate quotes and invent points when asked for them; this part of the summary cannot.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ..transcript import Segment
from .chapters import stamp
from .topics import stems

_SENTENCE = re.compile(r"[^.!?]+[.!?]*")
_FILLER = re.compile(
    r"^\W*(?:(?:so|um+|uh+|yeah|okay|ok|well|oh|and|but|like|mm+|hmm+|right|you know)\b[\s,]*)+", re.I
)
# Spoken words that carry nothing: a sentence's score is weighed by the share of its words that are not these, a
# word said again at once ("you you", "to, to") or a broken-off letter ("y y the"). On QMSum's 35 validation
# meetings (model-free) the key moments' ROUGE-1 / 2 went 25.35 / 3.51 -> 25.71 / 3.73 with it, and moments with
# a tenth of such words 57 -> 17 of 210; dropping such sentences outright instead lost ROUGE (25.01 / 3.40).
# (Not defences.FILLERS: it has "and", "but", "yes", "no" and "right", words of ordinary sentences, which judge a
# line that says nothing but weigh a sentence down wrongly here: moments' ROUGE-1 25.14 with them.)
_HOLLOW_WORDS = "um uh uhm erm er ah mm hmm mhm yeah like so okay ok oh well"
_HOLLOW = frozenset(_HOLLOW_WORDS.split())
_SPOKEN = re.compile(r"[\w']+")
MIN_WORDS = 8
# Short enough to read at a glance, and a summary of 6 of them is about as long as a human one (QMSum's are ~110
# words): 22 words and 6 moments scored best on QMSum-val (tests/bench/quality.py), against 30 words and one per
# chapter before (ROUGE-1 of the moments alone 25.4 vs 24.2; with the model's summary, 26.4 vs 21.8 on four).
MAX_WORDS = 22
KEY_MOMENTS = 6


@dataclass(frozen=True)
class Moment:
    start_s: float  # the start of the prompt unit that holds the sentence: a real segment start
    speaker: str | None
    text: str


def key_moments(
    units: Sequence[Segment], starts: Sequence[int], per_chapter: int = 1, limit: int | None = None
) -> list[Moment]:
    """Up to `per_chapter` moments per chapter (chapters begin at the unit indices `starts`), in time order; with
    `limit`, only that many of them, the most central ones."""
    df: Counter[str] = Counter()
    for u in units:  # (stemmed again per chapter below: keeping every unit's stems costs ~60 bytes a word)
        df.update(set(stems(u.text)))
    n = max(1, len(units))
    idf = {w: math.log(n / k) for w, k in df.items()}
    out: list[tuple[float, Moment]] = []
    bounds = [*starts, len(units)]
    for first, stop in zip(bounds, bounds[1:], strict=False):
        centroid: Counter[str] = Counter()
        for i in range(first, stop):  # (a unit at a time: a chapter may be most of a long transcript)
            centroid.update(stems(units[i].text))
        norm_c = math.sqrt(sum((v * idf[w]) ** 2 for w, v in centroid.items())) or 1.0

        def scored(
            first: int = first, stop: int = stop, centroid: Counter[str] = centroid, norm_c: float = norm_c
        ) -> Iterator[tuple[float, int, str]]:
            for i in range(first, stop):
                for raw in _SENTENCE.findall(units[i].text):
                    sentence = _FILLER.sub("", raw).strip()
                    ws = sentence.split()
                    if not (MIN_WORDS <= len(ws) <= MAX_WORDS):
                        continue
                    tf = Counter(stems(sentence))
                    if not tf:
                        continue
                    dot = sum(v * centroid[w] * idf.get(w, 0.0) ** 2 for w, v in tf.items())
                    norm_s = math.sqrt(sum((v * idf.get(w, 0.0)) ** 2 for w, v in tf.items())) or 1.0
                    yield dot / (norm_s * norm_c) * (1.0 - disfluency(sentence)), i, sentence

        # the best per_chapter, as sorted(..., reverse=True)[:per_chapter] would give, holding no more of them
        for score, i, sentence in heapq.nlargest(per_chapter, scored()):
            text = sentence[:1].upper() + sentence[1:]
            out.append((score, Moment(units[i].start_s, units[i].speaker, text)))
    if limit is not None:
        out = sorted(out, key=lambda sm: -sm[0])[:limit]
    return sorted((m for _s, m in out), key=lambda m: m.start_s)


def disfluency(sentence: str) -> float:
    """The share of a spoken sentence's words that carry nothing: fillers, a word said again at once, a letter
    standing alone but "a" and "I" (a word broken off: "y y the")."""
    ws = _SPOKEN.findall(sentence.lower())
    if not ws:
        return 1.0
    hollow = sum(
        w in _HOLLOW or (len(w) == 1 and w not in ("a", "i")) or (i > 0 and ws[i - 1] == w)
        for i, w in enumerate(ws)
    )
    return hollow / len(ws)


def moment_line(m: Moment) -> str:
    """`- [hh:mm:ss] Speaker: “sentence”`: a moment as a bullet of the summary or of a part's notes."""
    return f"- [{stamp(m.start_s)}] " + (f"{m.speaker}: " if m.speaker else "") + f"“{m.text}”"


PART_MOMENTS = 3


def part_notes(units: Sequence[Segment]) -> str:
    """A part's notes in its speakers' own words, where the model's could not be used (both answers refused):
    its PART_MOMENTS most central sentences, in time order. Real sentences with real times, so the part still
    shows notes, and the summary reads what was said there rather than nothing."""
    return "\n".join(moment_line(m) for m in key_moments(units, [0], per_chapter=PART_MOMENTS))
