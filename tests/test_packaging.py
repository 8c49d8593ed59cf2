"""A regular (non-editable) install: a wheel built from the repository (once per run: the `installed` fixture),
installed into a fresh virtual environment, runs the exam from a folder outside the checkout, ships its pins, and
every import of a starter resolves to real files (what PyCharm's editor needs; an editable install's import hook is
invisible to it)."""

from __future__ import annotations

import ast
import json
import subprocess
from pathlib import Path

from clirun import REPO_ROOT
from wheel_install import clean_env, console_script


def starter_imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_a_wheel_install_ships_its_content_and_makes_the_current_folder_the_exam(installed, tmp_path):
    """Outside any checkout; the command-line contract (tests/test_cli_contract.py) runs the demo through it."""
    outside = tmp_path / "somewhere else"
    outside.mkdir()
    env = clean_env(TFEXAM_DATA_DIR=str(tmp_path / "cache"))

    where = subprocess.run([str(installed), "-c", "import tfexam, exam, json; from tfexam import content; print(json.dumps("
                            "[exam.__file__, tfexam.__file__, str(content.STARTER_DIR), str(content.REQUIREMENTS)]))"],
                           cwd=outside, env=env, capture_output=True, text=True, check=True)
    package, core_package, starters, pins = json.loads(where.stdout)
    assert not Path(package).is_relative_to(REPO_ROOT) and Path(package).is_relative_to(installed.parent.parent)
    assert Path(starters) == Path(core_package).parent / "starter_code"
    shipped = Path(pins).read_text(encoding="utf-8")
    assert shipped == (REPO_ROOT / "tfexam" / "requirements.txt").read_text(encoding="utf-8")

    # no checkout: the exam lives in the current folder, which also becomes a PyCharm project
    started = subprocess.run([str(console_script(installed)), "start", "--categories", "1", "--no-fetch"], cwd=outside,
                             env=env, capture_output=True, text=True, timeout=300)
    assert started.returncode == 0, started.stderr
    assert (outside / "Category1" / "starter.py").is_file() and (outside / ".tfexam" / "session.json").is_file()
    assert (outside / ".run" / "start_exam.run.xml").is_file() and (outside / ".idea" / "tfexam.iml").is_file()


def test_every_starter_import_resolves_to_a_file_of_the_installed_package(installed, tmp_path):
    names = sorted(set().union(*(starter_imports(p) for p in (REPO_ROOT / "starter_code").glob("*.py"))))
    assert "tfexam.data" in names
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
