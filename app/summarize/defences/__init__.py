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

The rules live in one module each: `text` (words, placeholders, fillers), `instructions` (echoes and talk
about the task), `titles`, `source` (the transcript's words and speakers), `quotes` (quotation marks), `lines`
(a line of the model's own that is no sentence or says nothing) and `guard` (the streaming filter that applies
them). Pure Python, no Qt, no llama_cpp.
"""

from .guard import QUOTE_REACH_S, GuardCounts, TextGuard, clean_text
from .instructions import Instructions, about_the_task, after_task_lead_in
from .quotes import QuoteMarks, quoted
from .source import Source
from .text import (
    FILLERS,
    GENERIC,
    PLACEHOLDER,
    SPEAKER_LABEL,
    has_placeholder,
    ngrams,
    similar,
    strip_placeholders,
    within,
    words,
)
from .titles import DANGLING, MAX_TITLE_CHARS, keyword_title, title_problem

__all__ = [
    "DANGLING",
    "FILLERS",
    "GENERIC",
    "MAX_TITLE_CHARS",
    "PLACEHOLDER",
    "QUOTE_REACH_S",
    "SPEAKER_LABEL",
    "GuardCounts",
    "Instructions",
    "QuoteMarks",
    "Source",
    "TextGuard",
    "about_the_task",
    "after_task_lead_in",
    "clean_text",
    "has_placeholder",
    "keyword_title",
    "ngrams",
    "quoted",
    "similar",
    "strip_placeholders",
    "title_problem",
    "within",
    "words",
]
