"""Defects in what reached the user, counted on a finished Result: for the real-model tests and the quality
benchmark. Written apart from app/summarize/defences/ (simpler, stricter rules, its own code), so that a defence
that lets something through is caught here rather than agreeing with itself."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

_WORD = re.compile(r"[a-z0-9']+")
_REAL_REF = re.compile(r"\[\d{1,2}:\d{2}(?::\d{2})?\]")


def _words(text: str) -> list[str]:
    return _WORD.findall(_REAL_REF.sub(" ", text.lower()))


def instruction_grams(texts: Iterable[str]) -> set[tuple[str, ...]]:
    grams: set[tuple[str, ...]] = set()
    for t in texts:
        ws = _words(t)
        grams.update(tuple(ws[i : i + 4]) for i in range(len(ws) - 3))
    return grams


def _echo(text: str, grams: set[tuple[str, ...]], short: bool) -> bool:
    ws = _words(text)
    shared = sum(tuple(ws[i : i + 4]) in grams for i in range(len(ws) - 3))
    if short:
        return shared > 0 or "task" in ws
    return shared >= 3


def placeholders(text: str) -> list[str]:
    """Brackets that are not a real reference nor a Markdown link, and the usual placeholder words."""
    found = [m for m in re.findall(r"\[[^\]\n]*\](?!\()", text) if not _REAL_REF.fullmatch(m)]
    found += re.findall(r"hh:mm|\bx{3,}\b|<[a-z ]{1,30}>", text, re.I)
    return found


def units(text: str) -> list[str]:
    """Lines and sentences of at least four words."""
    out = []
    for line in text.splitlines():
        for s in re.split(r"(?<=[.!?])\s+", line):
            if len(_words(s)) >= 4:
                out.append(s)
    return out


def _unsaid(text: str, have: set[tuple[str, ...]]) -> bool:
    """Four words or more, fewer than half of which lie in a run of four that the transcript has (`have`: its
    4-grams): words nobody said."""
    ws = _words(text.replace("’", "'"))
    return len(ws) >= 4 and not _half_said(ws, have)


def _half_said(ws: list[str], have: set[tuple[str, ...]]) -> bool:
    """Whether half of these words or more lie in a run of four that the transcript has (`have`: its 4-grams)."""
    covered = [False] * len(ws)
    for i in range(len(ws) - 3):
        if tuple(ws[i : i + 4]) in have:
            covered[i : i + 4] = [True] * 4
    return 2 * sum(covered) >= len(ws)


def invented_quotes(text: str, transcript_words: list[str]) -> list[str]:
    """Quotations (one line, four words or more) fewer than half of whose words lie in a run of four that the
    transcript has: words put in someone's mouth."""
    have = {tuple(transcript_words[i : i + 4]) for i in range(len(transcript_words) - 3)}
    out = []
    for q in re.findall(r"[“\"]([^”\"\n]+)[”\"]", text):
        if _unsaid(q, have):
            out.append(q)
    return out


_TURN = re.compile(r"^\W*(?:\[[\d:]+\]\W*)?([A-Z][\w'-]*(?: [A-Z][\w'-]*)?)\s*:\s*(.+)$")
_FIRST_PERSON = re.compile(r"\b(?:i|i'm|i've|me|my|we|our|us|you|your)\b", re.I)


def invented_turns(text: str, transcript_words: list[str]) -> list[str]:
    """Lines written as dialogue, "Name: words" (or "Name:" alone and the words on the next line) with the words
    in the first or second person (four or more), that the transcript does not have (fewer than half of them in a
    run of four it has): a conversation made up, whoever the name is."""
    have = {tuple(transcript_words[i : i + 4]) for i in range(len(transcript_words) - 3)}
    out = []
    lines = [x for x in text.splitlines() if x.strip()]
    for k, line in enumerate(lines):
        if re.fullmatch(r"\W*[A-Z][\w'-]*(?: [A-Z][\w'-]*)?\s*:\s*", line) and k + 1 < len(lines):
            line = f"{line.strip()} {lines[k + 1]}"  # "David:" alone, the words on the next line
        m = _TURN.match(line)
        if not m or not _FIRST_PERSON.search(m.group(2)):
            continue
        if _unsaid(m.group(2), have):
            out.append(line)
    return out


