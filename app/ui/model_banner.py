"""The banner over the window when there is no usable model: why, the models found on this computer, a model
file to choose, and the recommended model's download (asked first) with its progress, Pause and Cancel."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QFrame, QHBoxLayout, QLabel, QMessageBox, QProgressBar, QPushButton

from ..config import data_dir
from ..engine.download import RECOMMENDED, State
from .model_controller import ModelController


class ModelBanner(QFrame):
    chooseFile = Signal()  # the user wants to pick a .gguf file

    def __init__(self, models: ModelController) -> None:
        super().__init__()
        self.models = models
        self.setObjectName("ModelBanner")
        self.setStyleSheet(
            "#ModelBanner { background: palette(alternate-base); border-bottom: 1px solid palette(mid); }"
        )
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.choose_button = QPushButton("Choose model file…")
        self.choose_button.setToolTip("Pick a .gguf model file on this computer")
        self.choose_button.clicked.connect(self.chooseFile)
        self.found_box = QComboBox()
        self.found_box.setAccessibleName("Models found on this computer")
        self.found_box.setToolTip(
            "GGUF models that LM Studio, Ollama, GPT4All, Jan or Hugging Face already downloaded"
        )
        self.use_found_button = QPushButton("Use this model")
        self.use_found_button.setToolTip("Summarize with the model chosen on the left (no download)")
        self.use_found_button.clicked.connect(self.use_found)
        o = RECOMMENDED
        self.download_button = QPushButton(f"Download {o.name}…")
        self.download_button.setToolTip(
            f"{o.name}, {o.size_bytes / 2**30:.1f} GB, licence {o.license}. {o.why} "
            "This is the only time Recap goes online, and only when you click."
        )
        self.download_button.clicked.connect(self.offer_download)
        self.download_bar = QProgressBar()
        self.download_bar.setAccessibleName("Download progress")
        self.download_bar.setToolTip("How much of the model has arrived")
        self.download_bar.setRange(0, 1000)
        self.pause_button = QPushButton("Pause")
        self.pause_button.setToolTip("Pause the download; Resume continues where it stopped")
        self.pause_button.clicked.connect(self.toggle_pause)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the download and delete the partial file")
        self.cancel_button.clicked.connect(models.cancel_download)
        self.offer: QMessageBox | None = None
        layout = QHBoxLayout(self)
        layout.addWidget(self.text, 1)
        for part in (self.download_bar, self.pause_button, self.cancel_button, self.download_button):
            layout.addWidget(part)
        for choice in (self.found_box, self.use_found_button, self.choose_button):
            layout.addWidget(choice)
        self._show_transfer(False)
        models.changed.connect(self.update_state)
        models.found.connect(self._fill_found)
        models.download.connect(self._download_state)
        self.update_state()

    def _show_transfer(self, on: bool) -> None:
        for w in (self.download_bar, self.pause_button, self.cancel_button):
            w.setVisible(on)
        self.download_button.setVisible(not on)

    def update_state(self) -> None:
        m = self.models
        if m.engine is not None:
            self.hide()
            return
        if m.downloading is not None and m.downloading.state.active:
            self.show()
            return  # the download's own line stays
        found = len(m.found_models)
        self.text.setText(
            (m.error + " " if m.error else "")
            + (
                f"Recap found {found} model{'s' if found > 1 else ''} on this computer that can write "
                "summaries: choose one, or another GGUF file."
                if found
                else "Recap needs a local GGUF model file (for example Qwen2.5-1.5B-Instruct Q4_K_M) to write "
                "summaries. Transcripts can be opened and read without one."
            )
        )
        self.found_box.setVisible(bool(found))
        self.use_found_button.setVisible(bool(found))
        self.show()

    def _fill_found(self) -> None:
        self.found_box.clear()
        for m in self.models.found_models:
            params = f"{m.parameters / 1e9:.1f}B · " if m.parameters and m.parameters >= 1e8 else ""
            self.found_box.addItem(
                f"{m.name} ({params}{m.quantization or '?'} · {m.size_bytes / 2**30:.1f} GB · {m.source})",
                m.path,
            )
            self.found_box.setItemData(self.found_box.count() - 1, m.path, Qt.ItemDataRole.ToolTipRole)

    def use_found(self) -> None:
        path = self.found_box.currentData()
        if isinstance(path, str):
            self.models.set_model(path)

    def offer_download(self) -> None:
        o = RECOMMENDED
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Download a model",
            f"<b>{o.name}</b><br>{o.size_bytes / 2**30:.1f} GB · licence {o.license}<br><br>{o.why}<br><br>"
            f"From huggingface.co ({o.repo}), into {data_dir() / 'models'}. This is the only time Recap goes "
            "online. You can pause or cancel it.",
            QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.button(QMessageBox.StandardButton.Ok).setText("Download")
        box.finished.connect(
            lambda code: self.models.start_download() if code == QMessageBox.StandardButton.Ok else None
        )
        box.open()  # not exec(): no nested event loop
        self.offer = box

    def toggle_pause(self) -> None:
        d = self.models.downloading
        if d is not None and d.state.status == "paused":
            self.models.start_download()
        else:
            self.models.pause_download()

    def _download_state(self, s: State) -> None:
        total = f" of {s.total_bytes / 2**20:.0f} MB" if s.total_bytes else ""
        if s.total_bytes:
            self.download_bar.setValue(int(1000 * s.done_bytes / s.total_bytes))
        name = RECOMMENDED.name
        if s.status in ("checking", "downloading"):
            speed = f" · {s.bytes_per_s / 2**20:.1f} MB/s" if s.bytes_per_s else ""
            self._show_transfer(True)
            self.pause_button.setText("Pause")
            self.text.setText(f"Downloading {name}: {s.done_bytes / 2**20:.0f} MB{total}{speed}")
        elif s.status == "verifying":
            self._show_transfer(True)
            self.pause_button.setEnabled(False)
            if s.total_bytes:
                self.download_bar.setValue(int(1000 * s.verified_bytes / s.total_bytes))
            self.text.setText(f"Verifying {name}…")
        elif s.status == "paused":
            self.pause_button.setText("Resume")
            self.text.setText(f"Download paused at {s.done_bytes / 2**20:.0f} MB{total}.")
        else:  # done, failed, cancelled
            self.pause_button.setEnabled(True)
            self._show_transfer(False)
            self.update_state()
