"""Prompt text. Shared instructions and the window's transcript come first and the task last, so that two
requests about the same window share their prefix and llama.cpp's KV cache serves the second one without
re-reading the transcript."""

from __future__ import annotations

from collections.abc import Sequence

from ..transcript import Segment, Transcript
from .chapters import stamp

SYSTEM = (
    "You are Recap, an assistant that summarizes transcripts of podcasts, meetings, interviews and lectures. "
    "Use only what the transcript says. Write in the language of the transcript."
)

Message = dict[str, str]


def transcript_line(seg: Segment) -> str:
    who = f"{seg.speaker}: " if seg.speaker else ""
    return f"[{stamp(seg.start_s)}] {who}{seg.text}"


def _about(t: Transcript) -> str:
    parts = []
    if t.title:
        parts.append(f"Title: {t.title}")
    if t.description:
        parts.append(f"Description: {t.description}")
    return "\n".join(parts) + ("\n\n" if parts else "")


def window_messages(
    t: Transcript, lines: Sequence[str], part: int, parts: int, span: tuple[float, float], task: str
) -> list[Message]:
    where = f"part {part} of {parts} " if parts > 1 else ""
    head = (
        f"{_about(t)}Transcript {where}({stamp(span[0])} to {stamp(span[1])}). "
        "Each line starts with [hh:mm:ss], the moment it was said.\n\n"
    )
    return [
        {"role": "system", "content": SYSTEM},
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


def reduce_messages(t: Transcript, notes: Sequence[str], final: bool) -> list[Message]:
    task = (
        "Task: write the summary of the whole transcript: one short paragraph, then the key points as 3 to 8 "
        "bullet points. Start each bullet with its [hh:mm:ss], exactly as in the notes."
        if final
        else "Task: combine these notes into at most 8 bullet points, keeping each [hh:mm:ss] exactly."
    )
    body = "\n".join(n.strip() for n in notes if n.strip())
    return [
        {"role": "system", "content": SYSTEM},
        {
            "role": "user",
            "content": f"{_about(t)}Notes on the transcript, in order. Each starts with the [hh:mm:ss] where it "
            f"was said.\n\n{body}\n\n{task}",
        },
    ]
