"""How every grading process starts (workers, the warm server, the autograder's run step): in a private empty folder,
with isolated module search that finds the standard library, the installed packages and tfexam's three packages only.

The learner's workspace may sit inside the repository (the default `pycharm_project/`), and so may a class folder:
a grading process must never be able to import a file from there, nor from the folder the CLI was started in.
`exam/bootstrap.py` runs under `python -I` and resolves only `tfexam`, `exam` and `graders` from the package root; the
environment loses the PYTHON* variables that make an interpreter load code (-I ignores them; its children would not).
"""

from __future__ import annotations

import os
import shutil
import site
import sys
import tempfile
from pathlib import Path

from tfexam import limits as limits_module
from tfexam.content import REPO_ROOT
from tfexam.limits import Limits

BOOTSTRAP = Path(__file__).resolve().with_name("bootstrap.py")
PACKAGE_ROOT = REPO_ROOT  # the folder holding tfexam/, exam/ and graders/ (a checkout's root, or site-packages)
PRIVATE_PREFIX = "tfexam-grading-"
PATH_VARIABLES = ("TFEXAM_DATA_DIR", "TFEXAM_DATA_MIRROR")  # folders the child must find from another folder


def user_site() -> list[str]:
    """The user's site-packages when this interpreter uses it (-I would drop it, and TensorFlow may live there)."""
    folder = site.getusersitepackages() if site.ENABLE_USER_SITE else None
    return [folder] if folder and folder in sys.path and os.path.isdir(folder) else []


def command(module: str, *args: str) -> list[str]:
    """The command line that runs `python -m module args` in isolation (see exam/bootstrap.py)."""
    return [sys.executable, "-I", str(BOOTSTRAP), str(PACKAGE_ROOT), os.pathsep.join(user_site()), module, *args]


def environment(limits: Limits | None = None) -> dict:
    """This process's environment without the variables that load Python code, with folders made absolute (the
    child starts elsewhere) and the limits, when given, for the child to quote."""
    env = {name: value for name, value in os.environ.items() if not name.upper().startswith("PYTHON")}
    for name in PATH_VARIABLES:
        value = env.get(name, "").strip()
        if value and "://" not in value:
            env[name] = os.path.abspath(os.path.expanduser(value))
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if limits is not None:
        env.update(limits_module.as_env(limits))
    return env


def private_folder() -> Path:
    """A new empty folder, this user's only, to be the child's working folder."""
    return Path(tempfile.mkdtemp(prefix=PRIVATE_PREFIX))


def remove(folder: Path) -> None:
    """Best effort: on Windows a folder still in use by a process that has not quite exited stays behind in temp."""
    shutil.rmtree(folder, ignore_errors=True)