def misplaced_quotes(text: str, segments: Iterable[Any]) -> list[str]:
    """Lines with a quotation (in quotation marks, six words or more) that the transcript has word for word,
    whose time is missing or not that of a moment shortly before the words were said (90 s, a line's stamp),
    or whose "Name:" names another speaker than the one who said them: a journalist clicking the time would not
    find the words, or would credit the wrong person. Judged on exact runs only (every occurrence counts)."""
    segs = list(segments)
    flat: list[str] = []
    owner: list[int] = []
    for k, s in enumerate(segs):
        ws = _words(s.text.replace("’", "'"))
        flat += ws
        owner += [k] * len(ws)
    first: dict[str, list[int]] = {}
    for i, w in enumerate(flat):
        first.setdefault(w, []).append(i)
    out = []
    for line in text.splitlines():
        m = re.search(r"[“\"]([^”\"\n]+)[”\"]", line)
        if not m:
            continue
        ws = _words(m.group(1).replace("’", "'"))
        if len(ws) < 6:
            continue
        at = [owner[i] for i in first.get(ws[0], []) if flat[i : i + len(ws)] == ws]
        if not at:
            continue  # not word for word: invented_quotes judges it
        refs = re.findall(r"\[(\d{1,2}(?::\d{2}){1,2})\]", line[: m.start()])
        secs = [sum(int(p) * 60**j for j, p in enumerate(reversed(r.split(":")))) for r in refs]
        timed = any(segs[k].start_s - 90 <= t <= segs[k].end_s for t in secs for k in at)
        label = _TURN.match(line[: m.start()] + "x")
        who = label.group(1).casefold() if label else None
        names = {(segs[k].speaker or "").casefold() for k in at}
        if not timed or (
            who is not None and who in {(s.speaker or "").casefold() for s in segs} and who not in names
        ):
            out.append(line)
    return out


_SAID_NOTHING = r"(?:(?:yes|yeah|no|ok|okay|right|sure|mm|hmm|um|uh|oh|wow|cool|great|thanks|thank you|hi|hello)\b\W*){0,3}"


def bare_labels(text: str, names: set[str]) -> int:
    """Lines that are a time and a speaker's label with nothing said, or only a word of assent: "- [00:01:32]
    Jens:", "- [00:15:20] Stefan: Yes."."""
    n = 0
    for line in text.splitlines():
        m = re.fullmatch(r"\W*(?:\[[\d:]+\]\W*)?([\w ]{1,40}?)\W*:\W*" + _SAID_NOTHING, line, re.I)
        n += bool(
            m and (m.group(1).casefold() in names or re.fullmatch(r"(spk|speaker)_?\s?\d+", m.group(1), re.I))
        )
    return n


# A contraction cut at its apostrophe ("Phase, didn and offset") and the sounds of listening ("mm-hmm"): not words
# a title may have.
_BROKEN = re.compile(
    r"\b(?:didn|doesn|isn|wasn|weren|aren|couldn|wouldn|shouldn|hasn|haven|hadn|mm-hmm|uh-huh)\b(?!['’])",
    re.I,
)


_ADDRESS = re.compile(
    r"(?:https?://|www\.)[^\s<>()\[\]\"”]+|\b[\w-]+\.(?:com|org|net|io)\b[^\s<>()\[\]\"”]*", re.I
)


