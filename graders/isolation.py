"""What the grading child does to itself so that a submitted file cannot outlive or outgrow the exam command.

The parent (exam/workers.py) watches wall time and resident memory with psutil and kills the child's process tree;
these are the child's own backstops for what a watcher cannot see: the parent being killed, and an allocation faster
than its polling. `Integrity` is the warm worker's report on itself after each job (the parent retires it on any
finding, exam/grading.py).
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
from pathlib import Path

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


WATCHED = ("tfexam", "graders")  # packages whose functions and classes must stay the ones the worker started with
WATCHED_EXTRA = ("builtins", "json")  # what the worker loop itself writes its answers with
REPORTED = 10  # names listed per finding; one is enough to retire the worker
# TensorFlow's autograph writes each function it converts (tf-keras' predict, for one) to a module of this name in the
# temp folder and imports it from there: the code is TensorFlow's own, generated from installed packages.
GENERATED = "__autograph_generated_file"


class Integrity:
    """What a warm worker checks after each job, so the parent can retire it when a job left anything behind:
    a module imported from outside the allowed locations (the standard library, the installed packages, tfexam's
    own package folders) at any time since start, and any function or class of the grader that is no longer the
    object it was at start (identity). Take it once the grader is imported and warmed up; `report()` after a job."""

    def __init__(self):
        import graders

        package_root = Path(graders.__file__).resolve().parent.parent
        folders = [*sys.path, *(package_root / name for name in ("tfexam", "exam", "graders"))]
        self.allowed = tuple({_real(folder) for folder in folders if folder and os.path.exists(folder)})  # zips too
        self.checked: dict[str, object] = {}
        self.foreign: list[str] = []
        self.originals = _definitions()
        self.meta_path = list(sys.meta_path)

    def report(self) -> dict:
        for name, module in list(sys.modules.items()):
            if self.checked.get(name) is module:
                continue
            self.checked[name] = module
            if any(not self._allowed(place) for place in _locations(module)) and not _generated(name, module):
                self.foreign.append(name)
        now = _definitions()
        replaced = [name for name, value in self.originals.items() if now.get(name) is not value]
        if [id(f) for f in sys.meta_path] != [id(f) for f in self.meta_path]:
            replaced.append("sys.meta_path")
        return {"foreign_modules": self.foreign[:REPORTED], "replaced": replaced[:REPORTED]}

    def _allowed(self, place: str) -> bool:
        real = _real(place)
        return any(real == folder or real.startswith(folder + os.sep) for folder in self.allowed)


def _generated(name: str, module) -> bool:
    places = _locations(module)
    temp = _real(tempfile.gettempdir())
    return name.startswith(GENERATED) and bool(places) and all(_real(os.path.dirname(p)) == temp for p in places)


def _real(place) -> str:
    return os.path.normcase(os.path.realpath(place)).rstrip(os.sep) or os.sep


def _locations(module) -> list[str]:
    """Where a module came from: its file, or a namespace package's folders (both absent for built-in ones)."""
    places = [getattr(module, "__file__", None)]
    spec = getattr(module, "__spec__", None)
    if getattr(module, "__file__", None) is None and spec is not None and spec.submodule_search_locations:
        places.extend(spec.submodule_search_locations)
    return [place for place in places if isinstance(place, str)]


def _definitions() -> dict[str, object]:
    """module.name -> object for every function and class in the watched modules, and Class.name for what the
    classes defined there hold (a method replaced on tfexam.result.Result would forge a score as surely)."""
    found = {}
    for name, module in list(sys.modules.items()):
        if not (name in WATCHED_EXTRA or name.split(".")[0] in WATCHED) or module is None:
            continue
        for attribute, value in list(vars(module).items()):
            if callable(value) or isinstance(value, type):
                found[f"{name}.{attribute}"] = value
            if isinstance(value, type) and value.__module__ == name and name not in WATCHED_EXTRA:
                for member, inner in list(vars(value).items()):
                    if callable(inner) or isinstance(inner, (classmethod, staticmethod, property)):
                        found[f"{name}.{attribute}.{member}"] = inner
    return found
