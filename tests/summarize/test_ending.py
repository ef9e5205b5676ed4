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


def test_answers_ended_for_made_up_speech_are_said_in_a_notice() -> None:
    st = state()
    st.guard.given_up = 1
    assert "One answer that put words in someone's mouth sentence after sentence was ended there." in [
        n.message for n in finish_notices(st)
    ]
    st = state()
    st.guard.given_up = 2
    assert "2 answers that put words in someone's mouth sentence after sentence were ended there." in [
        n.message for n in finish_notices(st)
    ]
    assert not any("someone's mouth" in n.message for n in finish_notices(state()))


def test_where_the_model_wrote_nothing_usable_the_summary_is_the_notes_or_the_transcripts_lines() -> None:
    """SmolLM2 on a 6-second WhisperX file (tests/data/formats/whisperx.json, 2026-12-06) wrote an interview
    nobody gave, all refused: the summary was empty. With no notes and no sentence long enough for a key moment,
    the summary is the transcript's first lines; with notes, the notes by part; with the model's own summary,
    nothing is added."""
    from app.summarize.ending import fallback

    st = state()
    st.t = read_text("[00:00:00] SPEAKER_00: Welcome to the interview.\n[00:00:03] SPEAKER_01: Thank you.\n")
    st.model_summary = ""
    assert fallback(st) == (
        "The transcript's first lines (the model wrote no usable summary):\n\n"
        "- [00:00:00] SPEAKER_00: Welcome to the interview.\n- [00:00:03] SPEAKER_01: Thank you.\n"
    )
    st.notes = ["- [00:00:00] The interview begins."]
    assert fallback(st).startswith("Notes by part (the model wrote no usable summary):\n\n- [00:00:00] The")
    st.model_summary = "The interview begins."
    assert fallback(st) == ""


def test_a_key_moment_the_summary_already_quotes_with_its_speaker_and_time_is_not_repeated() -> None:
    """SmolLM2's summary of QMSum's ES2006a (2026-12-06) quoted a key moment on a line of its own with the
    speaker's name and time; the key moments listed it again."""
    from app.summarize.ending import moments_section

    st = state()
    st.summary_parts = [
        '[00:01:10] Project Manager: "There\'s the functional design of the the remote control."'
    ]
    st.moments = [
        "- [00:01:10] Project Manager: “There's the functional design of the the remote control.”",
        "- [00:07:03] User Interface: “I do like dogs because they are good friends to people.”",
    ]
    st.moment_texts = [
        "There's the functional design of the the remote control.",
        "I do like dogs because they are good friends to people.",
    ]
    assert moments_section(st) == "### Key moments\n\n" + st.moments[1] + "\n"
