"""Stage, progress bar, time left, and the Stop button."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from ..transcript.timefmt import hms


class ProgressPanel(QWidget):
    stopRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        self.stage = QLabel("Idle")
        self.stage.setAccessibleName("Stage")
        self.stage.setMinimumWidth(220)
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        self.bar.setAccessibleName("Progress")
        self.bar.setToolTip("How far the current file is")
        self.eta = QLabel("")
        self.eta.setAccessibleName("Time left")
        self.eta.setMinimumWidth(120)
        self.stop_button = QPushButton("Stop")
        self.stop_button.setToolTip("Stop summarizing (Esc)")
        self.stop_button.setAccessibleName("Stop")
        self.stop_button.clicked.connect(self.stopRequested)
        layout.addWidget(self.stage)
        layout.addWidget(self.bar, 1)
        layout.addWidget(self.eta)
        layout.addWidget(self.stop_button)
        self.set_idle("Idle")

    @property
    def busy(self) -> bool:
        return self.stop_button.isEnabled()

    def show_progress(self, stage: str, fraction: float, eta_s: float | None) -> None:
        self.stage.setText(stage)
        self.bar.setValue(int(max(0.0, min(1.0, fraction)) * 1000))
        self.eta.setText(f"about {hms(eta_s)} left" if eta_s and eta_s >= 1 else "")
        self.stop_button.setEnabled(True)

    def set_idle(self, text: str, fraction: float | None = None) -> None:
        self.stage.setText(text)
        if fraction is not None:
            self.bar.setValue(int(fraction * 1000))
        self.eta.setText("")
        self.stop_button.setEnabled(False)
