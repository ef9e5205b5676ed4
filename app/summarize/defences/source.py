"""The transcript's own words and speakers, which the model's quotations and turns are held to."""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable, Sequence, Set

from ...transcript.model import Segment, Segments
from .text import ABBREVIATED, _content, ngrams, words


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
        self._titled = {w for t in known if t for w in words(t)}  # the transcript's title and description
        self._known = self._titled | {w for s in self.speakers for w in words(s)}
        self.own_language = own_language
        # (what `mostly_unknown` needs: a vocabulary)
        self._long = sum(len(t) for t in segments.texts()) >= MIN_VOCABULARY_CHARS
        self._stems: dict[str, bool] = {}  # `_says_stem`'s answers

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

    def frame_word(self, ws: Sequence[str]) -> str | None:
        """A word among `ws` that calls the recording a kind of thing the transcript never calls it ("episode",
        "podcast", "listeners" in a meeting's notes), or None. None in another language than the transcript's."""
        if not self.own_language:
            return None
        for w in ws:
            # (the whole stem: a meeting says "listen", never "listeners")
            if any(w.startswith(stem) and not self._says_stem(stem) for stem in _FRAME):
                return w
        return None

    def _says_stem(self, stem: str) -> bool:
        """`begins_a_word(stem)`, looked up once a run for each of the few stems asked (a stem the transcript
        lacks is a scan of its whole text: 1-2 ms for 10 hours, for every sentence that has it)."""
        if stem not in self._stems:
            self._stems[stem] = self.begins_a_word(stem)
        return self._stems[stem]

    def unknown_name(self, text: str, also: Set[str] = frozenset()) -> str | None:
        """The first capitalized word inside a sentence of `text` (not the sentence's or a clause's first word,
        not an acronym) that the transcript, its title and description, its speakers and `also` never have in
        its first five letters: a person, a place or a date nobody named ("Shapiro", "Joubert", "January"), or
        None. None in another language than the transcript's."""
        if not self.own_language:
            return None
        for m in _CAPITALIZED.finditer(text):
            before = text[: m.start()]
            if _CLAUSE_START.search(before) and not ABBREVIATED.search(before.rstrip()):
                continue
            w = words(m.group())
            if not w:
                continue
            stem = w[0].split("'")[0]
            if stem in self._known or stem in also or self.begins_a_word(stem[:5]):
                continue
            return m.group()
        return None

    def mostly_unknown(self, ws: Sequence[str], also: Set[str] = frozenset()) -> bool:
        """Whether a sentence of six naming words or more (`_content`) has half of them that begin, in their
        first five letters, like no word of the transcript, its title, description or speakers, nor are in
        `also`: a subject the model brought in ("... a wide range of applications, including medical diagnostics,
        autonomous vehicles, and health monitoring", SmolLM2's notes on QMSum's Bro011, a meeting on speech
        recognition). On the 35 QMSum meetings' and both seeds' notes and summaries (2026-12-06), every such
        sentence was made up; the seeds' own ran to 30 % at most. False in another language, and for a
        transcript shorter than `MIN_VOCABULARY_CHARS`: a few minutes of talk lack the common words a summary
        uses ("argues", "matters")."""
        content = list(dict.fromkeys(_content(ws)))
        if len(content) < 6 or not self.own_language or not self._long:
            return False
        unknown = [
            w for w in content if w not in self._known and w not in also and not self.begins_a_word(w[:5])
        ]
        return 2 * len(unknown) >= len(content)

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

    def title_label(self, text: str) -> str | None:
        """`text` without a label at its start that is the transcript's title, not a speaker ("- [00:21:41]
        TS3010b: The new version ...", SmolLM2's notes on QMSum's TS3010b, labelled each line with the meeting's
        name); None when it has no such label."""
        m = _LABEL.match(text)
        if not m or m.group(2).strip().casefold() in self.speakers:
            return None
        ws = words(m.group(2))
        return m.group(1) + text[m.end() :] if ws and set(ws) <= self._titled else None

    def other_recording(self, text: str) -> str | None:
        """A label at the start of `text` that is a recording's code ("ES2009B", "ES2010A": letters and three
        digits or more) which is neither the transcript's title nor a word of it, nor a speaker: the line is
        given as from another recording ("- [00:03:08] ES2009B: How to make a business out of your personal
        brand.", SmolLM2's notes on QMSum's ES2009a, with the next meeting's name). That label, or None."""
        m = _LABEL.match(text)
        if not m or not _CODE.fullmatch(code := m.group(2).strip()):
            return None
        if code.casefold() in self.speakers or code.casefold() in self._titled:
            return None
        return None if self.begins_a_word(code.casefold()) else code

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


MIN_VOCABULARY_CHARS = 12_000  # ~2,000 words, ~13 minutes of talk

# A person's name as a dialogue label: one or two capitalized words ("Liam", "Dr Smith", "Mary-Ann O'Neil"), no
# digits ("TS3010b" is a meeting's name).
_NAME = re.compile(r"[A-Z](?:[^\W\d_]|[.'’-])*(?: [A-Z](?:[^\W\d_]|[.'’-])*)?")
# A label at a line's start, after its bullet and time: what stays (group 1) and the label (group 2).
_LABEL = re.compile(
    r"(\s*(?:[-*•]\s+|\d+[.)]\s+)?(?:\[\d{1,2}:\d{2}(?::\d{2})?\]\s*)?)(?:\*\*)?([^:\n\[\]*]{1,40}?)(?:\*\*)?:[ \t]+"
)
# A recording's code as a label: letters, then three digits or more, then maybe a letter (QMSum's "TS3010b").
_CODE = re.compile(r"[A-Za-z]{1,5}\d{3,}[A-Za-z]?")
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
# ("Markup: Let's make it happen!", SmolLM2's notes on QMSum's ES2009a: "let's" too)
_SPEECH = re.compile(
    r"\b(?:I|I'm|I've|I'll|I'd|me|my|we|we're|we've|our|us|you|you're|your|let's|let’s)(?![\w'’])", re.I
)
# Words that say what kind of recording this is. A small model calls any transcript a podcast episode ("This is a
# continuation of the previous episode", SmolLM2's notes on QMSum's ES2009a, a design meeting); a sentence that
# calls it one when the transcript never does is about a recording that does not exist. (Not "meeting", "talk",
# "discussion" or "conversation": what a summary rightly calls a recording that never says so.)
_FRAME = ("episod", "podcast", "listener", "viewer", "webinar", "subscrib", "sponsor")
# A capitalized word (not an acronym, not one letter), and what may stand before a word that begins a sentence or
# a clause: nothing, an end of sentence, a colon, a dash, an opening quotation mark or bracket, Markdown marks.
_CAPITALIZED = re.compile(r"(?<![\w'’.-])[A-Z][a-z][\w'’-]*")
_CLAUSE_START = re.compile(r"(?:^|[.!?:;—–(\[“\"‘'>|]|\s-)[\s*_#\-•\d.)\]]*$")
