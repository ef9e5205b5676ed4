"""Facts about this machine that choose the engine's defaults."""

from __future__ import annotations

import os
from pathlib import Path


def physical_cores() -> int:
    """Physical cores (llama.cpp runs best with one thread per physical core, not per hyper-thread)."""
    cpus = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else set(range(os.cpu_count() or 1))
    cores = set()
    for cpu in cpus:
        p = Path(f"/sys/devices/system/cpu/cpu{cpu}/topology/core_cpus_list")
        if not p.exists():
            p = Path(f"/sys/devices/system/cpu/cpu{cpu}/topology/thread_siblings_list")
        try:
            cores.add(p.read_text().strip())
        except OSError:
            return max(1, len(cpus))
    return max(1, len(cores) or len(cpus))
