"""What the grading child does to itself so that a submitted file cannot outlive or outgrow the exam command.

The parent (exam/grading.py) watches wall time and resident memory and kills the child; these are the child's own
backstops for what a watcher cannot see: the parent being killed, and an allocation faster than its polling.
"""

from __future__ import annotations

import os
import sys
import threading

ORPHANED_EXIT = 3
BACKSTOP_FACTOR = 2  # address-space data limit = this x the memory limit: far above any real model, below a bomb


def exit_with_parent() -> None:
    """Exit at once when the parent's end of stdin closes: the exam command was killed, so nobody wants the result."""

    def wait_for_eof():
        try:
            while sys.stdin.buffer.read(4096):
                pass
        except (OSError, ValueError):
            pass
        os._exit(ORPHANED_EXIT)

    threading.Thread(target=wait_for_eof, name="exit-with-parent", daemon=True).start()


def limit_data(memory_mb: float) -> None:
    """Cap the data segment (malloc'd memory) so one huge allocation fails in here instead of swapping the machine.

    RLIMIT_AS would break TensorFlow, which reserves far more virtual memory than it uses; RLIMIT_DATA counts only
    private writable memory (about 425 MB for a Category 1 grading with 630 MB resident, measured on Linux).
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
