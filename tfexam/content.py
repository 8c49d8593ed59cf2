"""Where the shipped content lives: the starters, the question declarations and the reference solutions.

In a checkout (or an editable install) they are the repository's top-level folders. A regular install ships the same
folders as package data inside `tfexam/` (pyproject.toml maps them there), so the exam works without the checkout.
"""

from __future__ import annotations

import re
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
REQUIREMENTS = PACKAGE_DIR / "requirements.txt"  # package data in every kind of install (pyproject.toml)
_PIN = re.compile(r"\s*([A-Za-z0-9_.-]+)\s*==\s*([^\s;#]+)")


def canonical(name: str) -> str:
    """A distribution name as pip compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pins() -> dict[str, str]:
    """The pinned runtime versions: canonical name -> version, in the file's order."""
    found = {}
    for line in REQUIREMENTS.read_text(encoding="utf-8").splitlines():
        match = _PIN.match(line)
        if match:
            found[canonical(match[1])] = match[2]
    return found
