"""The streaming filter for one model answer (`TextGuard`), its counters, and the same checks on a finished
text (`clean_text`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..chapters import stamp
from ..citations import REF, ref_seconds
from ..language import FUNCTION_WORDS
from .instructions import _TASK_LABELS, Instructions, about_the_task, after_task_lead_in
from .lines import _garbled, _junk, _nothing_said, _thin, _unquoted
from .quotes import QuoteMarks, quoted
from .source import Source
from .text import ABBREVIATED, ADDRESS, ngrams, similar, strip_placeholders, within, words


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
    given_up: int = 0  # answers ended because sentence after sentence put words in someone's mouth
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
        self.given_up += other.given_up


_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]*\s+|\n")
# "1. " or "- 2) " at a line's start: a numbered line begins, not a sentence ends
_LIST_NUMBER = re.compile(r"[ \t]*(?:[-*•][ \t]*)?\d{1,3}[.)][ \t]+")
QUOTE_REACH_S = 90.0  # a cited time this long before a quotation is the stamp of a line the model saw it in
_NGRAM_LOOP = 8  # a run of this many words seen three times is a loop, even without a sentence end
# This many sentences in a row refused for words nobody said, nothing shown between them, end the answer: the model
# is writing a made-up speech, and what it writes next is more of it (SmolLM2's notes on QMSum's ES2006a, asked
# again under the bullet grammar: three long bullets of a made-up speech, every sentence refused, ran to the
# answer's cap). In the 21 raw answers logged for ES2006a, Bro011 and ES2009a, no line that could be shown came
# after four such refusals. Other refusals do not count: a summary that begins with a date, a name nobody gave and
# lines that name nothing goes on to good lines (SmolLM2's summary of QMSum's TS3010d).
REFUSED_IN_A_ROW = 4
# The speaker's own "I", "me", "my": in a line of the model's own, someone speaking
_FIRST_PERSON = re.compile(r"(?<![\w'’])(?:I|I['’](?:m|ve|ll|d)|[Mm]e|[Mm]y|[Mm]ine|[Mm]yself)(?![\w'’])")
# A model stuck on one token writes no word at all: a letter six times or more, or two to four letters five
# times ("[zvqwriiiiiiii…" ended a SmolLM2 summary of seed 003 read in two long windows).
_STUCK = re.compile(r"([^\W\d_])\1{5,}|([^\W\d_]{2,4})\2{4,}")


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
        self._line_shown = False  # something of the current line went out
        self._line_invented = False  # a sentence of the current line put words in someone's mouth
        self._emitted = False
        self._trailing_newlines = 0
        self._marks = QuoteMarks()
        self.sentences = (
            0  # sentences and lines checked so far (shown or not): the boundaries an answer may end at
        )
        self._refused_run = 0  # sentences refused since the last one shown
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
            out.append(self._checked(piece))
            self.sentences += 1
        if not self.stop and (self._run_loops(self._buf) or self._stuck(self._buf)):
            self._buf = ""
        return "".join(out)

    def _sentence_end(self) -> int | None:
        """Where the first whole sentence or line in the buffer ends; None while there is none. A sentence end
        inside brackets does not count ("Marketing: [Sr. Marketing]" is one piece, so the placeholder check sees
        the whole bracket), unless the bracket has run on for 160 characters: then it holds no placeholder. Nor
        does the period of a title or an initial ("Dr. Shapiro", "Prof. A:")."""
        pos = 0
        while (m := _SENTENCE_END.search(self._buf, pos)) is not None:
            head = self._buf[: m.end()]
            pos = m.end()
            line = head.rfind("\n") + 1
            if m.group() != "\n" and (line or self._at_line_start) and _LIST_NUMBER.fullmatch(head[line:]):
                continue  # "1. " begins a numbered line: not a sentence of its own
            if "\n" not in m.group() and ABBREVIATED.search(self._buf, 0, m.start()):
                continue  # "Dr. ", "Prof. ", "A. ": a title or an initial, the sentence goes on
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
        out = self._checked(piece, final=True) if piece.strip() and not self.stop else ""
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

    def _checked(self, piece: str, final: bool = False) -> str:
        """`_check`, counting the sentences refused in a row for words nobody said: `REFUSED_IN_A_ROW` stop the answer."""
        before = self.counts.quotes
        out = self._check(piece, final)
        if self.counts.quotes > before:
            self._refused_run += 1
            if self._refused_run >= REFUSED_IN_A_ROW and not self.stop:
                self.counts.given_up += 1
                self.stop = True
        elif out.strip():
            self._refused_run = 0
        return out

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
        if at_line_start and self.source is not None:
            untitled = self.source.title_label(body)
            if untitled is not None:  # a line labelled with the transcript's own title: the label goes
                body = untitled
            elif self.source.other_recording(body) is not None:  # a line given as another recording's
                self.counts.garbled += 1
                return self._emit("")
        ws = words(body)
        gap = "\n" if newline else ""
        # What a dropped piece leaves: a whole line leaves no blank line, nor does the last of a line's
        # sentences when the ones before it were dropped too.
        drop = "" if at_line_start or not self._line_shown else gap
        if newline:
            self._line_shown = False
        if self._line_invented and not at_line_start:
            # the rest of a line whose sentence put words in someone's mouth goes with it: the same made-up speech
            # ("So, I think that sleep is very important for your brain. It helps in making sure that there's no
            # damage from alcohol ...", SmolLM2's notes on QMSum's Bro022, a meeting on speech recognition)
            self._line_invented = not newline
            self._in_quote = self._in_quote and not newline
            self.counts.quotes += 1
            return self._emit(drop)
        self._line_invented = False
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
        if turn is None and self.source is not None and self.source.own_language:
            # (what follows a label inside a line too: "The Hon. Bill Morneau: I'd like to start by saying ...",
            # SmolLM2's notes on QMSum's covid_2, where the name nobody has is no dialogue label)
            own = _unquoted(REF.sub("", said if said is not None else body))
            if _FIRST_PERSON.search(own):
                # "I'm excited to share a new project with you." (SmolLM2's notes on QMSum's IS1006a): someone
                # speaking, under no name; held to the transcript's words like a quotation
                spans = [*spans, re.sub(r"^\s*(?:[-*•]|\d+[.)])?\s*", "", own)]
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
            if self.source is not None and self.source.frame_word(ws) is not None:
                # "### Quotes from the episode" over the notes of a meeting (SmolLM2's summary of QMSum's ES2006a)
                self.counts.garbled += 1
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
            if self.source is not None and self.source.frame_word(ws) is not None:
                self.counts.garbled += 1  # "Episode 20:" over a meeting's notes
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
            self._line_invented = not newline
            if label is not None and turn:  # the label above goes with them
                self._forget_label_above()
            return self._emit(drop)
        if self.source is not None and not all(
            self.source.gives_address(a.rstrip(".,;:!?'’")) for a in ADDRESS.findall(body)
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
        if len(ws) >= 3 and any(similar(key, s) or within(key, s) for s in self.seen):
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
        self._line_shown = not newline
        return out + self._emit(body + (tail if not final else ""))

    def _placed(self, body: str, quote: str) -> str:
        """A line that quotes the transcript (or gives a speaker's turn) with the time and speaker of the
        quotation (`Source.where`). The time is added after its bullet when the line cites none (SmolLM2 wrote
        `[17:58:34] Jens: “...”` in a summary of a 32-minute episode, and the invented time was removed), and put
        in place of a cited time that is not shortly before the words were said (a stamp up to `QUOTE_REACH_S`
        before them is that of a line the model saw them in). A speaker's label naming someone who did not say
        them gives way to the one who did ("Stefan: ... what David said", which Jens said, in SmolLM2's notes on
        seed 003), and so does a name nobody in the transcript has ("Product Manager: You're gonna stay here?",
        which the Project Manager said, in its notes on QMSum's ES2009a). A line citing several times is left as it is."""
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
            if who is not None and label.casefold() != who.casefold():
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


def clean_text(
    text: str, instructions: Instructions, counts: GuardCounts | None = None, source: Source | None = None
) -> str:
    """The same checks on a finished text (notes read back from the store, text written without streaming)."""
    g = TextGuard(instructions, counts, source=source)
    out = g.feed(text) + g.flush()
    return out.strip()
