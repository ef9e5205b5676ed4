"""Take the README screenshot: the real app in a real window (run under Xvfb), mid-run on a transcript.

    xvfb-run -a -s "-screen 0 1280x800x24" python tests/screenshot.py MODEL.gguf TRANSCRIPT OUT.png

It starts the window exactly as `recap` does, queues the transcript, and grabs the screen once a few chapters
are on screen and the run is still going (or, with --done, when it has finished; with --ask, once a question
about it is answered).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("transcript")
    ap.add_argument("out")
    ap.add_argument("--done", action="store_true", help="wait for the run to finish")
    ap.add_argument("--chapters", type=int, default=3)
    ap.add_argument("--appearance", choices=["system", "light", "dark"], default="light")
    ap.add_argument("--history", action="store_true", help="show the History panel too")
    ap.add_argument("--ask", metavar="QUESTION", help="then ask the transcript this, and wait for the answer")
    a = ap.parse_args()
    os.environ.setdefault("RECAP_CONFIG_DIR", tempfile.mkdtemp())
    os.environ.setdefault(
        "RECAP_DATA_DIR", tempfile.mkdtemp()
    )  # a fresh store: the run is computed, not reopened

    import qasync
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from app.config import Config
    from app.summarize import Options
    from app.ui.main_window import MainWindow

    app = QApplication(sys.argv[:1])
    app.setApplicationName("Recap")
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    w = MainWindow(loop, Config(), options=Options())
    w.resize(1280, 800)
    w.move(0, 0)
    w.set_model(a.model)
    w.set_appearance(a.appearance)
    w.show()

    async def scenario() -> None:
        while not w.models.engine.loaded:  # type: ignore[union-attr]
            await asyncio.sleep(0.01)
        w.add_files([a.transcript])
        item = w.jobs.jobs[0]
        while True:
            if a.done and item.state in ("done", "failed"):
                break
            if not a.done and len(item.chapters) >= a.chapters and item.state == "running":
                break
            if item.state in ("done", "failed") and not a.done:
                break
            await asyncio.sleep(0.002)
        if a.history:
            w.commands.history.setChecked(True)
        if a.ask and item.state == "done":
            panel = w.workspace.ask_panel
            panel.question.setText(a.ask)
            panel.ask()
            while panel.answering:
                await asyncio.sleep(0.01)
        await asyncio.sleep(0.05)
        shot = QGuiApplication.primaryScreen().grabWindow(0)
        shot.save(a.out)
        print(
            f"saved {a.out} ({shot.width()}x{shot.height()}), state {item.state}, {len(item.chapters)} chapters"
        )
        await w.shutdown()

    with loop:
        loop.run_until_complete(scenario())
    return 0


if __name__ == "__main__":
    sys.exit(main())
