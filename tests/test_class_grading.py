"""`tfexam grade DIR`: a class of 38 candidates, hostile files, names and links among them, through the real command line.

Every file is built for real (tests/hostile_models.py); the command grades them with warm workers; each candidate gets
a results.json that must conform to Gradescope's documented format (tests/gradescope_schema.py).
"""

from __future__ import annotations

import csv
import html
import json
import os
import re
import shutil
from pathlib import Path

import pytest

from clirun import exam, exam_json, stderr_lines
from gradescope_schema import problems

from exam.spreadsheet import FORMULA_STARTS

FOLDER_LAYOUT = {  # candidate -> builder name; saved as <candidate>/Category1/mymodel.h5
    "Alice Ångström": "good", "bob": "near", "Chloé Dubois": "lambda", "dan": "custom layer", "eve": "foreign module",
    "farid": "unknown class", "grace": "huge layer", "hana": "truncated", "ivan": "empty", "jun": "weights only",
}
FLAT_LAYOUT = {  # file name -> builder name
    "kim_c1.h5": "good", "lee-C1.h5": "wrong input", "mo_category1.h5": "nan output", "nia_c1.h5": "random bytes",
    "oscar_c1.h5": "keras named h5", "pat_c1.h5": "wrong units", "quinn_c1.h5": "pipe", "ravi_c1.h5": "inf output",
    "sam_c1.h5": "near", "tara zhou_c1.h5": "good",
}
# names no candidate may use to break the batch: each is graded as an ordinary candidate (results under
# _tfexam/candidates/<safe name>/), except the output folder itself, which is skipped and said so
NAME_FOLDERS = {"class.csv": "good", "files.csv": "near", "class.html": "empty", "Uma": "good"}
NAME_FLAT = {"_tfexam_c1.h5": "good", '=HYPERLINK("evil.example")_c1.h5': "empty", "@SUM(1+1)_c1.h5": "empty",
             "-2+3_c1.h5": "empty", "CON_c1.h5": "empty", " .._c1.h5": "empty", "<b>bold<b>_c1.h5": "empty",
             "y" * 200 + "_c1.h5": "empty", "UMA _c1.h5": "wrong units"}  # UMA: Uma's second file, not graded
NAME_SHOWN = {"class.csv": "good", "files.csv": "near", "class.html": "empty", "Uma": "good", "_tfexam": "good",
              '=HYPERLINK("evil.example")': "empty", "@SUM(1+1)": "empty", "-2+3": "empty", "CON": "empty",
              "..": "empty", "<b>bold<b>": "empty", "y" * 200: "empty"}
# entry -> (where it points, words of the failed row): never opened, never graded (each target is a 5/5 model)
OUTSIDE = {"evan_c1.h5": ("secret.h5", "resolves outside the class folder"),
           "mallory": ("elsewhere", "resolves outside the class folder"),
           "gil/Category1": ("elsewhere/Category1", "resolves outside the class folder"),
           "hal/Category1/mymodel.h5": ("secret.h5", "resolves outside the class folder"),
           "loop_c1.h5": ("loop_c1.h5", "loops back on itself"), "gone_c1.h5": ("nothing.h5", "a link to nothing")}
# builder -> (status, words in the reason or output)
EXPECTED = {
    "good": ("graded", "5/5"), "near": ("graded", "mae"),
    "lambda": ("refused", "Lambda layer"), "custom layer": ("refused", "custom class or function"),
    "foreign module": ("refused", "subprocess.Popen"), "unknown class": ("refused", "NoSuchLayer"),
    "huge layer": ("error", "grading used more than 1200 MB"), "truncated": ("refused", "is cut short"),
    "empty": ("refused", "is empty"), "weights only": ("refused", "holds no Keras model"),
    "wrong input": ("refused", "input shape is (None, 2)"), "nan output": ("refused", "NaN or Inf"),
    "random bytes": ("refused", "no HDF5 signature"), "keras named h5": ("refused", "is a .keras archive"),
    "wrong units": ("refused", "output shape is (None, 3)"),
    "inf output": ("refused", "NaN or Inf"), "pipe": ("refused", "a named pipe (fifo), not a regular file"),
}


