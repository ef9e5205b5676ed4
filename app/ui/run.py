"""Starting the GUI: QApplication first, then the qasync loop, then the window. llama_cpp is not imported
here; the model loads in the background after the window is on screen."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from ..config import Config


def run_gui(files: list[str], model: str | None = None, exit_when_done: bool = False) -> int:
    import qasync
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from ..assets import resources_dir
    from ..desktop import APP_ID
    from .main_window import MainWindow
    from .single_instance import SingleInstance, hand_off

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("Recap")
    app.setOrganizationName("Recap")
    app.setDesktopFileName(APP_ID)  # Wayland and the task bar match the window to the launcher entry
    res = resources_dir()
    if res is not None:
        app.setWindowIcon(QIcon(str(res / "icons" / "recap.svg")))
    # A second launch hands its files to the running window and exits (a scripted --exit-when-done run keeps
    # its own window: it waits for its own files).
    if not exit_when_done and hand_off([str(Path(f).resolve()) for f in files]):
        print("recap: handed to the Recap window that is already open", file=sys.stderr)
        return 0
    instance = SingleInstance()
    if not exit_when_done:
        instance.listen()
    app.setQuitOnLastWindowClosed(False)  # the loop ends when the window has shut the model down
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    config = Config()
    window = MainWindow(loop, config, restore_queue=not exit_when_done)
    if model:
        window.set_model(model)
    window.show()

    def received(paths: list[str]) -> None:
        if paths:
            window.add_files(paths)
            if window.paused:  # opening a file means "summarize it": the queue goes on
                window.commands.pause.setChecked(False)
        window.showNormal()
        window.raise_()
        window.activateWindow()

    instance.filesReceived.connect(received)
    if exit_when_done:

        def maybe_quit() -> None:
            if not any(j.state in ("waiting", "reading", "running") for j in window.jobs):
                window.close()

        window.runner.idle.connect(maybe_quit)
        if not files:
            window.close()
    if files:
        window.add_files(files)
        if window.paused:  # files given at launch (a double-click): the queue, restored or not, goes on
            window.commands.pause.setChecked(False)
    with loop:
        loop.run_until_complete(window.wait_closed())
    instance.close()
    if exit_when_done:
        return 0 if len(window.jobs) and all(j.state == "done" for j in window.jobs) else 1
    return 0
