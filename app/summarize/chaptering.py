"""Chapters: where they start, and their titles.

Where: by default from the transcript's own topic shifts (topics.py), which do not depend on the model's skill;
measured on QMSum's human topic segments and on concatenated transcripts (tests/bench/quality.py), a 135M model
placing boundaries itself did worse than evenly spaced chapters. The older way, the model proposing `[hh:mm:ss]
Title` lines under a grammar of the window's real starts, stays as `Options.chapters = "model"` for comparison.

Titles: the model is asked per chapter, in one short request, about the chapter's words that stand out against
the whole transcript (its keywords) and its few sentences that say most of them (~40 words). Until 2026-12-05 it
was asked about the chapter's first 150 words: on all 35 QMSum validation meetings (364 chapters, title-only runs
with SmolLM2, tests/bench/titles.py) the keywords and sentences scored title ROUGE-1 13.45 against 13.47 (paired
difference -0.02 +- 0.75 over meetings) for 49 % of the prompt tokens (58,504 against 119,742), and a chapter's
first words are often its greetings or the end of the topic before (seed 003's first 150 words are a welcome). Every title goes
through defences.title_problem, and (when the titles are written in the transcript's language) must be made of the
transcript's words: a title whose distinctive words nobody said is invented (SmolLM2 titled a part of a meeting on
a navigation system "The topic of how to make a pizza" and another "The ethics of AI"). An unusable one is asked
again once, more simply, and if that fails too the title is made from the chapter's keywords. Nothing is dropped
silently: every replacement is counted.
"""

from __future__ import annotations

import heapq
import re
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from ..transcript import Segment
from . import prompts
from .chapters import MAX_TITLE, clean_title
from .defences import Instructions, keyword_title, title_problem
from .language import FUNCTION_WORDS
from .topics import chapter_count, cohesion_shifts, keywords, pick_shifts, title_stems

Ask = Callable[[list[dict[str, str]], int, str | None], Awaitable[str]]

PASSAGE_WORDS = 40  # of a chapter's sentences that carry its keywords, for its title
TITLE_KEYWORDS = 5  # the words that stand out in a chapter, given with its sentences
_SENTENCE = re.compile(r"[^.!?]+[.!?]*")
TITLE_TOKENS = 64  # the grammar ends a title within 61 characters: the cap is never what ends it

# One line of title: no brackets (placeholders), quotes or Markdown at the start, no line breaks.
TITLE_GRAMMAR = (
    'root ::= first rest "\\n"\n'
    "first ::= [^\\x00-\\x20\\x7F\\[\\]{}<>\"'*#_`-]\n"
    f"rest ::= [^\\x00-\\x1F\\x7F\\[\\]{{}}<>*#_`]{{2,{MAX_TITLE - 1}}}\n"
)


_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
_ENDING = re.compile(r"(?:ations?|ings?|ies|ied|ed|es|s|ly)$")


def roots(text: str) -> list[str]:
    """Words as the grounding check looks for them, as the beginning of a word of the transcript: without a
    common ending and a final e ("storing" finds "store", "limitations" "limited", "intentions" "intention");
    function words are left out."""
    out = []
    for w in _WORD.findall(text.lower()):
        if w in FUNCTION_WORDS:  # never distinctive, however rare in a transcript
            continue
        r = _ENDING.sub("", w)
        w = r if len(r) >= 3 else w
        out.append(w.rstrip("e") if len(w) > 3 else w)
    return out


@dataclass
class TitleCounts:
    echo: int = 0
    speaker: int = 0
    filler: int = 0
    placeholder: int = 0
    duplicate: int = 0
    empty: int = 0
    invented: int = 0  # its distinctive words are not the transcript's
    retried: int = 0
    salvaged: int = 0  # an unusable answer whose subject could be used ("This is a joke about X" -> "X")
    from_keywords: int = 0
    reasons: list[str] = field(default_factory=list)

    def problems(self) -> int:
        return (
            self.echo
            + self.speaker
            + self.filler
            + self.placeholder
            + self.duplicate
            + self.empty
            + self.invented
        )


