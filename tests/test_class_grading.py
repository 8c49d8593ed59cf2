"""`tfexam grade DIR`: a class of 20 candidates, hostile and broken files among them, through the real command line.

Every file is built for real (tests/hostile_models.py); the command grades them with warm workers; each candidate gets
a results.json that must conform to Gradescope's documented format (tests/gradescope_schema.py).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
from pathlib import Path

import pytest

from clirun import exam, exam_json, stderr_lines
from gradescope_schema import problems

FOLDER_LAYOUT = {  # candidate -> builder name; saved as <candidate>/Category1/mymodel.h5
    "Alice Ångström": "good", "bob": "near", "Chloé Dubois": "lambda", "dan": "custom layer", "eve": "foreign module",
    "farid": "unknown class", "grace": "huge layer", "hana": "truncated", "ivan": "empty", "jun": "weights only",
}
FLAT_LAYOUT = {  # file name -> builder name
    "kim_c1.h5": "good", "lee-C1.h5": "wrong input", "mo_category1.h5": "nan output", "nia_c1.h5": "random bytes",
    "oscar_c1.h5": "keras named h5", "pat_c1.h5": "wrong units", "quinn_c1.h5": "pipe", "ravi_c1.h5": "inf output",
    "sam_c1.h5": "near", "tara zhou_c1.h5": "good",
}
# builder -> (status, words in the reason or output)
EXPECTED = {
    "good": ("graded", "5/5"), "near": ("graded", "mae"),
    "lambda": ("refused", "Lambda layer"), "custom layer": ("refused", "custom class or function"),
    "foreign module": ("refused", "subprocess.Popen"), "unknown class": ("refused", "NoSuchLayer"),
    "huge layer": ("error", "grading used more than 1200 MB"), "truncated": ("refused", "is cut short"),
    "empty": ("refused", "is empty"), "weights only": ("refused", "holds no Keras model"),
    "wrong input": ("refused", "input shape is (None, 2)"), "nan output": ("refused", "NaN or Inf"),
    "random bytes": ("refused", "no HDF5 signature"), "keras named h5": ("refused", "is a .keras archive"),
    "wrong units": ("refused", "output shape is (None, 3)"), "pipe": ("refused", "not a regular file"),
    "inf output": ("refused", "NaN or Inf"),
}


def build(name: str, scratch: Path, markers: dict) -> Path:
    import hostile_models as make

    scratch.mkdir(parents=True, exist_ok=True)
    if name == "near":
        import numpy as np

        path = scratch / "near.h5"
        make.line_model(weights=[np.array([[3.1]]), np.array([2.0])]).save(path)
        return path
    if name == "empty":
        (scratch / "empty.h5").touch()
        return scratch / "empty.h5"
    if name == "pipe":
        return make.fifo(scratch)
    builders = {"good": make.good, "truncated": make.truncated, "weights only": make.weights_only,
                "random bytes": make.random_bytes, "wrong input": make.wrong_input, "wrong units": make.wrong_units,
                "nan output": make.nan_output, "inf output": make.inf_output, "unknown class": make.unknown_class,
                "foreign module": make.foreign_module, "keras named h5": lambda f: make.keras_archive(f, "renamed.h5"),
                "huge layer": lambda f: make.huge_layer(f, 100_000_000),
                "lambda": lambda f: make.lambda_layer(f, markers["lambda"]),
                "custom layer": lambda f: make.custom_layer(f, markers["custom"])}
    return builders[name](scratch)


def place(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.is_fifo():
        os.mkfifo(target)
    else:
        shutil.move(source, target)


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    if not hasattr(os, "mkfifo"):
        FLAT_LAYOUT["quinn_c1.h5"] = "inf output"
    base = tmp_path_factory.mktemp("class")
    folder = base / "submissions"
    markers = {"lambda": base / "lambda-ran", "custom": base / "custom-ran"}
    for i, (candidate, name) in enumerate(FOLDER_LAYOUT.items()):
        place(build(name, base / f"scratch{i}", markers), folder / candidate / "Category1" / "mymodel.h5")
    for i, (file_name, name) in enumerate(FLAT_LAYOUT.items()):
        place(build(name, base / f"flat{i}", markers), folder / file_name)
    (folder / "notes.txt").write_text("not a submission")
    (folder / "nobody").mkdir()
    code, payload = exam_json("grade", str(folder), "--workers", "2", "--memory-mb", "1200")
    return {"folder": folder, "out": folder / "_tfexam", "code": code, "payload": payload, "markers": markers}


def rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def expected_by_candidate() -> dict[str, str]:
    flat = {name.rsplit("_", 1)[0].rsplit("-", 1)[0]: builder for name, builder in FLAT_LAYOUT.items()}
    return {**FOLDER_LAYOUT, **flat}


def test_twenty_candidates_each_become_one_row_and_a_hostile_file_never_stops_the_batch(graded_class):
    assert graded_class["code"] == 0, graded_class["payload"]
    payload = graded_class["payload"]
    assert (payload["candidates"], payload["files"]) == (20, 20)
    assert any("notes.txt" in line for line in payload["ignored"]) and any("nobody/" in line for line in payload["ignored"])
    files = {row["candidate"]: row for row in rows(graded_class["out"] / "files.csv")}
    assert len(files) == 20
    for candidate, builder in expected_by_candidate().items():
        status, words = EXPECTED[builder]
        row = files[candidate]
        assert row["status"] == status, (candidate, row)
        if status == "graded":
            assert row["reason"] == "" and int(row["score"]) >= 1, row
        else:
            assert words in row["reason"] and "\n" not in row["reason"], (candidate, row["reason"])
    assert files["grace"]["stopped"] == "memory"
    assert not graded_class["markers"]["lambda"].exists() and not graded_class["markers"]["custom"].exists()


def test_each_candidate_gets_a_results_json_in_gradescopes_documented_format(graded_class):
    out = graded_class["out"]
    for candidate, builder in expected_by_candidate().items():
        results = json.loads((out / candidate / "results.json").read_text(encoding="utf-8"))
        assert problems(results) == [], (candidate, problems(results))
        [test] = results["tests"]
        assert test["max_score"] == 5 and test["visibility"] == "visible" and test["name"].startswith("Category 1")
        assert results["score"] == test["score"] and results["execution_time"] >= 0
        status, words = EXPECTED[builder]
        assert (test["score"] > 0) == (status == "graded"), (candidate, test)
        if status != "graded":
            assert words in test["output"], test["output"]
    alice = json.loads((out / "Alice Ångström" / "results.json").read_text(encoding="utf-8"))
    assert alice["score"] == 5 and alice["tests"][0]["status"] == "passed" and "PASS" in alice["output"]


def test_the_class_csv_and_html_list_every_candidate(graded_class):
    out = graded_class["out"]
    table = {row["candidate"]: row for row in rows(out / "class.csv")}
    assert len(table) == 20
    assert table["Alice Ångström"]["c1"] == "5" and table["Alice Ångström"]["result"] == "PASS"
    assert table["Chloé Dubois"]["weighted_score"] == "0" and table["Chloé Dubois"]["failed_files"] == "1"
    page = (out / "class.html").read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and "http" not in page  # self-contained
    for candidate in expected_by_candidate():
        assert candidate in page
    assert page.count("<tr") == 1 + 20 + 1 + 20  # header + candidates, header + files


def test_a_rerun_keeps_graded_files_unless_forced_or_changed(graded_class, tmp_path):
    folder = graded_class["folder"]
    code, payload = exam_json("grade", str(folder), "--memory-mb", "1200")
    assert code == 0 and (payload["graded_now"], payload["reused"], payload["workers_started"]) == (0, 20, 0)
    assert payload["graded"] == graded_class["payload"]["graded"]
    # a candidate resubmits: only that file is graded again
    import hostile_models as make

    shutil.copyfile(make.good(tmp_path), folder / "bob" / "Category1" / "mymodel.h5")
    code, payload = exam_json("grade", str(folder), "--memory-mb", "1200", "--workers", "1")
    assert code == 0 and (payload["graded_now"], payload["reused"]) == (1, 19)
    bob = json.loads((graded_class["out"] / "bob" / "results.json").read_text(encoding="utf-8"))
    assert bob["score"] == 5


def test_a_file_that_hangs_past_the_time_limit_is_a_failed_row_and_its_worker_is_replaced(tmp_path):
    import hostile_models as make

    folder = tmp_path / "class with spaces"
    folder.mkdir()
    for name in ("ann_c1.h5", "ben_c1.h5"):
        shutil.copyfile(make.good(tmp_path), folder / name)
    # 1 s is less than TensorFlow's import: every job outlives the limit, as a file that hangs would
    code, payload = exam_json("grade", str(folder), "--timeout", "1", "--workers", "1")
    assert code == 0 and payload["failed"] == 2 and payload["workers_started"] == 2
    for row in rows(folder / "_tfexam" / "files.csv"):
        assert row["status"] == "error" and row["stopped"] == "timeout" and "stopped after 1 s" in row["reason"]


def test_bad_folders_are_one_line_and_exit_2(tmp_path):
    done = exam("grade", str(tmp_path / "missing"))
    assert done.returncode == 2 and stderr_lines(done) == [f"tfexam: {tmp_path / 'missing'} is not a folder; give the folder that holds the submissions"]
    (tmp_path / "readme.txt").write_text("x")
    done = exam("grade", str(tmp_path))
    assert done.returncode == 2 and "no submissions found" in done.stderr and "Traceback" not in done.stderr


def test_discovery_follows_the_documented_layouts(tmp_path):
    from exam import batch

    for path in ("ann/Category1/mymodel.h5", "ann/category 4/mymodel.h5", "ann/Category2/other.h5",
                 "bo-C3.h5", "cy_category5.keras", "dee_c9.h5", "_tfexam/x_c1.h5", ".hidden_c1.h5", "ann_c1.h5"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).touch()
    found, ignored = batch.discover(tmp_path)
    assert [(s.candidate, s.category, s.path.relative_to(tmp_path).as_posix()) for s in found] == [
        ("ann", 1, "ann/Category1/mymodel.h5"), ("ann", 4, "ann/category 4/mymodel.h5"), ("bo", 3, "bo-C3.h5"),
        ("cy", 5, "cy_category5.keras")]
    assert ignored == ["ann_c1.h5: ann already has a category 1 file", "dee_c9.h5: not named <candidate>_c<N>.h5"]
