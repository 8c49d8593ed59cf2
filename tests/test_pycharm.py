"""The PyCharm project files: generated from the declarations, read the way PyCharm reads them, and each
configuration really runs from a copied, renamed project whose path has a space and a non-ASCII character.

PyCharm's behaviour reproduced here (JetBrains' sources): `$PROJECT_DIR$` is expanded in PARAMETERS, then the
string is split by ParametersListUtil.parse; a module file inside `.idea/` has the project folder as `$MODULE_DIR$`
and the module is named after the .iml file; a fresh checkout sorts configurations by folder (natural order, no
folder last) and then by name (natural order), RunConfigurationListManagerHelper.sortAlphabetically.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from clirun import REPO_ROOT
from clirun import env as child_env

from tfexam import questions
from exam import paths, pycharm

HAS_MIRROR = bool(os.environ.get("TFEXAM_DATA_MIRROR"))
# What the default questions' starters, as shipped, score at most (CALIBRATION.md): the every-category test below is
# where they run. The Category 3 starter's single epoch is a coin toss (CALIBRATION.md), so it has no ceiling.
STARTER_CEILING = {"c1_line": 1, "c2_fashion_mnist": 1, "c4_sarcasm": 2, "c5_sunspots": 2}
PROJECT = REPO_ROOT / "pycharm_project"
RUN_DIR = PROJECT / ".run"
AWKWARD = "Jane Doe's exams \u00fc"  # a space, an apostrophe and a non-ASCII letter, as on real machines


def parameters_list(text: str) -> list[str]:
    """ParametersListUtil.parse(text): whitespace splits unless inside double quotes; quotes are dropped; \\" is
    a literal quote; "" is an empty argument."""
    params, token, in_quotes, escaped, non_empty = [], [], False, False, False
    text = text.strip()
    for i, ch in enumerate(text):
        if ch == '"':
            if not escaped:
                in_quotes, non_empty = not in_quotes, True
                continue
            escaped = False
        elif ch.isspace():
            if not in_quotes:
                if token or non_empty:
                    params.append("".join(token))
                    token, non_empty = [], False
                continue
        elif ch == "\\" and i < len(text) - 1 and text[i + 1] == '"':
            escaped = True
            continue
        token.append(ch)
    if token or non_empty:
        params.append("".join(token))
    return params


def test_parameters_list_matches_pycharm_examples():
    # the examples in ParametersListUtil's own documentation
    assert parameters_list(" a  b ") == ["a", "b"]
    assert parameters_list('a="1 2" b') == ["a=1 2", "b"]
    assert parameters_list('a " " b') == ["a", " ", "b"]
    assert parameters_list('"a \\"1 2\\"" b') == ['a "1 2"', "b"]


def natural_key(text: str | None):
    """IntelliJ's NaturalComparator, closely enough for our names: digit runs compare as numbers, case ignored."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part.lower()) for part in re.findall(r"\d+|\D+", text)]


def parse(path: Path) -> dict:
    root = ET.parse(path).getroot()
    configuration = root.find("configuration")
    options = {o.get("name"): o.get("value") for o in configuration.findall("option")}
    envs = {e.get("name"): e.get("value") for e in configuration.find("envs").findall("env")}
    return {"name": configuration.get("name"), "folder": configuration.get("folderName"), "options": options,
            "envs": envs, "module": configuration.find("module").get("name")}


def configurations(project: Path = PROJECT) -> list[dict]:
    return [parse(p) for p in sorted((project / ".run").glob("*.run.xml"))]


def command(config: dict, project_dir: Path) -> tuple[list[str], Path, dict]:
    """The process PyCharm starts: macros expanded, then PARAMETERS split, module mode `python -m`."""
    options = {k: (v or "").replace("$PROJECT_DIR$", str(project_dir)) for k, v in config["options"].items()}
    assert options["MODULE_MODE"] == "true", config["name"]
    argv = [sys.executable, "-m", options["SCRIPT_NAME"], *parameters_list(options["PARAMETERS"])]
    env = child_env(**config["envs"])  # clirun puts the package on PYTHONPATH, as an install does
    if options["ADD_CONTENT_ROOTS"] == "true":  # the module's content root (the project folder) comes first
        env["PYTHONPATH"] = os.pathsep.join([str(project_dir), env["PYTHONPATH"]])
    return argv, Path(options["WORKING_DIRECTORY"]), env


