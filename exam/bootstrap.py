"""Start one of tfexam's modules in isolation: `python -I bootstrap.py ROOT EXTRA_PATHS MODULE [ARGS...]`.

Grading processes run with `-I` (no PYTHONPATH, no user site, neither the script's folder nor the current one on
sys.path), so nothing a learner wrote next to their files can be imported. `-I` also hides tfexam itself when it runs
from a checkout; this finder gives back exactly its three top-level packages, `tfexam`, `exam` and `graders`, from ROOT,
and nothing else there: ROOT is never a path entry, so a folder inside it (the default workspace `pycharm_project/`,
a class folder) cannot become a namespace package. EXTRA_PATHS (os.pathsep-separated, may be empty) are appended to
sys.path: the user's site-packages when the parent used it (`pip install --user` installs TensorFlow there).

Standard library only: nothing can be imported before the finder is in place.
"""

import importlib.machinery
import os
import runpy
import site
import sys

PACKAGES = ("tfexam", "exam", "graders")


class TfexamFinder:
    """Resolves the top-level names in PACKAGES from one folder; their submodules follow their own __path__."""

    def __init__(self, root: str):
        self.root = root

    def find_spec(self, name, path=None, target=None):
        if name not in PACKAGES:
            return None
        return importlib.machinery.PathFinder.find_spec(name, [self.root])

    def invalidate_caches(self):
        pass


def same_folder(entry: str, folder: str) -> bool:
    try:
        return os.path.realpath(entry or os.curdir) == folder
    except (OSError, ValueError):
        return False


def main() -> None:
    root, extra, module, *args = sys.argv[1:]
    root = os.path.realpath(root)
    installed = {os.path.realpath(folder) for folder in [*site.getsitepackages(), site.getusersitepackages()]}
    if root not in installed:  # a checkout, whose editable install's .pth may have put it on sys.path: not so here.
        # Only the root itself goes: a virtual environment made inside the checkout (README's `.venv`, CI's) keeps
        # its site-packages, which hold TensorFlow; nothing below the root but installed packages is ever a path entry.
        sys.path[:] = [entry for entry in sys.path if not same_folder(entry, root)]
    sys.meta_path.insert(0, TfexamFinder(root))
    sys.path.extend(entry for entry in extra.split(os.pathsep) if entry)
    sys.argv = [module, *args]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
