"""Data and metrics for the quality benchmark: real meetings with human summaries and topic segments (QMSum),
synthetic transcripts with known topic boundaries (Choi's method), and the scores that compare Recap's chapters
and summaries with them.

Why each piece exists:
- `load_qmsum` turns QMSum's tokenized, untimed turns into the `Transcript` Recap itself would build from the
  same meeting written as "Name: text" lines, so a benchmark measures Recap on input it really gets, with the
  times it really assigns (estimated from word counts), and the human topic segments become boundary times on
  that same clock.
- `choi_set` gives boundaries that are unambiguous (each part comes from a different meeting), where the human
  QMSum segments are few per meeting and partly a matter of opinion.
- The metrics are plain and documented so that two runs, or Recap and a baseline, are compared on the same
  terms; the baselines (`lead_words`, `uniform_boundaries`) are the floor any real method must beat.

What the QMSum validation data looks like (35 meetings; checked when this was written):
- `relevant_text_span` pairs are strings ("0", "90") in every file; they are read as ints either way.
- Spans do not tile the meeting. Leading turns are often uncovered (ES2006a starts at turn 13, Bmr012 at 136),
  trailing ones too (Bro011 stops at 313 of 346), and there are gaps inside (ES2006a 201-226).
- Neighbouring topics overlap by a few turns (Bmr012 450-459, TS3009a 279-289, education_22 99-105,
  ES2006a 234-235, IS1006a 115).
- Some topics have several spans that interleave with other topics (ES2009a, IS1006c, and most of covid_2,
  whose topic spans are also listed out of order, e.g. [324, 336] before [319, 320]), so a topic can return
  and a meeting can have more boundaries than topics.
The rules below (first listed topic wins an overlap; an uncovered turn continues the topic before it; leading
uncovered turns belong to the first topic that covers a turn) turn that into one topic per turn.
"""

from __future__ import annotations

import bisect
import json
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from app.transcript.estimate import WORDS_PER_MINUTE, estimate_times
from app.transcript.model import Segment, Transcript

SUMMARY_QUERY = "summarize the whole meeting"
# boundaries at or before this are the 0:00 chapter, which every method gets for free
EXCLUDED_BOUNDARY_S = 1.0

_PRODUCT = ("ES", "IS", "TS")  # AMI remote-control design meetings
_RESEARCH = ("Bed", "Bmr", "Bro")  # ICSI research-group meetings

# Corpus annotation: {disfmarker}, {vocalsound}, {gap}, {pause}, {comment}, {nonvocalsound}, ...
_MARKER = re.compile(r"\{[^{}\s]*\}")
# "@" (alone or repeated) is ICSI's mark for an unintelligible word; it is noise to a reader, like the markers
_NOISE = {"@"}
_CLITICS = {"'s", "'re", "'m", "'ll", "'ve", "'d", "n't"}  # split off their word by the corpus tokenizer
_SPLIT_WORDS = {("gon", "na"), ("wan", "na"), ("got", "ta")}  # "gon na" -> "gonna"
_PUNCT = re.compile(r"[.,?!:;]+")  # a token that is only sentence punctuation, written after a space


@dataclass(frozen=True)
class Query:
    """A question about part of a meeting, its human answer, and the stretches of the meeting it draws on."""

    question: str
    answer: str
    spans_s: tuple[tuple[float, float], ...]  # (start, end) seconds on the meeting's (estimated) clock


@dataclass(frozen=True)
class Meeting:
    """One QMSum meeting as Recap would read it, with the human references on the same (estimated) clock."""

    name: str
    domain: str  # "product" (AMI), "research" (ICSI) or "parliament"
    transcript: Transcript
    turn_segment: tuple[int, ...]  # original turn index -> index of the segment holding it
    reference_summary: str
    topics: tuple[tuple[str, float], ...]  # reference chapters: (title, start second), in time order
    boundaries_s: tuple[float, ...]  # reference chapter starts after 0.0
    queries: tuple[Query, ...] = ()  # QMSum's specific queries, with the spans their answers draw on


