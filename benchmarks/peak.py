"""Peak resident memory of this process, as the benchmarks report it.

Why not ``getrusage(RUSAGE_SELF).ru_maxrss``: Linux carries the high-water mark across
``exec``, so a child started by a large parent (one that has just built a 3M-event store)
reports the parent's peak as its own, and a measurement of flat memory would grow with
whatever the parent did. ``VmHWM`` in ``/proc/self/status`` belongs to the process's own
address space, which ``exec`` replaces; ``ru_maxrss`` is the fallback where there is no ``/proc``.
"""

from __future__ import annotations

import resource
import sys
from pathlib import Path

STATUS = Path("/proc/self/status")


def peak_rss_mb() -> float:
    """Peak resident memory of this process's own address space, in MB (MiB)."""
    try:
        for line in STATUS.read_text(encoding="ascii").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024  # macOS reports bytes, Linux KiB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale
