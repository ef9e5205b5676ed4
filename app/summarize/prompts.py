"""Prompt text. Shared instructions and the window's transcript come first and the task last, so that two
requests about the same window share their prefix and llama.cpp's KV cache serves the second one without
re-reading the transcript."""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from ..transcript import Segment, Segments, SegmentView, Transcript
from .chapters import stamp
from .units import Units

if TYPE_CHECKING:
    from .presets import Preset

SYSTEM = (
    "You are Recap, an assistant that summarizes transcripts of podcasts, meetings, interviews and lectures. "
    "Use only what the transcript says. Write in the language of the transcript."
)


def system_prompt(language: str | None) -> str:
    """The shared instructions. The output language is set here, in the system message of every request, so it
    holds for every window and every reduce step."""
    if not language:
        return SYSTEM
    return SYSTEM.replace("Write in the language of the transcript.", f"Write in {language}.")


Message = dict[str, str]

LINES_HEAD = "A [hh:mm:ss] is the moment the line after it was said."


def transcript_line(seg: Segment) -> str:
    who = f"{seg.speaker}: " if seg.speaker else ""
    return f"[{stamp(seg.start_s)}] {who}{seg.text}"


def group_segments(
    segments: Sequence[Segment], max_s: float = 30.0, max_words: int = 80, pause_s: float = 2.0
) -> Units:
    """Units of prompt text: runs of one speaker's consecutive segments, up to ~30 s or 80 words, split at pauses.
    Each unit starts at a real segment start, so chapter times stay real. A line per unit instead of per segment:
    subtitle-style transcripts have a segment every few seconds, and "[00:01:23] spk_0: " on each would make the
    model read a third more tokens than the transcript has. Held as ranges of the transcript's segments."""
    segs = segments if isinstance(segments, Segments) else Segments(segments)
    # Backchannels ("Mm-hmm.", "Yeah.") carry nothing to summarize: they are left out of the prompt lines (a
    # meeting has hundreds, each costing a timestamp and a label) and do not break the other speaker's run.
    kept = bytearray(not _backchannel(text) for text in segs.texts())
    return Units.runs(segs, kept if any(kept) and not all(kept) else None, max_s, max_words, pause_s)


_BACKCHANNEL = frozenset(
    [
        "mm",
        "hmm",
        "mhm",
        "mmhmm",
        "mm-hmm",
        "uh-huh",
        "uh",
        "huh",
        "yeah",
        "yes",
        "yep",
        "okay",
        "ok",
        "right",
        "um",
        "uh",
        "oh",
        "ah",
        "so",
        "well",
        "alright",
        "sure",
    ]
)


def _backchannel(text: str) -> bool:
    ws = [w.strip(".,!?;:…-").lower() for w in text.split()]
    return len(ws) <= 3 and all(w in _BACKCHANNEL or not w for w in ws)


STAMP_EVERY_S = (
    30.0  # a window line carries its [hh:mm:ss] when this long has passed since the last one shown
)


def stamped(units: Sequence[Segment], every_s: float, always: Collection[int] = ()) -> bytes:
    """Which units' lines carry their `[hh:mm:ss]`: the first, every unit `always` names (chapter starts), and
    each unit that starts at least `every_s` after the last stamped one (0: every line). A stamp costs 10 tokens
    ("[00:21:32] "), as many as a dozen words: on a podcast with a line every 17 s, a stamp on each line made the
    prompt 15 % longer than the transcript. The model can only cite what it sees, so notes cite moments at most
    `every_s` apart; each cited time is still a real line start. One byte a unit (1: stamped), not a list of bools
    (8 bytes a unit: 48 kB for a 10-hour transcript)."""
    out = bytearray()
    last = -math.inf
    always = set(always)
    for i, u in enumerate(units):
        on = i == 0 or i in always or u.start_s - last >= every_s
        if on:
            last = u.start_s
        out.append(on)
    return bytes(out)


def unit_line(units: SegmentView, i: int, stamps: bytes | None = None, full: bool = False) -> str:
    """Unit i's prompt line. `full`: with its stamp and speaker (a window's first line); else the form it has
    inside a window: its stamp only where `stamps` says (default: every line), its speaker only when it is not the
    one of the line above."""
    u = units[i]
    if full:
        return transcript_line(u)
    who = f"{u.speaker}: " if u.speaker and not (i and units.speaker(i - 1) == u.speaker) else ""
    on = stamps is None or stamps[i]
    return f"[{stamp(u.start_s)}] {who}{u.text}" if on else f"{who}{u.text}"


def _about(t: Transcript) -> str:
    parts = []
    if t.title:
        parts.append(f"Title: {t.title}")
    if t.description:
        parts.append(f"Description: {t.description}")
    return "\n".join(parts) + ("\n\n" if parts else "")


