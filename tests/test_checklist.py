"""The skills checklist (tfexam/checklist.toml) and the public targets shown beside our thresholds."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from test_questions import declare

from tfexam import checklist, questions
from tfexam.errors import ExamError
from tfexam.public_target import PublicTarget

HANDBOOK_SECTIONS = ["TensorFlow developer skills", "Building and training neural network models using TensorFlow 2.x",
                     "Image classification", "Natural language processing", "Time series, sequences and predictions"]


def test_the_checklist_has_the_handbooks_five_sections_with_stable_unique_ids():
    loaded = checklist.load()
    assert [s.title for s in loaded.sections] == HANDBOOK_SECTIONS
    assert [len(s.items) for s in loaded.sections] == [7, 19, 7, 9, 10]
    assert len(loaded.items) == sum(len(s.items) for s in loaded.sections)
    prefixes = {"developer": "dev_", "training": "train_", "images": "img_", "nlp": "nlp_", "time_series": "ts_"}
    assert all(item.id.startswith(prefixes[item.section]) for item in loaded.items.values())


def test_every_declared_skill_resolves_to_checklist_items_in_its_category():
    for question in questions.all_questions().values():
        items = checklist.covered(question.skills, question.category)
        assert set(checklist.load().every_question) <= set(items) <= set(checklist.load().items), question.id


def test_an_alias_stands_for_its_items_per_category_and_reads_in_words():
    assert checklist.resolve("rnn", 5) == ("ts_rnn_cnn",)
    assert checklist.resolve("rnn", 4) == ("nlp_sequence_layers",)
    assert checklist.resolve("tokenizer", 4) == ("nlp_prepare_text",)
    assert checklist.skill_label("ts_mae") == "evaluate sequence models with the mean absolute error"
    assert "use RNNs and CNNs for forecasting" in checklist.skill_label("rnn")
    with pytest.raises(ExamError, match="unknown skill 'juggling'"):
        checklist.resolve("juggling", 1)


def test_a_declaration_may_name_an_item_or_an_alias_but_nothing_else(tmp_path):
    named = questions.parse(declare(tmp_path, **{'kind = "regression"': 'kind = "regression"\nskills = ["ts_mae", "regression"]'}))
    covered = checklist.covered(named.skills, named.category)
    assert covered == (*checklist.load().every_question, "ts_mae", "train_predict")  # each item once
    with pytest.raises(ExamError, match=r"unknown skills \['train_juggling'\]"):
        questions.parse(declare(tmp_path, **{'kind = "regression"': 'kind = "regression"\nskills = ["train_juggling"]'}))


def test_a_broken_checklist_is_one_line_naming_the_id():
    text = checklist.CHECKLIST_FILE.read_text(encoding="utf-8")
    with pytest.raises(ExamError, match="item ids used twice: dev_python"):
        checklist._parse(text.replace('["dev_api_docs"', '["dev_python"'), "checklist.toml")
    with pytest.raises(ExamError, match="not checklist items.*nlp_nothing"):
        checklist._parse(text.replace('tokenizer = ["nlp_prepare_text"]', 'tokenizer = ["nlp_nothing"]'), "checklist.toml")


def test_the_readme_lists_every_checklist_item_and_the_gaps():
    table, gaps = questions.coverage_table(), questions.gaps_text()
    for section in checklist.load().sections:
        assert f"**{section.title}**" in table
        for item in section.items:
            assert f"| {item.text} |" in table
    uncovered = questions.uncovered_items()
    assert uncovered and all(item.text in gaps for item in uncovered)
    covered = {i for q in questions.all_questions().values() for i in checklist.covered(q.skills, q.category)}
    assert {item.id for item in uncovered} == set(checklist.load().items) - covered
    assert "nlp_generate" in {item.id for item in uncovered} or any(
        q.kind == "text_generation" for q in questions.all_questions().values())


TARGET = """
[public_target]
source = "Somebody P1"
where = "owner/repo @ abc : p.py"
metric = "mae"
comparison = "<"
value = 0.5
measured_as_ours = false
differs = "its own windows"
"""


def test_a_public_target_is_typed_and_must_speak_of_the_questions_metric(tmp_path):
    question = questions.parse(declare(tmp_path, **{"[hidden]": TARGET + "[hidden]"}))
    assert question.public_target == PublicTarget("Somebody P1", "owner/repo @ abc : p.py", "mae", "<", 0.5, False,
                                                  "its own windows")
    assert question.public_target.short() == "Somebody P1: mae < 0.5 (its own windows)"
    assert question.public_target.beside(0.1) == "Somebody P1 asks mae < 0.5, measured another way: see tfexam questions"
    with pytest.raises(ExamError, match=r"must compare the question's metric mae \(lower is better\), got mae >"):
        questions.parse(declare(tmp_path, **{"[hidden]": TARGET.replace('"<"', '">"') + "[hidden]"}))
    with pytest.raises(ExamError, match=r"\[public_target\].value must be a number"):
        questions.parse(declare(tmp_path, **{"[hidden]": TARGET.replace("0.5", '"half"') + "[hidden]"}))
    with pytest.raises(ExamError, match=r"\[public_target\].colour is not a field of \[public_target\]"):
        questions.parse(declare(tmp_path, **{"[hidden]": TARGET + 'colour = "red"\n[hidden]'}))


def test_a_target_measured_as_ours_says_whether_the_value_meets_it():
    target = PublicTarget("Dicoding B2", "w", "accuracy", ">", 0.83, True, "it also asks 83% of the training accuracy")
    assert target.beside(0.9) == "Dicoding B2 asks accuracy > 0.83 on the same data: met"
    assert target.beside(0.8) == "Dicoding B2 asks accuracy > 0.83 on the same data: not met"


def test_the_questions_command_shows_the_public_targets():
    done = subprocess.run([sys.executable, "-m", "exam", "questions"], cwd=questions.REPO_ROOT, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr
    for question in questions.all_questions().values():
        if question.public_target:
            assert f"{question.id:<28} {question.public_target.short()}" in done.stdout
    rows = json.loads(subprocess.run([sys.executable, "-m", "exam", "questions", "--json"], cwd=questions.REPO_ROOT,
                                     capture_output=True, text=True).stdout)["questions"]
    daily_max = next(r for r in rows if r["id"] == "c5_daily_max_temperatures")
    assert daily_max["public_target"]["value"] == 0.2 and daily_max["public_target"]["measured_as_ours"] is False
