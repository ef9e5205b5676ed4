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

    # Filled by read_header(..., tensors=True):
    parameters: int = 0  # elements over all tensors
    expected_size: int | None = None  # bytes the file needs (None: a tensor type this table does not know)
    tensor_types: dict[int, int] = field(default_factory=dict)  # ggml type -> parameters of that type

    @property
    def quantization(self) -> str | None:
        ft = self.metadata.get("general.file_type")
        if isinstance(ft, int) and ft in FILE_TYPES:
            return FILE_TYPES[ft]
        if self.tensor_types:  # the type most parameters have
            t = max(self.tensor_types, key=lambda k: self.tensor_types[k])
            return GGML_TYPES.get(t, (f"type {t}", 0, 0))[0]
        return None


# llama.cpp's LLAMA_FTYPE values (general.file_type)
FILE_TYPES = {
    0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1", 10: "Q2_K", 11: "Q3_K_S",
    12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M", 16: "Q5_K_S", 17: "Q5_K_M", 18: "Q6_K",
    19: "IQ2_XXS", 20: "IQ2_XS", 21: "Q2_K_S", 22: "IQ3_XS", 23: "IQ3_XXS", 24: "IQ1_S", 25: "IQ4_NL",
    26: "IQ3_S", 27: "IQ3_M", 28: "IQ2_S", 29: "IQ2_M", 30: "IQ4_XS", 31: "IQ1_M", 32: "BF16", 36: "TQ1_0",
    37: "TQ2_0", 38: "MXFP4_MOE",
}  # fmt: skip

# ggml tensor types: (name, elements per block, bytes per block), for the size a file must have
GGML_TYPES = {
    0: ("F32", 1, 4), 1: ("F16", 1, 2), 2: ("Q4_0", 32, 18), 3: ("Q4_1", 32, 20), 6: ("Q5_0", 32, 22),
    7: ("Q5_1", 32, 24), 8: ("Q8_0", 32, 34), 9: ("Q8_1", 32, 36), 10: ("Q2_K", 256, 84), 11: ("Q3_K", 256, 110),
    12: ("Q4_K", 256, 144), 13: ("Q5_K", 256, 176), 14: ("Q6_K", 256, 210), 15: ("Q8_K", 256, 292),
    16: ("IQ2_XXS", 256, 66), 17: ("IQ2_XS", 256, 74), 18: ("IQ3_XXS", 256, 98), 19: ("IQ1_S", 256, 50),
    20: ("IQ4_NL", 32, 18), 21: ("IQ3_S", 256, 110), 22: ("IQ2_S", 256, 82), 23: ("IQ4_XS", 256, 136),
    24: ("I8", 1, 1), 25: ("I16", 1, 2), 26: ("I32", 1, 4), 27: ("I64", 1, 8), 28: ("F64", 1, 8),
    29: ("IQ1_M", 256, 56), 30: ("BF16", 1, 2), 34: ("TQ1_0", 256, 54), 35: ("TQ2_0", 256, 66),
    39: ("MXFP4", 32, 17),
}  # fmt: skip


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


def _tensor_table(f: BinaryIO, header: GGUFHeader) -> None:
    if header.tensor_count > 1_000_000:
        raise EngineError("too many tensors")
    end = 0
    known = True
    for _ in range(header.tensor_count):
        _string(f)  # name
        (n_dims,) = struct.unpack("<I", _read(f, 4))
        if n_dims > 8:
            raise EngineError("bad tensor")
        dims = struct.unpack(f"<{n_dims}Q", _read(f, 8 * n_dims))
        ttype, offset = struct.unpack("<IQ", _read(f, 12))
        n = 1
        for d in dims:
            n *= d
        header.parameters += n
        header.tensor_types[ttype] = header.tensor_types.get(ttype, 0) + n
        if ttype in GGML_TYPES:
            _, per_block, block_bytes = GGML_TYPES[ttype]
            end = max(end, offset + (n + per_block - 1) // per_block * block_bytes)
        else:
            known = False
    align = int(header.metadata.get("general.alignment", 32) or 32)
    data_start = (f.tell() + align - 1) // align * align
    header.expected_size = data_start + end if known and header.tensor_count else None


def read_header(path: str | Path, tensors: bool = False) -> GGUFHeader:
    """The metadata; with `tensors`, also the tensor table (parameter count, and the size the file must have, so
    a truncated download is caught without reading the weights)."""
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
            if tensors:
                _tensor_table(f, header)
    except EngineError as e:
        if str(e).startswith("“"):
            raise
        raise EngineError(f"“{p.name}” is damaged or incomplete (its GGUF header could not be read).") from e
    except OSError as e:
        raise EngineError(f"“{p.name}” could not be read: {e.strerror or e}.") from e
    return header
