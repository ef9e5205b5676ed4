"""What Recap writes and in which language, remembered; the Custom preset's instructions."""

from __future__ import annotations


def test_preset_and_language_choices_are_remembered(make_window, aloop) -> None:  # noqa: ANN001
    w = make_window()
    w.picker.select(w.picker.preset_box, "meeting")
    w.picker.select(w.picker.language_box, "German")
    assert w.options.preset == "meeting" and w.options.language == "German"
    assert not w.picker.edit_button.isVisible()
    w2 = make_window()  # a restart
    assert w2.picker.preset_box.currentData() == "meeting" and w2.options.preset == "meeting"
    assert w2.picker.language_box.currentData() == "German" and w2.options.language == "German"


def test_custom_instructions_are_saved(make_window, aloop) -> None:  # noqa: ANN001
    from app.summarize.presets import load_presets

    w = make_window()
    w.picker.select(w.picker.preset_box, "custom")
    w.picker.edit_button.click()
    dialog = w.picker.dialog
    dialog.setTextValue("Task: list every tool mentioned, each with its [hh:mm:ss].")
    dialog.accept()
    assert load_presets()["custom"].summary == "Task: list every tool mentioned, each with its [hh:mm:ss]."
