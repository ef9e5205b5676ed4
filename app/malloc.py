"""Large blocks of memory go back to the system when they are freed (glibc only; elsewhere nothing changes).

glibc's malloc serves a block of at least its *mmap threshold* (128 kB at start) with pages of its own, which go
back to the system when the block is freed. But each time such a block is freed, glibc raises the threshold to that
block's size (up to 32 MB), so from then on blocks that large come from the heap instead, and a heap only shrinks
from its top: whatever is still in use above a freed block keeps its pages in the process. Reading a long
transcript frees several such blocks (the file's bytes, its decoded text, the strings the readers build), so the
rest of the run kept megabytes the program had freed, more the longer the file.

`tune()` fixes the threshold at 1 MB, which also switches the raising off (glibc's `mallopt(M_MMAP_THRESHOLD)`).
Measured on 2026-12-06 (Intel Xeon, 2 cores; the tiny model, the run's peak minus a bare llama.cpp doing its
deepest request, as `python -m tests.bench.run --only memory` measures it), 1 h / 20 h transcripts, two runs each:

    left alone        11.2-11.4 / 15.4-15.6 MB
    1 MB (this)       11.6-11.7 / 13.2-13.8 MB
    64 kB             10.4-10.6 / 13.3-13.6 MB, but seed 003 with SmolLM2 ran 1-2 % slower in all four runs
                      (60.7-61.7 s against 56.9-60.0 s; 1 MB: 57.4-59.7 s, the same text); generation alone
                      showed no difference, so the cost is elsewhere in the run and was not traced
    256 kB / 4 MB     11.2 / 13.8-13.9 and 11.7 / 14.4 MB

Generation with a Qwen2.5-0.5B-shaped model (its 152k-token vocabulary, random weights) at 1 MB: 22.2-23.0
tokens/s against 22.1-22.9 left alone. An earlier try of 64 kB on an AMD EPYC machine, set after the imports,
moved nothing: there the 20 h run's own peak was 13.4 MB left alone. It must run before the large blocks are
made, so the entry points call it first.

`trim()` hands the heap's free pages back (glibc's `malloc_trim`). The pipeline calls it once, when every window is
read and before the summary request, the run's deepest: what the map phase freed (its prompts, answers and
token lists) otherwise stays in the process under the summary request's own memory, more the more windows
a transcript has. Tiny model, the run's own peak: 20 h 15.3-15.5 -> 13.8-13.9 MB, growth from 1 h to 10 h 1.2-1.3 ->
0.9-1.0 MB (two runs each, 2026-12-06; docs/benchmarks.md). The call takes 0.9 ms after a SmolLM2 request.

There is no maintained package for these libc calls; `ctypes` reaches them directly.
"""

from __future__ import annotations

import ctypes
import functools
import sys
from typing import Any

M_MMAP_THRESHOLD = -3  # glibc's malloc.h
THRESHOLD = 1 << 20


@functools.cache
def _libc(name: str) -> Any:
    """glibc's function `name` (the C library the process already has), or None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return getattr(ctypes.CDLL(None), name)
    except (OSError, AttributeError):  # another C library, without it
        return None


def tune() -> bool:
    """Fix glibc's mmap threshold; True when it was set (Linux with glibc), False elsewhere."""
    mallopt = _libc("mallopt")
    if mallopt is None:
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, THRESHOLD))


def trim() -> bool:
    """Give the heap's free pages back to the system; True when some were (glibc only, else False)."""
    malloc_trim = _libc("malloc_trim")
    if malloc_trim is None:
        return False
    malloc_trim.argtypes = [ctypes.c_size_t]
    malloc_trim.restype = ctypes.c_int
    return bool(malloc_trim(0))