def click(name: str, project_dir: Path, *, configs_from: Path | None = None, input: str | None = None,
          timeout: float = 900) -> subprocess.CompletedProcess:
    config = next(c for c in configurations(configs_from or project_dir) if c["name"] == name)
    argv, cwd, env = command(config, project_dir)
    stdin = {"input": input} if input is not None else {"stdin": subprocess.DEVNULL}
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, **stdin)


def module_name(project: Path) -> str:
    """The module PyCharm loads from .idea/modules.xml: named after its .iml file."""
    modules = ET.parse(project / ".idea" / "modules.xml").getroot().findall(".//module")
    assert len(modules) == 1
    filepath = modules[0].get("filepath")
    assert filepath.startswith("$PROJECT_DIR$/.idea/") and modules[0].get("fileurl") == f"file://{filepath}"
    iml = project / filepath.replace("$PROJECT_DIR$/", "")
    content = ET.parse(iml).getroot().find(".//content")
    assert content.get("url") == "file://$MODULE_DIR$", "inside .idea/, $MODULE_DIR$ is the project folder"
    assert ET.parse(iml).getroot().find(".//orderEntry[@type='inheritedJdk']") is not None, "the project interpreter"
    return Path(filepath).stem


def test_committed_files_are_the_generated_ones():
    committed = {p.name: p.read_text(encoding="utf-8") for p in RUN_DIR.glob("*.run.xml")}
    assert committed == pycharm.expected_files(), "run `python -m exam.pycharm` and commit the result"
    for project in (PROJECT, REPO_ROOT):
        idea = {name: (project / ".idea" / name).read_text(encoding="utf-8") for name in pycharm.module_files()}
        assert idea == pycharm.module_files(), "run `python -m exam.pycharm` and commit the result"


def test_every_configuration_names_the_declared_module_whatever_the_folder_is_called():
    for project in (PROJECT, REPO_ROOT):  # opened as pycharm_project/ (any name) or as the repository root
        declared = module_name(project)
        for config in configurations():
            assert config["module"] == declared, config["name"]
            assert config["options"]["SDK_HOME"] == "" and config["options"]["IS_MODULE_SDK"] == "true"
    # the repository root's module content holds pycharm_project/.run, so PyCharm loads the same configurations
    assert RUN_DIR.is_relative_to(REPO_ROOT)


def test_fresh_checkout_order_start_first_end_last_train_before_submit():
    configs = configurations()
    folders = sorted({c["folder"] for c in configs if c["folder"]}, key=natural_key) + [None]
    ordered = sorted(configs, key=lambda c: (folders.index(c["folder"]), natural_key(c["name"])))
    names = [c["name"] for c in ordered]
    assert names[0] == "Start exam" and names[-1] == "End exam"
    for category in questions.available_categories():
        assert names.index(f"Category {category} - 1. Train") < names.index(f"Category {category} - 2. Submit and Test")


def test_parameters_keep_a_path_with_spaces_as_one_argument(tmp_path):
    project = tmp_path / AWKWARD / "renamed exam"
    for config in configurations():
        argv, cwd, _ = command(config, project)
        assert argv[argv.index("--workspace") + 1] == str(project), config["name"]
        assert cwd == project
    old_style = "submit 1 --workspace $PROJECT_DIR$".replace("$PROJECT_DIR$", str(project))
    assert len(parameters_list(old_style)) > 4, "unquoted, the path would split (the bug this guards against)"


