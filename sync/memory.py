"""A sync's resident memory: fixed, whatever the size of the history.

Two things decide it besides the pages in flight (bounded by the pager queue and the commit size,
windows.py):

- DuckDB's buffer pool, fixed at `MEMORY_MB`. Left at its default (80% of RAM) it caches every
  block the sync writes, so resident memory grew with the history (345 MB at 100k predictions,
  737 MB at 1M). With no primary key (m002) nothing else DuckDB holds grows with the rows.
- glibc's malloc arenas. A sync runs a dozen pager threads and DuckDB's own; glibc gives threads
  up to 8 arenas per core, and freed memory in one arena is not reused by the others, so the
  process's footprint drifts up with the length of the run. Capping the arenas at `ARENAS` before
  DuckDB starts its threads is what `MALLOC_ARENA_MAX=2` does from the environment.

Measured with benchmarks/big_account.py's cold simulator, 1,000,000 predictions, 12 windows, on
2 cores (peak RSS of the syncing process): 96 MB pool, default arenas 302 MB; 2 arenas 273 MB;
64 MB pool 264 MB; both 242 MB, at the same rows/s within the machine's noise.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

import duckdb

MEMORY_MB = 64
ARENAS = 2
_M_ARENA_MAX = -8  # glibc's mallopt parameter number (malloc.h)


def cap_malloc_arenas(arenas: int = ARENAS) -> bool:
    """Cap glibc's malloc arenas for the rest of the process; False where there is no glibc.

    Call it before the threads start (DuckDB starts its own when a database opens): an arena a
    thread already has stays. Capping never changes results, only where freed memory is reused."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.mallopt(_M_ARENA_MAX, arenas))
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return False


def fit_memory_limit(con: duckdb.DuckDBPyConnection) -> int:
    """Set DuckDB's memory limit for a sync; return it in MB."""
    con.execute(f"SET memory_limit = '{MEMORY_MB}MB'")
    return MEMORY_MB
