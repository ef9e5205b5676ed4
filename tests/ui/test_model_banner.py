"""The banner when there is no model: a file chosen, models found on disk, the recommended download."""

from __future__ import annotations

import os
from pathlib import Path

from app.config import Config
from tests.helpers import (
    DATA,
    drop,
    run_until,
)


def test_choosing_a_model_is_remembered_and_resumes(make_window, aloop, tiny_model, tmp_path) -> None:  # noqa: ANN001
    w = make_window()
    drop(w, DATA / "premiere.txt")
    run_until(aloop, lambda: w.jobs.jobs[0].state == "needs-model")
    not_gguf = tmp_path / "x.gguf"
    not_gguf.write_text("nope")
    assert not w.set_model(str(not_gguf))
    assert w.banner.isVisible() and "not a GGUF" in w.banner.text.text()
    assert w.set_model(str(tiny_model))
    run_until(aloop, lambda: w.jobs.jobs[0].state == "done")
    assert Config().model_path == str(tiny_model)
    w2 = make_window()  # a restart reads the setting
    assert w2.models.engine is not None and w2.models.engine.model_path == str(tiny_model)


def test_model_file_dialog_from_the_banner(make_window, aloop, tiny_model) -> None:  # noqa: ANN001
    w = make_window()
    w.banner.choose_button.click()
    dialog = w._model_dialog
    assert dialog.isVisible()
    dialog.selectFile(str(tiny_model))
    dialog.accept()
    assert w.models.engine is not None and w.models.engine.model_path == str(tiny_model)
    run_until(aloop, lambda: "8192 tokens context" in w.model_label.text())  # the label follows the load
    assert not w.banner.isVisible()
    assert "tiny" in w.model_label.text()


def test_models_found_on_disk_are_offered_when_there_is_none(make_window, aloop, tiny_model) -> None:  # noqa: ANN001
    import shutil

    home = Path(os.environ["HOME"])  # the test's own empty home (conftest)
    lm = home / ".lmstudio" / "models" / "someone" / "Tiny-GGUF" / "tiny-q8_0.gguf"
    lm.parent.mkdir(parents=True)
    shutil.copy(tiny_model, lm)
    w = make_window()
    run_until(aloop, lambda: w.banner.found_box.count() == 1)
    assert w.banner.isVisible() and "found 1 model" in w.banner.text.text()
    assert w.banner.use_found_button.isVisible() and "lm-studio" in w.banner.found_box.itemText(0)
    drop(w, DATA / "premiere.txt")
    run_until(aloop, lambda: w.jobs.jobs[0].state == "needs-model")
    w.banner.use_found_button.click()
    assert w.models.engine is not None and w.models.engine.model_path == str(lm)
    assert w.config.model_path == str(lm)  # remembered
    run_until(aloop, lambda: w.jobs.jobs[0].state == "done", timeout=60)  # the waiting file ran with it


def test_first_run_downloads_the_recommended_model_on_request(
    make_window, aloop, tiny_model, monkeypatch
) -> None:  # noqa: ANN001
    """The whole first-run path against a loopback server standing in for huggingface.co (HF_ENDPOINT): the
    offer says what and why, nothing moves before the click, progress shows, the model is used when whole."""
    from PySide6.QtWidgets import QMessageBox

    from app.engine.download import RECOMMENDED
    from app.summarize.store import data_dir
    from tests.helpers import Hub

    hub = Hub(tiny_model.read_bytes(), RECOMMENDED.repo, RECOMMENDED.filename)
    monkeypatch.setenv("HF_ENDPOINT", hub.endpoint)
    try:
        w = make_window()
        assert (
            w.banner.download_button.isVisible() and RECOMMENDED.license in w.banner.download_button.toolTip()
        )
        drop(w, DATA / "premiere.txt")
        run_until(aloop, lambda: w.jobs.jobs[0].state == "needs-model")
        w.banner.download_button.click()
        box = w.banner.offer
        assert (
            box.isVisible() and RECOMMENDED.name in box.text() and "only time Recap goes online" in box.text()
        )
        assert hub.ranges == []  # nothing downloaded before the click
        box.button(QMessageBox.StandardButton.Ok).click()
        run_until(aloop, lambda: w.models.engine is not None, timeout=60)
        target = data_dir() / "models" / RECOMMENDED.filename
        assert w.models.engine.model_path == str(target) and target.read_bytes() == hub.data
        assert w.config.model_path == str(target)
        run_until(
            aloop, lambda: w.jobs.jobs[0].state == "done", timeout=60
        )  # and the waiting file ran with it
    finally:
        hub.close()
