"""The notices at a run's end (app/summarize/ending.py): each says what the defences did, in a sentence."""

from __future__ import annotations

from app.summarize.chapters import ChapterList
from app.summarize.defences import Instructions, Source
from app.summarize.ending import finish_notices
from app.summarize.presets import get_preset
from app.summarize.runcache import NullCache
from app.summarize.state import RunState
from app.transcript import read_text


def state() -> RunState:
    t = read_text("[00:00:01] Ana: The budget was approved last night.\n")
    return RunState(
        t=t,
        preset=get_preset("podcast"),
        language="English",
        system="",
        instructions=Instructions([]),
        source=Source(t.segments, t.speakers),
        cache=NullCache(),
        chapters=ChapterList(60.0, t.duration_s),
        model_summary="The budget passed.",
    )


def test_quotations_placed_are_said_in_a_notice() -> None:
    st = state()
    st.guard.placed = 3
    notices = [n.message for n in finish_notices(st)]
    assert (
        "3 quotations were given the time or the speaker the transcript has for them (the model's was missing "
        "or another)." in notices
    )
    quiet = state()
    assert not any("quotations were given" in n.message for n in finish_notices(quiet))
