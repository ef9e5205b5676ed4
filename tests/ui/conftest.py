"""The window fixture: real windows on the test's qasync loop, shut down (model thread and all) afterwards."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.config import Config
from app.summarize import Options
from app.ui.main_window import MainWindow
from tests.helpers import fast_options, run_coro


@pytest.fixture
def make_window(aloop, qtbot) -> Iterator[Callable[..., MainWindow]]:  # noqa: ANN001
    windows: list[MainWindow] = []

    def make(model: Path | None = None, options: Options | None = None) -> MainWindow:
        w = MainWindow(aloop, Config(), options=options or fast_options())
        if model is not None:
            assert w.set_model(str(model))
        w.show()
        windows.append(w)
        return w

    yield make
    for w in windows:
        run_coro(aloop, w.shutdown())
        w.close()
        w.deleteLater()
