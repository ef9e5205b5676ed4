"""What the model writes is checked before the user sees it, whatever the model.

Small instruct models repeat the prompt's own words ("The task is to write a single line per chapter"), keep
placeholders from it (`[hh:mm:ss]`, `[quoted]`), quote the speaker with the label ("Jens: So, I think ..."), and
loop (the same paragraph two or three times). Each defence here is a plain text rule with a counter:

- `Instructions`: word n-grams of everything Recap tells the model; text that shares enough of them is an echo.
- `title_problem`: why a chapter title is unusable (echo, speaker label, leading filler, placeholder, duplicate).
- `Source`: the transcript's own words; a quotation the model made up (not in the transcript) is dropped, so a
  journalist never finds invented words between quotation marks next to a real time and a real name; so is a web
  address the transcript does not give (SmolLM2's show notes for seed 003 "mentioned" an invented book with two
  amazon.ca links), so a podcaster never pastes a dead or wrong link under an episode.
- `Source.where`: when and by whom a quotation was said, so that a quotation in notes or a summary carries the
  time it was said and the name of who said it where the model gave none, or another.
- `TextGuard`: a streaming filter for notes and summaries. It passes on whole sentences and lines only, once they
  are checked: echoed instructions and placeholders never get through, nor a line of the model's own that names
  nothing the transcript has ("Tue, 25 Jun 2024 at 16:08:10"), breaks at an article or says next to nothing
  ("This is the plan"), a repeated sentence, line or bullet is
  dropped, and a repetition tells the caller to stop the generation (the model is looping), so an answer ends
  instead of running to its cap; so does a model stuck on one token ("iiiiiiii"), whose run is dropped.

Pure Python, no Qt, no llama_cpp.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable, Sequence, Set
from dataclasses import dataclass, field

from ..transcript.model import Segment, Segments
from .chapters import stamp
from .citations import REF, ref_seconds
from .language import FUNCTION_WORDS

_WORDS = re.compile(r"[^\W_]+(?:'[^\W_]+)?", re.UNICODE)


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORDS.findall(REF.sub(" ", text.replace("’", "'")))]


def ngrams(ws: Sequence[str], n: int) -> list[tuple[str, ...]]:
    return [tuple(ws[i : i + n]) for i in range(len(ws) - n + 1)]


class Instructions:
    """Everything Recap says to the model, as word 3- and 4-grams, to recognize it when the model says it back."""

    def __init__(self, texts: Iterable[str]) -> None:
        self.tri: set[tuple[str, ...]] = set()
        self.quad: set[tuple[str, ...]] = set()
        # every word Recap says ("Decisions", "Action items" of a preset's template): not an invented subject
        self.vocab: set[str] = set()
        for t in texts:
            ws = words(t)
            self.vocab.update(ws)
            self.tri.update(ngrams(ws, 3))
            self.quad.update(ngrams(ws, 4))

    def echoes(self, text: str, *, short: bool = False) -> bool:
        """True when `text` repeats the instructions: a sentence sharing two or more 4-grams that make up a
        third of it; a title (short) sharing any 4-gram, or half of its 3-grams."""
        ws = words(text)
        if (
            "task" in ws[:3]
            or ws[:2] == ["transcript", "part"]
            or re.match(r"\W*(title|description):", text, re.I)
        ):
            return True
        quads = ngrams(ws, 4)
        shared = sum(q in self.quad for q in quads)
        if short:
            tris = ngrams(ws, 3)
            n = sum(t in self.tri for t in tris)
            return shared > 0 or n >= 2 or (len(tris) > 0 and 2 * n >= len(tris))
        if len(ws) < 8:  # a fragment ("Start each bullet with."): one shared 3-gram is enough
            return any(t in self.tri for t in ngrams(ws, 3))
        # three 4-word runs of the instructions in one sentence are the instructions, however long the sentence
        # ("I've added a note to highlight ... the most important points and any notable quote or book
        # recommended": SmolLM2, seed 000, 2026-12-04)
        return shared >= 3 or (shared >= 2 and 3 * shared >= len(quads))


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
MAX_TITLE_CHARS = 60  # chapters.MAX_TITLE: the grammar's limit (a title that reaches it was cut off)
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


class Source:
    """The transcript's own words: what a quotation in the model's text must be made of, and who speaks.

    A run of words is looked for in the transcript's own string: the segments whose text has its longest word
    (`Segments.with_text`, lower-cased a stretch at a time), then those segments' words, and enough of their
    neighbours', as `words` makes them. So the checks say what they would over a copy of every word, without the
    copy (the transcript's size again, 0.46 MB for a 10-hour file; sets of every 3- and 4-gram cost ten times
    the transcript), and without a regular expression a run (Python keeps the last 512 it compiled: 0.45 MB
    more for the quotations of a 10-hour run). A lookup takes ~2 ms for a 10-hour transcript on a 2-core
    laptop; quotations are checked once, when their sentence is complete."""

    def __init__(
        self,
        segments: Segments | Iterable[str],
        speakers: Iterable[str] = (),
        known: Iterable[str | None] = (),
        own_language: bool = True,
    ) -> None:
        """`segments`: the transcript's, or texts alone (held as segments at no time); `known`: other texts the
        transcript comes with (its title, its description); `own_language`: the model writes in the transcript's
        language, so that its words can be looked for in the transcript's."""
        if not isinstance(segments, Segments):
            segments = Segments(Segment(0.0, 0.0, None, t) for t in segments if t)
        self._segments = segments
        self.speakers = {s.casefold() for s in speakers if s}
        self._known = {w for t in known if t for w in words(t)} | {w for s in self.speakers for w in words(s)}
        self.own_language = own_language

    def _words_around(self, k: int, reach: int) -> tuple[list[str], int, list[int]]:
        """Segment k's words, with at least `reach` words of the segments before it and after it (or all); the
        first of those segments, and where each one's words begin in the list (one int a segment, not a word:
        the quote check calls this for every gram)."""
        segs = self._segments
        parts = [words(segs.text(k))]
        first, n_before = k, 0
        while n_before < reach and first > 0:
            first -= 1
            parts.insert(0, words(segs.text(first)))
            n_before += len(parts[0])
        i, n_after = k, 0
        while n_after < reach and i + 1 < len(segs):
            i += 1
            parts.append(words(segs.text(i)))
            n_after += len(parts[-1])
        out: list[str] = []
        bounds: list[int] = []
        for p in parts:
            bounds.append(len(out))
            out += p
        return out, first, bounds

    def _has(self, gram: Sequence[str]) -> bool:
        """Whether these words (from `words`) occur in a row in the transcript, across segments too."""
        if not gram:
            return False
        n, run = len(gram), list(gram)
        for k in self._segments.with_text(_key(gram)):
            ws = self._words_around(k, n - 1)[0]
            if any(ws[i : i + n] == run for i in range(len(ws) - n + 1)):
                return True
        return False

    def where(self, quote: str) -> list[tuple[float, float, str | None]]:
        """When and by whom `quote` was said, as (start, end, speaker): the segment in which most of its 4-grams
        (3-grams for a quote of four or five words) begin gives the end and the speaker, and the start is that of
        the first of the segments right before it that have some of them too (where the quotation begins). A
        quotation's opening ("I mean, yeah, I think") is said more than once; its whole is not. Every such place
        when several do equally well (a sentence said twice); none for a quote under four words (too common to
        place) or one whose words are not found. The grams are looked for around the segments that have the
        quote's longest word (or, where the transcript lacks it, its next longest, then its third): one pass over
        the text, not one a gram (quotations of 7-27 words in a 10-hour transcript: 0.5-2.4 ms instead of 9-260
        ms, on the thread the window runs on)."""
        ws = words(quote)
        if len(ws) < 4:
            return []
        n = 3 if len(ws) < 6 else 4
        grams = set(ngrams(ws, n))
        found: dict[int, set[tuple[str, ...]]] = {}  # segment -> the grams that begin in it
        for key in sorted({p for w in ws for p in w.split("'")}, key=len, reverse=True)[:3]:
            for k in self._segments.with_text(key):
                around, first, bounds = self._words_around(k, len(ws))
                for i in range(len(around) - n + 1):
                    gram = tuple(around[i : i + n])
                    if gram in grams:
                        found.setdefault(first + bisect.bisect_right(bounds, i) - 1, set()).add(gram)
            if found:
                break
        top = max((len(g) for g in found.values()), default=0)
        segs = self._segments
        out: list[tuple[float, float, str | None]] = []
        for k in sorted(found):
            if len(found[k]) == top:
                j = k
                while j - 1 in found:  # the quotation begins in the segment(s) before it
                    j -= 1
                place = (segs.starts[j], segs.ends[k], segs.speaker(k))
                if place not in out:
                    out.append(place)
        return out

    def says(self, quote: str) -> bool:
        """True when `quote` is the transcript's words: at least half of its 4-grams (3-grams for a quote of
        four or five words) occur in it, and at least half of its words lie in a run of four that it has. The
        first alone lets common words through ("you can't do" and "can't do that" put "No, you can't do that" in
        someone's mouth); the second alone, a common opening ("we're here to talk about the" and then words
        nobody said). Shorter quotes ("AI", a term) are not judged."""
        ws = words(quote)
        if len(ws) < 4:
            return True
        has = functools.cache(self._has)  # (a quote of six words or more asks for its 4-grams twice)
        grams = ngrams(ws, 3 if len(ws) < 6 else 4)
        if 2 * sum(has(g) for g in grams) < len(grams):
            return False
        covered = [False] * len(ws)
        for i in range(len(ws) - 3):
            if has(tuple(ws[i : i + 4])):
                covered[i : i + 4] = [True] * 4
        return 2 * sum(covered) >= len(ws)

    def gives_address(self, address: str) -> bool:
        """Whether the transcript gives this web address: its words in a row ("recap.dev/docs" said or pasted
        as such), or, for a site's bare name ("https://www.ardour.org/"), the name spoken ("Ardour")."""
        ws = [w for w in words(address) if w not in ("http", "https", "www")]
        if not ws or self._has(ws):
            return True
        host, _, path = re.sub(r"^(?:https?://)?(?:www\.)?", "", address, flags=re.I).partition("/")
        labels = host.lower().split(".")
        return not path.strip("/") and len(labels) >= 2 and self._has(words(labels[-2]))

    def names_anything(self, ws: Sequence[str], also: Set[str] = frozenset()) -> bool:
        """Whether a sentence's words name anything the transcript has: one of its naming words (`_content`)
        begins, in its first five letters, like a word of the transcript, its title or description, a speaker's
        name, or is one of `also`. False for "Tue, 25 Jun 2024 at 16:08:10" and "Srirachele S." (SmolLM2's
        summary of QMSum's TS3010d): a date and a name nobody gave. True when there is nothing to judge (no
        naming word), or when the model writes in another language than the transcript's."""
        content = _content(ws)
        if not content or not self.own_language:
            return True
        return any(w in self._known or w in also or self.begins_a_word(w[:5]) for w in content)

    def begins_a_word(self, start: str) -> bool:
        """Whether a word of the transcript begins with `start` (lower case, one word)."""
        return bool(start) and any(
            w.startswith(start)
            for k in self._segments.with_text(_key([start]))
            for w in words(self._segments.text(k))
        )

    def turn(self, text: str) -> str | None:
        """What follows a speaker's label at the start of `text` ("Jens: ...", "SPEAKER_01: ...", and "[Jo-Anne
        Daniels: ..." as SmolLM2 wrote one in a summary of QMSum's education_22): the transcript's own form for
        what someone said, so it is held to what they said. None when there is no such label."""
        labelled = self.labelled(text)
        return None if labelled is None else labelled[1]

    def labelled(self, text: str) -> tuple[str, str] | None:
        """`turn`'s label and what follows it, or None."""
        m = re.match(
            r"\s*(?:[-*•]\s*|\d+[.)]\s*)?(?:\*\*|\[)?([^:\n\[]{1,40}?)(?:\*\*)?:(?:\*\*)?\s*(.*)$", text, re.S
        )
        if not m:
            return None
        who = m.group(1).strip().casefold()
        if who in self.speakers or re.fullmatch(r"(spk|speaker)[ _]?\d+", who):
            return m.group(1).strip(), m.group(2)
        if _NAME.fullmatch(m.group(1).strip()) and who not in _LEAD_INS and _SPEECH.search(m.group(2)):
            # "Liam: I'm glad you're enjoying the show.": a dialogue line under a name nobody here has, in the
            # first or second person (a summary's own lines are in the third): a turn, held to the transcript
            return m.group(1).strip(), m.group(2)
        return None