def invented_links(text: str, transcript: str) -> list[str]:
    """Web addresses that are not in the transcript as written (scheme and "www." aside): a link nobody gave."""
    said = transcript.lower()
    out = []
    for a in (a.rstrip(".,;:!?") for a in _ADDRESS.findall(text)):
        bare = re.sub(r"^(?:https?://)?(?:www\.)?", "", a.rstrip("/").lower())
        host = bare.split("/")[0]
        if bare not in said and not (bare == host and host.rsplit(".", 1)[0] in said):
            out.append(a)
    return out


_STUCK = re.compile(r"\b\w*([^\W\d_])\1{5,}\w*|\b\w*([^\W\d_]{2,4})\2{4,}\w*")


def stuck_words(text: str, transcript: str | None) -> list[str]:
    """Words of a model stuck on one token: a letter six times in a row, or two to four letters five times
    ("zvqwriiiiii"), unless the transcript has the word."""
    said = (transcript or "").lower()
    return [m.group() for m in _STUCK.finditer(text) if m.group().lower() not in said]


def open_quotes(text: str) -> list[str]:
    """Lines that open a quotation and never close it: more “ than ” (or « than »), or an odd number of straight
    quotes. A line in German style („…“) is judged by its straight quotes only."""
    out = []
    for line in text.splitlines():
        curly = "„" not in line and (line.count("“") > line.count("”") or line.count("«") > line.count("»"))
        if curly or line.count('"') % 2:
            out.append(line)
    return out


def broken_words(title: str) -> int:
    return len(_BROKEN.findall(title))


_COMMON = frozenset(
    "about after also another because been before being between could does each even from have here into just "
    "like make many more most much must only other over same should some such than that their them then there "
    "these they this those through very what when where which while will with would your".split()
)


_DANGLING = frozenset("the a an of and or is are was were".split())


def cut_off_titles(titles: Iterable[str]) -> list[str]:
    """Titles that stop mid-sentence, on an article, "of", "and" or a verb "to be" ("The answer is"), except a
    question-word phrase ("Who we are")."""
    out = []
    for t in titles:
        ws = _words(t)
        if (
            len(ws) > 1
            and ws[-1] in _DANGLING
            and ws[0] not in {"what", "who", "where", "how", "why", "when"}
        ):
            out.append(t)
    return out


def invented_titles(titles: Iterable[str], transcript_words: list[str]) -> list[str]:
    """Titles more than half of whose words of four letters or more (but the commonest English ones) begin, in
    their first five letters, like no word of the transcript: a topic nobody spoke of ("The ethics of AI")."""
    said = {w[:5] for w in transcript_words}
    out = []
    for t in titles:
        # "Part 2" is Recap's own label where neither the model nor the keywords gave a title: not a topic
        ws = [w for w in _words(re.sub(r"^Part \d+:?", "", t)) if len(w) >= 4 and w not in _COMMON]
        if ws and 2 * sum(w[:5] not in said for w in ws) > len(ws):
            out.append(t)
    return out


_SELF_TALK = re.compile(r"(?:^|[.:]\s+)this is (?:a|an|the) (?:[a-z]+ ){0,3}(?:part|task)\b")


def task_talk(text: str, transcript_words: list[str]) -> list[str]:
    """Sentences that speak of bullet points or of a task where the transcript never does, or that say what
    they are ("This is the fifth part of this task", "This is a task that requires writing"): the model
    talking about what it was asked."""
    said = set(transcript_words)
    out = []
    for u in units(text):
        ws = set(_words(u))
        if (
            ({"bullet", "bullets"} & ws and not {"bullet", "bullets"} & said)
            or ({"task", "tasks"} & ws and not {"task", "tasks"} & said)
            or _SELF_TALK.search(u.lower())
        ):
            out.append(u)
    return out


# short words that name nothing (with _COMMON: a line's words that could name something are the others)
_SHORT = frozenset(
    "the and but for you are was not its our his her she him who how why all any can did had has may own too "
    "out off yes now let say see way yet nor per via got get yeah okay".split()
)
_LEAD = re.compile(r"^\s*(?:[-*•]\s*)?(?:\[\d{1,2}:\d{2}(?::\d{2})?\]\s*)?(?:[^:\n]{1,40}:\s)?")