def plan_starts(
    units: Sequence[Segment], duration_s: float, minutes_per_chapter: float, min_gap_s: float
) -> list[int]:
    """Unit indices where chapters begin: 0, then the deepest topic shifts."""
    count = chapter_count(duration_s, minutes_per_chapter, min_gap_s)
    picked = pick_shifts(cohesion_shifts(units), count - 1, min_gap_s, duration_s)
    return [0] + [s.unit for s in picked]


class Titler:
    """Titles for the chapters of one transcript, each from its own words."""

    def __init__(
        self,
        units: Sequence[Segment],
        starts: Sequence[int],
        instructions: Instructions,
        system: str,
        speakers: Sequence[str],
        use_grammar: bool = True,
        said: Callable[[str], bool] | None = None,
    ) -> None:
        """`said`: whether a word of the transcript begins so (`Source.begins_a_word`), when the titles are asked
        in the transcript's own language and so can be held to its words (None: they are not)."""
        self.units = units
        self.starts = list(starts)
        self.instructions = instructions
        self.system = system
        self.speakers = list(speakers)
        self.grammar = TITLE_GRAMMAR if use_grammar else None
        self.counts = TitleCounts()
        self.titles: list[str] = []  # shown so far, in order
        self._df: Counter[str] = Counter()
        for u in units:
            self._df.update(set(title_stems(u.text)))
        self.said = said

    def invented(self, title: str) -> bool:
        """Whether a title is not made of the transcript's words: two or more of its words (`roots`: function
        words aside), or every one, occur nowhere in it ("The topic of how to make a pizza", "The ethics of AI").
        One unknown word among known ones is let through ("Recruiting subjects for the experiment")."""
        if self.said is None:
            return False
        distinctive = roots(title)
        foreign = sum(not self.said(w) for w in distinctive)
        return foreign >= 2 or (foreign >= 1 and foreign == len(distinctive))

    def span(self, k: int) -> tuple[int, int]:
        """Unit range of chapter k."""
        stop = self.starts[k + 1] if k + 1 < len(self.starts) else len(self.units)
        return self.starts[k], stop

    def texts(self, first: int, stop: int) -> Iterator[str]:
        """The texts of units first..stop, one made at a time: a chapter may be most of a long transcript (a
        10-hour file the model found no parts in is one chapter): a list of its units and their texts was 1.4 MB
        at the peak of a 10-hour run, and the list of its sentences 0.9 MB more (tracemalloc, 2026-12-05)."""
        return (self.units[i].text for i in range(first, stop))

    def keywords(self, k: int) -> list[str]:
        """The words that stand out in chapter k against the whole transcript."""
        return keywords(self.texts(*self.span(k)), self._df, len(self.units), TITLE_KEYWORDS)

    def passage(self, k: int, kws: Sequence[str], words: int = PASSAGE_WORDS) -> list[str]:
        """Chapter k's sentences that say most of its keywords `kws`, about `words` words of them, in order (the
        chapter's first words when it has no sentence of four words or more). A sentence is scored by how many
        keywords it has, a long one slightly less (hits / length^0.3), and is cut at 1.5 x `words` (a transcript
        without punctuation is a run of long "sentences")."""
        first, stop = self.span(k)
        low_kws = [w.lower() for w in kws]

        def sentences() -> Iterator[str]:
            for text in self.texts(first, stop):
                for m in _SENTENCE.finditer(text):
                    if len(ws := m.group().split()) >= 4:
                        yield " ".join(ws[: int(words * 1.5)])

        def score(s: str) -> float:
            low = s.lower()
            return sum(w in low for w in low_kws) / len(s.split()) ** 0.3

        # Best first (ties: the earlier first), a sentence said twice taken once, until ~70 % of `words` are
        # taken; one that would overflow them is passed over. Only the best `keep` are held, not every sentence
        # of the chapter: when they run out before the words are taken, the chapter is read again for more.
        keep = 64
        while True:
            # (score, -index, sentence): the heap's first is the worst held
            best: list[tuple[float, int, str]] = []
            count = 0
            for i, s in enumerate(sentences()):
                count += 1
                item = (score(s), -i, s)
                if len(best) < keep:
                    heapq.heappush(best, item)
                elif item > best[0]:
                    heapq.heapreplace(best, item)
            if not count:
                return self.excerpt(k, words)
            seen: set[str] = set()
            picked: list[tuple[int, str]] = []
            n = 0
            for _score, neg, s in sorted(best, reverse=True):
                if s in seen:
                    continue
                seen.add(s)
                m = len(s.split())
                if n and n + m > words:
                    continue
                picked.append((-neg, s))
                n += m
                if n >= 0.7 * words:
                    break
            else:
                if count > keep:
                    keep *= 4
                    continue
            return [s for _i, s in sorted(picked)]

    def excerpt(self, k: int, words: int) -> list[str]:
        """Chapter k's first `words` words."""
        first, stop = self.span(k)
        out: list[str] = []
        n = 0
        for text in self.texts(first, stop):
            ws = text.split()
            take = ws[: max(0, words - n)]
            if not take:
                break
            out.append(" ".join(take))
            n += len(take)
        return out

    def keyword_title(self, k: int) -> str:
        return self.keyword_title_of(*self.span(k))

    def keyword_title_of(self, first: int, stop: int) -> str:
        kws = keywords(self.texts(first, stop), self._df, len(self.units))
        return keyword_title(joined_pairs(kws, lambda: self.texts(first, stop)))

    def check(self, title: str, before: Sequence[str] | None = None) -> tuple[str, str | None]:
        """The answer as a title, and its problem (None: it can be shown) after the titles `before` (by default
        those shown so far)."""
        t = clean_title(_unwrap(title))
        problem = title_problem(
            t, self.instructions, self.titles if before is None else before, self.speakers
        )
        if problem is None and self.invented(t):
            problem = "invented"
        return t, problem

    def first_request(self, k: int) -> list[dict[str, str]]:
        """The request for chapter k's title."""
        return self._request(k, simple=False)

    def retry_request(self, k: int) -> list[dict[str, str]]:
        """The simpler request, asked when the first answer cannot be used (its text is the same)."""
        return self._request(k, simple=True)

    def _request(self, k: int, simple: bool) -> list[dict[str, str]]:
        kws = self.keywords(k)
        return prompts.excerpt_messages([" ".join(self.passage(k, kws))], self.system, simple, kws)

    def retried_whatever_came_before(self, raw: str) -> bool:
        """Whether an answer to `first_request` is unusable even with no title before it: then the retry is
        certain, and can be asked before the earlier chapters are titled (windows read concurrently). Pure: the
        only check that depends on the titles before is the duplicate one, and more titles only add problems."""
        return all(self.check(answer, ())[1] is not None for answer in (raw, salvage(raw)))

    async def title(self, k: int, ask: Ask) -> str:
        """The title of chapter k, never one that fails the checks."""
        raw = await ask(self.first_request(k), TITLE_TOKENS, self.grammar)
        t, problem = self._usable(raw)
        if problem is not None:
            self.counts.retried += 1
            raw = await ask(self.retry_request(k), TITLE_TOKENS, self.grammar)
            t, problem = self._usable(raw)
            if problem is not None:
                t = self.keyword_title(k)
                self.counts.from_keywords += 1
                if not t or title_problem(t, self.instructions, self.titles, self.speakers) == "duplicate":
                    t = f"Part {len(self.titles) + 1}" + (f": {t}" if t else "")
        self.titles.append(t)
        return t

    def _usable(self, raw: str) -> tuple[str, str | None]:
        """The model's answer as a title, or the subject of its sentence when the answer itself is unusable (the
        answer's problem is counted either way); the problem when neither can be shown."""
        t, problem = self.check(raw)
        if problem is None:
            return t, None
        self.count(problem)
        t, again = self.check(salvage(raw))
        if again is None:
            self.counts.salvaged += 1
        return t, again

    def proposed(self, title: str, first: int, stop: int) -> str | None:
        """A title the model proposed with its own chapter start (chapters="model"), for the units first..stop:
        kept when it passes the checks, else replaced by that stretch's keywords (counted); None for the topic
        of an earlier chapter continuing (no new chapter)."""
        t, problem = self.check(title)
        if problem == "duplicate":
            return None
        if problem is not None:
            self.count(problem)
            t = self.keyword_title_of(first, stop) or f"Part {len(self.titles) + 1}"  # never the refused one
            self.counts.from_keywords += 1
        self.titles.append(t)
        return t

    def accept(self, title: str) -> None:
        """A title decided earlier (a resumed window) joins the list the duplicate check compares against."""
        self.titles.append(title)

    def count(self, problem: str) -> None:
        setattr(self.counts, problem, getattr(self.counts, problem) + 1)
        self.counts.reasons.append(problem)