def _key(ws: Sequence[str]) -> str:
    """What a segment holding these words (from `words`) has in its lower-cased text: the longest of them, or
    of their parts around an apostrophe (`words` turns the transcript's ’ into ')."""
    return max((p for w in ws for p in w.split("'")), key=len)


# A person's name as a dialogue label: one or two capitalized words ("Liam", "Dr Smith", "Mary-Ann O'Neil").
_NAME = re.compile(r"[A-Z][\w.'-]*(?: [A-Z][\w.'-]*)?")
# Labels that lead in a summary's own lines rather than name someone speaking.
_LEAD_INS = frozenset(
    [
        "note",
        "notes",
        "summary",
        "title",
        "quote",
        "quotes",
        "key",
        "points",
        "takeaway",
        "takeaways",
        "tip",
        "question",
        "answer",
        "episode",
        "part",
        "chapter",
        "topic",
        "topics",
        "mentioned",
        "example",
        "update",
        "action",
        "decision",
        "conclusion",
        "overview",
        "intro",
        "introduction",
    ]
)
# Words of someone speaking for themselves or to the listener.
_SPEECH = re.compile(r"\b(?:I|I'm|I've|I'll|I'd|me|my|we|we're|we've|our|us|you|you're|your)\b", re.I)


def quoted(text: str, inside: bool = False) -> tuple[list[str], bool]:
    """The quoted stretches of `text` (curly or straight quotation marks), and whether a quotation is still open
    at its end. `inside`: one was open when `text` began (a quotation that runs over two sentences)."""
    spans: list[str] = []
    cur: list[str] = []
    for ch in text:
        opens = ch in "“„«" or (ch == '"' and not inside)
        closes = ch in "”»" or (ch == '"' and inside)
        if inside and closes:
            spans.append("".join(cur))
            inside, cur = False, []
        elif opens:
            if inside and cur:
                spans.append("".join(cur))
            inside, cur = True, []
        elif inside:
            cur.append(ch)
    if inside and cur:
        spans.append("".join(cur))
    return spans, inside


