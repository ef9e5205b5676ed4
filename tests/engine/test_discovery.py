"""Model discovery over a temporary home with every tool's folder layout planted: real GGUF files (the generated
test model, and header-only files written with the `gguf` package for the kinds that can't summarize)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import struct
from pathlib import Path

import numpy as np
import pytest

from app.engine.discovery import default_roots, discover, inspect_model
from tests.helpers import recap


def write_gguf(path: Path, arch: str, *, tensors: bool = True, **kv: object) -> Path:
    """A small GGUF with the given architecture and keys (not loadable as a model; headers are what is read)."""
    import gguf

    path.parent.mkdir(parents=True, exist_ok=True)
    w = gguf.GGUFWriter(str(path), arch)
    for key, value in kv.items():
        if isinstance(value, bool):
            w.add_bool(key, value)
        elif isinstance(value, int):
            w.add_uint32(key, value)
        else:
            w.add_string(key, str(value))
    if tensors:
        w.add_tensor("token_embd.weight", np.zeros((16, 8), dtype=np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path


def plant(home: Path, model: Path) -> dict[str, Path]:
    """Each tool's layout, with a copy of the test model in it (copies: distinct files, as on a real disk)."""
    spots = {
        "lm-studio": home / ".lmstudio" / "models" / "lmstudio-community" / "Tiny-GGUF" / "tiny-Q8_0.gguf",
        "gpt4all": home / ".local" / "share" / "nomic.ai" / "GPT4All" / "tiny.Q4_0.gguf",
        "jan": home / "jan" / "models" / "tiny-chat" / "model.gguf",
    }
    for p in spots.values():
        p.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(model, p)
    # Hugging Face hub cache: two snapshots link the same blob
    repo = home / ".cache" / "huggingface" / "hub" / "models--someone--Tiny-GGUF"
    digest = hashlib.sha256(model.read_bytes()).hexdigest()
    blob = repo / "blobs" / digest
    blob.parent.mkdir(parents=True)
    shutil.copy(model, blob)
    for rev in ("aaaa1111", "bbbb2222"):
        link = repo / "snapshots" / rev / "tiny-q8_0.gguf"
        link.parent.mkdir(parents=True)
        link.symlink_to(os.path.relpath(blob, link.parent))
    spots["huggingface"] = blob
    # Ollama: a manifest names the model layer's blob
    ollama = home / ".ollama" / "models"
    oblob = ollama / "blobs" / f"sha256-{digest}"
    oblob.parent.mkdir(parents=True)
    shutil.copy(model, oblob)
    manifest = ollama / "manifests" / "registry.ollama.ai" / "library" / "tiny" / "latest"
    manifest.parent.mkdir(parents=True)
    manifest.write_text(
        json.dumps(
            {
                "schemaVersion": 2,
                "layers": [
                    {"mediaType": "application/vnd.ollama.image.model", "digest": f"sha256:{digest}"},
                    {"mediaType": "application/vnd.ollama.image.template", "digest": "sha256:0"},
                ],
            }
        )
    )
    spots["ollama"] = oblob
    return spots


