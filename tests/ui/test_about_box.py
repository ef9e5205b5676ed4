"""Help › About: version, the model in use, where things are kept, every shipped component with its licence."""

from __future__ import annotations

from importlib.metadata import version

from PySide6.QtWidgets import QWidget

from app import __version__
from app.config import data_dir


def test_about_lists_the_components_with_versions_and_licences(qtbot) -> None:  # noqa: ANN001
    from app.ui.about_box import BUNDLED, AboutBox

    parent = QWidget()
    qtbot.addWidget(parent)
    box = AboutBox(parent, "tiny.gguf")
    assert (
        f"Recap {__version__}" in box.text() and "tiny.gguf" in box.text() and str(data_dir()) in box.text()
    )
    info = box.informativeText()
    assert all(what in info and lic in info for _, what, lic in BUNDLED)
    assert version("qasync") in info  # the installed versions, read at run time
    assert "none chosen" in AboutBox(parent, "").text()