_CLOSES = {"“": "”", "„": "“", "«": "»", '"': '"'}
_OPENS_AFTER = " \t([{*_/-–—"  # a straight quote after one of these (or at a line's start) opens a quotation


class QuoteMarks:
    """Quotation marks balanced line by line, as text goes out: a quotation still open at a line's end is closed
    there (the model's line ended inside it, or the rest of the quotation was dropped: SmolLM2's summary of seed
    003 showed `- Stefan: “Welcome back, ladies and gentlemen!`), and a closing mark that closes nothing is left
    out (`You're not going to have a conversation with me?"`, a note on QMSum's Bed002). A straight quote opens
    after a space, a bracket or emphasis, closes after anything else, and is left alone after a digit (12").
    Inside a quotation, spaces wait for what follows them, so that a mark added at the line's end comes right
    after the last word; text with its marks in order goes out unchanged."""

    def __init__(self) -> None:
        self.mark = ""  # the mark that opened the quotation still open on this line
        self.prev = ""  # the last character of this line that went out
        self.spaces = ""  # spaces inside an open quotation, not yet out

    def feed(self, text: str) -> str:
        out = []
        for ch in text:
            if ch == "\n":
                if self.mark:
                    out.append(_CLOSES[self.mark])
                self.mark = self.prev = self.spaces = ""
            elif self.mark and ch in " \t":
                self.spaces += ch
                continue
            elif self.mark:
                if ch == _CLOSES[self.mark] or (self.mark != '"' and ch in "”»"):
                    self.mark = ""
            elif ch in "“„«" or (ch == '"' and (not self.prev or self.prev in _OPENS_AFTER)):
                self.mark = ch
            elif ch == '"' and self.prev.isdigit():
                pass  # inches or seconds (a 12" pizza), not a quotation
            elif ch in '”»"':
                continue  # closes nothing
            if self.spaces:
                out.append(self.spaces)
                self.spaces = ""
            out.append(ch)
            if ch != "\n":
                self.prev = ch
        return "".join(out)

    def end(self) -> str:
        """What closes the last line: its open quotation's mark, or ""."""
        mark, self.mark, self.prev, self.spaces = self.mark, "", "", ""
        return _CLOSES[mark] if mark else ""


