"""Kinds as declared plugins: every declaration's [hidden] table loads into its kind's settings dataclass, and a typo,
a wrong type or a missing field is one line at load time naming the file and the field (the CLI exits 2, no
traceback). TensorFlow-free."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tfexam import kinds, questions, tables
from tfexam.errors import ExamError

ROOT = Path(__file__).resolve().parent.parent
DECLARATIONS = sorted(questions.HIDDEN_DIR.glob("*.toml"))


@pytest.mark.parametrize("path", DECLARATIONS, ids=lambda p: p.stem)
def test_every_declaration_loads_into_its_kinds_settings(path):
    question = questions.parse(path)
    assert type(question.settings) is kinds.registry()[question.kind].settings
    assert question.grader_module == f"graders.{question.kind}"


def test_the_registry_is_the_modules_of_core_kinds_each_with_its_grader():
    modules = {p.stem for p in (ROOT / "tfexam" / "kinds").glob("*.py") if not p.name.startswith("_")}
    assert set(kinds.names()) == modules and len(modules) >= 4
    for kind in kinds.registry().values():
        grader = ROOT / "graders" / f"{kind.name}.py"
        functions = {n.name for n in ast.parse(grader.read_text(encoding="utf-8")).body if isinstance(n, ast.FunctionDef)}
        assert "evaluate" in functions, grader
    assert {q.kind for q in questions.all_questions().values()} == set(kinds.names())


def declaration(tmp_path, source: Path, old: str, new: str) -> Path:
    text = source.read_text(encoding="utf-8")
    assert old in text, f"{source.name} no longer holds {old!r}: pick another line for this test"
    path = tmp_path / "hidden_tests" / source.name
    path.parent.mkdir(exist_ok=True)
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


SARCASM = questions.HIDDEN_DIR / "c4_sarcasm.toml"
# (what is changed in c4_sarcasm.toml, the one line it must give)
BAD_SETTINGS = {
    "typo": ("vocab_size = 1000", "vocab_sise = 1000",
             ("hidden_tests/c4_sarcasm.toml: [hidden].vocab_sise is not a setting of text_classification "
              "(known: vocab_size, max_length, oov_token, padding, truncating, misclassified_shown, decision_threshold, "
              "slips)")),
    "wrong type": ("max_length = 120", 'max_length = "120"',
                   "hidden_tests/c4_sarcasm.toml: [hidden].max_length must be an integer, got '120'"),
    "missing": ('oov_token = "<OOV>"\n', "",
                "hidden_tests/c4_sarcasm.toml: [hidden].oov_token is missing (a setting of text_classification: a string)"),
    "not a choice": ('padding = "post"', 'padding = "after"',
                     "hidden_tests/c4_sarcasm.toml: [hidden].padding must be one of 'pre', 'post', got 'after'"),
}


@pytest.mark.parametrize("case", BAD_SETTINGS)
def test_a_bad_setting_is_one_line_naming_file_and_field(tmp_path, case):
    old, new, line = BAD_SETTINGS[case]
    with pytest.raises(ExamError) as raised:
        questions.parse(declaration(tmp_path, SARCASM, old, new))
    assert str(raised.value) == line


@pytest.mark.parametrize("source, old, new, message", [
    ("c3_horses_or_humans", "image_size = [150, 150]\n", "",
     "[hidden].image_size is required when [data].format is image_folders"),
    ("c3_horses_or_humans", "image_size = [150, 150]", "image_size = [150, 150, 3]",
     "[hidden].image_size must be a list of 2 integers, got [150, 150, 3]"),
    ("c3_horses_or_humans_transfer", "required_layer_message", "required_layer_text",
     "[hidden].required_layer_text is not a setting of image_classification"),
    ("c5_sunspots", "moving_average_window = 2\n", "", "[hidden].moving_average_window is required for one-step"),
    ("c5_sunspots", "retired_exam_formula = true", "retired_exam_formula = 1",
     "[hidden].retired_exam_formula must be true or false, got 1"),
    ("c5_household_power", 'normalise = "min_over_max"', 'normalise = "minmax"',
     "[hidden].normalise must be one of 'range', 'min_over_max', got 'minmax'"),
    ("c1_line", "slope = 3.0", "slope = true", "[hidden].slope must be a number, got True"),
    ("c1_line", "x = [-10.0,", 'x = ["-10",', "[hidden].x must be a list of numbers"),
    # the other tables: a typo is refused, not ignored
    ("c5_sunspots", "train = { files = [\"Sunspots.csv\"], rows = [0, 3000] }",
     "train = { files = [\"Sunspots.csv\"], row = [0, 3000] }", "[data.train].row is not a field of a data part"),
    ("c2_mnist", "exact_input = true", "exact_inputs = true", "[contract].exact_inputs is not a field of [contract]"),
    ("c2_mnist", "exact_input = true", 'exact_input = "yes"', "[contract].exact_input must be true or false"),
    ("c2_mnist", 'format = "idx"', 'format = "idx"\nformt = "csv"', "[data].formt is not a field of [data]"),
    ("c2_mnist", 'name = "accuracy"', 'name = "accuracy"\nhigher = true', "[metric].higher is not a field of [metric]"),
    ("c2_fashion_mnist", "default = true", "defualt = true", "defualt is not a field of a question declaration"),
    ("c2_fashion_mnist", "default = true", 'default = "false"', "default must be true or false, got 'false'"),
    ("c2_mnist", "higher_is_better = true\n", "", "[metric].higher_is_better is missing (true or false)"),
    ("c4_bbc_news", "rows = [0, 1780]", 'rows = [0, "1780"]', "[data.train].rows must be a list of integers"),
    ("c4_bbc_news", 'text_column = "text"', "text_column = 1", "[data].text_column must be a string, got 1"),
])
def test_every_table_is_read_strictly(tmp_path, source, old, new, message):
    path = declaration(tmp_path, questions.HIDDEN_DIR / f"{source}.toml", old, new)
    with pytest.raises(ExamError, match=r"^hidden_tests/" + source + r"\.toml: ") as raised:
        questions.parse(path)
    assert message in str(raised.value)


def test_an_integer_is_a_number_but_a_number_is_not_an_integer():
    assert tables.convert(3, float) == 3.0 and type(tables.convert(3, float)) is float
    for value, hint in [(3.5, int), (True, int), (1, bool), ("3", float), ([1, 2], tuple[int]), (None, str)]:
        with pytest.raises(tables._Wrong):
            tables.convert(value, hint)


def copy_of_the_package(tmp_path: Path) -> Path:
    """The three packages and the bank in a folder of their own: tfexam.content finds the declarations beside tfexam/."""
    root = tmp_path / "tfexam"
    for package in ("tfexam", "exam", "graders"):
        shutil.copytree(ROOT / package, root / package, ignore=shutil.ignore_patterns("__pycache__"))
    for content in ("starter_code", "solutions"):
        (root / content).symlink_to(questions.REPO_ROOT / content, target_is_directory=True)
    shutil.copytree(questions.HIDDEN_DIR, root / "hidden_tests")
    return root


@pytest.mark.parametrize("case", BAD_SETTINGS)
def test_the_cli_says_it_in_one_line_and_exits_2(tmp_path, case):
    root = copy_of_the_package(tmp_path)
    old, new, line = BAD_SETTINGS[case]
    declaration(root, SARCASM, old, new)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")} | {"PYTHONPATH": str(root)}
    for command in (["questions"], ["start", "--workspace", str(tmp_path / "ws"), "--no-fetch", "--question", "c4_sarcasm"]):
        done = subprocess.run([sys.executable, "-m", "exam", *command], cwd=root, env=env, capture_output=True,
                              text=True, timeout=120, stdin=subprocess.DEVNULL)
        assert (done.returncode, done.stderr) == (2, f"tfexam: {line}\n"), command
    assert not (tmp_path / "ws" / ".tfexam").exists()
