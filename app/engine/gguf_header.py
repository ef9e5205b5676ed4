"""Read a GGUF file's header (metadata keys) without loading weights: fast, and safe on damaged files.

Written here rather than with the `gguf` package because that package memory-maps and indexes every tensor, and
the app only needs a handful of scalar keys; `gguf` stays a test dependency (tests/make_model.py).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from .errors import EngineError

# GGUF value types
_FMT = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q", 12: "d"}
_STRING, _ARRAY = 8, 9
_MAX_STRING = 64 * 1024 * 1024


@dataclass
class GGUFHeader:
    version: int
    tensor_count: int
    metadata: dict[str, Any] = field(default_factory=dict)
    array_lengths: dict[str, int] = field(default_factory=dict)

    @property
    def architecture(self) -> str | None:
        return self.metadata.get("general.architecture")

    def arch_key(self, key: str) -> Any:
        return self.metadata.get(f"{self.architecture}.{key}")

    @property
    def context_length(self) -> int | None:
        v = self.arch_key("context_length")
        return int(v) if v else None

    @property
    def vocab_size(self) -> int:
        return self.array_lengths.get("tokenizer.ggml.tokens", 0)

    @property
    def has_chat_template(self) -> bool:
        return bool(self.metadata.get("tokenizer.chat_template"))


def _read(f: BinaryIO, n: int) -> bytes:
    b = f.read(n)
    if len(b) != n:
        raise EngineError("truncated")
    return b


def _string(f: BinaryIO) -> str:
    (n,) = struct.unpack("<Q", _read(f, 8))
    if n > _MAX_STRING:
        raise EngineError("string too long")
    return _read(f, n).decode("utf-8", "replace")


def _value(f: BinaryIO, vtype: int, keep: bool) -> Any:
    if vtype in _FMT:
        fmt = "<" + _FMT[vtype]
        return struct.unpack(fmt, _read(f, struct.calcsize(fmt)))[0]
    if vtype == _STRING:
        return _string(f)
    raise EngineError(f"unknown value type {vtype}")


def read_header(path: str | Path) -> GGUFHeader:
    p = Path(path)
    try:
        with open(p, "rb") as f:
            if f.read(4) != b"GGUF":
                raise EngineError(f"“{p.name}” is not a GGUF model file.")
            version, n_tensors, n_kv = struct.unpack("<IQQ", _read(f, 20))
            if version not in (2, 3) or n_kv > 100_000:
                raise EngineError(f"“{p.name}” has a GGUF header this version of Recap cannot read.")
            header = GGUFHeader(version, n_tensors)
            for _ in range(n_kv):
                key = _string(f)
                (vtype,) = struct.unpack("<I", _read(f, 4))
                if vtype == _ARRAY:
                    (etype,) = struct.unpack("<I", _read(f, 4))
                    (count,) = struct.unpack("<Q", _read(f, 8))
                    header.array_lengths[key] = count
                    if etype in _FMT:
                        f.seek(struct.calcsize("<" + _FMT[etype]) * count, 1)
                    elif etype == _STRING:
                        for _ in range(count):
                            (n,) = struct.unpack("<Q", _read(f, 8))
                            f.seek(n, 1)
                    else:
                        raise EngineError("nested arrays")
                else:
                    header.metadata[key] = _value(f, vtype, True)
    except EngineError as e:
        if str(e).startswith("“"):
            raise
        raise EngineError(f"“{p.name}” is damaged or incomplete (its GGUF header could not be read).") from e
    except OSError as e:
        raise EngineError(f"“{p.name}” could not be read: {e.strerror or e}.") from e
    return header