def joined_pairs(ks: Sequence[str], texts: Callable[[], Iterable[str]]) -> list[str]:
    """Keywords that stand side by side in the text ("remote" "control") become one ("remote control"). `texts`
    gives the texts afresh each time it is called: they are read once a pair looked for, never joined."""
    out: list[str] = []
    for k in ks:
        if out:
            pair = f"{out[-1]} {k}"
            found = _occurrences(texts(), pair)
            if not found:
                pair = f"{k} {out[-1]}"
                found = _occurrences(texts(), pair)
            if found >= 2:
                out[-1] = pair
                continue
        out.append(k)
    return out


def _occurrences(texts: Iterable[str], phrase: str) -> int:
    """How often `phrase` occurs in the texts joined by spaces, lower-cased, counted a text at a time: each text
    is searched with the end of the one before it, too short to hold a whole occurrence, so one across the join is
    found once and none twice."""
    carry: str | None = None  # the joined text's last len(phrase) - 1 characters; None before the first text
    n = 0
    for t in texts:
        s = t.lower() if carry is None else f"{carry} {t.lower()}"
        n += s.count(phrase)
        carry = s[max(0, len(s) - len(phrase) + 1) :]
    return n


# "This is a joke about go versus rust.", "We're going to be talking about AI threads. I don't": a small model
# describes the part in a sentence instead of titling it; the subject of that sentence is a title.
_ABOUT = re.compile(
    r"^\W*(?:this|it|that|here)\s*(?:is|was|'s)\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,3}?(?:about|on)\s+(.+)$"
    r"|\b(?:talk(?:ing)?|discuss(?:ing)?|learn(?:ing)?|speak(?:ing)?)\s+about\s+(.+)$",
    re.I,
)


