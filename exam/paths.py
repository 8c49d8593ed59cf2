"""Where things live: the repository, the default workspace, a workspace's private folder."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
STARTER_DIR = REPO_ROOT / "starter_code"
HIDDEN_DIR = REPO_ROOT / "hidden_tests"
SOLUTION_DIR = REPO_ROOT / "solutions"
DEFAULT_WORKSPACE = REPO_ROOT / "pycharm_project"
STATE_DIRNAME = ".tfexam"
MARKER = ".tfexam-workspace"  # committed in pycharm_project/ so a copied project still finds itself


def state_dir(workspace: Path) -> Path:
    return workspace / STATE_DIRNAME


def find_workspace(start: Path | None = None) -> Path:
    """The workspace holding `start` (a folder with .tfexam/ or the marker above it), else pycharm_project/."""
    here = Path(start or os.getcwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / STATE_DIRNAME).is_dir() or (folder / MARKER).is_file():
            return folder
    return DEFAULT_WORKSPACE


def resolve_workspace(option: str | None) -> Path:
    return Path(option).expanduser().resolve() if option else find_workspace()


def category_dir(workspace: Path, category: int) -> Path:
    return workspace / f"Category{category}"
