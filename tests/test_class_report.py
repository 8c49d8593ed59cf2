"""`tfexam grade DIR --roster FILE` as a teacher runs it: a class of 13 candidates (a roster of 14), two byte-identical
pairs, one model saved twice separately, a near-identical pair, a refused file, a non-model file, a missing category.
Built from tiny real models (weights set, not trained; Category 1, and one Category 5 forecast for its plot); the class page, every candidate page and the
CSVs must say the same, and nothing from the per-file results may be lost.
"""

from __future__ import annotations

import csv
import html
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest

from clirun import exam, real_data, stderr_lines

pytestmark = [pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs fifos"), *real_data]

# candidate (as the files spell it) -> where their Category 1 file goes and what it is
ROSTER = [("ann", "Ann Lee", "ann@example.org"), ("Ben", "Ben Okafor", ""), ("cat", "", ""), ("dan", "Dan Wu", ""),
          ("eve", "Eve", ""), ("fay", "Fay <b>", ""), ("gus", "", ""), ("hal", "", ""), ("ivy", "Ivy", ""),
          ("jo", "", ""), ("kai", "", ""), ("lea", "Léa", ""), ("max", "Max Absent", ""), ("=nia", "Nia", "")]
ABSENT = {"max", "=nia"}


# eve and fay: Keras 2 files (tf-keras, as course-era scripts wrote them), the same weights saved separately
KERAS2_PAIR = """
import sys
import numpy as np
import tensorflow as tf
for name in ("eve_c1.h5", "fay_c1.h5"):
    model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=[1])])  # a new model each: other layer names
    model.layers[0].set_weights([np.array([[3.05]]), np.array([1.9])])
    model.save(sys.argv[1] + "/" + name)
"""


def build(base: Path) -> Path:
    import numpy as np
    import tensorflow as tf

    import hostile_models as make

    folder = base / "class with spaces"
    (folder / "ann" / "Category1").mkdir(parents=True)
    make.line_model().save(folder / "ann" / "Category1" / "mymodel.h5")
    shutil.copyfile(folder / "ann" / "Category1" / "mymodel.h5", folder / "BEN_c1.h5")  # pair 1: bytes, a spelling
    make.line_model(weights=[np.array([[2.9]]), np.array([2.1])]).save(folder / "cat_c1.h5")
    (folder / "dan" / "Category1").mkdir(parents=True)
    shutil.copyfile(folder / "cat_c1.h5", folder / "dan" / "Category1" / "mymodel.h5")  # pair 2: bytes
    subprocess.run([sys.executable, "-c", KERAS2_PAIR, str(folder)], check=True, env={**os.environ, "TF_USE_LEGACY_KERAS": "1"},
                   capture_output=True, timeout=300)
    tf.keras.utils.set_random_seed(3)
    wide = tf.keras.Sequential([tf.keras.Input(shape=(1,)), tf.keras.layers.Dense(8, activation="relu"),
                                tf.keras.layers.Dense(1)])
    wide.save(folder / "gus_c1.h5")
    noise = np.random.default_rng(0)
    wide.set_weights([w + noise.normal(0, 2e-4, w.shape).astype(w.dtype) for w in wide.get_weights()])
    wide.save(folder / "hal_c1.h5")  # near-identical: every weight moved by about 2e-4
    make.wrong_units(base).rename(folder / "ivy_c1.h5")  # refused: output (None, 3)
    make.line_model(weights=[np.array([[3.1]]), np.array([2.0])]).save(folder / "jo_c1.h5")
    make.line_model(weights=[np.array([[1.0]]), np.array([0.0])]).save(folder / "kai_c1.h5")
    series = tf.keras.Sequential([tf.keras.Input(shape=(30, 1)), tf.keras.layers.Flatten(), tf.keras.layers.Dense(1)])
    series.save(folder / "kai_c5.h5")  # an untrained forecast (Sunspots, a small file): graded, with its plot
    make.line_model().save(folder / "lea_c1.h5")  # same weights as ann, saved separately
    os.mkfifo(folder / "lea_c2.h5")  # category 2 for lea only (never opened): everyone else is missing it
    make.line_model().save(folder / "zed_c1.h5")  # not on the roster
    (folder / "notes.txt").write_text("not a submission")
    return folder


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("teacher")
    folder = build(base)
    roster = base / "roster list.csv"
    with open(roster, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name", "email"])
        writer.writerows([(f"  {i} " if i == "ann" else i, n, e) for i, n, e in ROSTER])  # spaces do not count
    done = exam("grade", str(folder), "--roster", str(roster), "--workers", "2", "--json")
    return {"done": done, "payload": json.loads(done.stdout or "{}"), "out": folder / "_tfexam", "folder": folder}


def table(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_class_is_graded_with_the_roster(graded):
    done, payload = graded["done"], graded["payload"]
    assert done.returncode == 0, done.stderr
    assert payload["candidates"] == 15 and sorted(payload["no_submission"]) == ["=nia", "max"]
    assert payload["not_on_roster"] == ["zed"]
    assert "no submission: max (on the roster, no file found)" in done.stderr
    assert "note: Ben: merged spellings: 'BEN', 'Ben'" in done.stderr and "note: zed: not on the roster" in done.stderr
    assert any("notes.txt: not named" in line for line in payload["ignored"])


def test_identical_and_similar_work_is_flagged_with_its_evidence(graded):
    flags = {(f["kind"], tuple(f["candidates"])): f for f in graded["payload"]["flags"]}
    assert ("identical file", ("ann", "Ben")) in flags and ("identical file", ("cat", "dan")) in flags
    assert ("identical weights", ("eve", "fay")) in flags  # Keras 2 files, loaded by tf-keras in the worker
    eve = json.loads((graded["out"] / "candidates" / "eve" / "c1.json").read_text(encoding="utf-8"))["result"]
    assert "is a Keras 2 h5 file" in eve["checks"][0]["message"] and eve["fingerprint"]["parameters"] == 2
    assert ("identical weights", ("ann", "Ben", "lea", "zed")) in flags  # same numbers, files saved separately
    similar = flags[("similar weights", ("gus", "hal"))]
    assert "gus ~ hal: 25 sampled weights of 25 differ by at most" in similar["evidence"]  # rounding alone misses it
    assert len(flags) == 5, flags  # jo (3.1 vs 3.0) and kai are nobody's copy; a single neuron is never "similar"
    rows = table(graded["out"] / "flags.csv")
    assert {(r["flag"], r["candidate"]) for r in rows} >= {("F1", "ann"), ("F1", "Ben")}
    assert all(r["evidence"] and r["rule"] for r in rows)
    by = {r["candidate"]: r for r in table(graded["out"] / "class.csv")}
    assert "identical file" in by["ann"]["flags"] and by["ann"]["similar_to"] == "Ben; lea; zed"
    assert by["gus"]["similar_to"] == "hal" and by["jo"]["flags"] == ""


def test_class_csv_says_graded_refused_missing_and_no_submission_apart(graded):
    by = {r["candidate"]: r for r in table(graded["out"] / "class.csv")}
    assert len(by) == 15 and "'=nia" in by  # a roster id that looks like a formula stays text
    assert (by["ann"]["c1_status"], by["ann"]["c2_status"], by["ann"]["c1"]) == ("graded", "missing", "5")
    assert (by["ivy"]["c1_status"], by["ivy"]["c1"]) == ("refused", "0")
    assert (by["lea"]["c2_status"], by["lea"]["status"]) == ("refused", "incomplete")
    assert (by["max"]["status"], by["max"]["c1_status"], by["max"]["name"]) == ("no submission", "no submission", "Max Absent")
    assert by["ann"]["name"] == "Ann Lee" and by["ann"]["email"] == "ann@example.org"
    assert "merged spellings: ' ANN ', 'ann'" not in by["ann"]["note"]  # the roster's spaces are not a spelling
    assert by["Ben"]["note"].startswith("merged spellings")
    files = table(graded["out"] / "files.csv")
    assert len(files) == 15 and all(len(r["sha256"]) == 64 or r["status"] != "graded" for r in files)


def test_the_class_page_shows_distributions_statuses_flags_and_skipped_files(graded):
    page = (graded["out"] / "class.html").read_text(encoding="utf-8")
    assert "http" not in page and "<script" not in page
    by = {r["candidate"]: r for r in table(graded["out"] / "class.csv")}
    submitted = [r for r in by.values() if r["status"] != "no submission"]
    means = {c: sum(int(r[f"c{c}"] or 0) for r in submitted) / len(submitted) for c in (1, 2, 5)}
    hardest = min(means, key=lambda c: (means[c], -c))  # the page's rule, from the CSV's numbers
    assert page.count("class=\"histogram\"") == 3 and f"Hardest question</dt><dd>Category {hardest}:" in page
    assert f"<dt>Mean</dt><dd>{means[1]:.2f}</dd>" in page
    for words in ("5/5 graded", "refused, 0", "missing", "no submission", "Pass rate", "Median",
                  "notes.txt: not named", "identical weights", "similar weights", "Fay &lt;b&gt;", "Léa"):
        assert words in page, words
    assert page.count("<tr class=\"candidate\">") == 15 and page.count("<tr class=\"flag-row\">") == 5
    assert page.count("<tr class=\"file\">") == 15


def test_every_candidate_has_a_page_with_every_file_and_their_gradescope_json(graded):
    out = graded["out"]
    page = (out / "class.html").read_text(encoding="utf-8")
    links = [unquote(html.unescape(part.split("\"")[0])) for part in page.split("<a href=\"")[1:]]
    assert len(links) == 15
    for link in links:
        target = (out / link).resolve()
        assert target.is_relative_to(out.resolve()) and target.name == "index.html", link
        text = target.read_text(encoding="utf-8")
        written = (target.parent / "results.json").read_text(encoding="utf-8")
        assert json.loads(written)["tests"] and html.escape(written) in text  # the Gradescope JSON, whole
        assert "../../class.html" in text
    words = {"graded": "{score}/5 graded", "refused": "refused, 0", "missing": "missing", "no submission": "no submission"}
    for row in table(out / "class.csv"):  # the CSV, the class page and the candidate's page say the same
        own = (out / row["page"]).read_text(encoding="utf-8")
        for category in (1, 2, 5):
            said = words[row[f"c{category}_status"]].format(score=row[f"c{category}"])
            assert said in own and said in page, (row["candidate"], category, said)
        for flag in filter(None, row["flags"].split("; ")):
            assert html.escape(flag.split(" (")[0]) in own, flag
    ann = (out / "candidates" / "ann" / "index.html").read_text(encoding="utf-8")
    stored = json.loads((out / "candidates" / "ann" / "c1.json").read_text(encoding="utf-8"))["result"]
    for line in stored["output"].splitlines():
        assert html.escape(line) in ann, line  # what Submit and Test tells the learner
    for check in stored["checks"]:
        assert html.escape(check["message"]) in ann
    assert "Ann Lee" in ann and "F1 identical file" in ann and stored["fingerprint"]["parameters"] == 2
    ivy = (out / "candidates" / "ivy" / "index.html").read_text(encoding="utf-8")
    assert "output shape is (None, 3)" in ivy
    kai = (out / "candidates" / "kai" / "index.html").read_text(encoding="utf-8")
    assert kai.count("<img src=\"data:image/png;base64,") == 1 and "Forecast against the actual hidden values" in kai
    max_page = (out / "candidates" / "max" / "index.html").read_text(encoding="utf-8")
    assert "no submission" in max_page


def test_a_bad_roster_is_one_line_exit_2_and_nothing_graded(tmp_path):
    """Each way a roster can be wrong is tests/test_roster.py's; here, that the command stops before grading."""
    folder = tmp_path / "class"
    folder.mkdir()
    os.mkfifo(folder / "ann_c1.h5")
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name\nann,Ann\n ANN ,Other\n", encoding="utf-8")
    for given, words in ((roster, "line 3: 'ANN' is already on the roster as 'ann'"),
                         (tmp_path / "nowhere.csv", "is not a file")):
        done = exam("grade", str(folder), "--roster", str(given))
        [line] = stderr_lines(done)
        assert done.returncode == 2 and words in line and line.startswith("tfexam: roster "), line
        assert not (folder / "_tfexam").exists()
