"""The benchmarks' peak memory belongs to the process measured, not to whoever started it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

from peak import peak_rss_mb

CHILD = f"import sys; sys.path.insert(0, {str(BENCHMARKS)!r}); from peak import peak_rss_mb; print(peak_rss_mb())"


def test_a_child_of_a_large_parent_reports_only_its_own_peak() -> None:
    ballast = bytearray(300 * 1024 * 1024)
    ballast[::4096] = b"\1" * len(range(0, len(ballast), 4096))  # touch every page, so it is resident
    assert peak_rss_mb() > 300
    child = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, check=True)
    assert float(child.stdout) < 100, "the child reported its parent's peak"
    del ballast
