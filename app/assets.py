"""The one place that finds Recap's resource files (presets, icons, desktop entry), from a source checkout, a
frozen bundle (PyInstaller's sys._MEIPASS) or a folder named by RECAP_RESOURCES."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def resources_dir() -> Path | None:
    candidates = []
    if os.environ.get("RECAP_RESOURCES"):
        candidates.append(Path(os.environ["RECAP_RESOURCES"]))
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        candidates.append(Path(bundle) / "resources")
    candidates.append(Path(__file__).resolve().parent.parent / "resources")
    for c in candidates:
        if c.is_dir():
            return c
    return None