def salvage(raw: str) -> str:
    """The subject of a describing sentence ("This is a question about the cost of hiring developers. The" ->
    "The cost of hiring developers"), or "" when there is none or it was cut off at the title's length limit."""
    line = raw.strip().splitlines()[0] if raw.strip() else ""
    m = _ABOUT.search(line)
    if not m:
        return ""
    subject = m.group(1) or m.group(2)
    end = re.search(r"[.!?;:,(]|\s[-–—]\s", subject)
    if end is None and len(line) >= MAX_TITLE - 3:
        return ""  # the sentence ran to the grammar's limit: its subject may be cut short
    subject = subject[: end.start()] if end else subject
    subject = subject.strip(" \"'“”")
    if not 2 <= len(subject.split()) <= 8:
        return ""
    return subject[:1].upper() + subject[1:]


# A lead-in that names the task before the title: "Title:", "Key words:", and SmolLM2's "The 2 to 6 word title is:"
# and "The 2 to the 6th word:" (QMSum, 2026-12-05), which the echo check does not know word for word
_TASK_LEAD = re.compile(
    r"^[^:]{0,40}?\b(?:titles?|words?|\d+(?:th)?\s*(?:to|-)\s*(?:the\s+)?\d+)\b[^:]{0,20}:\s*", re.I
)


def _unwrap(text: str) -> str:
    """What small models put around a title: a "Title:" label, quotes, Markdown emphasis, a trailing period."""
    t = text.strip().splitlines()[0] if text.strip() else ""
    t = re.sub(r"^\W*\d{1,2}(?::\d{2}){1,2}\W*", "", t)  # a time in front: the title is what follows
    lead = _TASK_LEAD.match(t)  # "Title:", "The 2 to 6 word title is: X", "Key words: X"
    if lead:
        t = t[lead.end() :]
    t = t.strip().strip("*_\"'“”`").strip()
    if t.endswith(".") and not t.endswith(".."):
        t = t[:-1]
    return t
