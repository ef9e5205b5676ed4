"""The toolbar's model line follows the controller: none, loading, then the context it runs with."""

from __future__ import annotations

from app.config import Config
from tests.helpers import run_coro, run_until


def test_label_follows_the_model(aloop, qtbot, tiny_model) -> None:  # noqa: ANN001
    from app.ui.model_controller import ModelController
    from app.ui.model_label import ModelLabel

    c = ModelController(aloop, Config())
    label = ModelLabel(c)
    qtbot.addWidget(label)
    assert label.text().strip() == "No model"
    c.set_model(str(tiny_model))
    assert "loading…" in label.text() and label.toolTip() == str(tiny_model)
    run_until(aloop, lambda: "8192 tokens context" in label.text())
    assert tiny_model.name in label.text()
    run_coro(aloop, c.close())
