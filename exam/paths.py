"""Where things live: the workspace (the learner's exam folder) and its private folder; the shipped content's
folders come from core.content.
"""

from __future__ import annotations

import os
from pathlib import Path

from core.content import HIDDEN_DIR, REPO_ROOT, SOLUTION_DIR, STARTER_DIR  # noqa: F401 (the exam reads them as paths.*)

STATE_DIRNAME = ".tfexam"
MARKER = ".tfexam-workspace"  # committed in pycharm_project/ so a copied project still finds itself
PROJECT_DIRNAME = "pycharm_project"

CHECKOUT_PROJECT = REPO_ROOT / PROJECT_DIRNAME
IS_CHECKOUT = (CHECKOUT_PROJECT / MARKER).is_file()
# The default workspace: the checkout's PyCharm project; an installed package without a checkout uses the current
# folder (see find_workspace), so `tfexam start` in an empty folder makes that folder the exam.
DEFAULT_WORKSPACE = CHECKOUT_PROJECT if IS_CHECKOUT else None


def state_dir(workspace: Path) -> Path:
    return workspace / STATE_DIRNAME


def is_workspace(folder: Path) -> bool:
    return (folder / STATE_DIRNAME).is_dir() or (folder / MARKER).is_file()


def find_workspace(start: Path | None = None) -> Path:
    """The workspace holding `start` (a folder with .tfexam/ or the marker above it), else the default one."""
    here = Path(start or os.getcwd()).resolve()
    for folder in (here, *here.parents):
        if is_workspace(folder):
            return folder
    return DEFAULT_WORKSPACE or here


def resolve_workspace(option: str | None) -> Path:
    """--workspace DIR, else the workspace around the current folder.

    A folder that is no workspace but holds pycharm_project/ with its marker is a repository root (PyCharm's
    $PROJECT_DIR$ when the learner opened the root): the exam lives in its pycharm_project/.
    """
    if not option:
        return find_workspace()
    folder = Path(option).expanduser().resolve()
    inner = folder / PROJECT_DIRNAME
    if not is_workspace(folder) and (inner / MARKER).is_file():
        return inner
    return folder


def category_dir(workspace: Path, category: int) -> Path:
    return workspace / f"Category{category}"
