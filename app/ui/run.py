"""Starting the GUI: QApplication first, then the qasync loop, then the window. llama_cpp is not imported
here; the model loads in the background after the window is on screen."""

from __future__ import annotations

import asyncio
import sys

from ..config import Config


def run_gui(files: list[str], model: str | None = None) -> int:
    import qasync
    from PySide6.QtWidgets import QApplication

    from .main_window import MainWindow

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("Recap")
    app.setOrganizationName("Recap")
    app.setQuitOnLastWindowClosed(False)  # the loop ends when the window has shut the model down
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    config = Config()
    window = MainWindow(loop, config)
    if model:
        window.set_model(model)
    window.show()
    if files:
        window.add_files(files)
    with loop:
        loop.run_until_complete(window.wait_closed())
    return 0
