"""Help › About: the version, where results and settings are kept, the model in use, and what Recap ships
with, with each component's version and licence."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from PySide6.QtWidgets import QMessageBox, QWidget

from .. import __version__
from ..config import config_dir, data_dir

# (distribution, what it is, licence) of what a Recap installation or bundle ships.
BUNDLED = [
    ("recap", "Recap", "MIT"),
    ("llama_cpp_python", "llama-cpp-python (llama.cpp, ggml)", "MIT"),
    ("PySide6-Essentials", "Qt for Python (PySide6, Qt)", "LGPL-3.0"),
    ("qasync", "qasync", "BSD-2-Clause"),
    ("charset-normalizer", "charset-normalizer", "MIT"),
    ("platformdirs", "platformdirs", "MIT"),
    ("mutagen", "mutagen", "GPL-2.0-or-later"),
]


def _version(dist: str) -> str:
    try:
        return version(dist)
    except PackageNotFoundError:
        return "?"


class AboutBox(QMessageBox):
    def __init__(self, parent: QWidget, model: str) -> None:
        super().__init__(parent)
        self.setWindowTitle("About Recap")
        self.setIconPixmap(parent.windowIcon().pixmap(64, 64))
        self.setText(
            f"<b>Recap {__version__}</b><br>Offline transcript summaries and chapters. Everything runs on this "
            f"computer with llama.cpp; nothing is sent anywhere.<br><br>Model in use: {model or 'none chosen'}"
            f"<br>Results: {data_dir()}<br>Settings: {config_dir()}"
        )
        rows = "".join(
            f"<tr><td>{what}</td><td>{_version(d)}</td><td>{lic}</td></tr>" for d, what, lic in BUNDLED
        )
        self.setInformativeText(
            "<b>Components</b><table cellspacing=6>" + rows + "</table>"
            "<small>Recap itself is MIT-licensed. mutagen (GPL-2.0-or-later) and Qt (LGPL-3.0) come with their own "
            "terms; their sources are at pypi.org and qt.io.</small>"
        )
