"""Starting the GUI: QApplication first, then the qasync loop, then the window. llama_cpp is not imported
here; the model loads in the background after the window is on screen."""

from __future__ import annotations

import asyncio
import sys

from ..config import Config


def run_gui(files: list[str], model: str | None = None, exit_when_done: bool = False) -> int:
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
    if exit_when_done:

        def maybe_quit() -> None:
            if not any(i.state in ("waiting", "reading", "running") for i in window.items):
                window.close()

        window.runIdle.connect(maybe_quit)
        if not files:
            window.close()
    if files:
        window.add_files(files)
    with loop:
        loop.run_until_complete(window.wait_closed())
    if exit_when_done:
        return 0 if window.items and all(i.state == "done" for i in window.items) else 1
    return 0