@dataclass
class GuardCounts:
    echo: int = 0  # sentences or lines that repeated Recap's instructions, dropped
    placeholders: int = 0  # placeholder brackets removed
    repeats: int = 0  # sentences, lines or bullets that repeated earlier ones, dropped
    loops: int = 0  # generations stopped because the model was repeating itself
    quotes: int = 0  # sentences or bullets dropped for quoting words the transcript does not have
    links: int = 0  # sentences or bullets dropped for a web address the transcript does not give
    garbled: int = 0  # sentences or lines dropped that name nothing the transcript has or are no sentence
    placed: int = 0  # quotations given the time or speaker they were said at or by (missing or another's)
    seen: list[tuple[str, ...]] = field(default_factory=list)

    def add(self, other: GuardCounts) -> None:
        self.echo += other.echo
        self.placeholders += other.placeholders
        self.repeats += other.repeats
        self.loops += other.loops
        self.quotes += other.quotes
        self.links += other.links
        self.garbled += other.garbled
        self.placed += other.placed


_TASK_LABELS = frozenset(["task", "tasks", "instruction", "instructions", "output", "response", "assistant"])
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]*\s+|\n")
# A web address: with its scheme or "www.", or a bare name under a common top-level domain ("ardour.org")
_ADDRESS = re.compile(
    r"(?:https?://|www\.)[^\s<>()\[\]\"”]+"
    r"|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|io|dev|ai|co|app|fm|tv)\b(?:/[^\s<>()\[\]\"”]*)?",
    re.I,
)
# "1. " or "- 2) " at a line's start: a numbered line begins, not a sentence ends
_LIST_NUMBER = re.compile(r"[ \t]*(?:[-*•][ \t]*)?\d{1,3}[.)][ \t]+")
QUOTE_REACH_S = 90.0  # a cited time this long before a quotation is the stamp of a line the model saw it in
_NGRAM_LOOP = 8  # a run of this many words seen three times is a loop, even without a sentence end
# A model stuck on one token writes no word at all: a letter six times or more, or two to four letters five
# times ("[zvqwriiiiiiii…" ended a SmolLM2 summary of seed 003 read in two long windows).
_STUCK = re.compile(r"([^\W\d_])\1{5,}|([^\W\d_]{2,4})\2{4,}")


