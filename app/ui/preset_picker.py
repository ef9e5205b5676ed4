"""What Recap writes and in which language: the toolbar's preset and language boxes, and the Custom preset's
instructions (typed in a dialog and kept in the user's presets folder). Both choices are remembered."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QInputDialog, QLabel, QToolButton, QWidget

from ..config import Config
from ..summarize.language import LANGUAGES
from ..summarize.presets import DEFAULT as DEFAULT_PRESET
from ..summarize.presets import Preset, load_presets, save_user_preset


class PresetPicker(QWidget):
    changed = Signal()  # the preset or the language changed
    saved = Signal(str)  # a sentence: the custom instructions were saved

    def __init__(self, config: Config, preset: str, language: str | None) -> None:
        super().__init__()
        self.config = config
        self.presets = load_presets()
        self.preset_box = QComboBox()
        self.preset_box.setAccessibleName("Preset")
        for p in self.presets.values():
            self.preset_box.addItem(p.name, p.id)
        self.edit_button = QToolButton()
        self.edit_button.setText("Edit…")
        self.edit_button.setAccessibleName("Edit the custom instructions")
        self.edit_button.setToolTip("Write your own instructions (the Custom preset)")
        self.edit_button.clicked.connect(self.edit_custom)
        self.language_box = QComboBox()
        self.language_box.setAccessibleName("Output language")
        self.language_box.setToolTip(
            "The language of the summary and chapters (default: the transcript's own)"
        )
        self.language_box.addItem("the transcript's language", None)
        for lang in LANGUAGES:
            self.language_box.addItem(lang, lang)
        self.dialog: QInputDialog | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(" Write: "))
        layout.addWidget(self.preset_box)
        layout.addWidget(self.edit_button)
        layout.addWidget(QLabel(" in "))
        layout.addWidget(self.language_box)
        self.select(self.preset_box, config.get("preset", preset))
        self.select(self.language_box, config.get("language", language))
        self._preset_changed()
        self.preset_box.currentIndexChanged.connect(self._preset_changed)
        self.language_box.currentIndexChanged.connect(self._language_changed)

    @staticmethod
    def select(box: QComboBox, value: object) -> None:
        box.setCurrentIndex(max(0, box.findData(value)))

    @property
    def preset(self) -> str:
        return str(self.preset_box.currentData())

    @property
    def language(self) -> str | None:
        lang = self.language_box.currentData()
        return lang if isinstance(lang, str) else None

    def _preset_changed(self, _index: int = 0) -> None:
        p = self.presets.get(self.preset)
        self.preset_box.setToolTip(
            p.description if p else "What Recap writes: show notes, minutes, lecture notes, interview themes…"
        )
        self.edit_button.setVisible(self.preset == "custom")
        self.config.set("preset", self.preset)
        self.changed.emit()

    def _language_changed(self, _index: int) -> None:
        self.config.set("language", self.language)
        self.changed.emit()

    def edit_custom(self) -> None:
        current = self.presets.get("custom")
        dialog = QInputDialog(self)
        dialog.setWindowTitle("Custom instructions")
        dialog.setLabelText(
            "What should Recap write? Keep “[hh:mm:ss]” in the instructions so each point links to the transcript."
        )
        dialog.setOption(QInputDialog.InputDialogOption.UsePlainTextEditForTextInput, True)
        dialog.setTextValue(current.summary if current else "")
        dialog.textValueSelected.connect(self._save_custom)
        dialog.open()  # not exec(): no nested event loop
        self.dialog = dialog

    def _save_custom(self, text: str) -> None:
        base = self.presets.get("custom")
        text = " ".join(text.split())
        if not text:
            return
        notes = base.notes if base else DEFAULT_PRESET.notes
        save_user_preset(Preset("custom", "Custom", "Your own instructions.", notes, text))
        self.presets = load_presets()
        self.saved.emit("Custom instructions saved.")
