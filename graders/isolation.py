"""What the grading child does to itself so that a submitted file cannot outlive or outgrow the exam command.

The parent (exam/workers.py) watches wall time and resident memory with psutil and kills the child's process tree;
these are the child's own backstops for what a watcher cannot see: the parent being killed, and an allocation faster
than its polling.
"""

from __future__ import annotations

import os
import sys
import threading

ORPHANED_EXIT = 3
BACKSTOP_FACTOR = 2  # address-space data limit = this x the memory limit: far above any real model, below a bomb


def exit_with_parent(on_line=None) -> None:
    """Exit at once when the parent's end of stdin closes: the exam command was killed (or is done with us).

    A worker passes `on_line`: every line read from stdin (one job each) is handed to it, so the same thread both
    feeds jobs and notices the parent's end while the main thread is busy grading.
    """

    def wait_for_eof():
        try:
            for line in sys.stdin.buffer:
                if on_line is not None:
                    on_line(line)
        except (OSError, ValueError):
            pass
        sys.stderr.flush()
        os._exit(ORPHANED_EXIT)

    threading.Thread(target=wait_for_eof, name="exit-with-parent", daemon=True).start()


def limit_data(memory_mb: float) -> None:
    """Cap the data segment (malloc'd memory) so one huge allocation fails in here instead of swapping the machine.

    RLIMIT_AS would break TensorFlow, which reserves far more virtual memory than it uses; RLIMIT_DATA counts only
    private writable memory (about 425 MB for a Category 1 grading with 630 MB resident, measured on Linux).
    Where it does not exist (Windows) or is ignored (macOS), the parent's psutil watcher is the limit.
    """
    try:
        import resource
    except ImportError:  # Windows: the parent's watcher is the only limit
        return
    cap = int(memory_mb * BACKSTOP_FACTOR * 2**20)
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
        if hard != resource.RLIM_INFINITY:
            cap = min(cap, hard)
        resource.setrlimit(resource.RLIMIT_DATA, (cap, hard))
    except (ValueError, OSError, AttributeError):  # macOS ignores or refuses it; the watcher still applies
        pass
