"""A regular (non-editable) install: a wheel built from the repository, installed into a fresh virtual environment,
runs the exam from a folder outside the checkout, and every import of a starter resolves to real files (what
PyCharm's editor needs; an editable install's import hook is invisible to it)."""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
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


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("wheel")
    wheel = build_wheel(tmp)
    python = fresh_venv(tmp)
    # --ignore-installed: the outer environment may hold a tfexam of its own (CI installs one from requirements.txt);
    # pip would call the wheel "already satisfied" through the .pth and install nothing
    done = subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", "--ignore-installed", str(wheel)],
                          capture_output=True, text=True, timeout=600, env=clean_env())
    assert done.returncode == 0, done.stderr[-2000:]
    return python


def starter_imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.slow
def test_wheel_install_runs_the_demo_outside_the_checkout(installed, tmp_path):
    outside = tmp_path / "somewhere else"
    outside.mkdir()
    scripts = installed.parent
    tfexam = scripts / ("tfexam.exe" if os.name == "nt" else "tfexam")
    env = clean_env(TFEXAM_DATA_DIR=str(tmp_path / "cache"))

    where = subprocess.run([str(installed), "-c", "import core, exam, json; from exam import paths; print(json.dumps("
                            "[exam.__file__, core.__file__, str(paths.STARTER_DIR), paths.IS_CHECKOUT]))"],
                           cwd=outside, env=env, capture_output=True, text=True, check=True)
    package, core_package, starters, is_checkout = json.loads(where.stdout)
    assert not Path(package).is_relative_to(REPO_ROOT) and Path(package).is_relative_to(installed.parent.parent)
    assert Path(starters) == Path(core_package).parent / "starter_code" and not is_checkout

    demo = subprocess.run([str(tfexam), "demo"], cwd=outside, env=env, capture_output=True, text=True, timeout=900)
    assert demo.returncode == 0, demo.stdout[-3000:] + demo.stderr[-3000:]
    assert "5/5" in demo.stdout and "Weighted total" in demo.stdout

    # no checkout: the exam lives in the current folder, which also becomes a PyCharm project
    started = subprocess.run([str(tfexam), "start", "--categories", "1", "--no-fetch"], cwd=outside, env=env,
                             capture_output=True, text=True, timeout=300)
    assert started.returncode == 0, started.stderr
    assert (outside / "Category1" / "starter.py").is_file() and (outside / ".tfexam" / "session.json").is_file()
    assert (outside / ".run" / "start_exam.run.xml").is_file() and (outside / ".idea" / "tfexam.iml").is_file()


@pytest.mark.slow
def test_every_starter_import_resolves_to_a_file_of_the_installed_package(installed, tmp_path):
    names = sorted(set().union(*(starter_imports(p) for p in (REPO_ROOT / "starter_code").glob("*.py"))))
    assert "core.data" in names
    probe = ("import importlib.util, json, sys\n"
             "print(json.dumps({n: getattr(importlib.util.find_spec(n), 'origin', None) for n in sys.argv[1:]}))")
    done = subprocess.run([str(installed), "-c", probe, *names], cwd=tmp_path, env=clean_env(), capture_output=True,
                          text=True, check=True)
    origins = json.loads(done.stdout)
    assert all(origins.values()), {n: o for n, o in origins.items() if not o}
    site = installed.parent.parent
    for name, origin in origins.items():
        if name.split(".")[0] == "exam":  # a plain file in site-packages, which static analysis can read
            assert Path(origin).is_file() and Path(origin).is_relative_to(site), (name, origin)
