"""Where things live: the workspace (the learner's exam folder) and its private folder; the shipped content's
folders come from tfexam.content.

One workspace rule for every entry point (`tfexam`, `python -m exam`, PyCharm's configurations), decided from the
current folder and never from where the package is installed: inside a checkout (any folder of it, the repository
root included) the exam is the checkout's pycharm_project/; inside an exam folder (one with .tfexam/ or the marker)
it is that folder; anywhere else it is the current folder.
"""

from __future__ import annotations

import os
from pathlib import Path

from tfexam.content import HIDDEN_DIR, REPO_ROOT, SOLUTION_DIR, STARTER_DIR  # noqa: F401 (the exam reads them as paths.*)

STATE_DIRNAME = ".tfexam"
MARKER = ".tfexam-workspace"  # committed in pycharm_project/ so a copied project still finds itself
PROJECT_DIRNAME = "pycharm_project"
CHECKOUT_FILES = ("pyproject.toml", "exam/cli.py")  # with pycharm_project/MARKER: a tfexam repository root

# The PyCharm project of the checkout this code runs from, if it runs from one (developer tools and tests; the CLI
# resolves its workspace from the current folder instead).
CHECKOUT_PROJECT = REPO_ROOT / PROJECT_DIRNAME
IS_CHECKOUT = (CHECKOUT_PROJECT / MARKER).is_file()
DEFAULT_WORKSPACE = CHECKOUT_PROJECT if IS_CHECKOUT else None


def state_dir(workspace: Path) -> Path:
    return workspace / STATE_DIRNAME


def is_workspace(folder: Path) -> bool:
    return (folder / STATE_DIRNAME).is_dir() or (folder / MARKER).is_file()


def is_checkout(folder: Path) -> bool:
    """A tfexam repository root: its PyCharm project (with the marker) and the repository's own files."""
    return (folder / PROJECT_DIRNAME / MARKER).is_file() and all((folder / name).is_file() for name in CHECKOUT_FILES)


def find_checkout(start: Path | None = None) -> Path | None:
    """The repository root holding `start` (the current folder by default), if any."""
    here = Path(start or os.getcwd()).resolve()
    return next((folder for folder in (here, *here.parents) if is_checkout(folder)), None)


def find_workspace(start: Path | None = None) -> Path:
    """From `start` upward: a checkout means its pycharm_project/, an exam folder means itself; else `start`."""
    here = Path(start or os.getcwd()).resolve()
    for folder in (here, *here.parents):
        if is_checkout(folder):  # before is_workspace: a stray .tfexam/ at the root must not win over the project
            return folder / PROJECT_DIRNAME
        if is_workspace(folder):
            return folder
    return here


def resolve_workspace(option: str | None) -> Path:
    """--workspace DIR, else the workspace around the current folder.

    A folder that is no workspace but holds pycharm_project/ with its marker is a repository root (PyCharm's
    $PROJECT_DIR$ when the learner opened the root): the exam lives in its pycharm_project/.
    """
    if option is None:
        return find_workspace()
    folder = Path(option).expanduser().resolve()
    inner = folder / PROJECT_DIRNAME
    if not is_workspace(folder) and (inner / MARKER).is_file():
        return inner
    return folder


def is_checkout_project(workspace: Path) -> bool:
    """The committed pycharm_project/ of a checkout (its PyCharm files are the repository's, never rewritten)."""
    return workspace.name == PROJECT_DIRNAME and is_checkout(workspace.parent)


def category_dir(workspace: Path, category: int) -> Path:
    return workspace / f"Category{category}"