def plant_unusable(home: Path, model: Path) -> dict[str, Path]:
    d = home / ".lmstudio" / "models" / "misc"
    cut = d / "half-downloaded.gguf"
    cut.parent.mkdir(parents=True, exist_ok=True)
    cut.write_bytes(model.read_bytes()[: model.stat().st_size // 2])
    junk = d / "junk.gguf"
    junk.write_bytes(b"GGUF" + struct.pack("<IQQ", 3, 10, 20) + os.urandom(64))  # a header that ends too soon
    return {
        "embedding": write_gguf(d / "nomic-embed.gguf", "nomic-bert", **{"nomic-bert.pooling_type": 1}),
        "vocab": write_gguf(
            d / "ggml-vocab-llama.gguf", "llama", tensors=False, **{"general.vocab_only": True}
        ),
        "projector": write_gguf(d / "mmproj-model-f16.gguf", "clip", **{"general.type": "mmproj"}),
        "truncated": cut,
        "corrupt": junk,
    }


@pytest.fixture
def home(tmp_path: Path) -> Path:
    h = tmp_path / "home"
    h.mkdir()
    return h


def _under(found: list, home: Path) -> list:  # type: ignore[type-arg]
    return [m for m in found if str(home) in m.path]


def test_each_tools_layout_is_found_once_with_metadata(home: Path, tiny_model: Path, monkeypatch) -> None:  # noqa: ANN001
    for var in ("HF_HOME", "HF_HUB_CACHE", "OLLAMA_MODELS", "XDG_DATA_HOME", "LOCALAPPDATA", "APPDATA"):
        monkeypatch.delenv(var, raising=False)
    spots = plant(home, tiny_model)
    found = _under(discover(default_roots(home=home)), home)
    usable = [m for m in found if m.usable]
    assert sorted(m.source for m in usable) == sorted(spots)  # one each: the hub's two snapshots are one file
    by_source = {m.source: m for m in usable}
    assert by_source["ollama"].name == "tiny:latest" and by_source["ollama"].path == str(spots["ollama"])
    for m in usable:
        assert m.architecture == "qwen2" and m.chat_template and m.context_length == 8192
        assert m.parameters == 112000 and m.quantization == "F32"
        assert m.size_bytes == tiny_model.stat().st_size


def test_unusable_files_are_explained_not_offered(home: Path, tiny_model: Path) -> None:
    bad = plant_unusable(home, tiny_model)
    found = {Path(m.path).name: m for m in _under(discover(default_roots(home=home)), home)}
    assert not any(m.usable for m in found.values())
    assert "embedding model" in (found["nomic-embed.gguf"].reason or "")
    assert "vocabulary-only" in (found["ggml-vocab-llama.gguf"].reason or "")
    assert "projector" in (found["mmproj-model-f16.gguf"].reason or "")
    assert "incomplete" in (found["half-downloaded.gguf"].reason or "")
    assert "damaged or incomplete" in (found["junk.gguf"].reason or "")
    assert set(found) == {p.name for p in bad.values()}


def test_a_real_quantized_file_reports_its_quantization(tmp_path: Path) -> None:
    from tests.make_model import make_model

    out = tmp_path / "q.gguf"
    make_model(out, shape="tiny", quant="q8_0")  # llama.cpp's own quantizer wrote it
    m = inspect_model(out, "folder")
    assert m.usable and m.quantization == "Q8_0", m


def test_recap_models_json_in_a_planted_home(
    home: Path, tiny_model: Path, tmp_path: Path, monkeypatch
) -> None:  # noqa: ANN001
    plant(home, tiny_model)
    plant_unusable(home, tiny_model)
    extra = tmp_path / "my models"
    extra.mkdir()
    shutil.copy(tiny_model, extra / "mine.gguf")
    monkeypatch.setenv("HOME", str(home))
    for var in ("HF_HOME", "HF_HUB_CACHE", "OLLAMA_MODELS", "XDG_DATA_HOME"):
        monkeypatch.delenv(var, raising=False)
    r = recap("models", "--json", "--add-folder", str(extra))
    assert r.returncode == 0, r.stderr
    found = [d for d in json.loads(r.stdout) if str(home) in d["path"] or str(extra) in d["path"]]
    usable = [d for d in found if d["usable"]]
    assert sorted(d["source"] for d in usable) == [
        "folder",
        "gpt4all",
        "huggingface",
        "jan",
        "lm-studio",
        "ollama",
    ]
    assert all(d["architecture"] == "qwen2" and d["context_length"] == 8192 for d in usable)
    unusable = [d for d in found if not d["usable"]]
    assert len(unusable) == 5 and all(d["reason"] for d in unusable)
    r = recap("models")  # the added folder is remembered
    assert r.returncode == 0 and "mine.gguf" in r.stdout and "not a summarizer" in r.stdout