# The words of Recap's tasks that say nothing of a transcript's subject
# (with "This is the sixth and final part of this task." and "This is a task that requires writing.", SmolLM2's
# summaries of QMSum's Bro022 and Bed002, the ordinals and the writing)
_TASK_WORD_LIST = """
    task tasks bullet bullets point points part parts note notes
    first second third fourth fifth sixth seventh eighth ninth tenth final last next
    require requires required write writes writing written summary summarize
"""
_TASK_WORDS = frozenset(_TASK_WORD_LIST.split())


def about_the_task(ws: Sequence[str], source: Source) -> bool:
    """A sentence about the model's own task, in the task's words that the transcript never uses: "bullet
    points" ("The last bullet points are very important ... I'll give it another bullet point") or "task" ("This
    is the fifth part of this task"). A transcript that speaks of tasks or bullets keeps such sentences, except
    one that says nothing else ("This is a task.", SmolLM2's whole notes on a part of seed 003, which says
    "tasks" once): its only words besides function words are the task's."""
    # (a single letter is a label, not a subject: "M: This is the fifth part of this task.")
    content = [w for w in ws if w not in FUNCTION_WORDS and len(w) > 1]
    if content and all(w in _TASK_WORDS for w in content):
        return True
    return any(
        (w.startswith("bullet") and not source.begins_a_word("bullet"))
        or (w in ("task", "tasks") and not source.begins_a_word("task"))
        for w in ws
    )


_TASK_LEAD_IN = re.compile(
    r"(\s*(?:[-*•]\s+)?)(?:the\s+)?(?:\w+\s+)?bullet\s+points?\s+(?:is|are)\s+(?:about|on)\s+(\w.*)",
    re.I | re.S,
)


def after_task_lead_in(text: str) -> str | None:
    """What a sentence says after a lead-in about the model's bullets ("The second bullet points are about
    improving risk management programs." -> "Improving risk management programs."); None without one."""
    m = _TASK_LEAD_IN.fullmatch(text)
    if not m:
        return None
    rest = m.group(2)
    return m.group(1) + rest[:1].upper() + rest[1:]


