"""The PyCharm run configurations: generated from the declarations, and each one's command really runs."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from exam import pycharm, questions
from exam.paths import DEFAULT_WORKSPACE
from clirun import env as child_env

HAS_MIRROR = bool(os.environ.get("TFEXAM_DATA_MIRROR"))


def test_committed_configurations_are_the_generated_ones():
    committed = {p.name: p.read_text() for p in pycharm.RUN_DIR.glob("*.run.xml")}
    assert committed == pycharm.expected_files(), "run `python -m exam.pycharm` and commit pycharm_project/.run/"


def parse(path: Path) -> dict:
    configuration = ET.parse(path).getroot().find("configuration")
    options = {o.get("name"): o.get("value") for o in configuration.findall("option")}
    envs = {e.get("name"): e.get("value") for e in configuration.find("envs").findall("env")}
    return {"name": configuration.get("name"), "options": options, "envs": envs,
            "module": configuration.find("module").get("name")}


def test_configurations_use_the_project_interpreter():
    for path in pycharm.RUN_DIR.glob("*.run.xml"):
        config = parse(path)
        assert config["options"]["SDK_HOME"] == "" and config["options"]["IS_MODULE_SDK"] == "true", path.name
        assert config["module"] == DEFAULT_WORKSPACE.name


def command(path: Path, project_dir: Path) -> tuple[list[str], Path, dict]:
    """The exact process PyCharm starts for a configuration: argv, working directory, environment."""
    config = parse(path)
    options = {k: v.replace("$PROJECT_DIR$", str(project_dir)) for k, v in config["options"].items()}
    target = ["-m", options["SCRIPT_NAME"]] if options["MODULE_MODE"] == "true" else [options["SCRIPT_NAME"]]
    argv = [sys.executable, *target, *shlex.split(options["PARAMETERS"])]  # PyCharm honours quotes
    env = child_env(**config["envs"])
    if options["ADD_CONTENT_ROOTS"] == "true":  # PyCharm puts the project on PYTHONPATH
        env["PYTHONPATH"] = os.pathsep.join([str(project_dir), env["PYTHONPATH"]])
    return argv, Path(options["WORKING_DIRECTORY"]), env


def click(name: str, project_dir: Path) -> subprocess.CompletedProcess:
    config_file = next(p for p in pycharm.RUN_DIR.glob("*.run.xml") if parse(p)["name"] == name)
    argv, cwd, env = command(config_file, project_dir)
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)


@pytest.fixture()
def project(tmp_path) -> Path:
    copy = tmp_path / "pycharm_project"
    shutil.copytree(DEFAULT_WORKSPACE, copy, ignore=shutil.ignore_patterns(".tfexam", "Category*"))
    return copy


def ledger(project: Path) -> list[dict]:
    return [json.loads(line) for line in (project / ".tfexam" / "ledger.jsonl").read_text().splitlines()]


def exercise(project: Path, categories: list[int]) -> None:
    started = click("Start exam", project)
    assert started.returncode == 0, started.stderr
    for category in questions.available_categories():
        assert (project / f"Category{category}" / "starter.py").is_file()
    for category in categories:
        trained = click(f"Category {category} - train", project)
        assert trained.returncode == 0, trained.stderr[-2000:]
        assert (project / f"Category{category}" / "mymodel.h5").is_file()
        submitted = click(f"Category {category} - Submit and Test", project)
        assert submitted.returncode == 0, submitted.stdout + submitted.stderr[-2000:]
        assert f"Category {category} - " in submitted.stdout and "/5" in submitted.stdout
        assert ledger(project)[-1]["category"] == category and ledger(project)[-1]["status"] == "graded"
    status = click("Time left", project)
    assert status.returncode == 0 and "Time left: 4:" in status.stdout
    ended = click("End exam", project)
    assert ended.returncode == 0 and "Weighted total" in ended.stdout


@pytest.mark.skipif(not HAS_MIRROR, reason="Start exam prefetches every category's dataset: needs TFEXAM_DATA_MIRROR")
def test_category1_configurations_run(project):
    exercise(project, [1])


@pytest.mark.slow
@pytest.mark.mirror
@pytest.mark.skipif(not HAS_MIRROR, reason="needs the dataset mirror: set TFEXAM_DATA_MIRROR")
def test_every_category_configuration_runs(project):
    exercise(project, [c for c in questions.available_categories() if c != 1])
