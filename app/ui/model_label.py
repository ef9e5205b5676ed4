"""The toolbar's line about the model in use: its name and context, "loading…" while it loads, its path as tip."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from .model_controller import ModelController


class ModelLabel(QLabel):
    def __init__(self, models: ModelController) -> None:
        super().__init__()
        self.models = models
        self.setAccessibleName("Model in use")
        models.changed.connect(self.update_text)
        self.update_text()

    def update_text(self) -> None:
        engine = self.models.engine
        if engine is None:
            self.setText("No model  ")
            self.setToolTip("No model chosen yet")
            return
        detail = f" · {engine.info.n_ctx} tokens context" if engine.info is not None else " · loading…"
        self.setText(f"Model: {self.models.name}{detail}  ")
        self.setToolTip(engine.model_path)
