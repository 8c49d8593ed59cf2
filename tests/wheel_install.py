"""A regular (non-editable) install of tfexam: a wheel built from the repository, installed into a fresh virtual
environment that reaches this environment's packages (TensorFlow...) without downloading anything. Built once per
test run (the `installed` fixture in conftest.py)."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from clirun import REPO_ROOT

NOT_SHIPPED = shutil.ignore_patterns(".git", ".venv", "venv", "build", "dist", "*.egg-info", "__pycache__",
                                     ".pytest_cache", ".tfexam", "Category*")


def clean_env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(extra)
    return env


def build_wheel(tmp: Path) -> Path:
    source = tmp / "source"
    shutil.copytree(REPO_ROOT, source, ignore=NOT_SHIPPED)
    # build with the environment's setuptools when it can (no download); else pip's isolated build (the registry)
    local = importlib.util.find_spec("wheel") and importlib.util.find_spec("setuptools")
    isolation = ["--no-build-isolation"] if local else []
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", *isolation, "-w", str(tmp / "dist"),
                           str(source)], capture_output=True, text=True, timeout=600, env=clean_env())
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return next((tmp / "dist").glob("tfexam-*.whl"))


def fresh_venv(tmp: Path) -> Path:
    """A new environment; this interpreter's packages (TensorFlow...) are reachable after its own, so nothing is
    downloaded again and the installed tfexam is the wheel's. (--system-site-packages alone would reach the base
    interpreter, not this environment, when this one is itself a venv.)"""
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True, timeout=300)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    own = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                         capture_output=True, text=True, check=True).stdout.strip()
    (Path(own) / "outer_environment.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    return python


def install_wheel(tmp: Path) -> Path:
    """The interpreter of a fresh environment holding the wheel; its console script `tfexam` sits beside it."""
    wheel = build_wheel(tmp)
    python = fresh_venv(tmp)
    # --ignore-installed: the outer environment may hold a tfexam of its own (CI installs one from requirements.txt);
    # pip would call the wheel "already satisfied" through the .pth and install nothing
    done = subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", "--ignore-installed",
                           str(wheel)], capture_output=True, text=True, timeout=600, env=clean_env())
    assert done.returncode == 0, done.stderr[-2000:]
    return python


def console_script(python: Path) -> Path:
    return python.parent / ("tfexam.exe" if os.name == "nt" else "tfexam")
