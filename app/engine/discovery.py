"""Find the GGUF models already on this computer, so that nobody downloads gigabytes twice.

Where other tools keep them (Linux, macOS and Windows paths):
- Recap's own: the project's `models/` when run from source, `<user data>/models`, and folders the user added
- LM Studio: `~/.lmstudio/models`, `~/.cache/lm-studio/models`
- GPT4All: `~/.local/share/nomic.ai/GPT4All`, `~/Library/Application Support/nomic.ai/GPT4All`,
  `%LOCALAPPDATA%/nomic.ai/GPT4All`
- Jan: `~/jan/models`, `~/.local/share/Jan/data/models`, `~/Library/Application Support/Jan/data/models`,
  `%APPDATA%/Jan/data/models`
- Hugging Face hub cache: `$HF_HUB_CACHE`, `$HF_HOME/hub`, `~/.cache/huggingface/hub` (snapshot links → blobs)
- Ollama: `$OLLAMA_MODELS`, `~/.ollama/models`; its manifests name the blob (`sha256-…`) that is the GGUF file

Only headers are read (`gguf_header.read_header`): architecture, parameters, quantization, trained context,
chat template, size. A file is offered as a summarizer only if it is a complete chat-capable language model:
embedding models, vocabulary-only files, multimodal projectors and damaged or truncated files are listed with
the reason instead. The same file reached by two paths (a symlink, a hub snapshot) is listed once.
Pure Python, no Qt; safe on any thread.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from .errors import EngineError
from .gguf_header import read_header

EMBEDDING_ARCHS = {
    "bert",
    "nomic-bert",
    "nomic-bert-moe",
    "jina-bert-v2",
    "t5encoder",
    "modern-bert",
    "neo-bert",
}
PROJECTOR_ARCHS = {"clip", "mllama_vision", "whisper_encoder"}
MAX_DEPTH = 6  # folders below a root that are searched
MAX_FILES = 5000  # a runaway root (a whole disk added by mistake) stops here


@dataclass(frozen=True)
class FoundModel:
    path: str
    source: str  # which tool's folder it was found in: "recap", "lm-studio", "gpt4all", "jan", "huggingface", "ollama", "folder"
    name: str  # what to show: the model's own name, or the file's
    size_bytes: int
    usable: bool
    reason: str | None = None  # why not, when not usable
    architecture: str | None = None
    parameters: int | None = None
    quantization: str | None = None
    context_length: int | None = None
    chat_template: bool = False

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def default_roots(home: Path | None = None, extra: Iterable[str] = ()) -> list[tuple[str, Path]]:
    """(tool, folder) pairs to search, for this OS; folders that do not exist are left out later."""
    h = home or Path.home()
    env = os.environ
    roots: list[tuple[str, Path]] = []
    source_models = Path(__file__).resolve().parents[2] / "models"
    roots.append(("recap", source_models))
    from ..config import data_dir

    roots.append(("recap", data_dir() / "models"))
    roots += [("lm-studio", h / ".lmstudio" / "models"), ("lm-studio", h / ".cache" / "lm-studio" / "models")]
    local = Path(env["LOCALAPPDATA"]) if env.get("LOCALAPPDATA") else h / "AppData" / "Local"
    roaming = Path(env["APPDATA"]) if env.get("APPDATA") else h / "AppData" / "Roaming"
    mac = h / "Library" / "Application Support"
    xdg = Path(env["XDG_DATA_HOME"]) if env.get("XDG_DATA_HOME") else h / ".local" / "share"
    roots += [("gpt4all", xdg / "nomic.ai" / "GPT4All"), ("gpt4all", mac / "nomic.ai" / "GPT4All")]
    roots += [("gpt4all", local / "nomic.ai" / "GPT4All")] if sys.platform == "win32" else []
    roots += [
        ("jan", h / "jan" / "models"),
        ("jan", xdg / "Jan" / "data" / "models"),
        ("jan", mac / "Jan" / "data" / "models"),
    ]
    roots += [("jan", roaming / "Jan" / "data" / "models")] if sys.platform == "win32" else []
    if env.get("HF_HUB_CACHE"):
        roots.append(("huggingface", Path(env["HF_HUB_CACHE"])))
    elif env.get("HF_HOME"):
        roots.append(("huggingface", Path(env["HF_HOME"]) / "hub"))
    else:
        roots.append(("huggingface", h / ".cache" / "huggingface" / "hub"))
    roots.append(
        ("ollama", Path(env["OLLAMA_MODELS"]) if env.get("OLLAMA_MODELS") else h / ".ollama" / "models")
    )
    roots += [("folder", Path(p).expanduser()) for p in extra]
    return roots


def _walk(root: Path) -> Iterator[Path]:
    """*.gguf files below root (links followed once, hidden folders other than the root skipped)."""
    count = 0
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        depth = len(Path(dirpath).relative_to(root).parts)
        if depth >= MAX_DEPTH:
            dirnames[:] = []
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for fn in filenames:
            if fn.lower().endswith(".gguf"):
                count += 1
                if count > MAX_FILES:
                    return
                yield Path(dirpath) / fn


def _ollama(root: Path) -> Iterator[tuple[Path, str]]:
    """(blob, "name:tag") for each Ollama manifest whose model layer is a blob on disk."""
    manifests = root / "manifests"
    if not manifests.is_dir():
        return
    for m in manifests.rglob("*"):
        if not m.is_file():
            continue
        try:
            data = json.loads(m.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for layer in data.get("layers", []) if isinstance(data, dict) else []:
            if isinstance(layer, dict) and layer.get("mediaType") == "application/vnd.ollama.image.model":
                digest = str(layer.get("digest", "")).replace(":", "-")
                blob = root / "blobs" / digest
                if blob.is_file():
                    yield blob, f"{m.parent.name}:{m.name}"


def inspect_model(path: Path, source: str, name: str | None = None) -> FoundModel:
    """One file's facts and whether it can summarize, from its header alone."""
    try:
        size = path.stat().st_size
    except OSError as e:
        return FoundModel(str(path), source, name or path.name, 0, False, f"can't be read: {e.strerror or e}")
    try:
        h = read_header(path, tensors=True)
    except EngineError as e:
        return FoundModel(str(path), source, name or path.name, size, False, str(e))
    arch = h.architecture
    shown = name or str(h.metadata.get("general.name") or path.stem)
    facts = {
        "architecture": arch,
        "parameters": h.parameters or None,
        "quantization": h.quantization,
        "context_length": h.context_length,
        "chat_template": h.has_chat_template,
    }
    reason = None
    if h.tensor_count == 0 or h.metadata.get("general.vocab_only"):
        reason = "a vocabulary-only file (a tokenizer, no model weights)"
    elif arch in PROJECTOR_ARCHS or h.metadata.get("general.type") in ("mmproj", "clip-vision"):
        reason = "a multimodal projector (it goes with a vision model; it can't write text)"
    elif arch in EMBEDDING_ARCHS or h.metadata.get(f"{arch}.pooling_type"):
        reason = "an embedding model (it turns text into vectors; it can't write text)"
    elif h.expected_size is not None and size < h.expected_size:
        reason = (
            f"incomplete: {size / 2**20:.0f} MB of {h.expected_size / 2**20:.0f} MB "
            "(an interrupted download?)"
        )
    elif not arch:
        reason = "no architecture in its header"
    return FoundModel(str(path), source, shown, size, reason is None, reason, **facts)  # type: ignore[arg-type]


def discover(roots: list[tuple[str, Path]] | None = None) -> list[FoundModel]:
    """Every GGUF file in the known places, each once; usable models first, largest context first."""
    seen: set[tuple[int, int]] = set()
    found: list[FoundModel] = []

    def add(path: Path, source: str, name: str | None = None) -> None:
        try:
            st = path.stat()
        except OSError:
            return
        key = (st.st_dev, st.st_ino)
        if key in seen:
            return
        seen.add(key)
        found.append(inspect_model(path, source, name))

    for source, root in roots if roots is not None else default_roots():
        if not root.is_dir():
            continue
        if source == "ollama":
            for blob, name in _ollama(root):
                add(blob, source, name)
            continue
        for p in _walk(root):
            add(p, source)
    found.sort(key=lambda m: (not m.usable, m.source != "recap", m.name.lower()))
    return found