class TextGuard:
    """Streaming filter for one model answer (notes or a summary). feed() returns the checked text that may be
    shown now; `stop` turns True when the model started repeating itself (the caller ends the generation);
    flush() returns what is left at the end. Text crosses in whole sentences or lines, so nothing is shown that
    a later check would have to take back. `earlier` carries sentences already shown (of other answers), so a
    summary that repeats itself across answers is caught too."""

    def __init__(
        self,
        instructions: Instructions,
        counts: GuardCounts | None = None,
        max_bullets: int | None = None,
        earlier: list[tuple[str, ...]] | None = None,
        source: Source | None = None,
        timed: bool = False,
    ) -> None:
        """`timed`: the answer cites moments of `source` (notes, a summary), so a quotation is given the time it
        was said where the model's is missing or elsewhere, and by whom (`_placed`)."""
        self.instructions = instructions
        self.source = source
        self.timed = timed and source is not None
        self._bullet_above = False  # the last line shown is a bullet, with no blank line after it
        self._in_quote = False
        self.counts = counts if counts is not None else GuardCounts()
        self.max_bullets = max_bullets
        self.seen: list[tuple[str, ...]] = earlier if earlier is not None else []
        self._buf = ""
        self._held = ""  # a sentence checked only once the next text shows whether its line ends there
        self._grams: dict[tuple[str, ...], int] = {}
        self._bullets = 0
        self._pending_heading = ""  # a heading is shown only once something follows it
        self._at_line_start = True
        self._emitted = False
        self._trailing_newlines = 0
        self._marks = QuoteMarks()
        self.sentences = (
            0  # sentences and lines checked so far (shown or not): the boundaries an answer may end at
        )
        self.stop = False

    def feed(self, text: str) -> str:
        if self.stop:
            return ""
        self._buf += text
        out = []
        while not self.stop:
            end = self._sentence_end()
            if end is None:
                break
            piece, self._buf = self._held + self._buf[:end], self._buf[end:]
            self._held = ""
            if self._line_end_decides(piece):
                self._held = piece
                continue
            out.append(self._check(piece))
            self.sentences += 1
        if not self.stop and (self._run_loops(self._buf) or self._stuck(self._buf)):
            self._buf = ""
        return "".join(out)

    def _sentence_end(self) -> int | None:
        """Where the first whole sentence or line in the buffer ends; None while there is none. A sentence end
        inside brackets does not count ("Marketing: [Sr. Marketing]" is one piece, so the placeholder check sees
        the whole bracket), unless the bracket has run on for 160 characters: then it holds no placeholder."""
        pos = 0
        while (m := _SENTENCE_END.search(self._buf, pos)) is not None:
            head = self._buf[: m.end()]
            pos = m.end()
            line = head.rfind("\n") + 1
            if m.group() != "\n" and (line or self._at_line_start) and _LIST_NUMBER.fullmatch(head[line:]):
                continue  # "1. " begins a numbered line: not a sentence of its own
            opened = head.rfind("[")
            if m.group() == "\n" or opened <= head.rfind("]") or m.end() - opened > 160:
                return m.end()
        return None

    def _label_above(self) -> str | None:
        """The lead-in kept back on the line above when it is a lone label ("David:"), else None."""
        last = self._pending_heading.rstrip("\n").rpartition("\n")[2]
        return last if re.fullmatch(r"[^:#\n]{1,40}:", last) else None

    def _forget_label_above(self) -> None:
        """The lone label kept back on the line above goes with the line under it, which was dropped."""
        kept = self._pending_heading.rstrip("\n").rpartition("\n")[0]
        self._pending_heading = kept + "\n" if kept else ""

    def _line_end_decides(self, piece: str) -> bool:
        """A speaker's label and a filler ("- [00:15:20] Stefan: Yes. ") with no line end yet: dropped if the
        line ends there, kept if more follows, so it waits for the next text (tokens bring "Yes.", " " and "\n"
        one at a time)."""
        if self.source is None or not self._at_line_start or "\n" in piece:
            return False
        said = self.source.turn(REF.sub("", piece.strip()))
        return said is not None and _nothing_said(said, True)

    def flush(self) -> str:
        piece, self._buf, self._held = self._held + self._buf, "", ""
        out = self._check(piece, final=True) if piece.strip() and not self.stop else ""
        return out + self._marks.end()  # the last line, also when the answer was stopped inside a quotation

    def _run_loops(self, text: str) -> bool:
        """A long run-on sentence that loops never reaches a sentence end: count its 8-grams as they come."""
        ws = words(text)
        if len(ws) < _NGRAM_LOOP * 3:
            return False
        counts: dict[tuple[str, ...], int] = {}
        for g in ngrams(ws, _NGRAM_LOOP):
            counts[g] = counts.get(g, 0) + 1
            if counts[g] >= 3:
                self.counts.loops += 1
                self.counts.repeats += 1
                self.stop = True
                return True
        return False

    def _stuck(self, text: str) -> bool:
        """The model is stuck on one token ("iiiiiii"): it stops, and the text since the last sentence or line
        end goes with it. A word the transcript itself has ("hahahaha" said aloud) is left to the other checks."""
        if not _STUCK.search(text):
            return False
        for word in re.findall(r"[^\W\d_]+", text):
            if _STUCK.search(word) and not (
                self.source is not None and self.source.begins_a_word(word.lower())
            ):
                self.counts.loops += 1
                self.stop = True
                return True
        return False

    def _check(self, piece: str, final: bool = False) -> str:
        m = re.match(r"^(.*?)(\s*)$", piece, re.S)
        assert m is not None
        body, tail = m.group(1), m.group(2)
        newline = "\n" in tail
        at_line_start = self._at_line_start
        self._at_line_start = newline or (at_line_start and not body)
        if not body:
            if "\n" in tail and at_line_start:
                self._bullet_above = False  # a blank line
            return "" if self._pending_heading else self._emit(tail)
        head = re.match(r"^\s*(#{1,6}\s|[-*•]\s|\d+[.)]\s)", body) if at_line_start else None
        body, n = strip_placeholders(body)
        self.counts.placeholders += n
        if head:  # "- [hh:mm:ss] - text" without its placeholder: one bullet, not a bullet in a bullet
            body = re.sub(r"^(\s*(?:[-*•]|\d+[.)]))[ \t]+[-*•](?=[ \t])", r"\1", body)
        body = re.sub(r"^(\s*[-*•])[ \t]{2,}", r"\1 ", body)  # a removed invented time leaves two spaces
        ws = words(body)
        gap = "\n" if newline else ""
        drop = "" if at_line_start else gap  # what a dropped piece leaves: a whole line leaves no blank line
        spans, self._in_quote = quoted(body, self._in_quote)
        said = self.source.turn(REF.sub("", body)) if self.source is not None else None  # after a label
        label = self._label_above() if said is None and at_line_start else None
        if label is not None and self.source is not None:  # "David:" on a line, then "Yeah, so we ..."
            said = self.source.turn(f"{label} {REF.sub('', body)}")
        turn = said if at_line_start else None
        if turn:  # "Jens: words", as in the transcript: Jens saying them, to the end of the line
            spans, self._in_quote = quoted(turn, inside=not turn.lstrip().startswith(('"', "“", "„", "«")))
        if newline:
            self._in_quote = False  # a quotation does not run over a line end
        if head and head.group(1).startswith("#"):
            # A heading is kept back until something follows it, and dropped if it repeats an earlier one or
            # Recap's instructions ("### Task: write show notes for this episode in Markdown: ...").
            key = tuple(ws)
            if key in self.seen:
                self.counts.repeats += 1
                return ""
            if self.instructions.echoes(body):
                self.counts.echo += 1
                return ""
            self.seen.append(key)
            # kept back before it is dropped; "### Quotes:" (SmolLM2, seed 003) shown as "### Quotes"
            self._pending_heading = body.rstrip().rstrip(":").rstrip() + "\n"
            return ""
        if self._stuck(body):
            return self._emit(drop)
        if not ws or _junk(body, ws) or (said is not None and _nothing_said(said, newline or final)):
            # a bare speaker label, or one with only a filler on its line
            return self._emit(drop)
        if at_line_start and newline and not head and re.fullmatch(r"[^:\n]{1,40}:", body.strip()):
            # A lead-in ("Episode 20:", "Key points:") is kept back like a heading: shown only if a line follows
            # that is not a heading. One that labels the model's own task ("Task:", "Response:", and "The task:"
            # over SmolLM2's summary of QMSum's Bed002) never is.
            if {w for w in ws if w not in FUNCTION_WORDS} <= _TASK_LABELS or self.instructions.echoes(body):
                # (and one in Recap's own words: "Key moments, in the speakers' own words:")
                self.counts.echo += 1
                return ""
            if self._label_above() is not None:
                # "Episode 20:" then "The Good Thing:" (SmolLM2's summary of seed 003): the nearer one leads in
                # what follows; both would read as one line, "Episode 20: The Good Thing:"
                self._forget_label_above()
            self._pending_heading = (self._pending_heading or "") + body.strip() + "\n"
            return ""
        if self.source is not None and about_the_task(ws, self.source):
            kept = after_task_lead_in(body)  # "The first bullet point is about X" says X
            if kept is None or about_the_task(words(kept), self.source):
                self.counts.echo += 1
                return self._emit(drop)
            body, ws = kept, words(kept)
        if self.instructions.echoes(body):
            self.counts.echo += 1
            return self._emit(drop)
        if self.source is not None and not all(self.source.says(q) for q in spans):
            self.counts.quotes += 1  # words put in someone's mouth: never shown as a quotation
            if label is not None and turn:  # the label above goes with them
                self._forget_label_above()
            return self._emit(drop)
        if self.source is not None and not all(
            self.source.gives_address(a.rstrip(".,;:!?'’")) for a in _ADDRESS.findall(body)
        ):
            # a link nobody gave: a made-up page, or a real page the episode never named
            self.counts.links += 1
            return self._emit(drop)
        whole_line = at_line_start and (newline or final)
        if self.source is not None and (
            _garbled(body, ws, spans, whole_line, self.source, self.instructions)
            if turn is None
            else whole_line and _thin(words(turn))
        ):
            # (a speaker's line that says next to nothing, "Project Manager: It's a business.", as notes on
            # QMSum's TS3010d, is held to the rule for a line of the model's own)
            self.counts.garbled += 1
            return self._emit(drop)
        if self.timed and at_line_start and spans:
            # (before the repeat checks: a quotation given its speaker's name may now repeat a line above)
            placed = self._placed(body, spans[0])
            if placed != body:
                body, ws = placed, words(placed)
        key = tuple(ws)
        if len(ws) >= 3 and any(similar(key, s) for s in self.seen):
            self.counts.repeats += 1
            self.counts.loops += 1
            self.stop = True  # the model is saying again what it said: it is looping
            return self._emit(drop)
        for g in ngrams(ws, _NGRAM_LOOP):
            self._grams[g] = self._grams.get(g, 0) + 1
            if self._grams[g] >= 3:
                self.counts.repeats += 1
                self.counts.loops += 1
                self.stop = True
                return self._emit(drop)
        if len(ws) >= 3:
            self.seen.append(key)
        if head:
            self._bullets += 1
            if self.max_bullets is not None and self._bullets > self.max_bullets:
                self.stop = True  # the answer is complete: the task asked for at most this many bullets
                return self._emit(drop)
        if at_line_start:  # (a heading went back above: `head` is a bullet or a number here)
            bullet = head is not None
            if not bullet and self._bullet_above and REF.match(body.lstrip()):
                # "[00:03:03] Jens: ..." under a bullet: a bullet too (Markdown would run it into the one above)
                body, bullet = "- " + body.lstrip(), True
            self._bullet_above = bullet
        if tail.count("\n") >= 2:
            self._bullet_above = False
        out = ""
        if self._pending_heading:
            out = self._emit("\n\n" if self._emitted else "") + self._emit(self._pending_heading)
            self._pending_heading = ""
        return out + self._emit(body + (tail if not final else ""))

    def _placed(self, body: str, quote: str) -> str:
        """A line that quotes the transcript (or gives a speaker's turn) with the time and speaker of the
        quotation (`Source.where`). The time is added after its bullet when the line cites none (SmolLM2 wrote
        `[17:58:34] Jens: “...”` in a summary of a 32-minute episode, and the invented time was removed), and put
        in place of a cited time that is not shortly before the words were said (a stamp up to `QUOTE_REACH_S`
        before them is that of a line the model saw them in). A speaker's label naming someone who did not say
        them gives way to the one who did ("Stefan: ... what David said", which Jens said, in SmolLM2's notes on
        seed 003). A line citing several times is left as it is."""
        assert self.source is not None
        places = self.source.where(quote)
        refs = list(REF.finditer(body))
        if not places or len(refs) > 1:
            return body
        out = body
        labelled = self.source.labelled(REF.sub("", body))
        said_by = {who for _, _, who in places}
        if labelled is not None and len(said_by) == 1 and None not in said_by:
            label, who = labelled[0], next(iter(said_by))
            if (
                who is not None
                and label.casefold() in self.source.speakers
                and label.casefold() != who.casefold()
            ):
                out = re.sub(rf"(?<!\w){re.escape(label)}(?=(?:\*\*)?:)", lambda _m: who, out, count=1)
        start = places[0][0]
        if refs:
            cited = ref_seconds(refs[0].group(1))
            if not any(a - QUOTE_REACH_S <= cited <= b for a, b, _ in places):
                out = REF.sub(f"[{stamp(start)}]", out, count=1)
        else:
            lead = re.match(r"\s*((?:[-*•]|\d+[.)])[ \t]+)?", out)
            assert lead is not None
            out = f"{lead.group(1) or ''}[{stamp(start)}] {out[lead.end() :].lstrip()}"
        self.counts.placed += out != body
        return out

    def _emit(self, text: str) -> str:
        """Text as it goes out, without more than one blank line in a row or blank lines at the start."""
        if not text:
            return ""
        if not text.strip():
            text = "\n" * min(text.count("\n"), 2 - min(2, self._trailing_newlines)) if "\n" in text else text
            if not self._emitted:
                return ""
        if not text:
            return ""
        self._emitted = True
        stripped = text.rstrip("\n")
        if stripped:
            self._trailing_newlines = len(text) - len(stripped)
        else:
            self._trailing_newlines += len(text)
        return self._marks.feed(text)  # quotation marks balanced line by line


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
    notes on a part of QMSum's Bed002, one a line)."""
    if not source.names_anything(ws, instructions.vocab):
        return True
    if not spans and _BROKEN.search(body):
        return True
    return whole_line and not spans and _thin(ws)


