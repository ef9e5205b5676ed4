"""What Recap tells the model, recognized when the model says it back: its instructions' n-grams, and talk
about the model's own task."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from ..language import FUNCTION_WORDS
from .source import Source
from .text import ngrams, words


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


_TASK_LABELS = frozenset(["task", "tasks", "instruction", "instructions", "output", "response", "assistant"])
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
    # (a label's letters are not a subject: "M: This is the fifth part of this task.", and "Dr. M: ..." once
    # "Dr." ended no sentence: SmolLM2's notes on QMSum's Bro022)
    content = [w for w in ws if w not in FUNCTION_WORDS and len(w) > 2]
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
