"""Recap's settings file: a small JSON document in the user config dir, shared by the window and the CLI.

JSON rather than QSettings so that the headless CLI (which never imports Qt) reads the same model choice.
`RECAP_CONFIG_DIR` overrides the folder (tests give every test its own).
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any


def data_dir() -> Path:
    """Results, the queue and downloaded models. `RECAP_DATA_DIR` overrides it (tests give every test its own)."""
    env = os.environ.get("RECAP_DATA_DIR")
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("recap", appauthor=False))


def write_atomically(path: Path, text: str) -> None:
    """A whole file or none: written beside its place under a temporary name, then renamed over it (a crash or a
    full disk never leaves half a file where the user's file was)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def config_dir() -> Path:
    env = os.environ.get("RECAP_CONFIG_DIR")
    if env:
        return Path(env)
    from platformdirs import user_config_dir

    return Path(user_config_dir("recap", appauthor=False))


class Config:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or config_dir() / "settings.json"
        self._data: dict[str, Any] = {}
        try:
            loaded = json.loads(self.path.read_text(encoding="utf-8"))
            if isinstance(loaded, dict):
                self._data = loaded
        except (OSError, ValueError):
            pass  # no file yet, or a damaged one: start from defaults and rewrite it on the next save

    def get(self, key: str, default: Any = None) -> Any:
        return self._data.get(key, default)

    def set(self, key: str, value: Any) -> None:
        self._data[key] = value
        self.save()

    def save(self) -> None:
        """Atomic, so a crash never leaves half a settings file."""
        write_atomically(self.path, json.dumps(self._data, indent=2))

    @property
    def model_path(self) -> str | None:
        v = self.get("model_path")
        return v if isinstance(v, str) and v else None

    @model_path.setter
    def model_path(self, value: str | None) -> None:
        self.set("model_path", value)
