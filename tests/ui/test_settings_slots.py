"""Settings › Server requests at once: automatic (0, what the server reports) by default, and a number the user
sets reaches the server engine the factory builds."""

from __future__ import annotations

from app.config import Config
from app.engine.factory import make_engine
from app.engine.openai_engine import OpenAIEngine
from app.ui.settings_dialog import SettingsDialog


def test_requests_at_once_is_automatic_until_set(qtbot) -> None:  # noqa: ANN001
    config = Config()
    config.set("server_url", "http://127.0.0.1:9")  # never contacted: nothing here loads
    d = SettingsDialog(config)
    qtbot.addWidget(d)
    assert d.slots.value() == 0 and "Automatic" in d.slots.specialValueText()
    d.slots.setValue(3)
    d.accept()
    assert Config().get("server_slots") == 3  # saved, and read back as a restart would
    e = make_engine(Config())
    assert isinstance(e, OpenAIEngine) and e.slots == 3
    e.close_sync()
    d2 = SettingsDialog(Config())
    qtbot.addWidget(d2)
    assert d2.slots.value() == 3
    d2.slots.setValue(0)
    d2.accept()
    assert Config().get("server_slots") is None
    e = make_engine(Config())
    assert isinstance(e, OpenAIEngine) and e.slots == 1  # automatic: 1 until the server says more
    e.close_sync()
