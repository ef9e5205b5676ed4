"""Presets: what to write (show notes, minutes, lecture notes, interview themes, or the user's own
instructions), as editable TOML files. Shipped ones live in resources/presets/; the user's copies in the config
folder's presets/ override them by id and may add new ones. The chapter request is the same for every preset."""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..assets import resources_dir
from ..config import config_dir
from . import prompts

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Preset:
    id: str
    name: str
    description: str
    notes: str  # the task for each window's notes
    summary: str  # the task for the final summary (and for a one-window transcript)
    path: str | None = None


DEFAULT = Preset(
    "general",
    "General summary",
    "A short paragraph and the key points, each with its time.",
    prompts.NOTES_TASK,
    prompts.SUMMARY_TASK,
)


def _read(path: Path) -> Preset | None:
    try:
        d = tomllib.loads(path.read_text(encoding="utf-8"))
        return Preset(
            id=str(d.get("id") or path.stem),
            name=str(d.get("name") or path.stem),
            description=str(d.get("description", "")),
            notes=" ".join(str(d["notes"]).split()),
            summary=" ".join(str(d["summary"]).split()),
            path=str(path),
        )
    except (OSError, ValueError, KeyError) as e:  # a broken user file is skipped, not fatal
        log.warning("preset %s not usable: %s", path, e)
        return None


def user_presets_dir() -> Path:
    return config_dir() / "presets"


def load_presets() -> dict[str, Preset]:
    found: dict[str, Preset] = {DEFAULT.id: DEFAULT}
    folders = [d / "presets" for d in [resources_dir()] if d is not None] + [user_presets_dir()]
    for folder in folders:
        if folder.is_dir():
            for p in sorted(folder.glob("*.toml")):
                preset = _read(p)
                if preset is not None:
                    found[preset.id] = preset
    return found


def get_preset(preset_id: str) -> Preset:
    return load_presets().get(preset_id, DEFAULT)


def save_user_preset(preset: Preset) -> Path:
    """Write a user copy (the custom preset's instructions typed in the window, for instance)."""
    folder = user_presets_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{preset.id}.toml"

    def q(s: str) -> str:
        return '"""' + s.replace("\\", "\\\\").replace('"""', '\\"\\"\\"') + '"""'

    path.write_text(
        f'id = "{preset.id}"\nname = {q(preset.name)}\ndescription = {q(preset.description)}\n'
        f"notes = {q(preset.notes)}\nsummary = {q(preset.summary)}\n",
        encoding="utf-8",
    )
    return path
