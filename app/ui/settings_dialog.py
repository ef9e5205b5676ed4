"""Settings: the model file (or a model server, and how many requests it takes at once), threads, context size,
GPU offload and extra model folders, with the defaults this machine suggests shown beside each. Saved in Recap's settings file (app/config.py: JSON rather than QSettings, so
the CLI, which never imports Qt, uses the same choices). Opened with `open()`; `saved` says what changed.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..config import Config
from ..engine.factory import gpu_layers, server_slots
from ..engine.fit import DEFAULT_CTX, gpu_offload_supported
from ..engine.hardware import physical_cores

CONTEXTS = [4096, 8192, 16384, 32768, 65536, 131072]


class SettingsDialog(QDialog):
    saved = Signal()

    def __init__(self, config: Config, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.config = config
        self.setWindowTitle("Recap settings")
        self.setAccessibleName("Settings")
        form = QFormLayout()

        self.model = QLineEdit(config.model_path or "")
        self.model.setAccessibleName("Model file")
        self.model.setToolTip("The GGUF model file Recap summarizes with")
        browse = QPushButton("Browse…")
        browse.setToolTip("Choose a .gguf file")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.model, 1)
        row.addWidget(browse)
        form.addRow("Model", row)

        self.server = QLineEdit(str(config.get("server_url") or ""))
        self.server.setPlaceholderText("none: the model file above runs here")
        self.server.setAccessibleName("Model server address")
        self.server.setToolTip(
            "An OpenAI-compatible server you run (llama-server, Ollama, vLLM, LM Studio), e.g. "
            "http://127.0.0.1:8080. Used instead of the model file when set; Recap contacts nothing else."
        )
        form.addRow("Model server", self.server)

        self.slots = QSpinBox()
        self.slots.setRange(0, 64)
        self.slots.setSpecialValueText("Automatic (as many as the server says it has)")
        self.slots.setValue(server_slots(config))
        self.slots.setAccessibleName("Requests at once")
        self.slots.setToolTip(
            "How many parts of a transcript a model server reads at the same time. Automatic: the server's "
            "own number of slots (llama-server --parallel), or one when it does not say. The model file above "
            "reads one part at a time."
        )
        form.addRow("Server requests at once", self.slots)

        cores = physical_cores()
        self.threads = QSpinBox()
        self.threads.setRange(0, 256)
        self.threads.setSpecialValueText(f"Automatic ({cores}, the physical cores)")
        self.threads.setValue(int(config.get("threads") or 0))
        self.threads.setAccessibleName("CPU threads")
        self.threads.setToolTip("llama.cpp runs best with one thread per physical core")
        form.addRow("CPU threads", self.threads)

        self.context = QComboBox()
        self.context.setAccessibleName("Context size")
        self.context.setToolTip(
            f"Tokens the model sees at once. Automatic: {DEFAULT_CTX:,}, or less when memory is short, never more than "
            "the model was trained for. Larger takes more memory."
        )
        self.context.addItem("Automatic (from the model and free memory)", None)
        for n in CONTEXTS:
            self.context.addItem(f"{n:,} tokens", n)
        want = config.get("n_ctx")
        self.context.setCurrentIndex(max(0, self.context.findData(want)) if want else 0)
        form.addRow("Context", self.context)

        self.gpu = QSpinBox()
        self.gpu.setRange(-1, 999)
        self.gpu.setSpecialValueText("All layers")
        gpu = gpu_offload_supported()
        self.gpu.setValue(gpu_layers(config))  # the engine factory's default when unset: they agree
        self.gpu.setEnabled(gpu)
        self.gpu.setAccessibleName("GPU layers")
        self.gpu.setToolTip(
            "Layers to run on the GPU"
            if gpu
            else "This llama.cpp was built without a GPU backend: everything runs on the CPU"
        )
        form.addRow("GPU layers", self.gpu)

        self.folders = QListWidget()
        self.folders.setAccessibleName("Extra model folders")
        self.folders.setToolTip(
            "Folders searched for GGUF models besides LM Studio's, Ollama's, GPT4All's, Jan's …"
        )
        self.folders.addItems([f for f in config.get("model_folders", []) if isinstance(f, str)])
        add = QPushButton("Add folder…")
        add.setToolTip("Search another folder for models")
        add.clicked.connect(self._add_folder)
        remove = QPushButton("Remove")
        remove.setToolTip("Stop searching the selected folder")
        remove.clicked.connect(lambda: self.folders.takeItem(self.folders.currentRow()))
        fbox = QVBoxLayout()
        fbox.addWidget(self.folders)
        frow = QHBoxLayout()
        frow.addWidget(add)
        frow.addWidget(remove)
        fbox.addLayout(frow)
        form.addRow("Model folders", fbox)

        self.note = QLabel("Changes apply to the next file summarized; the model reloads if needed.")
        self.note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.note)
        lay.addWidget(buttons)
        self.file_dialog: QFileDialog | None = None

    def _browse(self) -> None:
        d = QFileDialog(self, "Choose a GGUF model file", str(Path(self.model.text() or Path.home()).parent))
        d.setNameFilters(["GGUF models (*.gguf)", "All files (*)"])
        d.setFileMode(QFileDialog.FileMode.ExistingFile)
        d.fileSelected.connect(self.model.setText)
        d.open()
        self.file_dialog = d

    def _add_folder(self) -> None:
        d = QFileDialog(self, "A folder with GGUF models")
        d.setFileMode(QFileDialog.FileMode.Directory)
        d.fileSelected.connect(lambda path: self.folders.addItem(path))
        d.open()
        self.file_dialog = d

    def accept(self) -> None:
        c = self.config
        c.set("threads", self.threads.value() or None)
        c.set("n_ctx", self.context.currentData())
        c.set("gpu_layers", self.gpu.value())
        c.set("model_folders", [self.folders.item(i).text() for i in range(self.folders.count())])
        c.set("server_url", self.server.text().strip() or None)
        c.set("server_slots", self.slots.value() or None)
        path = self.model.text().strip()
        if path and path != (c.model_path or ""):
            c.model_path = path
        super().accept()
        self.saved.emit()