needs_links = pytest.mark.skipif(not (hasattr(os, "mkfifo") and hasattr(os, "symlink")), reason="needs fifos and links")


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
    for i, (candidate, name) in enumerate(NAME_FOLDERS.items()):
        place(build(name, base / f"names{i}", markers), folder / candidate / "Category1" / "mymodel.h5")
    for i, (file_name, name) in enumerate(NAME_FLAT.items()):
        place(build(name, base / f"nameflat{i}", markers), folder / file_name)
    place(build("good", base / "ours", markers), folder / "_tfexam" / "Category1" / "mymodel.h5")  # the output folder
    place(build("good", base / "secret", markers), base / "secret.h5")
    place(build("good", base / "elsewhere", markers), base / "elsewhere" / "Category1" / "mymodel.h5")
    for entry, (target, _) in OUTSIDE.items():
        (folder / entry).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target if target == entry else base / target, folder / entry)
    done = exam("grade", str(folder), "--workers", "2", "--memory-mb", "1200", "--json")
    payload = json.loads(done.stdout)
    return {"folder": folder, "out": folder / "_tfexam", "code": done.returncode, "payload": payload, "markers": markers,
            "stderr": done.stderr}


def rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def unquoted(cell: str) -> str:
    """A cell as the teacher reads it: the ' that keeps a formula-like text from running is not part of the name."""
    return cell[1:] if cell.startswith("'") and cell[1:2] in FORMULA_STARTS else cell


def by_candidate(path: Path) -> dict[str, dict]:
    return {unquoted(row["candidate"]): row for row in rows(path)}


def expected_by_candidate() -> dict[str, str]:
    flat = {name.rsplit("_", 1)[0].rsplit("-", 1)[0]: builder for name, builder in FLAT_LAYOUT.items()}
    return {**FOLDER_LAYOUT, **flat, **NAME_SHOWN}


def outside_candidates() -> dict[str, str]:
    """Candidate -> words of their failed row, for the entries that point outside the class folder."""
    return {entry.split("/")[0].split("_")[0]: words for entry, (_, words) in OUTSIDE.items()}


CANDIDATE_COUNT = len(expected_by_candidate()) + len(outside_candidates())


def results_json(out: Path, candidate: str) -> dict:
    folder = by_candidate(out / "class.csv")[candidate]["results_folder"]
    return json.loads((out / folder / "results.json").read_text(encoding="utf-8"))


def test_every_candidate_becomes_one_row_and_a_hostile_file_never_stops_the_batch(graded_class):
    assert graded_class["code"] == 0, graded_class["payload"]
    payload = graded_class["payload"]
    assert (payload["candidates"], payload["files"]) == (CANDIDATE_COUNT, CANDIDATE_COUNT)
    assert any("notes.txt" in line for line in payload["ignored"]) and any("nobody/" in line for line in payload["ignored"])
    files = by_candidate(graded_class["out"] / "files.csv")
    assert len(files) == CANDIDATE_COUNT
    for candidate, builder in expected_by_candidate().items():
        status, words = EXPECTED[builder]
        row = files[candidate]
        assert row["status"] == status, (candidate, row)
        if status == "graded":
            assert row["reason"] == "" and int(row["score"]) >= 1, row
            assert float(row["interval_low"]) <= float(row["value"]) <= float(row["interval_high"]), row
            assert row["margin"].startswith(f"{row['metric']} ") and " held at " in row["margin"], row
        else:
            assert words in row["reason"] and "\n" not in row["reason"], (candidate, row["reason"])
            assert row["value"] == row["margin"] == row["interval_low"] == "", row
    assert files["grace"]["stopped"] == "memory"
    assert not graded_class["markers"]["lambda"].exists() and not graded_class["markers"]["custom"].exists()


def test_each_candidate_gets_a_results_json_in_gradescopes_documented_format(graded_class):
    out = graded_class["out"]
    for candidate, builder in expected_by_candidate().items():
        results = results_json(out, candidate)
        assert problems(results) == [], (candidate, problems(results))
        [test] = results["tests"]
        assert test["max_score"] == 5 and test["visibility"] == "visible" and test["name"].startswith("Category 1")
        assert results["score"] == test["score"] and results["execution_time"] >= 0
        status, words = EXPECTED[builder]
        assert (test["score"] > 0) == (status == "graded"), (candidate, test)
        if status != "graded":
            assert words in test["output"], test["output"]
    alice = results_json(out, "Alice Ångström")
    assert alice["score"] == 5 and alice["tests"][0]["status"] == "passed" and "PASS" in alice["output"]


def test_the_class_csv_and_html_list_every_candidate(graded_class):
    out = graded_class["out"]
    table = by_candidate(out / "class.csv")
    assert len(table) == CANDIDATE_COUNT
    assert table["Alice Ångström"]["c1"] == "5" and table["Alice Ångström"]["result"] == "PASS"
    assert table["Chloé Dubois"]["weighted_score"] == "0" and table["Chloé Dubois"]["failed_files"] == "1"
    page = (out / "class.html").read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and "http" not in page  # self-contained
    for candidate in [*expected_by_candidate(), *outside_candidates()]:
        assert html.escape(candidate) in page, candidate
    assert page.count("<tr class=\"candidate\">") == CANDIDATE_COUNT and page.count("<tr class=\"file\">") == CANDIDATE_COUNT


