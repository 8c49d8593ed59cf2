"""Grading imports nothing a learner wrote, and a warm worker that a job changed never grades another file.

Modules planted next to the learner's files (CategoryN/), in a class folder, in the folder the CLI runs in and in the
repository root write a marker file when imported, naming the process that imported them. Submit and Test (cold
and warm) and `grade DIR` run for real; no marker may come from a grading process (the worker, the warm server).
The markers the CLI itself writes (it runs with the repository on PYTHONPATH, as PyCharm runs it) prove the planted
modules are live. Retirement is tested with workers whose state really changes during a job (a harness around the
real worker, started in the test's place by the real Pool): identical files before and after get the same score.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from clirun import REPO_ROOT, exam_json
from tfexam import questions
from tfexam.limits import Limits
from tfexam.result import Result
from exam import grading, launch, workers
from exam.grading import policy
from exam.workers import Job

WARM = {"TFEXAM_WARM": "1"}
SHADOWS = ("sitecustomize", "usercustomize", "helper", "graders", "tfexam", "core", "h5py", "numpy", "tensorflow", "keras",
           "tf_keras")
CLI_SAFE = ("sitecustomize", "usercustomize", "helper", "tensorflow", "keras", "tf_keras", "graders")  # the CLI never imports these
ROOT_SAFE = ("sitecustomize", "usercustomize", "helper")  # the root is on the CLI's (and pytest's) own path
GRADING = ("graders", "exam.warm", "bootstrap.py")  # words in the command line of a grading process
PLANT = """import os, sys
try:  # harmless if left behind by a killed test run
    with open(os.path.join({markers!r}, "{name}-%d" % os.getpid()), "w") as marker:
        marker.write(repr(getattr(sys, "orig_argv", sys.argv)))
except OSError:
    pass
