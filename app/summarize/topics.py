"""Where the topic changes, from the transcript's own words: a lexical-cohesion signal that does not depend on the
model's skill.

TextTiling (Hearst 1997) in a form fit for transcripts: the words on either side of each possible boundary (the
start of a prompt unit, which is a real segment start) are compared as bags of stems; where the two sides share
few words, the topic is likely to have changed. The depth of each dip below the peaks around it ranks the
candidates; the deepest ones, spaced at least a minimum chapter length apart, become chapter starts.

Written here rather than taken from a library: NLTK's TextTilingTokenizer needs paragraph breaks in the text
(transcripts have none), works on characters rather than on our segments, and carries NLTK's English stopword
corpus (a download). This one is language-agnostic: stopwords are the words that occur all over this transcript
(document frequency), stems are word prefixes, and blocks are measured in words, so times stay exact segment
starts. Pure Python, linear in the transcript's length.
"""

from __future__ import annotations

import math
import re
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..transcript import Segment

_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
STEM = 6  # characters of a word that stand for it: "budgets", "budgeting" -> "budget"


def stems(text: str) -> list[str]:
    return [w.lower()[:STEM] for w in _WORD.findall(text)]


# Words for titles: a hyphenated compound is one word ("long-term", not "term" and "long"); a contraction is not
# a word of its own ("didn't" gave the title "Phase, didn and offset"), and a possessive is its noun ("David's").
_TITLE_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*(?:['’][^\W\d_]+)?", re.UNICODE)


def title_words(text: str) -> list[str]:
    """The words of `text` that a keyword title may use, as written."""
    out = []
    for w in _TITLE_WORD.findall(text):
        head, _, tail = w.replace("’", "'").partition("'")
        if tail and tail.lower() != "s":
            continue  # didn't, we're, I'll, they've
        if all(p.lower() in _NOISES for p in head.split("-")):
            continue  # mm-hmm, uh-huh
        if len(head) >= 3:
            out.append(head)
    return out


_NOISES = frozenset(["mm", "hmm", "mhm", "uh", "huh", "um", "umm", "oh", "ah", "er", "erm", "yeah", "ha"])


def _parts(stem: str) -> set[str]:
    return {p[:STEM] for p in stem.split("-") if p}


def title_stems(text: str) -> list[str]:
    return [w.lower()[:STEM] for w in title_words(text)]


@dataclass(frozen=True)
class Shift:
    unit: int  # index of the prompt unit where the new topic begins
    start_s: float
    depth: (
        float  # how deep the dip in cohesion is: 0 (none) .. 2 (no shared words between two coherent sides)
    )


def cohesion_shifts(units: Sequence[Segment], block_words: int = 300, smooth: int = 2) -> list[Shift]:
    """The unit starts where cohesion dips (TextTiling's local minima of similarity: the depth there is above
    zero and no lower than the gap before it, higher than the gap after it), with their depth, in transcript
    order. Only these can begin a chapter (`pick_shifts`); the curve over every unit start is kept in arrays,
    not as a `Shift` a unit (which cost ~50 bytes a unit at the peak of a 10-hour run)."""
    # Stems as small ints in one array: a list of stem strings costs ~60 bytes a word (7.7 MB passing through
    # for a 10-hour transcript); the array costs 4, and each distinct stem is kept once.
    ids: dict[str, int] = {}
    stream = array("i")
    starts = array("i")  # word position where each unit begins
    for u in units:
        starts.append(len(stream))
        stream.extend(ids.setdefault(w, len(ids)) for w in stems(u.text))
    n = len(stream)
    if n < 2 * block_words or len(units) < 3:
        return []
    # Stopwords, language-agnostic: each stem weighs its inverse frequency over block-sized stretches, so words
    # that occur everywhere ("the", "und", "think") weigh nothing and a subject's own words weigh most.
    chunks = max(1, math.ceil(n / block_words))
    df: Counter[int] = Counter()
    for c in range(chunks):
        df.update(set(stream[c * block_words : (c + 1) * block_words]))
    idf = [0.0] * len(ids)
    for w, k in df.items():
        idf[w] = math.log(chunks / k)
    words = array("i", (w if idf[w] > 0 else -1 for w in stream))
    del stream

    gaps = array(
        "i", (i for i in range(1, len(units)) if block_words // 2 <= starts[i] <= n - block_words // 2)
    )
    if not gaps:
        return []
    # Sliding counts: left = words[p - B, p), right = words[p, p + B); moved from gap to gap, so the whole pass
    # is linear in the number of words.
    left: Counter[int] = Counter()
    right: Counter[int] = Counter()
    lo = hi = mid = starts[gaps[0]]
    lo = max(0, mid - block_words)
    hi = min(n, mid + block_words)
    left.update(w for w in words[lo:mid] if w >= 0)
    right.update(w for w in words[mid:hi] if w >= 0)
    sims = array("d")
    for g in gaps:
        p = starts[g]
        new_lo, new_hi = max(0, p - block_words), min(n, p + block_words)
        for w in words[mid:p]:  # cross from right to left
            if w >= 0:
                right[w] -= 1
                left[w] += 1
        for w in words[lo:new_lo]:
            if w >= 0:
                left[w] -= 1
        for w in words[hi:new_hi]:
            if w >= 0:
                right[w] += 1
        lo, mid, hi = new_lo, p, new_hi
        sims.append(_cosine(left, right, idf))
    if smooth > 0:
        sims = array(
            "d",
            (
                sum(sims[max(0, i - smooth) : i + smooth + 1])
                / len(sims[max(0, i - smooth) : i + smooth + 1])
                for i in range(len(sims))
            ),
        )
    depths = array("d", (_depth(sims, i) for i in range(len(sims))))
    return [Shift(g, units[g].start_s, depths[i]) for i, g in enumerate(gaps) if _is_dip(depths, i)]


def _is_dip(depths: Sequence[float], i: int) -> bool:
    d = depths[i]
    return d > 0 and (i == 0 or depths[i - 1] <= d) and (i + 1 == len(depths) or depths[i + 1] < d)


def _cosine(a: Counter[int], b: Counter[int], idf: Sequence[float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    dot = sum(v * b[w] * idf[w] ** 2 for w, v in a.items() if v)
    na = math.sqrt(sum((v * idf[w]) ** 2 for w, v in a.items()))
    nb = math.sqrt(sum((v * idf[w]) ** 2 for w, v in b.items()))
    return dot / (na * nb) if na and nb else 0.0


def _depth(sims: Sequence[float], i: int) -> float:
    """TextTiling's depth score: how far the similarity at i lies below the highest point reached by climbing
    to each side while the curve rises."""
    s = sims[i]
    lp = s
    j = i
    while j > 0 and sims[j - 1] >= lp:
        j -= 1
        lp = sims[j]
    rp = s
    j = i
    while j + 1 < len(sims) and sims[j + 1] >= rp:
        j += 1
        rp = sims[j]
    return (lp - s) + (rp - s)


def pick_shifts(
    shifts: Sequence[Shift], count: int, min_gap_s: float, duration_s: float, min_depth: float | None = None
) -> list[Shift]:
    """The deepest `count` shifts that are at least min_gap_s from each other, from 0:00 and from the end, in time
    order. With min_depth None, TextTiling's cut-off (mean minus half a standard deviation of the local minima's
    depths) keeps dips that stand out; fewer than `count` come back when fewer stand out."""
    if count <= 0 or not shifts:
        return []
    minima = list(shifts)  # (cohesion_shifts gives only the dips)
    if not minima:
        return []
    if min_depth is None:
        mean = sum(s.depth for s in minima) / len(minima)
        sd = math.sqrt(sum((s.depth - mean) ** 2 for s in minima) / len(minima))
        min_depth = mean - sd / 2
    chosen: list[Shift] = []
    for s in sorted(minima, key=lambda s: -s.depth):
        if len(chosen) >= count or s.depth < min_depth:
            break
        if s.start_s < min_gap_s or duration_s - s.start_s < min_gap_s:
            continue
        if any(abs(s.start_s - c.start_s) < min_gap_s for c in chosen):
            continue
        chosen.append(s)
    return sorted(chosen, key=lambda s: s.start_s)


def chapter_count(duration_s: float, minutes_per_chapter: float, min_gap_s: float) -> int:
    """How many chapters a transcript of this length gets: about one per `minutes_per_chapter`, at least one."""
    if duration_s <= 0:
        return 1
    by_length = round(duration_s / 60 / minutes_per_chapter)
    by_gap = int(duration_s // max(1.0, min_gap_s))
    return max(1, min(by_length, by_gap))


# English function words and speech fillers (as 6-letter stems), for keyword titles only: a title made of "that,
# then and okay" says nothing. Other languages fall back on the document-frequency rule alone.
_FUNCTION = frozenset(
    w[:STEM]
    for w in (
        [
            "that",
            "this",
            "then",
            "there",
            "they",
            "them",
            "their",
            "what",
            "which",
            "when",
            "where",
            "while",
            "with",
            "would",
            "could",
            "should",
            "about",
            "because",
            "really",
            "think",
            "know",
            "like",
            "just",
            "okay",
            "yeah",
            "right",
            "well",
            "going",
            "want",
            "gonna",
            "something",
            "things",
            "thing",
            "actually",
            "maybe",
            "also",
            "very",
            "have",
            "been",
            "were",
            "will",
            "your",
            "from",
            "into",
            "onto",
            "here",
            "those",
            "these",
            "some",
            "more",
            "much",
            "need",
            "make",
            "made",
            "said",
            "says",
            "say",
            "get",
            "got",
            "kind",
            "sort",
            "mean",
            "yes",
            "mhmm",
            "hmm",
            "umm",
            "does",
            "doing",
            "done",
            "did",
            "other",
            "than",
            "only",
            "even",
            "still",
            "back",
            "over",
            "again",
            "always",
            "never",
            "ever",
            "every",
            "each",
            "both",
            "many",
            "most",
            "such",
            "same",
            "anyway",
            "probably",
            "quite",
            "pretty",
            "little",
            "right",
            "sure",
            "whatever",
            "though",
            "through",
            "today",
            "versus",
            "people",
            "guess",
            "lot",
            "lots",
            "let",
            "okay",
            "alright",
            # speech's own verbs and adverbs, which made keyword titles such as "Sometimes, building and look"
            # and "Thinking, talked and noise" on the QMSum meetings
            "sometimes",
            "thinking",
            "thought",
            "talk",
            "talked",
            "talking",
            "saying",
            "look",
            "looked",
            "looking",
            "based",
            "basically",
            "able",
            "already",
            "anything",
            "everything",
            "someone",
            "somebody",
            "nothing",
            "another",
            "around",
            "being",
            "come",
            "coming",
            "good",
            "great",
            "keep",
            "stuff",
            "take",
            "tell",
            "trying",
            "used",
            "using",
            "whole",
            "without",
            "seems",
            "getting",
            "give",
            "given",
            "means",
            "start",
            "started",
            "wanted",
            "went",
            "goes",
            "feel",
            "different",
            "soon",
            "away",
            "whether",
        ]
    )
)


def keywords(texts: Iterable[str], background: Counter[str], total_units: int, k: int = 4) -> list[str]:
    """The words that stand out in `texts` against the whole transcript (tf-idf over prompt units), as written
    (the most common spelling of each stem), for a title made from a chapter's own words."""
    tf: Counter[str] = Counter()
    spelled: dict[str, Counter[str]] = {}
    for t in texts:
        for w in title_words(t):
            st = w.lower()[:STEM]
            if len(w) < 4:
                continue
            tf[st] += 1
            spelled.setdefault(st, Counter())[w] += 1  # as written: "David", "LLMs", "Rust"
    scored = sorted(
        ((c * math.log((1 + total_units) / (1 + background[st])), st) for st, c in tf.items() if c > 1),
        reverse=True,
    )
    out = []
    taken: set[str] = set()  # the parts of the words kept: "energy" and then "low-energy" say one thing twice
    for _score, st in scored:
        if (
            st in _FUNCTION or background[st] > total_units / 3
        ):  # everywhere in the transcript: not what this part is about
            continue
        parts = _parts(spelled[st].most_common(1)[0][0].lower())
        if parts & taken:
            continue
        taken |= parts
        forms = spelled[st]
        lower = sum(c for f, c in forms.items() if f.islower())
        best = forms.most_common(1)[0][0]
        # a word capitalized only at the start of sentences is written in lower case
        out.append(best.lower() if lower and best[:1].isupper() and best[1:].islower() else best)
        if len(out) >= k:
            break
    return out