def test_no_candidate_name_can_replace_the_class_files_or_leave_the_results_folder(graded_class):
    out = graded_class["out"]
    for name in ("class.csv", "files.csv"):
        assert (out / name).is_file() and "candidate" in rows(out / name)[0]
    assert (out / "class.html").is_file()
    table = by_candidate(out / "class.csv")
    assert table["class.csv"]["c1"] == "5" and table["_tfexam"]["c1"] == "5"
    folders = [row["results_folder"] for row in table.values()]
    assert len({f.casefold() for f in folders}) == CANDIDATE_COUNT, "two candidates share a results folder"
    reserved = {"CON", "PRN", "AUX", "NUL", *(f"{p}{n}" for p in ("COM", "LPT") for n in range(10))}
    for folder in folders:
        parent, name = folder.split("/")
        assert parent == "candidates" and (out / folder / "results.json").is_file(), folder
        assert re.fullmatch(r"[\w][\w .-]{0,68}[\w-]|\w", name), folder  # no separator, no leading dot, no trailing . or space
        assert name.split(".")[0].upper() not in reserved, folder
    assert sorted(p.name for p in (out / "candidates").iterdir()) == sorted(f.split("/")[1] for f in folders)
    assert any("_tfexam/: the output folder of tfexam grade" in line for line in graded_class["payload"]["ignored"])


def test_formula_characters_are_neutralised_in_every_csv_and_the_page_escapes_names(graded_class):
    out = graded_class["out"]
    for name in ("class.csv", "files.csv"):
        with open(out / name, encoding="utf-8", newline="") as handle:
            cells = [cell for row in csv.reader(handle) for cell in row]
        assert not [c for c in cells if c.startswith(FORMULA_STARTS)], name
        assert "'=HYPERLINK(\"evil.example\")" in cells and "'@SUM(1+1)" in cells and "'-2+3" in cells
    page = (out / "class.html").read_text(encoding="utf-8")
    assert "<b>bold" not in page and "&lt;b&gt;bold&lt;b&gt;" in page


def test_links_out_of_the_class_folder_are_failed_rows_never_graded(graded_class):
    out = graded_class["out"]
    files = by_candidate(out / "files.csv")
    for candidate, words in outside_candidates().items():
        row = files[candidate]
        assert row["status"] == "refused" and row["score"] == "0" and words in row["reason"], (candidate, row)
        assert "not graded" in row["reason"] or "not opened" in row["reason"], row
        assert not list((out / by_candidate(out / "class.csv")[candidate]["results_folder"]).glob("c*.json")), candidate
    assert "mallory: resolves outside the class folder (a link); not opened" == files["mallory"]["reason"]
    assert "not graded: hal/Category1/mymodel.h5: resolves outside" in graded_class["stderr"]


def test_two_spellings_are_one_candidate_and_the_folder_wins_over_a_second_flat_file(graded_class):
    table = by_candidate(graded_class["out"] / "class.csv")
    assert "uma" not in {c.casefold() for c in table if c != "Uma"}
    note = table["Uma"]["note"]
    assert "merged spellings: 'UMA ', 'Uma'" in note and "graded Uma/Category1/mymodel.h5, not UMA _c1.h5" in note
    assert table["Uma"]["c1"] == "5"  # the folder's good model, not the flat file's wrong units
    assert "note: Uma: merged spellings" in graded_class["stderr"]
    assert "Uma" in graded_class["payload"]["notes"]


def test_a_rerun_keeps_graded_files_unless_forced_or_changed(graded_class, tmp_path):
    folder = graded_class["folder"]
    graded_before = graded_class["payload"]["graded_now"]
    code, payload = exam_json("grade", str(folder), "--memory-mb", "1200")
    assert code == 0 and (payload["graded_now"], payload["reused"], payload["workers_started"]) == (0, graded_before, 0)
    assert payload["graded"] == graded_class["payload"]["graded"]
    # a candidate resubmits: only that file is graded again
    import hostile_models as make

    shutil.copyfile(make.good(tmp_path), folder / "bob" / "Category1" / "mymodel.h5")
    code, payload = exam_json("grade", str(folder), "--memory-mb", "1200", "--workers", "1")
    assert code == 0 and (payload["graded_now"], payload["reused"]) == (1, graded_before - 1)
    assert results_json(graded_class["out"], "bob")["score"] == 5


