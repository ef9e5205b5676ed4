"""Which model Recap writes with: a GGUF file on this computer or a model server, loaded in the background;
models other tools already downloaded (discovery); and the recommended model's download, only when asked.

No widgets: the model banner, the toolbar's label and the window subscribe to `changed`, `loading`, `ready`,
`found` and `download`. Engines come from the one factory the CLI uses too (app/engine/factory.py).

Thread contract: runs on the Qt thread, which is the asyncio loop's (qasync). Loading, discovery and the
download's checksum happen off this thread; every task started here is kept referenced and ended on `close()`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from ..config import Config, data_dir
from ..engine import Engine, EngineError, GenerationCancelled
from ..engine.discovery import FoundModel
from ..engine.download import RECOMMENDED, Download, State
from ..engine.factory import make_engine
from ..engine.llama_engine import check_model_file

log = logging.getLogger(__name__)


class ModelController(QObject):
    replacing = Signal()  # the engine is about to change: a run on the old one must stop
    changed = Signal()  # engine, error or found models changed: the banner and label show them again
    loading = Signal(bool)  # a model started (True) or ended (False) loading
    ready = Signal()  # a new engine is there: jobs that waited for a model can go on
    found = Signal()  # discovery finished: `found_models` is new
    download = Signal(object)  # the download's State, every poll
    message = Signal(str)  # a sentence for the status bar

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        config: Config,
        factory: Callable[[Config, str], Engine] = make_engine,
    ) -> None:
        super().__init__()
        self.loop, self.config, self._factory = loop, config, factory
        self.engine: Engine | None = None
        self.error: str | None = None  # why there is no usable model, in a sentence
        self.found_models: list[FoundModel] = []
        self.downloading: Download | None = None
        self._tasks: set[asyncio.Task[Any]] = set()  # loads and discoveries
        self._finishing: set[asyncio.Task[Any]] = set()  # old engines closing
        self._discovery: asyncio.Task[None] | None = None
        self._closed = False
        self._poll = QTimer(self)
        self._poll.setInterval(100)
        self._poll.timeout.connect(self.poll_download)

    def _spawn(self, coro: Coroutine[Any, Any, Any], cancel_on_close: bool = True) -> asyncio.Task[Any]:
        """A task kept referenced until it ends; `close()` cancels it (or, for an engine's close, awaits it)."""
        task = self.loop.create_task(coro)
        tasks = self._tasks if cancel_on_close else self._finishing
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        return task

    def start(self) -> None:
        """The model the settings name, or (without one) look for models on this computer."""
        server = self.config.get("server_url")
        if isinstance(server, str) and server:
            self.use_server(server)
        elif self.config.model_path:
            self.set_model(self.config.model_path, remember=False)
        self.changed.emit()
        if self.engine is None:
            self.discover()

    @property
    def name(self) -> str:
        return Path(self.engine.model_path).name if self.engine is not None else ""

    def set_model(self, path: str, remember: bool = True) -> bool:
        """Use this GGUF file. Checked at once, loaded in the background. False (and `error`) if unusable."""
        try:
            check_model_file(Path(path))
        except EngineError as e:
            self.error = str(e)
            self.changed.emit()
            return False
        if remember:
            self.config.model_path = path
        self._replace(self._factory(self.config, path))
        return True

    def use_server(self, url: str) -> None:
        """Write with a model on an OpenAI-compatible server the user runs (Settings › Model server)."""
        self._replace(self._factory(self.config, "server:" + url))

    def _replace(self, engine: Engine) -> None:
        self.replacing.emit()
        old, self.engine, self.error = self.engine, engine, None
        if old is not None:
            self._spawn(old.close(), cancel_on_close=False)
        self._spawn(self._load(engine))
        self.changed.emit()
        self.ready.emit()

    async def _load(self, engine: Engine) -> None:
        self.loading.emit(True)
        try:
            await engine.load()
        except GenerationCancelled:
            pass  # Stop pressed during the load: nothing is wrong with the model; the next run loads it again
        except EngineError as e:
            if engine is self.engine:
                self.engine, self.error = None, str(e)
        finally:
            if not self._closed:
                self.loading.emit(False)
                self.changed.emit()

    def settings_saved(self, busy: bool) -> None:
        """New threads, context or model: a fresh engine (unless a file is being summarized); folders: look again."""
        path, server = self.config.model_path, self.config.get("server_url")
        if busy and (path or server):
            self.message.emit("The new settings apply from the next file.")
        elif server:
            self.use_server(str(server))
        elif path:
            self.set_model(path, remember=False)
        self.discover()

    def discover(self) -> None:
        """Look for models other tools already downloaded (headers only, on a worker thread)."""
        if self._discovery is not None:
            self._discovery.cancel()
        self._discovery = self._spawn(self._discover())

    async def _discover(self) -> None:
        from ..engine.discovery import default_roots, discover

        folders = [f for f in self.config.get("model_folders", []) if isinstance(f, str)]
        try:
            found = await self.loop.run_in_executor(None, lambda: discover(default_roots(extra=folders)))
        except OSError as e:
            log.warning("model discovery failed: %s", e)
            return
        self.found_models = [m for m in found if m.usable]
        self.found.emit()
        self.changed.emit()

    # ---- the recommended model's download (only when asked) ------------------------------------------------

    def start_download(self) -> None:
        if self.downloading is None:
            self.downloading = Download(RECOMMENDED, data_dir() / "models")
        self.downloading.start()
        self._poll.start()
        self.poll_download()

    def pause_download(self) -> None:
        if self.downloading is not None:
            self.downloading.pause()
            self.poll_download()

    def cancel_download(self) -> None:
        if self.downloading is not None:
            self.downloading.cancel()
            self.poll_download()

    def poll_download(self) -> None:
        """Read what the download reported (it only reads a pipe: the transfer and the checksum run elsewhere)."""
        d = self.downloading
        if d is None:
            return
        s: State = d.progress()
        if not s.active:
            self._poll.stop()
            if s.status == "cancelled" or (s.status == "done" and s.path):
                self.downloading = None
            if s.status == "failed":
                self.error = s.error
        self.download.emit(s)
        if s.status == "done" and s.path:
            self.set_model(s.path)

    async def close(self) -> None:
        """Before the loop closes: the download paused (its partial file stays), tasks ended, the model freed."""
        self._closed = True
        self._poll.stop()
        if self.downloading is not None:
            self.downloading.pause()
        for t in list(self._tasks):
            t.cancel()
        for t in [*self._tasks, *self._finishing]:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await t
        if self.engine is not None:
            await self.engine.close()  # the closed engine stays referenced: its figures can still be read