@dataclass(frozen=True)
class Synthetic:
    """A transcript stitched from stretches of different meetings; the true boundaries are where they meet."""

    name: str
    transcript: Transcript
    boundaries_s: tuple[float, ...]


# ---------------------------------------------------------------------------------------------- loading


def domain_of(name: str) -> str:
    """The QMSum domain from the meeting's file name, so results can be broken down by kind of meeting."""
    if name.startswith(_PRODUCT):
        return "product"
    if name.startswith(_RESEARCH):
        return "research"
    return "parliament"


def clean_text(text: str) -> str:
    """QMSum's tokenized text as a person would write it, so that Recap (and ROUGE, and the word counts behind
    the estimated times) see ordinary text: markers removed, clitics rejoined ("we 're" -> "we're", "do n't"
    -> "don't", "gon na" -> "gonna"), hyphens closed up ("Mm - hmm" -> "Mm-hmm"), no space before
    punctuation, a punctuation mark that follows another dropped (what is left where a marker was), whitespace
    folded. Returns "" when no word is left (a turn that was only markers and punctuation)."""
    tokens = [t for t in _MARKER.sub(" ", text).split() if t not in _NOISE]
    out: list[str] = []
    glue_next = False  # the token before was a hyphen between two words
    for i, tok in enumerate(tokens):
        if glue_next:
            out[-1] += tok
            glue_next = False
            continue
        prev = out[-1] if out else ""
        if _PUNCT.fullmatch(tok):
            if prev and not _PUNCT.fullmatch(prev[-1]):
                out[-1] = prev + tok
            continue  # at the start, or right after other punctuation: a leftover of a removed marker
        if prev and prev[-1].isalnum():
            if tok.lower() in _CLITICS or (prev.lower(), tok.lower()) in _SPLIT_WORDS:
                out[-1] = prev + tok
                continue
            if tok == "-" and i + 1 < len(tokens) and tokens[i + 1][0].isalnum():
                out[-1] = prev + "-"
                glue_next = True
                continue
        out.append(tok)
    result = " ".join(out)
    return result if any(c.isalnum() for c in result) else ""


def retime(segments: Sequence[Segment]) -> list[Segment]:
    """Times exactly as Recap assigns them to an untimed transcript (app.transcript.estimate)."""
    return estimate_times([Segment(0.0, 0.0, s.speaker, s.text) for s in segments])


def _reference_summary(queries: list[dict[str, Any]]) -> str:
    """The answer to "Summarize the whole meeting" (any case, trailing punctuation ignored); 8 of the 35
    validation meetings ask it otherwise ("Summarize the meeting", "What was the meeting about?"), and for them
    the first general query is the summary one."""
    for q in queries:
        if str(q.get("query", "")).strip().rstrip(".?!").strip().lower() == SUMMARY_QUERY:
            return str(q.get("answer", "")).strip()
    return str(queries[0].get("answer", "")).strip() if queries else ""


def _turn_topics(topic_list: list[dict[str, Any]], n_turns: int) -> list[int | None]:
    """One topic index per turn: the first listed topic whose span covers it; an uncovered turn continues the
    topic of the turn before; uncovered leading turns take the first covered turn's topic (the meeting has no
    topic boundary before its first annotated topic). All None only when no span covers any turn."""
    topic: list[int | None] = [None] * n_turns
    for index, entry in enumerate(topic_list):
        for span in entry.get("relevant_text_span", []):
            a, b = sorted((int(span[0]), int(span[1])))
            for i in range(max(a, 0), min(b, n_turns - 1) + 1):
                if topic[i] is None:
                    topic[i] = index
    current = next((t for t in topic if t is not None), None)
    for i, t in enumerate(topic):
        if t is None:
            topic[i] = current
        else:
            current = t
    return topic