@needs_links
def test_bob_c4_and_bob_c1_are_one_candidate_noted_in_the_terminal_and_the_class_files(tmp_path):
    """Both files are never opened (a fifo, a link loop), so this costs no grading worker."""
    folder = tmp_path / "class"
    folder.mkdir()
    os.mkfifo(folder / "bob_c1.h5")
    os.symlink("Bob-C4.h5", folder / "Bob-C4.h5")
    done = exam("grade", str(folder), "--categories", "1,4", "--json")
    payload = json.loads(done.stdout)
    assert done.returncode == 0 and (payload["candidates"], payload["files"], payload["workers_started"]) == (1, 2, 0)
    [row] = rows(folder / "_tfexam" / "class.csv")
    assert row["candidate"] == "Bob" and row["failed_files"] == "2" and row["weighted_max"] == "25"
    assert row["note"] == "merged spellings: 'Bob', 'bob'"
    assert "note: Bob: merged spellings: 'Bob', 'bob'" in done.stderr
    assert "merged spellings: &#x27;Bob&#x27;, &#x27;bob&#x27;" in (folder / "_tfexam" / "class.html").read_text(encoding="utf-8")


@needs_links
def test_a_results_folder_that_is_a_link_is_refused_before_anything_is_written(tmp_path):
    folder, elsewhere = tmp_path / "class", tmp_path / "elsewhere"
    folder.mkdir()
    elsewhere.mkdir()
    os.mkfifo(folder / "ann_c1.h5")
    os.symlink(elsewhere, folder / "_tfexam")
    done = exam("grade", str(folder))
    assert done.returncode == 2 and stderr_lines(done) == [
        f"tfexam: {folder / '_tfexam'} is a link or a file, not a folder; remove it, or give --out DIR for the results"]
    assert list(elsewhere.iterdir()) == []


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
    from exam import classfolder

    for path in ("ann/Category1/mymodel.h5", "ann/category 4/mymodel.h5", "ann/Category2/other.h5",
                 "bo-C3.h5", "cy_category5.keras", "dee_c9.h5", "_tfexam/x_c1.h5", ".hidden_c1.h5", "ann_c1.h5"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).touch()
    found = classfolder.discover(tmp_path, tmp_path / "_tfexam")
    assert [(s.candidate, s.category, s.path.relative_to(tmp_path).as_posix()) for s in found.submissions] == [
        ("ann", 1, "ann/Category1/mymodel.h5"), ("ann", 4, "ann/category 4/mymodel.h5"), ("bo", 3, "bo-C3.h5"),
        ("cy", 5, "cy_category5.keras")]
    assert found.skipped == [".hidden_c1.h5: hidden (the name starts with a dot)",
                             "_tfexam/: the output folder of tfexam grade (a candidate of that name: rename the folder, "
                             "or give --out elsewhere)", "dee_c9.h5: not named <candidate>_c<N>.h5",
                             "ann_c1.h5: ann already has a category 1 file (ann/Category1/mymodel.h5)"]


@pytest.mark.parametrize("name", ["CON", "nul.txt", "..", ".", " . ", "a/b", "a\\b", "x" * 300, "Ab:c*?", "é\x00\x1b[31m",
                                  "LPT1", "com¹", "-lead", "trail. "])
def test_a_safe_folder_name_is_valid_everywhere(name):
    from exam import classfolder

    safe = classfolder.safe_folder(name)
    assert 0 < len(safe) <= classfolder.FOLDER_NAME_MAX + 9 and not safe.startswith((".", "-")) and safe[-1] not in ". "
    assert re.fullmatch(r"[\w .-]+", safe) and safe.split(".")[0].upper() not in classfolder.WINDOWS_RESERVED, safe


def test_distinct_names_that_sanitise_alike_stay_distinct():
    from exam import classfolder

    names = ["a/b", "a_b", "a:b", "a\\b", "CON", "_CON", "..", "_", "x" * 300, "x" * 301]
    assert len({classfolder.safe_folder(n).casefold() for n in names}) == len(names)


def test_every_candidate_page_is_linked_inside_the_results_folder_and_escapes_names(graded_class):
    from urllib.parse import unquote

    out = graded_class["out"]
    page = (out / "class.html").read_text(encoding="utf-8")
    links = [unquote(html.unescape(part.split("\"")[0])) for part in page.split("<a href=\"")[1:]]
    assert len(links) == CANDIDATE_COUNT
    for link in links:
        target = (out / link).resolve()
        assert target.is_relative_to((out / "candidates").resolve()) and target.is_file(), link
        text = target.read_text(encoding="utf-8")
        assert "<b>bold" not in text and "<script" not in text, link
    bold = next(row for name, row in by_candidate(out / "class.csv").items() if name == "<b>bold<b>")
    text = (out / bold["page"]).read_text(encoding="utf-8")
    assert "&lt;b&gt;bold&lt;b&gt;" in text and "is empty" in text
