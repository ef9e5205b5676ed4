"""Settings: threads, context and folders applied and kept; a model server instead of a file."""

from __future__ import annotations

import pytest

from tests.helpers import (
    DATA,
    drop,
    run_coro,
    run_until,
    serving,
)


def test_settings_dialog_applies_and_survives_a_restart(make_window, aloop, tiny_model, tmp_path) -> None:  # noqa: ANN001
    w = make_window(tiny_model)
    run_until(aloop, lambda: w.models.engine.loaded)
    w.commands.settings.trigger()
    d = w._settings
    assert d.isVisible() and d.model.text() == str(tiny_model)
    assert "Automatic" in d.threads.specialValueText() and d.context.currentData() is None
    d.threads.setValue(1)
    d.context.setCurrentIndex(d.context.findData(4096))
    folder = tmp_path / "more models"
    folder.mkdir()
    d.folders.addItem(str(folder))
    d.accept()  # Save
    assert w.config.get("threads") == 1 and w.config.get("n_ctx") == 4096
    assert w.config.get("model_folders") == [str(folder)]
    run_until(aloop, lambda: w.models.engine.loaded)  # a fresh engine with the new settings
    assert w.models.engine.n_threads == 1 and w.models.engine.info.n_ctx == 4096
    run_until(aloop, lambda: "4096 tokens context" in w.model_label.text())

    run_coro(aloop, w.shutdown())
    w2 = make_window()  # a restart: same model, same settings
    assert w2.models.engine is not None and w2.models.engine.model_path == str(tiny_model)
    run_until(aloop, lambda: w2.models.engine.loaded)
    assert w2.models.engine.n_threads == 1 and w2.models.engine.info.n_ctx == 4096
    w2.commands.settings.trigger()
    assert w2._settings.threads.value() == 1 and w2._settings.context.currentData() == 4096
    w2._settings.reject()


def test_settings_can_point_the_window_at_a_model_server(make_window, aloop, tiny_model, tmp_path) -> None:  # noqa: ANN001
    """Settings › Model server: the window summarizes through llama-cpp-python's own server on loopback, and
    the choice survives a restart."""
    from app.engine.openai_engine import OpenAIEngine

    pytest.importorskip(
        "fastapi", reason="llama-cpp-python's server extra (fastapi, uvicorn) is not installed"
    )
    pytest.importorskip(
        "sse_starlette", reason="llama-cpp-python's server extra (sse-starlette) is not installed"
    )

    with serving(tiny_model, tmp_path / "server.log") as url:
        w = make_window()
        w.commands.settings.trigger()
        w._settings.server.setText(url)
        w._settings.accept()
        run_until(
            aloop, lambda: isinstance(w.models.engine, OpenAIEngine) and w.models.engine.loaded, timeout=30
        )
        assert w.config.get("server_url") == url
        run_until(aloop, lambda: not w.banner.isVisible() and url in w.model_label.toolTip())
        drop(w, DATA / "premiere.txt")
        run_until(aloop, lambda: w.jobs.jobs[0].state in ("done", "failed"), timeout=60)
        assert w.jobs.jobs[0].state == "done", w.jobs.jobs[0].error
        assert w.jobs.jobs[0].result is not None and w.jobs.jobs[0].result.chapters
        run_coro(aloop, w.shutdown())
        w2 = make_window()
        assert isinstance(w2.models.engine, OpenAIEngine) and w2.models.engine.base_url == url
        run_coro(aloop, w2.shutdown())
