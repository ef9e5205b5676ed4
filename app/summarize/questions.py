"""What a person asks of a transcript besides its summary: a question answered from the passages that bear on it
(ask.py finds them, and the transcript's own sentences that answer it), and a new title for one chapter. Both go
through a Summarizer's model, its stop and its checks; they live here so that pipeline.py holds the summarizing
run alone. (The functions use the Summarizer's package-internal helpers: `_load`, `_check_stop`,
`_stream_summary`.)"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncGenerator, Sequence

from ..engine.errors import EngineError, GenerationCancelled
from ..transcript import Transcript
from . import prompts
from .ask import context_for, evidence
from .chaptering import Titler
from .citations import REF, CitationFilter, ref_seconds
from .defences import Instructions, Source
from .events import Answered, Cancelled, Chapter, Event, Failed, Progress, SummaryDelta
from .language import detect, in_own_language
from .pipeline import Summarizer
from .presets import get_preset
from .prompts import instruction_texts
from .windows import PlanError

log = logging.getLogger(__name__)


async def ask(self: Summarizer, transcript: Transcript, question: str) -> AsyncGenerator[Event, None]:
    """Answer a question about the transcript from the passages that bear on it (app/summarize/ask.py):
    Progress, the answer's pieces as SummaryDelta (checked like the summary: whole sentences, real citations
    only), then Answered; Cancelled after stop(), Failed with a sentence."""
    self._stopped = False
    o = self.options
    st = self.new_state(transcript, [prompts.ASK_TASK])
    system = st.system
    st.cites = CitationFilter([s.start_s for s in transcript.segments])
    try:
        yield Progress("Loading model", 0.0)
        await self._load()
        yield Progress("Finding the parts that answer it", 0.1)
        found = context_for(transcript, question)
        msgs = prompts.ask_messages([p.text for p in found], question, system)
        while len(found) > 1 and await self.model.count_prompt(msgs) + o.notes_max_tokens > self.model.n_ctx:
            found = found[:-1]  # a small context: fewer passages, never a prompt that does not fit
            msgs = prompts.ask_messages([p.text for p in found], question, system)
        yield Progress("Answering", 0.3)
        async for ev in self._stream_summary(st, msgs, max_tokens=o.notes_max_tokens):
            yield ev
        said = evidence(transcript, found, question)
        if said:
            gap = "\n\n" if st.summary() else ""
            tail = f"{gap}In the transcript:\n" + "\n".join(said)
            st.summary_parts.append(tail)
            yield SummaryDelta(tail)
        text = st.summary()
        cited = tuple(sorted({ref_seconds(m.group(1)) for m in REF.finditer(text)}))
        yield Answered(question, text, cited, tuple((p.start_s, p.end_s) for p in found))
    except GenerationCancelled:
        yield Cancelled((), st.summary(), None)
    except (EngineError, PlanError) as e:
        yield Failed(str(e))
    except Exception as e:  # a bug: say so in one sentence, keep the details in the log
        log.exception("ask failed")
        yield Failed(f"Recap hit an internal error ({type(e).__name__}: {e}).")


async def retitle(self: Summarizer, transcript: Transcript, chapters: Sequence[Chapter], k: int) -> str:
    """A new title for chapter k from the model, from that chapter's own lines only (the whole transcript is
    not read again), held to the same checks as the run's titles, different from the titles around it."""
    self._stopped = False
    await self._load()
    o = self.options
    preset = get_preset(o.preset)
    language = o.language or detect(s.text for s in transcript.segments)
    system = prompts.system_prompt(language)
    segs = transcript.segments
    starts = [0] + [
        next((i for i, s in enumerate(segs) if s.start_s >= c.start_s - 1e-6), len(segs) - 1)
        for c in chapters[1:]
    ]
    titler = Titler(
        segs,
        starts,
        Instructions(instruction_texts(system, preset)),
        system,
        transcript.speakers,
        o.use_grammar,
        said=Source(segs).begins_a_word if in_own_language(o.language, transcript) else None,
    )
    titler.titles = [c.title for i, c in enumerate(chapters) if i != k]

    async def ask(messages: list[dict[str, str]], max_tokens: int, grammar: str | None) -> str:
        self._check_stop()
        stream = self.model.stream(messages, max_tokens=max_tokens, grammar=grammar)
        async with contextlib.aclosing(stream) as pieces:
            text = "".join([p async for p in pieces])
        self._check_stop()
        return text

    return await titler.title(k, ask)
