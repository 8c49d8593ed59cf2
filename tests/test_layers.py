"""The packages' one rule, "TensorFlow-free code vs TensorFlow code", checked on every import in the source.

tfexam  TensorFlow-free; imports neither exam nor graders.
exam    the CLI, TensorFlow-free; imports tfexam, never graders (it starts `python -m graders` as a process).
graders the TensorFlow side; imports tfexam, never exam.
Inside and across them, no module imports itself through others: the import graph has no cycle.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TENSORFLOW = {"tensorflow", "keras", "tf_keras", "tensorflow_hub"}
FORBIDDEN = {  # `core` is the old name of tfexam, kept for learners' saved starters only: tfexam itself never uses it
    "tfexam": {"exam", "graders", "core"} | TENSORFLOW,
    "exam": {"graders", "core"} | TENSORFLOW,
    "graders": {"exam", "core"},
    "core": {"exam", "graders"} | TENSORFLOW,
}
# Files that run inside the learner's own training process, never inside the CLI: they may touch Keras.
LEARNER_SIDE = {Path("exam/keras2_shim/sitecustomize.py"), Path("exam/fit_hook/sitecustomize.py"), Path("exam/fit_recorder.py")}


def imported_packages(path: Path) -> set[tuple[int, str]]:
    """(line, top-level package) of every import in the file, module level and inside functions alike."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found |= {(node.lineno, alias.name.split(".")[0]) for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add((node.lineno, node.module.split(".")[0]))
    return found


def sources(package: str) -> list[Path]:
    return sorted(p.relative_to(ROOT) for p in (ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_each_package_imports_only_what_its_layer_allows(package):
    breaches = [f"{path}:{line} imports {name}"
                for path in sources(package) if path not in LEARNER_SIDE
                for line, name in sorted(imported_packages(ROOT / path)) if name in FORBIDDEN[package]]
    assert not breaches, "\n".join(breaches)


def test_the_rule_sees_imports_inside_functions(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from graders.pipeline import grade\n    import tensorflow as tf\n")
    assert {name for _, name in imported_packages(module)} == {"graders", "tensorflow"}


def module_name(path: Path) -> str:
    return ".".join(path.with_suffix("").parts).removesuffix(".__init__")


def imported_modules(path: Path, known: set[str]) -> set[str]:
    """The modules of `known` that the file imports (module level and inside functions): `from exam import grading`
    is the module exam.grading when there is one, else the package exam."""
    found = set()
    for node in ast.walk(ast.parse((ROOT / path).read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            assert node.level == 0, f"{path}: relative import"
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    mine = module_name(path)
    # importing a.b.c also runs a and a.b, unless the importer is inside them (Python is already loading those)
    found |= {".".join(name.split(".")[:i]) for name in found for i in range(1, name.count(".") + 1)}
    return {name for name in found & known if not (mine == name or mine.startswith(name + "."))}


def import_graph(packages=("tfexam", "exam", "graders")) -> dict[str, set[str]]:
    paths = [p for package in packages for p in sources(package) if p not in LEARNER_SIDE]
    known = {module_name(p) for p in paths}
    return {module_name(p): imported_modules(p, known) for p in paths}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each module that is on one (depth-first search, in sorted order)."""
    found, state = [], {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = "open"
        for after in sorted(graph.get(node, ())):
            if state.get(after) == "open":
                found.append(trail[trail.index(after):] + [after])
            elif after not in state:
                visit(after, trail + [after])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return found


def test_the_import_graph_has_no_cycle():
    assert not cycles(import_graph()), "\n".join(" -> ".join(cycle) for cycle in cycles(import_graph()))


def test_the_cycle_check_finds_a_cycle_through_a_function_level_import(tmp_path):
    assert cycles({"exam.a": {"exam.b"}, "exam.b": {"exam.c"}, "exam.c": {"exam.a"}}) == [
        ["exam.a", "exam.b", "exam.c", "exam.a"]]
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from exam import grading\n")
    assert imported_modules(module, {"exam", "exam.grading", "exam.warm"}) == {"exam", "exam.grading"}


def test_importing_every_cli_and_core_module_loads_no_tensorflow():
    """What the rule promises at run time: the CLI's whole import graph stays free of TensorFlow and the graders."""
    modules = [".".join(p.with_suffix("").parts).removesuffix(".__init__")
               for package in ("tfexam", "exam") for p in sources(package)
               if p not in LEARNER_SIDE and p.name != "__main__.py"]
    probe = ("import importlib, sys\n"
             f"for name in {modules!r}: importlib.import_module(name)\n"
             "print(sorted({m.split('.')[0] for m in sys.modules} & {'tensorflow', 'keras', 'tf_keras', 'graders'}))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_a_starter_saved_before_the_rename_still_imports_its_data_with_one_notice(tmp_path):
    old = tmp_path / "starter.py"
    old.write_text("from core.data import training_data\nimport tfexam.data\n"
                   "print(training_data is tfexam.data.training_data)\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(old)], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0 and done.stdout.strip() == "True", done.stderr
    notices = [line for line in done.stderr.splitlines() if line.startswith("tfexam: ")]
    assert len(notices) == 1 and "`from tfexam.data import ...`" in notices[0], done.stderr