def _thin(ws: Sequence[str]) -> bool:
    """Three words or more, one content word at most: "This is the plan", "So we have a product"."""
    return len(ws) >= 3 and len(_content(ws)) <= 1


def _nothing_said(turn: str, line_ends: bool) -> bool:
    """What follows a speaker's label says nothing: no words ("Jens:"), or only a filler to the end of the line
    ("Stefan: Yes.", a note SmolLM2 wrote on a part of seed 003; one that goes on after it keeps its stamp)."""
    ws = words(turn)
    return not ws or (line_ends and len(ws) <= 3 and all(w in FILLERS for w in ws))


def _junk(body: str, ws: Sequence[str]) -> bool:
    """A line with nothing to read: only fillers ("Mm-hmm."), a dangling speaker colon, no word of three letters."""
    if all(w in FILLERS or w.replace("-", "") in FILLERS for w in ws) and len(ws) <= 3:
        return True
    if re.match(r"^\s*(?:[-*•]\s*)?:", body):
        return True
    if GENERIC.match(" ".join(ws)):
        return True  # "SECTION 1", "Summary": a template's scaffolding, not content
    return not any(len(w) >= 3 and w.isalpha() for w in ws)


def clean_text(
    text: str, instructions: Instructions, counts: GuardCounts | None = None, source: Source | None = None
) -> str:
    """The same checks on a finished text (notes read back from the store, text written without streaming)."""
    g = TextGuard(instructions, counts, source=source)
    out = g.feed(text) + g.flush()
    return out.strip()
