"""Shared test setup: an isolated dataset cache and the dataset mirror, when there is one."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest
from once import lock, run_folder

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_MIRROR = REPO_ROOT.parent / "shared" / "datasets"

# Set before any test imports tfexam.data, so every test sees the same settings.
if "TFEXAM_DATA_MIRROR" not in os.environ and (SHARED_MIRROR / "MANIFEST.tsv").is_file():
    os.environ["TFEXAM_DATA_MIRROR"] = str(SHARED_MIRROR)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# No warm grading server per test workspace (each holds TensorFlow for minutes); tests/test_warm.py turns it on.
os.environ.setdefault("TFEXAM_WARM", "0")

MIRROR_REASON = "needs the dataset mirror: set TFEXAM_DATA_MIRROR to a folder like ../shared/datasets"


def has_mirror() -> bool:
    return bool(os.environ.get("TFEXAM_DATA_MIRROR"))


requires_mirror = pytest.mark.skipif(not has_mirror(), reason=MIRROR_REASON)


@pytest.fixture(scope="session", autouse=True)
def data_cache(tmp_path_factory) -> Path:
    """One dataset cache for the whole run, shared by its xdist workers (extracting the image archives once: the
    store locks each file), unless the caller chose one."""
    if "TFEXAM_DATA_DIR" not in os.environ:
        os.environ["TFEXAM_DATA_DIR"] = str(run_folder(tmp_path_factory, "tfexam-data"))
    return Path(os.environ["TFEXAM_DATA_DIR"])


@pytest.fixture(scope="session")
def tf():
    """TensorFlow, imported once per test run (about 3 s) and only by the tests that need it."""
    import tensorflow

    return tensorflow


@pytest.fixture(scope="session")
def installed(tmp_path_factory) -> Path:
    """The interpreter of a fresh environment with tfexam installed from a wheel of this checkout (built once per run;
    tests/wheel_install.py)."""
    from wheel_install import install_wheel

    folder = run_folder(tmp_path_factory, "wheel")
    with lock(folder):  # one build for all xdist workers: the first builds, the others wait and reuse it
        python = (folder / "python.txt").read_text(encoding="utf-8") if (folder / "python.txt").is_file() else None
        if python is None:
            python = str(install_wheel(folder))
            (folder / "python.txt").write_text(python, encoding="utf-8")
    return Path(python)


@pytest.fixture(scope="session")
def trained(tmp_path_factory):
    """Reference solutions and starters, each trained once per run (once for all xdist workers) and handed out as
    copies (tests/trained.py). A test needing a trained reference takes this fixture rather than training its own."""
    from trained import TrainedModels

    return TrainedModels(run_folder(tmp_path_factory, "trained"))


# Three layers of tests, one marker each, derived here rather than written in each file:
#   kind  - the question bank: tests/test_bank.py, tests/test_kind_<kind>.py and the per-question oddities;
#   e2e   - the product as a learner runs it: child processes (the CLI, PyCharm's configurations, the grader) or
#           TensorFlow in this process;
#   unit  - the rest: fast, no TensorFlow, no child process.
KIND_FILES = re.compile(r"test_(bank|kind_\w+|c\d_\w+|forecasting_\w+)\.py$")
# Names that start a child process or load TensorFlow: the CLI helpers of clirun.py, PyCharm's click, the grading
# machinery of exam/ (workers, warm server, batch), and modules that import TensorFlow or build models with it.
HEAVY_NAMES = {"exam", "exam_json", "run", "submit", "submit_model", "start_practice", "click", "install_wheel",
               "subprocess", "grading", "workers", "warm", "batch"}
HEAVY_MODULES = ("tensorflow", "keras", "tf_keras", "graders", "hostile_models", "keras2_models", "wheel_install")


def referenced_names(function, module: dict) -> set[str]:
    """The globals a test uses, directly or through the helper functions of its own module."""
    seen, todo = set(), [function]
    while todo:
        code = getattr(todo.pop(), "__code__", None)
        for name in code.co_names if code else ():
            if name not in seen:
                seen.add(name)
                helper = module.get(name)
                if callable(helper) and getattr(helper, "__module__", None) == module.get("__name__"):
                    todo.append(helper)
    return seen


def layer(item) -> str:
    if KIND_FILES.search(item.path.name):
        return "kind"
    module = vars(item.module)
    used = referenced_names(getattr(item, "function", None), module)
    for definitions in item._fixtureinfo.name2fixturedefs.values():  # what its fixtures do counts too
        for definition in definitions:
            used |= referenced_names(definition.func, vars(sys.modules.get(definition.func.__module__, item.module)))
    heavy = used & HEAVY_NAMES or any(name.startswith(HEAVY_MODULES) for name in used)
    return "e2e" if heavy or {"tf", "installed", "trained"} & set(item.fixturenames) else "unit"


def shares_a_module_fixture(item) -> bool:
    return any(definition.scope in ("module", "class", "package")
               for definitions in item._fixtureinfo.name2fixturedefs.values() for definition in definitions)


# tryfirst: pytest-xdist reads the xdist_group marks in its own hook of the same name (--dist loadgroup)
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    for item in items:
        item.add_marker(layer(item))
        # Under pytest-xdist (--dist loadgroup) the tests sharing a module's fixture (a sitting, a trained corpus) run on
        # one worker, so the fixture is built once; every other test goes to whichever worker is free.
        if shares_a_module_fixture(item):
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))