"""


def plant(folder: Path, names, markers: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    planted = []
    for name in names:
        path = folder / f"{name}.py"
        assert not path.exists(), f"{path} exists already; the test would overwrite it"
        path.write_text(PLANT.format(markers=str(markers), name=name), encoding="utf-8")
        planted.append(path)
    return planted


def markers_by_process(markers: Path) -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in markers.iterdir()}


def grading_markers(markers: Path) -> dict[str, str]:
    return {name: argv for name, argv in markers_by_process(markers).items() if any(w in argv for w in GRADING)}


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    """A workspace, a class folder and a CLI folder full of planted modules; a few in the repository root too."""
    import hostile_models as make

    base = tmp_path_factory.mktemp("isolation")
    markers = base / "markers"
    markers.mkdir()
    workspace, klass, cli = base / "my exam", base / "class", base / "cli"
    plant(workspace / "Category1", SHADOWS, markers)
    plant(workspace, SHADOWS, markers)
    plant(klass, SHADOWS, markers)
    plant(klass / "alice" / "Category1", SHADOWS, markers)
    plant(cli, CLI_SAFE, markers)
    in_root = plant(REPO_ROOT, ROOT_SAFE, markers)
    try:
        models = base / "models"
        models.mkdir()
        good = make.good(models)
        shutil.copy(good, klass / "alice" / "Category1" / "mymodel.h5")
        shutil.copy(good, klass / "bob_c1.h5")
        yield {"markers": markers, "workspace": workspace, "class": klass, "cli": cli, "good": good}
    finally:
        for path in in_root:
            path.unlink(missing_ok=True)


def test_submit_cold_and_warm_and_class_grading_import_nothing_planted(planted):
    from test_warm import wait_for_server

    workspace, cli = planted["workspace"], planted["cli"]
    code, _ = exam_json("start", "--workspace", str(workspace), "--categories", "1", "--question", "c1_line",
                        "--no-fetch", cwd=cli, **WARM)
    assert code == 0
    shutil.copy(planted["good"], workspace / "Category1" / "mymodel.h5")
    code, cold = exam_json("submit", "1", "--workspace", str(workspace), cwd=cli, **WARM)
    assert code == 0 and cold["result"]["score"] == 5 and "worker" not in cold["result"]["usage"]
    # the class is graded while the warm server gets ready in the background
    code, graded = exam_json("grade", str(planted["class"]), "--workers", "1", "--question", "c1_line",
                             "--categories", "1", cwd=cli)
    assert code == 0 and graded["graded"] == 2 and graded["failed"] == 0, graded
    server = wait_for_server(workspace)
    code, warm = exam_json("submit", "1", "--workspace", str(workspace), cwd=cli, **WARM)
    assert code == 0 and warm["result"]["score"] == 5 and warm["result"]["usage"]["worker"] == "warm"
    code, _ = exam_json("end", "--workspace", str(workspace), "--yes", cwd=cli, **WARM)
    assert code == 0

    assert grading_markers(planted["markers"]) == {}
    # the planted modules were live: the CLI, started with the repository on PYTHONPATH, ran the root's sitecustomize
    cli_runs = [argv for name, argv in markers_by_process(planted["markers"]).items() if name.startswith("sitecustomize")]
    assert any("exam" in argv and "submit" in argv for argv in cli_runs)
    assert server["pid"] not in [int(n.rsplit("-", 1)[1]) for n in markers_by_process(planted["markers"])]


def test_the_isolated_start_finds_tfexams_packages_and_nothing_else_in_its_root(planted, tmp_path):
    """What a grading process could import by name (a model config's `module`, say): probed with the real launch."""
    namespace = REPO_ROOT / "tfexam_planted_namespace"
    plant(namespace, ["helper"], planted["markers"])
    probe, empty = tmp_path / "probe.txt", tmp_path / "empty"
    empty.mkdir()
    code = ("import importlib.util as u, tfexam, graders, exam; "
            f"open({str(probe)!r}, 'w').write(repr([u.find_spec(n) is None for n in "
            "('helper', 'tfexam_planted_namespace', 'pycharm_project', 'clirun', 'hostile_models')]) + "
            "'|' + tfexam.__file__ + '|' + graders.__file__)")
    try:
        # timeit puts its current folder on sys.path: an empty one here, as every grading process has
        done = subprocess.run(launch.command("timeit", "-n", "1", "-r", "1", code), cwd=empty,
                              env=launch.environment() | {"PYTHONPATH": str(planted["cli"]), "PYTHONSTARTUP": str(planted["cli"] / "helper.py")}, capture_output=True,
                              text=True, timeout=60)
    finally:
        shutil.rmtree(namespace)
    assert done.returncode == 0, done.stderr
    found, core_file, graders_file = probe.read_text().split("|")
    assert found == repr([True] * 5)
    assert Path(core_file) == REPO_ROOT / "tfexam" / "__init__.py"
    assert Path(graders_file) == REPO_ROOT / "graders" / "__init__.py"
    assert grading_markers(planted["markers"]) == {}


def test_the_grading_environment_loads_no_code_and_keeps_the_limits(monkeypatch, tmp_path):
    for name in ("PYTHONPATH", "PYTHONSTARTUP", "PYTHONHOME", "PYTHONUSERBASE", "PYTHONINSPECT"):
        monkeypatch.setenv(name, str(tmp_path))
    monkeypatch.setenv("TFEXAM_DATA_DIR", "relative/cache")
    env = launch.environment(Limits(seconds=7, memory_mb=900))
    assert not [name for name in env if name.upper().startswith("PYTHON")]
    assert env["TFEXAM_GRADE_TIMEOUT"] == "7" and env["TFEXAM_GRADE_MEMORY_MB"] == "900"
    assert env["TFEXAM_DATA_DIR"] == os.path.abspath("relative/cache")
    command = launch.command("graders", "--worker")
    assert command[:3] == [sys.executable, "-I", str(launch.BOOTSTRAP)] and command[-2:] == ["graders", "--worker"]


# A real worker with a hook around the real grade(): after a file named *hostile* it replaces the regression grader's
# evaluate (what the planted module of the incident did) and imports a module from outside the allowed locations.
HARNESS = """
import importlib.util, runpy, sys
root, planted = sys.argv[1], sys.argv[2]
spec = importlib.util.spec_from_file_location("tfexam_bootstrap", root + "/exam/bootstrap.py")
bootstrap = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bootstrap)
sys.meta_path.insert(0, bootstrap.TfexamFinder(root))
import graders.pipeline as pipeline, graders.regression as regression
from tfexam.result import Evaluation
real = pipeline.grade
def grade(path, question, artifacts, **options):
    result = real(path, question, artifacts, **options)
    if "hostile" in path.name:
        regression.evaluate = lambda model, question, artifacts=None: Evaluation(0.0, ["forged"])
        sys.path.insert(0, planted)
        import planted_by_a_job
    return result
pipeline.grade = grade
sys.argv = ["graders", *sys.argv[3:]]
runpy.run_module("graders", run_name="__main__", alter_sys=True)
"""


def test_a_worker_a_job_changed_is_retired_so_identical_files_score_the_same(monkeypatch, tmp_path):
    import hostile_models as make

    planted = tmp_path / "planted"
    planted.mkdir()
    (planted / "planted_by_a_job.py").write_text("VALUE = 1\n")
    monkeypatch.setattr(workers, "grader_command", lambda warm: [
        sys.executable, "-I", "-c", HARNESS, str(launch.PACKAGE_ROOT), str(planted), "--worker",
        *(["--warm"] if warm else [])])
    untrained = tmp_path / "untrained.h5"
    make.line_model(weights=[np.array([[1.0]]), np.array([0.0])]).save(untrained)
    names = ["before", "hostile", "after"]
    for name in names:
        shutil.copy(untrained, tmp_path / f"{name}.h5")
    question = questions.get("c1_line")
    results, started = grading.grade_many([Job(tmp_path / f"{n}.h5", question) for n in names], Limits(), workers=1)
    scores = [r.score for r in results]
    assert [r.status for r in results] == ["graded"] * 3
    assert len(set(scores)) == 1 and scores[0] < 5, scores  # the forged evaluate never graded a file
    assert started == 2  # the worker was retired after the hostile job


def test_the_integrity_report_names_an_import_from_outside_and_a_replaced_grader_function(tf, monkeypatch, tmp_path):
    """The worker's own report (graders/isolation.py), here in the test's process: real imports, a real replacement."""
    import graders.regression
    from graders import isolation

    integrity = isolation.Integrity()
    assert integrity.report() == {"foreign_modules": [], "replaced": []}
    # what tf-keras' predict does in every Keras 2 grading: autograph imports the code it generated from the temp folder
    tf.autograph.to_graph(lambda x: x + 1 if x > 0 else x - 1)
    assert any(name.startswith(isolation.GENERATED) for name in sys.modules)
    assert integrity.report() == {"foreign_modules": [], "replaced": []}
    monkeypatch.setattr(graders.regression, "evaluate", lambda *args: None)
    assert integrity.report() == {"foreign_modules": [], "replaced": ["graders.regression.evaluate"]}
    monkeypatch.undo()
    (tmp_path / "planted_by_a_test.py").write_text("VALUE = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "planted_by_a_test", raising=False)
    __import__("planted_by_a_test")
    assert integrity.report() == {"foreign_modules": ["planted_by_a_test"], "replaced": []}
    monkeypatch.delitem(sys.modules, "planted_by_a_test")
    assert integrity.report()["foreign_modules"] == ["planted_by_a_test"]  # since start: leaving is not undoing


def test_an_answer_without_a_clean_report_retires_the_worker():
    graded = Result(question="c1_line", category=1, status="graded")

    def outcome(integrity):
        return workers.Outcome("{}", None, None, True, "", {}, integrity)

    assert policy.reusable(graded, outcome({"foreign_modules": [], "replaced": []}))
    assert not policy.reusable(graded, outcome(None))
    assert not policy.reusable(graded, outcome({"foreign_modules": ["helper"], "replaced": []}))
    assert not policy.reusable(graded, outcome({"foreign_modules": [], "replaced": ["graders.regression.evaluate"]}))
    assert not policy.reusable(graded, outcome({"foreign_modules": [], "replaced": [], "extra": 1}))
    assert workers.split_answer(b'{"status": "graded", "integrity": {"foreign_modules": [], "replaced": []}}\n') == (
        '{"status": "graded"}', {"foreign_modules": [], "replaced": []})
    assert workers.split_answer(b'{"status": "graded"}\n')[1] is None


def test_a_virtual_environment_inside_the_checkout_keeps_its_packages(tmp_path):
    """README's setup (and CI's) makes `.venv` inside the repository: isolation drops the root as a path entry, never
    the environment's site-packages below it, where TensorFlow lives."""
    root = tmp_path / "checkout"
    venv = root / ".venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    (Path(site) / "installed_probe.py").write_text("print('installed package found')\n", encoding="utf-8")
    (root / "root_probe.py").write_text("print('a file of the root was imported')\n", encoding="utf-8")
    (Path(site) / "root.pth").write_text(str(root) + "\n", encoding="utf-8")  # as an editable install's .pth would
    empty = tmp_path / "empty"
    empty.mkdir()
    run = [str(python), "-I", str(launch.BOOTSTRAP), str(root), ""]
    found = subprocess.run([*run, "installed_probe"], cwd=empty, capture_output=True, text=True, timeout=60)
    assert found.returncode == 0 and found.stdout.strip() == "installed package found", found.stderr
    hidden = subprocess.run([*run, "root_probe"], cwd=empty, capture_output=True, text=True, timeout=60)
    assert hidden.returncode != 0 and "No module named root_probe" in hidden.stderr, hidden.stdout + hidden.stderr