def load_meeting(path: Path) -> Meeting:
    """One QMSum json file as a `Meeting` (see `load_qmsum`)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    name = path.stem
    turns = data["meeting_transcripts"]
    segments: list[Segment] = []
    turn_segment: list[int] = []
    for turn in turns:
        text = clean_text(str(turn.get("content", "")))
        turn_segment.append(len(segments))  # an empty turn points at the next segment (fixed below if none)
        if text:
            speaker = " ".join(str(turn.get("speaker", "")).split()) or None
            segments.append(Segment(0.0, 0.0, speaker, text))
    if not segments:
        raise ValueError(f"{path} has no transcript text")
    last = len(segments) - 1
    turn_segment = [min(s, last) for s in turn_segment]
    segments = retime(segments)
    transcript = Transcript(
        segments=tuple(segments),
        format="qmsum",
        timing="estimated",
        encoding="utf-8",
        title=name,
        source=str(path),
    )

    topic_list = data.get("topic_list", [])
    per_turn = _turn_topics(topic_list, len(turns))
    topics: list[tuple[str, float]] = []
    for i, t in enumerate(per_turn):
        if t is None or (i > 0 and t == per_turn[i - 1]):
            continue
        title = " ".join(str(topic_list[t].get("topic", "")).split())
        start = 0.0 if not topics else segments[turn_segment[i]].start_s
        if topics and start <= topics[-1][1]:  # empty turns put two changes on one segment: the later wins
            topics[-1] = (title, topics[-1][1])
        else:
            topics.append((title, start))
    queries = []
    for q in data.get("specific_query_list", []):
        spans = []
        for span in q.get("relevant_text_span", []):
            try:
                first, last = (int(x) for x in span[:2])
            except (TypeError, ValueError):
                continue
            first, last = max(0, first), min(len(turns) - 1, last)
            if first <= last:
                a, b = segments[turn_segment[first]], segments[turn_segment[last]]
                spans.append((a.start_s, max(b.end_s, a.start_s)))
        if spans and q.get("query") and q.get("answer"):
            queries.append(Query(" ".join(str(q["query"]).split()), str(q["answer"]), tuple(spans)))
    return Meeting(
        queries=tuple(queries),
        name=name,
        domain=domain_of(name),
        transcript=transcript,
        turn_segment=tuple(turn_segment),
        reference_summary=_reference_summary(data.get("general_query_list", [])),
        topics=tuple(topics),
        boundaries_s=tuple(start for _, start in topics[1:]),
    )


def load_qmsum(folder: Path) -> list[Meeting]:
    """Every `*.json` meeting in `folder`, sorted by name. Each turn becomes one segment (speaker = the turn's
    speaker, text = `clean_text`); turns left empty by cleaning get no segment but are still mapped in
    `turn_segment`. Times are Recap's estimates, so boundaries and Recap's chapters share one clock."""
    return [load_meeting(p) for p in sorted(folder.glob("*.json"), key=lambda p: p.stem)]


# ---------------------------------------------------------------------------------------------- Choi


def word_count(text: str) -> int:
    """Words as `estimate_times` counts them (texts are whitespace-folded: spaces + 1)."""
    return text.count(" ") + 1


def choi_set(
    meetings: Sequence[Meeting], n_docs: int = 20, parts: tuple[int, int] = (4, 8), seed: int = 0
) -> list[Synthetic]:
    """Choi's (2000) segmentation test set, adapted to transcripts: each document joins k (uniform in `parts`,
    inclusive) stretches of consecutive turns, each from a different meeting, starting at a random turn and
    long enough for a random 2-6 minutes of speech at 160 words per minute. A stretch ends at the turn that
    reaches its length, so it can run over by part of that last turn, and it is shorter only when the meeting
    has less than the chosen length from any start (then the whole meeting is used). Times are re-estimated
    over the joined text exactly as for a real transcript; the true boundaries are the starts of stretches
    2..k. The same arguments always give the same documents (a private `random.Random(seed)`)."""
    lo_k, hi_k = parts
    if not 1 <= lo_k <= hi_k:
        raise ValueError(f"parts must be 1 <= low <= high, got {parts}")
    if len(meetings) < lo_k:
        raise ValueError(f"{len(meetings)} meetings cannot give {lo_k} stretches from different meetings")
    rng = random.Random(seed)
    per_minute = WORDS_PER_MINUTE
    docs: list[Synthetic] = []
    for d in range(n_docs):
        k = rng.randint(lo_k, min(hi_k, len(meetings)))
        chosen = rng.sample(range(len(meetings)), k)
        joined: list[Segment] = []
        starts: list[int] = []
        sources: list[str] = []
        for m_index in chosen:
            segs = meetings[m_index].transcript.segments
            words = [word_count(s.text) for s in segs]
            target = round(rng.uniform(2.0, 6.0) * per_minute)
            # starts from which `target` words remain (the suffix sums), or the very first turn if none
            suffix = 0
            feasible: list[int] = []
            for i in range(len(segs) - 1, -1, -1):
                suffix += words[i]
                if suffix >= target:
                    feasible.append(i)
            first = rng.choice(feasible) if feasible else 0
            end, total = first, 0
            while end < len(segs) and total < target:
                total += words[end]
                end += 1
            starts.append(len(joined))
            joined.extend(segs[first:end])
            sources.append(f"{meetings[m_index].name}[{first}:{end}]")
        timed = retime(joined)
        name = f"choi-s{seed}-{d:02d}"
        transcript = Transcript(
            segments=tuple(timed),
            format="qmsum",
            timing="estimated",
            encoding="utf-8",
            title=name,
            description=" + ".join(sources),  # segment ranges of each meeting, in order
        )
        docs.append(Synthetic(name, transcript, tuple(timed[i].start_s for i in starts[1:])))
    return docs


# ---------------------------------------------------------------------------------------------- metrics


def boundary_prf(
    predicted_s: Sequence[float], reference_s: Sequence[float], tolerance_s: float
) -> tuple[float, float, float]:
    """Precision, recall and F1 of predicted chapter boundaries against reference ones.

    A predicted boundary matches a reference one when they are at most `tolerance_s` apart (inclusive), and
    each side is matched at most once (two predictions near one reference count once: the second is a false
    positive). The matching is a maximum one: on sorted lists, the greedy walk that matches the earliest
    feasible pair is optimal (exchange argument: if the earliest remaining p and r are within tolerance, any
    optimal matching pairing p-r' and p'-r, with p' >= p and r' >= r, can swap to p-r and p'-r', since
    p'-r' <= p'-r <= tol and r'-p' <= r'-p <= tol; if p < r - tol, p matches nothing left, and likewise r).

    Boundaries at or before 1.0 s (the 0:00 chapter every method has) are dropped from both sides first.
    Conventions after that: both empty -> (1, 1, 1), nothing to find and nothing claimed; one side empty ->
    (0, 0, 0), i.e. the undefined precision (nothing predicted) or recall (nothing to find) is reported as 0,
    since such a prediction got none of it right; F1 is 0 when precision + recall is 0."""
    pred = sorted(p for p in predicted_s if p > EXCLUDED_BOUNDARY_S)
    ref = sorted(r for r in reference_s if r > EXCLUDED_BOUNDARY_S)
    if not pred and not ref:
        return 1.0, 1.0, 1.0
    if not pred or not ref:
        return 0.0, 0.0, 0.0
    i = j = matched = 0
    while i < len(pred) and j < len(ref):
        if abs(pred[i] - ref[j]) <= tolerance_s:
            matched += 1
            i += 1
            j += 1
        elif pred[i] < ref[j]:
            i += 1
        else:
            j += 1
    precision = matched / len(pred)
    recall = matched / len(ref)
    f1 = 2 * precision * recall / (precision + recall) if matched else 0.0
    return precision, recall, f1


def chapters_per_hour(n_chapters: int, duration_s: float) -> float:
    """Chapter density (n_chapters = boundaries + 1, the 0:00 chapter included), comparable across lengths;
    0.0 for a transcript with no duration."""
    return n_chapters * 3600.0 / duration_s if duration_s > 0 else 0.0


_TIME_REF = re.compile(
    r"\[\s*≈?\s*\d{1,2}:\d{2}(?::\d{2})?(?:\s*[-–—,]\s*≈?\s*\d{1,2}:\d{2}(?::\d{2})?)*\s*\]"
    r"(?:\([^)\s]*\))?"  # the link target, if the reference was written as a Markdown link
)
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*", re.MULTILINE)
_BULLET = re.compile(r"^\s*(?:[-*+•]|\d{1,3}[.)])\s+", re.MULTILINE)
_EMPHASIS = re.compile(r"\*+|`+|(?<!\w)_+|_+(?!\w)")
_EMPTY_BRACKETS = re.compile(r"\(\s*\)|\[\s*\]")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+(?=[.,;:!?])")


def scoring_text(text: str) -> str:
    """The words of a Markdown summary, for ROUGE: `[hh:mm:ss]` / `[mm:ss]` references (and ranges, "≈", link
    targets), heading marks, list markers (bullets and "1.") and emphasis removed, whitespace folded. Without
    this, the digits of timestamps and list numbers would be scored as words against a reference that has
    none."""
    text = _TIME_REF.sub(" ", text)
    text = _HEADING.sub("", text)
    text = _BULLET.sub("", text)
    text = _EMPHASIS.sub("", text)
    text = _EMPTY_BRACKETS.sub(" ", text)
    return _SPACE_BEFORE_PUNCT.sub("", " ".join(text.split()))


@lru_cache(maxsize=1)
def _scorer() -> Any:
    """One scorer for the run (building it loads the stemmer); imported here so that loading data does not
    need rouge-score installed."""
    from rouge_score import rouge_scorer  # type: ignore[import-untyped]

    return rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)


def rouge(prediction: str, reference: str) -> dict[str, float]:
    """ROUGE-1/2/L F1 x 100 (the scale of the QMSum paper) with Google's `rouge-score`, Porter stemming on.
    Both texts go through `scoring_text` (a no-op on QMSum's plain references)."""
    scores = _scorer().score(scoring_text(reference), scoring_text(prediction))  # (target, prediction)
    return {key: 100.0 * scores[key].fmeasure for key in ("rouge1", "rouge2", "rougeL")}


# ---------------------------------------------------------------------------------------------- baselines


def lead_words(transcript: Transcript, n_words: int) -> str:
    """The first `n_words` words that were said (speaker labels left out): the "lead" summary baseline, which
    is strong on news and a fair floor for meetings."""
    out: list[str] = []
    for s in transcript.segments:
        out.extend(s.text.split())
        if len(out) >= n_words:
            break
    return " ".join(out[: max(n_words, 0)])


def uniform_boundaries(transcript: Transcript, count: int) -> list[float]:
    """Boundaries for `count` evenly spaced chapters, each moved to the nearest real segment start (as Recap's
    chapters must be), 0.0 and duplicates left out, ascending: the baseline that knows only how many chapters
    to make."""
    starts = [s.start_s for s in transcript.segments]
    if count <= 1 or not starts:
        return []
    duration = transcript.duration_s
    out: list[float] = []
    for i in range(1, count):
        t = duration * i / count
        j = bisect.bisect_left(starts, t)
        near = [starts[c] for c in (j - 1, j) if 0 <= c < len(starts)]
        snapped = min(near, key=lambda s: (abs(s - t), s))
        if snapped > 0.0 and (not out or snapped > out[-1]):
            out.append(snapped)
    return out