def nonsense(text: str, transcript_words: list[str]) -> list[str]:
    """Lines in the model's own words (no quotation, no heading) that are no sentence about the transcript:
    none of their words of three letters or more begins, in its first four letters, like a word of the
    transcript ("Tue, 25 Jun 2024 at 16:08:10", "Srirachele S."); an article right before "of", "is" or
    another article ("The of the is"); or three words or more, only one of them not among the commonest
    ("This is the plan")."""
    said = {w[:4] for w in transcript_words}
    out = []
    for line in text.splitlines():
        if (
            line.lstrip().startswith("#")
            or re.search('[“”"]', line)
            or line.startswith(("Notes by part", "The transcript's first lines"))
        ):
            continue
        rest = _LEAD.sub("", line, count=1)
        ws = [w for w in _words(rest) if w.isalpha()]
        long = [w for w in ws if len(w) >= 3 and w not in _COMMON]
        if (
            (long and not any(w[:4] in said for w in long))
            or re.search(r"\b(?:the|a|an) (?:of|is|the|a|an)\b(?!-)", rest.lower())
            or (len(ws) >= 3 and len([w for w in long if w not in _SHORT]) <= 1)
        ):
            out.append(line)
    return out


_RECORDING_KINDS = frozenset(
    "episode episodes podcast podcasts listener listeners viewer viewers webinar subscribe subscribers".split()
)


def wrong_frame(text: str, transcript_words: list[str]) -> list[str]:
    """Sentences that call the recording an episode, a podcast, its audience listeners or viewers, where the
    transcript never does: a meeting made into a show."""
    said = set(transcript_words)
    return [u for u in units(text) if (_RECORDING_KINDS & set(_words(u))) - said]


_QUOTED = re.compile(r"[“\"][^”\"\n]*[”\"]?")


# a sentence or clause ends at . ! ? : ; but not after a title or an initial ("Dr. Michael A. Shapiro")
_CLAUSE_END = re.compile(
    r"(?<!\bDr\.)(?<!\bMr\.)(?<!\bMs\.)(?<!Mrs\.)(?<!Prof\.)(?<!\b[A-Z]\.)(?<=[.!?:;])\s+"
)


def invented_names(text: str, transcript_words: list[str], known: Iterable[str]) -> list[str]:
    """Lines with a capitalized word inside a sentence, outside quotations (not a sentence's or a clause's first
    word, not an acronym), whose first five letters begin no word of the transcript, of a speaker's name or of
    Recap's own texts (`known`): a person, place or date nobody named."""
    said = {w[:5] for w in transcript_words} | {w[:5] for k in known for w in _words(k)}
    out = []
    for line in text.splitlines():
        if line.lstrip().startswith("#"):
            continue  # a heading: Recap's ("### Key moments") or the preset's
        rest = _QUOTED.sub(" ", _LEAD.sub("", line, count=1))
        if any(
            w.lower()[:5] not in said
            for clause in _CLAUSE_END.split(rest)
            for w in re.findall(r"(?<=[\s,(])[A-Z][a-z][a-zA-Z]*", clause.strip())
        ):
            out.append(line)
    return out


_I = re.compile(r"\b(?:I|I'm|I've|I'll|I'd|me|my)\b")


def unnamed_speech(text: str, transcript_words: list[str]) -> list[str]:
    """Lines of the model's own (no speaker's label, no quotation marks) in the first person singular, four
    words or more, that the transcript does not have (fewer than half of their words in a run of four it has):
    someone speaking, made up, under no name."""
    have = {tuple(transcript_words[i : i + 4]) for i in range(len(transcript_words) - 3)}
    out = []
    for line in text.splitlines():
        if _TURN.match(line) or re.search('[“”"]', line) or line.lstrip().startswith("#"):
            continue
        rest = _LEAD.sub("", line, count=1)
        if not _I.search(rest.replace("’", "'")):
            continue
        if _unsaid(rest, have):
            out.append(line)
    return out


