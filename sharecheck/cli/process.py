"""Tuning a process that the command line owns (never a library caller's)."""
from __future__ import annotations

import os


def _tune_process() -> None:
    """Settings for a process that sharecheck's command line owns (not for a library caller's).

    - numpy's OpenBLAS starts one worker thread per core at import, and each spins for about
      0.1 s of CPU waiting for work (its THREAD_TIMEOUT) before it sleeps: sharecheck never gives
      it any (its one dense product is columns x features of the role model), so one thread.
      Only the thread count changes, never a result; a user's setting wins.
    - A scan's start-up creates ~100,000 long-lived objects (modules, classes, rule tables), and
      with the default threshold of 700 the collector traverses them ~130 times (~60 ms of a
      fresh Adult scan); a larger first generation lets it run a few times instead.
    """
    import gc

    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    first, second, third = gc.get_threshold()
    if 0 < first < GC_FIRST_GENERATION:
        gc.set_threshold(GC_FIRST_GENERATION, second, third)


GC_FIRST_GENERATION = 20_000
