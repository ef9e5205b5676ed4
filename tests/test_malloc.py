"""app/malloc.py: after `tune()`, a large block gets pages of its own even after a larger one was freed."""

from __future__ import annotations

import ctypes
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# A fresh process each time: the threshold is process-wide, and this test process has freed large blocks already.
# mallinfo2().hblks counts the blocks that have pages of their own (mmap).
CHILD = r"""
import ctypes, json, sys
sys.path.insert(0, sys.argv[1])
libc = ctypes.CDLL(None)
class MallInfo2(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in
                ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks",
                 "keepcost")]
libc.mallinfo2.restype = MallInfo2
libc.malloc.restype = ctypes.c_void_p
libc.malloc.argtypes = [ctypes.c_size_t]
libc.free.argtypes = [ctypes.c_void_p]
tuned = False
if sys.argv[2] == "tuned":
    from app import malloc
    tuned = malloc.tune()
libc.free(libc.malloc(8 << 20))  # freeing an 8 MB block raises glibc's threshold to 8 MB, unless it was fixed
before = libc.mallinfo2().hblks
p = libc.malloc(2 << 20)
own = libc.mallinfo2().hblks - before
libc.free(p)
print(json.dumps({"tuned": tuned, "own_pages": own}))
"""


def _glibc_has(name: str) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None)
    return hasattr(libc, "gnu_get_libc_version") and hasattr(libc, name)


def _child(mode: str, script: str = CHILD) -> dict[str, object]:
    r = subprocess.run(
        [sys.executable, "-c", script, str(ROOT), mode],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(r.stdout)  # type: ignore[no-any-return]


@pytest.mark.skipif(not _glibc_has("mallinfo2"), reason="needs glibc 2.33 or later (mallinfo2)")
def test_a_block_after_a_larger_freed_one_gets_its_own_pages_once_tuned() -> None:
    assert _child("tuned") == {"tuned": True, "own_pages": 1}
    # what tune() is for: left alone, glibc serves the 2 MB block from the heap, where it can pin pages
    assert _child("plain") == {"tuned": False, "own_pages": 0}


def test_tune_says_whether_it_could_and_may_be_called_again() -> None:
    from app import malloc

    expected = _glibc_has("mallopt")  # elsewhere (macOS, Windows, musl) it changes nothing and says so
    assert malloc.tune() is expected
    assert malloc.tune() is expected


# Freed heap blocks under a block still in use: the heap cannot shrink from its top, so their pages stay in the
# process until malloc_trim hands them back.
TRIM_CHILD = r"""
import ctypes, json, sys
sys.path.insert(0, sys.argv[1])
from app import malloc
libc = ctypes.CDLL(None)
libc.malloc.restype = ctypes.c_void_p
libc.malloc.argtypes = [ctypes.c_size_t]
libc.free.argtypes = [ctypes.c_void_p]
libc.memset.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_size_t]
def rss_kb():
    return int(open("/proc/self/status").read().split("VmRSS:")[1].split()[0])
blocks = [libc.malloc(4000) for _ in range(5000)]  # 20 MB, every page touched
for b in blocks:
    libc.memset(b, 1, 4000)
top = libc.malloc(4000)  # still in use above them
for b in blocks:
    libc.free(b)
freed = rss_kb()
trimmed = malloc.trim() if sys.argv[2] == "trim" else False
print(json.dumps({"trimmed": trimmed, "given_back_kb": freed - rss_kb()}))
"""


@pytest.mark.skipif(not _glibc_has("malloc_trim"), reason="needs glibc (malloc_trim)")
def test_trim_gives_freed_heap_pages_back() -> None:
    kept = _child("plain", TRIM_CHILD)
    assert kept["given_back_kb"] < 5_000  # what trim is for: left alone, the freed pages stay
    d = _child("trim", TRIM_CHILD)
    assert d["trimmed"] is True
    assert d["given_back_kb"] > 15_000  # most of the 20 MB freed below the block in use