def defects(
    result: Any,
    speakers: Iterable[str],
    instruction_texts: Iterable[str],
    transcript: str | None = None,
    segments: Iterable[Any] | None = None,
) -> dict[str, int]:
    """Every kind, counted; `transcript` (its text) for the quotations, which are not judged without it, and its
    `segments` for their times and speakers."""
    instruction_texts = list(instruction_texts)
    speakers = [s for s in speakers if s]
    grams = instruction_grams(instruction_texts)
    names = {s.casefold() for s in speakers if s}
    titles = [c.title for c in result.chapters]
    texts = [result.summary, *result.notes]
    repeats = 0
    for text in texts:  # within each text: a summary may restate a note, but never itself
        seen: set[tuple[str, ...]] = set()
        for u in units(text):
            key = tuple(_words(u))
            repeats += key in seen
            seen.add(key)
    label = 0
    for t in titles:
        head = t.split(":", 1)[0].strip().casefold()
        if (
            (":" in t and (head in names or len(head.split()) <= 2 and len(t.split()) > 4))
            or t.casefold() in names
            or re.match(r"(speaker|spk)[ _]?\d", t, re.I)
        ):
            label += 1
    lowered = [t.casefold() for t in titles]
    tw = _words(transcript.replace("’", "'")) if transcript is not None else None
    known = [*speakers, *instruction_texts]
    return {
        "echo_titles": sum(_echo(t, grams, True) for t in titles),
        "speaker_titles": label,
        "placeholders": sum(len(placeholders(x)) for x in [*titles, *texts]),
        "echo_sentences": sum(_echo(u, grams, False) for x in texts for u in units(x)),
        "repeated_paragraphs": repeats,
        "duplicate_titles": len(lowered) - len(set(lowered)),
        "broken_words_in_titles": sum(broken_words(t) for t in titles),
        "cut_off_titles": len(cut_off_titles(titles)),
        "late_chapters": sum(1 for c in result.chapters[1:] if c.start_s > result.duration_s - 60),
        "invented_quotes": sum(len(invented_quotes(x, _words(transcript.replace("’", "'")))) for x in texts)
        if transcript is not None
        else 0,
        "invented_turns": sum(len(invented_turns(x, _words(transcript.replace("’", "'")))) for x in texts)
        if transcript is not None
        else 0,
        "invented_titles": len(invented_titles(titles, _words(transcript.replace("’", "'"))))
        if transcript is not None
        else 0,
        "task_talk": sum(len(task_talk(x, _words(transcript.replace("’", "'")))) for x in texts)
        if transcript is not None
        else 0,
        "nonsense": sum(len(nonsense(x, _words(transcript.replace("’", "'")))) for x in texts)
        if transcript is not None
        else 0,
        "invented_links": sum(len(invented_links(x, transcript)) for x in texts)
        if transcript is not None
        else 0,
        "bare_labels": sum(bare_labels(x, names) for x in texts),
        "open_quotes": sum(len(open_quotes(x)) for x in texts),
        "stuck_words": sum(len(stuck_words(x, transcript)) for x in [*titles, *texts]),
        "capped_answers": result.stats.output_capped,
        "misplaced_quotes": sum(len(misplaced_quotes(x, segments)) for x in texts)
        if segments is not None
        else 0,
        "wrong_frame": sum(len(wrong_frame(x, tw)) for x in texts) if tw is not None else 0,
        "invented_names": sum(len(invented_names(x, tw, known)) for x in texts) if tw is not None else 0,
        "unnamed_speech": sum(len(unnamed_speech(x, tw)) for x in texts) if tw is not None else 0,
    }
