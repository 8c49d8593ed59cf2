"""Where the shipped content lives: the starters, the question declarations and the reference solutions.

In a checkout (or an editable install) they are the repository's top-level folders. A regular install ships the same
folders as package data inside `core/` (pyproject.toml maps them there), so the exam works without the checkout.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent


def _content_dir(name: str) -> Path:
    """The checkout's top-level folder, else the copy a regular install ships inside the package."""
    checkout = REPO_ROOT / name
    return checkout if checkout.is_dir() else PACKAGE_DIR / name


STARTER_DIR = _content_dir("starter_code")
HIDDEN_DIR = _content_dir("hidden_tests")
SOLUTION_DIR = _content_dir("solutions")
