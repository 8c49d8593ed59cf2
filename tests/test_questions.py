"""The question declarations: parsed strictly, read by starters and solutions (their generated headers)."""

from __future__ import annotations

import math

import pytest

from tfexam import kinds, questions
from tfexam.errors import ExamError

VALID = """
id = "{id}"
category = 1
title = "t"
kind = "regression"
summary = "s"
[contract]
input_shape = [1]
output_shapes = [[1]]
[metric]
name = "mae"
higher_is_better = false
thresholds = {thresholds}
[hidden]
slope = 2.0
intercept = 1.0
train_x = [0.0, 1.0]
x = [5.0]
"""


def declare(tmp_path, thresholds="[5, 4, 3, 2, 1]", **replace):
    text = VALID.format(id="q", thresholds=thresholds)
    for old, new in replace.items():
        text = text.replace(old, new)
    path = tmp_path / "q.toml"
    path.write_text(text)
    return path


def test_a_valid_declaration_parses(tmp_path):
    question = questions.parse(declare(tmp_path))
    assert question.contract.input_shape == (1,) and question.contract.output_shapes == ((1,),)
    assert question.weight == 1 and question.contract.forbidden_layers == ("Lambda",)


@pytest.mark.parametrize("thresholds, message", [
    ("[5, 4, 3, 2]", "needs 5 values"),
    ("[1, 2, 3, 4, 5]", "stricter"),
])
def test_bad_thresholds_are_named(tmp_path, thresholds, message):
    with pytest.raises(ExamError, match=message):
        questions.parse(declare(tmp_path, thresholds))


def test_missing_field_names_the_file(tmp_path):
    path = declare(tmp_path, **{'title = "t"\n': ""})
    with pytest.raises(ExamError, match=r"q.toml: invalid question declaration \(KeyError: 'title'\)"):
        questions.parse(path)


def test_bad_shape_is_named(tmp_path):
    with pytest.raises(ExamError, match="contract.input_shape"):
        questions.parse(declare(tmp_path, **{"input_shape = [1]": "input_shape = [0]"}))


@pytest.mark.parametrize("value, score", [(6, 0), (5, 1), (4.5, 1), (1, 5), (0, 5), (math.nan, 0)])
def test_lower_is_better_scores(value, score):
    metric = questions.Metric("mae", False, (5, 4, 3, 2, 1))
    assert metric.score(value) == score


@pytest.mark.parametrize("value, score", [(0.5, 0), (0.6, 1), (0.95, 5), (1.0, 5)])
def test_higher_is_better_scores(value, score):
    metric = questions.Metric("accuracy", True, (0.6, 0.7, 0.8, 0.9, 0.95))
    assert metric.score(value) == score


@pytest.mark.parametrize("question", questions.all_questions().values(), ids=lambda q: q.id)
def test_starters_and_solutions_carry_the_declared_header(question):
    header = questions.starter_header(question)
    for path in (question.starter_path, question.solution_path):
        assert path.read_text().startswith(header), f"{path.name}: run `python -m tfexam.scripts`"
        compile(path.read_text(), str(path), "exec")


@pytest.mark.parametrize("question", questions.all_questions().values(), ids=lambda q: q.id)
def test_starters_follow_the_exam_shape(question):
    source = question.starter_path.read_text()
    assert "def solution_model():" in source
    assert 'model.save("mymodel.h5")' in source
    assert "tf.keras.Input(shape=" in source
    assert "Lambda" not in source.split(questions.HEADER_END_MARK)[1]


def test_every_category_has_a_question_and_weights_default_to_the_category():
    for question in questions.all_questions().values():
        assert question.weight >= 1
    assert 1 in questions.available_categories()


def test_unknown_kind_and_skill_are_named(tmp_path):
    with pytest.raises(ExamError, match="kind must be one of"):
        questions.parse(declare(tmp_path, **{'kind = "regression"': 'kind = "category1"'}))
    with pytest.raises(ExamError, match=r"unknown skills \['juggling'\]"):
        questions.parse(declare(tmp_path, **{'kind = "regression"': 'kind = "regression"\nskills = ["juggling"]'}))


def test_each_category_declares_exactly_one_default_and_it_is_not_the_alphabetical_first():
    for category in questions.available_categories():
        defaults = [q for q in questions.for_category(category) if q.default]
        assert len(defaults) == 1 and questions.default_for_category(category) == defaults[0]
    # c4_bbc_news sorts before c4_sarcasm: adding it must not change the category's default
    assert questions.default_for_category(4).id == "c4_sarcasm"


def test_every_bank_question_is_complete():
    calibration = (questions.HIDDEN_DIR / "CALIBRATION.md").read_text(encoding="utf-8")
    for question in questions.all_questions().values():
        assert question.ready and question.solution_path.is_file(), question.id
        assert question.kind in kinds.registry() and question.skills, question.id
        assert question.reference_seconds and question.reference_seconds <= 180, question.id
        assert f"({question.id})" in calibration, f"hidden_tests/CALIBRATION.md has no section for {question.id}"
        if question.data is not None:
            assert question.data.train.disjoint(question.data.hidden), question.id
            assert set(question.data.train.files) | set(question.data.hidden.files) <= {
                f for name in question.datasets for f in __import__("tfexam.data", fromlist=["DATASETS"]).DATASETS[name].files}


def test_a_seed_reproduces_the_draw_and_different_seeds_give_different_mocks():
    draws = {seed: questions.draw(seed=seed)[1] for seed in range(20)}
    assert questions.draw(seed=7) == (7, draws[7])
    assert len({tuple(d.values()) for d in draws.values()}) > 3
    for chosen in draws.values():
        assert sorted(chosen) == questions.available_categories()
        assert all(questions.get(q).category == c for c, q in chosen.items())
    every = {q for d in draws.values() for q in d.values()}
    assert every == {q.id for q in questions.all_questions().values() if q.ready}


def test_a_fixed_question_replaces_the_draw_for_its_category():
    seed, chosen = questions.draw([1, 5], ["c1_line"], seed=3)
    assert chosen[1] == "c1_line" and set(chosen) == {1, 5}
    with pytest.raises(ExamError, match="unknown question"):
        questions.draw(None, ["c9_nothing"], seed=1)


def test_readme_coverage_table_is_generated_from_the_declarations():
    text = questions.README.read_text(encoding="utf-8")
    assert questions.readme_with_coverage(text) == text, "run `python -m tfexam.questions --write-readme`"
    table = questions.coverage_table()
    for question in questions.all_questions().values():
        assert f"`{question.id}`" in table


def test_the_questions_command_lists_the_bank_without_tensorflow():
    import subprocess
    import sys

    code = ("import sys; from exam.cli import main; code = main(['questions', '--json']); "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'tensorflow', 'keras', 'numpy'}), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code], cwd=questions.REPO_ROOT, capture_output=True, text=True)
    assert done.returncode == 0 and done.stderr.strip().endswith("[]"), done.stderr
    import json

    rows = json.loads(done.stdout)["questions"]
    assert {r["id"] for r in rows} == {q.id for q in questions.all_questions().values() if q.ready}
    assert all(set(r) >= {"id", "category", "kind", "data", "skills", "reference_seconds"} for r in rows)


def test_a_model_format_keras_cannot_load_is_refused_in_the_declaration(tmp_path):
    path = declare(tmp_path, **{"output_shapes = [[1]]": 'output_shapes = [[1]]\nformats = ["savedmodel"]'})
    with pytest.raises(ExamError, match="contract.formats must be among h5, keras"):
        questions.parse(path)