def window_messages(
    t: Transcript,
    lines: Sequence[str],
    part: int,
    parts: int,
    span: tuple[float, float],
    task: str,
    system: str = SYSTEM,
) -> list[Message]:
    where = f"part {part} of {parts} " if parts > 1 else ""
    head = f"{_about(t)}Transcript {where}({stamp(span[0])} to {stamp(span[1])}). {LINES_HEAD}\n\n"
    return [
        {"role": "system", "content": system},
        {"role": "user", "content": head + "\n".join(lines) + "\n\n" + task},
    ]


def chapters_task(max_chapters: int, titles_so_far: Sequence[str]) -> str:
    so_far = ""
    if titles_so_far:
        recent = list(titles_so_far)[-12:]
        so_far = (
            " Chapters so far: "
            + "; ".join(recent)
            + ". Do not repeat them; if this part begins by continuing "
            "the last one, start with the line where the next new topic begins."
        )
    return (
        f"Task: split this part into at most {max_chapters} chapters where the topic changes. Write one line per "
        "chapter: the [hh:mm:ss] of the transcript line where it begins, a space, and a short title of at most "
        f"8 words.{so_far}"
    )


NOTES_TASK = (
    "Task: write 3 to 6 bullet points with the most important points of this part. Start each bullet with the "
    "[hh:mm:ss] of the line where it was said."
)

SUMMARY_TASK = (
    "Task: write the summary of this transcript: one short paragraph, then the key points as 3 to 8 bullet "
    "points. Start each bullet with the [hh:mm:ss] of the line where it was said."
)


def excerpt_messages(
    lines: Sequence[str], system: str, simple: bool = False, keywords: Sequence[str] = ()
) -> list[Message]:
    """A chapter title, asked per chapter about that chapter's own words (and the words that stand out in it).
    Small models copy the instructions into a title when the task is long or comes before the text; here the
    text comes first and the task is one short sentence at the end. The retry (simple) is shorter still."""
    body = "\n".join(lines)
    if keywords:
        body += "\n\nKey words: " + ", ".join(keywords) + "."
    task = "What is this about? Answer in 2 to 5 words." if simple else TITLE_TASK
    return [
        {"role": "system", "content": system},
        {"role": "user", "content": f"{body}\n\n{task}"},
    ]


TITLE_TASK = "Give this part of the conversation a short title of 2 to 6 words."

REDUCE_TASK = "Task: combine these notes into at most 8 bullet points, keeping each [hh:mm:ss] exactly."


def reduce_messages(
    t: Transcript,
    notes: Sequence[str],
    final: bool,
    system: str = SYSTEM,
    summary_task: str = SUMMARY_TASK,
    moments: Sequence[str] = (),
) -> list[Message]:
    """The notes (and, for the final summary, each chapter's key moment in the speaker's own words: real sentences
    that keep a small model's summary on what was said) and the task."""
    task = (summary_task + " Keep each [hh:mm:ss] exactly as in the notes.") if final else REDUCE_TASK
    body = "\n".join(n.strip() for n in notes if n.strip())
    if moments:
        body += "\n\nKey moments, in the speakers' own words:\n" + "\n".join(moments)
    return [
        {"role": "system", "content": system},
        {
            "role": "user",
            "content": f"{_about(t)}Notes on the transcript, in order. Each starts with the [hh:mm:ss] where it "
            f"was said.\n\n{body}\n\n{task}",
        },
    ]


ASK_TASK = (
    "Answer the question from these transcript lines only, in 2 to 4 sentences. After each point, put the "
    "[hh:mm:ss] of the line it comes from. If the lines do not answer it, say that the transcript does not say."
)


def ask_messages(passages: Sequence[str], question: str, system: str = SYSTEM) -> list[Message]:
    """A question about the transcript, with the passages found for it (the lines first, the task last, as for
    titles: small models follow the instruction nearest the end)."""
    body = "\n\n".join(passages)
    return [
        {"role": "system", "content": system},
        {
            "role": "user",
            "content": f"Transcript lines:\n{body}\n\nQuestion: {question.strip()}\n\n{ASK_TASK}",
        },
    ]


def instruction_texts(system: str, preset: Preset) -> list[str]:
    """Everything Recap says to the model, to recognize it when the model says it back."""
    head = (
        f"{LINES_HEAD} Notes on the transcript, in order. Each starts "
        "with the [hh:mm:ss] where it was said. Key moments, in the speakers' own words."
    )
    return [
        system,
        SYSTEM,
        head,
        preset.notes,
        preset.summary,
        NOTES_TASK,
        SUMMARY_TASK,
        REDUCE_TASK,
        TITLE_TASK,
        chapters_task(8, []),
        "What is this about? Answer in 2 to 5 words.",
        "Keep each [hh:mm:ss] exactly as in the notes.",
    ]
