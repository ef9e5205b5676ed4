from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from app.engine import LlamaEngine
from app.summarize import Finished, Options, Summarizer
from app.summarize.language import detect
from app.summarize.presets import Preset, load_presets, save_user_preset, user_presets_dir
from app.transcript import read_file, read_text
from tests.helpers import DATA

GERMAN = (
    "Anna: Ich glaube, dass wir das Projekt nicht zu spät abschließen, aber es ist auch nicht einfach.\n"
    "Ben: Ja, und wir haben noch die Tests, die wir mit dem Team auf die nächste Woche verschieben.\n"
) * 6


def test_shipped_presets() -> None:
    p = load_presets()
    assert {"podcast", "meeting", "lecture", "interview", "custom", "general"} <= set(p)
    for preset in p.values():
        assert "[hh:mm:ss]" in preset.summary and "[hh:mm:ss]" in preset.notes, preset.id
    assert "Action items" in p["meeting"].summary


def test_user_presets_override_and_broken_ones_are_skipped() -> None:
    save_user_preset(
        Preset("meeting", "My minutes", "mine", "Task: notes [hh:mm:ss]", "Task: MINE [hh:mm:ss]")
    )
    (user_presets_dir() / "broken.toml").write_text("id = [unclosed")
    p = load_presets()
    assert p["meeting"].name == "My minutes" and p["meeting"].summary == "Task: MINE [hh:mm:ss]"
    assert "broken" not in p


def test_language_detection() -> None:
    assert detect(s.text for s in read_file(DATA / "premiere.txt").segments) == "English"
    assert detect([GERMAN]) == "German"
    assert (
        detect(
            [
                "Bonjour à tous, je pense que nous avons un problème avec le projet, mais ce n'est pas grave. "
                "Il faut que vous le fassiez pour la semaine prochaine, et on en parle dans la réunion."
            ]
            * 3
        )
        == "French"
    )
    assert detect(["ok"]) is None


class Recorder:
    """The real engine; every request's messages are kept."""

    def __init__(self, engine: LlamaEngine) -> None:
        self.e = engine
        self.messages: list[list[dict[str, str]]] = []

    def __getattr__(self, name: str):  # noqa: ANN204
        return getattr(self.e, name)

    async def stream(self, messages, *, max_tokens, grammar=None):  # noqa: ANN001, ANN201
        self.messages.append(list(messages))
        async for p in self.e.stream(messages, max_tokens=max_tokens, grammar=grammar):
            yield p


def run(rec: Recorder, t, options: Options) -> object:  # noqa: ANN001
    async def main():  # noqa: ANN202
        try:
            async with contextlib.aclosing(Summarizer(rec, options).run(t)) as evs:
                return [ev async for ev in evs]
        finally:
            await rec.e.close()

    return asyncio.run(main())


def test_language_instruction_survives_every_window_and_the_reduce(tiny_model: Path) -> None:
    t = read_text(GERMAN * 12)
    rec = Recorder(LlamaEngine(tiny_model, n_ctx=2048))
    events = run(rec, t, Options(window_tokens=600, summary_max_tokens=40, notes_max_tokens=20))
    assert any(isinstance(e, Finished) for e in events)
    assert len(rec.messages) >= 5
    for msgs in rec.messages:
        assert msgs[0]["role"] == "system" and "Write in German." in msgs[0]["content"]


def test_chosen_language_and_preset_reach_the_prompts(tiny_model: Path) -> None:
    t = read_file(DATA / "premiere.txt")
    rec = Recorder(LlamaEngine(tiny_model))
    run(rec, t, Options(preset="meeting", language="Spanish", summary_max_tokens=30))
    assert all("Write in Spanish." in m[0]["content"] for m in rec.messages)
    meeting = load_presets()["meeting"]
    assert meeting.summary in rec.messages[-1][1]["content"]  # one window: the summary comes from the preset
