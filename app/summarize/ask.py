"""Asking a transcript: the passages that bear on a question are found first, so a question about a ten-hour
transcript reads a few hundred words of it, not all of it.

Passages are runs of whole segments of about `PASSAGE_WORDS` words. They are ranked by BM25 with SQLite's FTS5
(in memory, Porter stemming and Unicode folding): a maintained, well-tested full-text index that ships with
Python, rather than a ranking written here. The best passages that fit the budget are given to the model in
transcript order, each line with its `[hh:mm:ss]`, and the answer's citations pass the same filter as the
summary's (only moments that exist in the transcript survive). Pure Python, no Qt.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from ..transcript import Transcript
from .chapters import stamp

PASSAGE_WORDS = 120
ANSWER_PASSAGES = 6  # at most this many passages in one prompt (about 700 words)
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Passage:
    first: int  # segment index
    stop: int  # one past the last segment
    start_s: float
    end_s: float
    text: str  # the lines as the model sees them: "[hh:mm:ss] Speaker: words"


COMMON = 1 / 3  # a question word found in more than this share of the texts carries no topic ("what", "they")
# Words that only frame a question in English, the language of QMSum's questions and of most users' ("What did
# she say about ...", "Summarize the discussion on ..."); in other languages such words are left to the rule
# above and to BM25's inverse frequency. Kept short on purpose: a topic word must never be in it.
FRAMING = frozenset(
    [
        "what",
        "who",
        "whom",
        "whose",
        "which",
        "when",
        "where",
        "why",
        "how",
        "did",
        "does",
        "do",
        "done",
        "said",
        "say",
        "says",
        "saying",
        "think",
        "thought",
        "thinks",
        "talk",
        "talked",
        "talking",
        "discuss",
        "discussed",
        "discussion",
        "discussions",
        "summarize",
        "summarise",
        "summary",
        "about",
        "they",
        "them",
        "their",
        "there",
        "then",
        "than",
        "from",
        "into",
        "were",
        "was",
        "has",
        "had",
        "have",
        "would",
        "could",
        "should",
        "will",
        "can",
        "also",
        "just",
        "like",
        "some",
        "any",
        "all",
        "more",
        "most",
        "tell",
        "told",
        "mention",
        "mentioned",
        "opinion",
        "opinions",
        "view",
        "views",
        "regarding",
        "concerning",
    ]
)


def _terms(question: str, texts: Sequence[str]) -> list[str]:
    """The question's words that say what it is about: words of the transcript's own most common kind (in
    over a third of the texts searched) are left out, in any language; all of them when nothing else is left."""
    words = sorted({w.lower() for w in _WORD.findall(question) if len(w) > 2 or w.isdigit()} - FRAMING)
    if not words or not texts:
        return words
    bags = [{w.lower() for w in _WORD.findall(x)} for x in texts]
    limit = max(1.0, COMMON * len(bags))
    df = {w: sum(w in b for b in bags) for w in words}
    return [w for w in words if 0 < df[w] <= limit] or [w for w in words if df[w]] or words


def passages(t: Transcript, words: int = PASSAGE_WORDS) -> list[Passage]:
    """The transcript in runs of whole segments of about `words` words (a speaker change ends one early when
    it is past half)."""
    out: list[Passage] = []
    segs = t.segments
    first, n = 0, 0
    for i, s in enumerate(segs):
        n += len(s.text.split())
        last = i + 1 == len(segs)
        turn = not last and segs[i + 1].speaker != s.speaker and n >= words // 2
        if n >= words or turn or last:
            lines = [
                f"[{stamp(x.start_s)}] " + (f"{x.speaker}: " if x.speaker else "") + x.text
                for x in segs[first : i + 1]
            ]
            out.append(Passage(first, i + 1, segs[first].start_s, max(s.end_s, s.start_s), "\n".join(lines)))
            first, n = i + 1, 0
    return out


class PassageIndex:
    """BM25 over one transcript's passages (SQLite FTS5, in memory)."""

    def __init__(self, items: Sequence[Passage]) -> None:
        self.items = list(items)
        self._texts = [p.text for p in self.items]
        self.db = sqlite3.connect(":memory:")
        self.db.execute("CREATE VIRTUAL TABLE p USING fts5(text, tokenize='porter unicode61')")
        self.db.executemany(
            "INSERT INTO p (rowid, text) VALUES (?, ?)",
            ((i, re.sub(r"\[\d\d:\d\d:\d\d\]", " ", p.text)) for i, p in enumerate(self.items)),
        )

    def search(self, question: str, k: int = ANSWER_PASSAGES) -> list[Passage]:
        """The k passages that bear most on the question, best first (none when no word of it occurs)."""
        terms = _terms(question, self._texts)
        if not terms:
            return []
        query = " OR ".join('"' + w.replace('"', "") + '"' for w in terms)
        rows = self.db.execute(
            "SELECT rowid FROM p WHERE p MATCH ? ORDER BY bm25(p) LIMIT ?", (query, k)
        ).fetchall()
        return [self.items[r[0]] for r in rows]

    def close(self) -> None:
        self.db.close()


EVIDENCE = 3  # the transcript's own sentences that bear most on the question, shown under every answer
EVIDENCE_WORDS = 30
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def evidence(t: Transcript, found: Sequence[Passage], question: str, n: int = EVIDENCE) -> list[str]:
    """The sentences of the passages read that bear most on the question (BM25 over their segments, then the
    sentence of each with most of the question's words), as `- [hh:mm:ss] Speaker: “words”` lines in transcript
    order: what was said, checkable, whatever the model made of it."""
    segs = [(i, t.segments[i]) for p in found for i in range(p.first, p.stop)]
    if not segs:
        return []
    db = sqlite3.connect(":memory:")
    try:
        db.execute("CREATE VIRTUAL TABLE s USING fts5(text, tokenize='porter unicode61')")
        db.executemany("INSERT INTO s (rowid, text) VALUES (?, ?)", ((i, s.text) for i, s in segs))
        terms = _terms(question, [x.text for x in t.segments])  # common in the whole transcript
        if not terms:
            return []
        query = " OR ".join('"' + w.replace('"', "") + '"' for w in terms)
        rows = db.execute(
            "SELECT rowid FROM s WHERE s MATCH ? ORDER BY bm25(s) LIMIT ?", (query, n)
        ).fetchall()
    finally:
        db.close()
    wanted = set(terms)
    out = []
    for (i,) in sorted(rows):
        seg = t.segments[i]
        sentences = [x for x in _SENTENCE.split(seg.text) if x.strip()] or [seg.text]
        best = max(sentences, key=lambda x: len(wanted & {w.lower() for w in _WORD.findall(x)}))
        ws = best.split()
        text = " ".join(ws[:EVIDENCE_WORDS]) + ("…" if len(ws) > EVIDENCE_WORDS else "")
        who = f"{seg.speaker}: " if seg.speaker else ""
        out.append(f"- [{stamp(seg.start_s)}] {who}“{text}”")
    return out


def context_for(t: Transcript, question: str, k: int = ANSWER_PASSAGES) -> list[Passage]:
    """The passages given to the model for this question, in transcript order. Without a matching word, the
    opening passages (a question such as "what is this about?" is about the whole)."""
    items = passages(t)
    index = PassageIndex(items)
    try:
        found = index.search(question, k)
    finally:
        index.close()
    return sorted(found or items[:k], key=lambda p: p.first)