def test_regeneration_replaces_only_generated_files(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(PROJECT, project, ignore=shutil.ignore_patterns(".tfexam", "Category*"))
    run_dir = project / ".run"
    mine = run_dir / "My experiment.run.xml"  # what PyCharm writes for "Store as project file": no mark
    mine.write_text('<component name="ProjectRunConfigurationManager">\n  <configuration default="false" '
                    'name="My experiment" type="PythonConfigurationType" factoryName="Python">\n'
                    '    <module name="tfexam" />\n  </configuration>\n</component>\n', encoding="utf-8")
    edited = run_dir / "time_left.run.xml"  # one of ours, changed in PyCharm: rewritten without the mark
    edited.write_text(edited.read_text(encoding="utf-8").replace(pycharm.GENERATED_MARK + "\n", "")
                      .replace("status --workspace", "status --json --workspace"), encoding="utf-8")
    stale = run_dir / "category9_train.run.xml"  # generated by an older tfexam, no longer wanted
    stale.write_text(pycharm.render(pycharm.RunConfig("Category 9 - 1. Train", "category9_train", "train 9", "x")))
    (run_dir / "end_exam.run.xml").unlink()
    legacy = run_dir / "category1_submit.run.xml"  # as tfexam 0.1 wrote it: no mark, module named after the folder
    legacy.write_text('<component name="ProjectRunConfigurationManager">\n  <configuration default="false" '
                      'name="Category 1 - Submit and Test" type="PythonConfigurationType" factoryName="Python" '
                      'folderName="Category 1">\n    <module name="pycharm_project" />\n'
                      '    <option name="PARAMETERS" value="submit 1 --workspace $PROJECT_DIR$" />\n'
                      '  </configuration>\n</component>\n', encoding="utf-8")

    written, kept = pycharm.write_project(project)
    assert mine.exists() and "My experiment" in mine.read_text(encoding="utf-8")
    assert "status --json" in edited.read_text(encoding="utf-8")
    assert sorted(kept) == sorted([mine, edited])
    assert not stale.exists()
    assert written == [run_dir / "category1_submit.run.xml", run_dir / "end_exam.run.xml"]
    assert "2. Submit and Test" in legacy.read_text(encoding="utf-8")
    assert pycharm.write_project(project) == ([], sorted([edited, mine]))


def test_a_repository_root_workspace_option_means_its_pycharm_project(tmp_path):
    root = tmp_path / AWKWARD
    (root / "pycharm_project").mkdir(parents=True)
    (root / "pycharm_project" / paths.MARKER).touch()
    assert paths.resolve_workspace(str(root)) == (root / "pycharm_project").resolve()
    assert paths.resolve_workspace(str(root / "pycharm_project")) == (root / "pycharm_project").resolve()
    assert paths.resolve_workspace(str(tmp_path)) == tmp_path.resolve()


@pytest.fixture()
def project(tmp_path) -> Path:
    """pycharm_project/ as a learner gets it, copied under an awkward path and renamed."""
    copy = tmp_path / AWKWARD / "my tf exam"
    shutil.copytree(PROJECT, copy, ignore=shutil.ignore_patterns(".tfexam", "Category*"))
    return copy


def ledger(project: Path) -> list[dict]:
    return [json.loads(line) for line in (project / ".tfexam" / "ledger.jsonl").read_text().splitlines()]


def train_as_category_1_does(project: Path, category: int, trained) -> None:
    """Category N's Train configuration is Category 1's with N for 1: the same `tfexam train N` the `trained` cache
    ran on this very starter, so its model stands in for the click (the click itself: Category 1, every run)."""
    argv, cwd, env = command(next(c for c in configurations(project) if c["name"] == f"Category {category} - 1. Train"),
                             project)
    first, first_cwd, first_env = command(next(c for c in configurations(project) if c["name"] == "Category 1 - 1. Train"),
                                          project)
    assert argv == [str(category) if arg == "1" else arg for arg in first] and (cwd, env) == (first_cwd, first_env)
    assert argv[2:5] == ["exam", "train", str(category)]
    shipped = (project / f"Category{category}" / "starter.py").read_text(encoding="utf-8")
    question = next(q for q in questions.all_questions().values()  # the session's question: its starter as shipped
                    if q.category == category and q.starter_path.read_text(encoding="utf-8") == shipped)
    shutil.copyfile(trained.starter(question.id).model, project / f"Category{category}" / "mymodel.h5")


def exercise(project: Path, categories: list[int], trained=None) -> None:
    """Every configuration clicked in order; with the `trained` cache, categories other than 1 take their starter's
    model from it instead of training it again (train_as_category_1_does)."""
    started = click("Start exam", project)
    assert started.returncode == 0, started.stderr
    assert f"Exam started in {project}" in started.stdout
    for category in questions.available_categories():
        assert (project / f"Category{category}" / "starter.py").is_file()
    for category in categories:
        if trained is not None and category != 1:
            train_as_category_1_does(project, category, trained)
        else:
            done = click(f"Category {category} - 1. Train", project)
            assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        assert (project / f"Category{category}" / "mymodel.h5").is_file()
        submitted = click(f"Category {category} - 2. Submit and Test", project)
        assert submitted.returncode == 0, submitted.stdout + submitted.stderr[-2000:]
        assert f"Category {category} - " in submitted.stdout and "/5" in submitted.stdout
        record = ledger(project)[-1]
        assert record["category"] == category and record["status"] == "graded"
        assert record["score"] <= STARTER_CEILING.get(record["question"], 5), submitted.stdout
    status = click("Time left", project)
    assert status.returncode == 0 and "Time left: 4:" in status.stdout
    live = live_clock(project)
    assert live["first_line"].startswith("[") and "Time left 4:" in live["first_line"]
    assert all(f"C{c} " in live["first_line"] for c in categories), live["first_line"]
    assert live["returncode"] == 0 and "Clock stopped; the exam goes on" in live["stdout"], live
    assert "Traceback" not in live["stderr"]

    no_answer = click("End exam", project)  # stdin closed: refuse, never hang
    assert no_answer.returncode == 2 and "no input to read from" in no_answer.stderr
    declined = click("End exam", project, input="no\n")
    assert declined.returncode == 0 and "NOT ended" in declined.stdout
    assert json.loads((project / ".tfexam" / "session.json").read_text())["ended_at"] is None
    ended = click("End exam", project, input="END\n")  # only END in capitals ends it (exam/commands/end.py)
    assert ended.returncode == 0 and "Weighted total" in ended.stdout, ended.stderr
    assert "Type END" in ended.stderr


def live_clock(project: Path) -> dict:
    """Time left (live) until its first line, then Stop (PyCharm sends SIGINT first)."""
    config = next(c for c in configurations(project) if c["name"] == "Time left (live)")
    argv, cwd, env = command(config, project)
    process = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    first = process.stdout.readline()
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    return {"first_line": first, "stdout": first + out, "stderr": err, "returncode": process.returncode}


@pytest.mark.skipif(not HAS_MIRROR, reason="Start exam prefetches every category's dataset: needs TFEXAM_DATA_MIRROR")
def test_category1_configurations_run_from_a_renamed_copy_under_an_awkward_path(project):
    exercise(project, [1])


@pytest.mark.skipif(not HAS_MIRROR, reason="Start exam prefetches every category's dataset: needs TFEXAM_DATA_MIRROR")
def test_configurations_run_when_the_repository_root_is_opened(tmp_path):
    root = tmp_path / AWKWARD / "tfexam-main"
    shutil.copytree(PROJECT, root / "pycharm_project", ignore=shutil.ignore_patterns(".tfexam", "Category*"))
    shutil.copytree(REPO_ROOT / ".idea", root / ".idea")
    assert module_name(root) == configurations(root / "pycharm_project")[0]["module"]
    started = click("Start exam", root, configs_from=root / "pycharm_project")
    assert started.returncode == 0, started.stderr
    assert (root / "pycharm_project" / ".tfexam" / "session.json").is_file()
    assert not (root / ".tfexam").exists() and not (root / "Category1").exists(), "the exam stays in pycharm_project/"
    status = click("Time left", root, configs_from=root / "pycharm_project")
    assert status.returncode == 0 and "running" in status.stdout


@pytest.mark.slow
@pytest.mark.mirror
@pytest.mark.skipif(not HAS_MIRROR, reason="needs the dataset mirror: set TFEXAM_DATA_MIRROR")
def test_every_category_configuration_runs(project, trained):
    """Every category's Submit and Test on its default question's starter, trained as shipped (once per run: the
    `trained` fixture; every question's starter is graded in tests/test_bank.py)."""
    exercise(project, [c for c in questions.available_categories() if c != 1], trained)
