"""`tfexam autograder`: the zip's own setup.sh and run_autograder, run against a temporary /autograder layout.

The scripts run from the extracted zip (PYTHONPATH points into it, not into this checkout); the test only chooses the
root (AUTOGRADER_ROOT), the interpreter (TFEXAM_AUTOGRADER_PYTHON: this one, so setup.sh skips creating a venv and
pip) and, for the sarcasm question, the data mirror, so that setup.sh's fetch works offline here.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

from clirun import exam_json, real_data
from gradescope_schema import problems


def build_zip(tmp_path: Path, question: str) -> Path:
    out = tmp_path / "out dir" / "autograder.zip"
    code, payload = exam_json("autograder", "--question", question, "--out", str(out))
    assert code == 0 and payload["zip"] == str(out), payload
    return out


def install(archive: Path, root: Path, data: Path) -> dict:
    """What Gradescope does with the zip: extract to root/source, copy run_autograder, run setup.sh."""
    source = root / "source"
    with zipfile.ZipFile(archive) as handle:
        for info in handle.infolist():
            handle.extract(info, source)
            mode = info.external_attr >> 16
            if mode:
                os.chmod(source / info.filename, mode & 0o777)
    shutil.copy2(source / "run_autograder", root / "run_autograder")
    (root / "results").mkdir()
    environ = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "TFEXAM_DATA_DIR")}
    environ |= {"AUTOGRADER_ROOT": str(root), "TFEXAM_AUTOGRADER_PYTHON": sys.executable, "TFEXAM_DATA_DIR": str(data)}
    done = subprocess.run(["bash", str(source / "setup.sh")], cwd=source, env=environ, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return environ


def run_autograder(root: Path, environ: dict, upload: dict[str, Path]) -> dict:
    submission = root / "submission"
    shutil.rmtree(submission, ignore_errors=True)
    submission.mkdir()
    for name, path in upload.items():
        shutil.copyfile(path, submission / name)
    (root / "results" / "results.json").unlink(missing_ok=True)
    done = subprocess.run([str(root / "run_autograder")], cwd=root, env=environ, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    assert problems(results) == [], problems(results)
    return results


def test_the_zip_has_gradescopes_files_at_its_root_and_pinned_requirements(tmp_path):
    archive = build_zip(tmp_path, "c1_line")
    with zipfile.ZipFile(archive) as handle:
        names = handle.namelist()
        info = {i.filename: i for i in handle.infolist()}
        requirements = handle.read("requirements.txt").decode()
    assert {"setup.sh", "run_autograder", "requirements.txt"} <= set(names)
    for script in ("setup.sh", "run_autograder"):
        assert (info[script].external_attr >> 16) & stat.S_IXUSR, f"{script} is not executable"
    pins = [line for line in requirements.splitlines() if line and not line.startswith("#")]
    assert pins and all("==" in line for line in pins) and any(line.startswith("psutil==") for line in pins)
    assert any(line.startswith("tf-keras==") for line in pins), "Keras 2 files need tf-keras"
    assert not any(line.startswith(("pytest", "-e")) for line in pins)
    assert "tfexam/hidden_tests/c1_line.toml" in names and "tfexam/graders/pipeline.py" in names
    assert "tfexam/tfexam/allowed_names.json" in names, "the description check reads it in every grading"
    assert "tfexam/tfexam/checklist.toml" in names, "reading a declaration checks its skills against it"
    assert not any("__pycache__" in n or n.startswith("tfexam/tests/") or "solutions/" in n or "starter_code/" in n
                   for n in names)


def test_run_autograder_grades_an_upload_and_writes_valid_results(tmp_path):
    import hostile_models as make

    archive = build_zip(tmp_path, "c1_line")
    root = tmp_path / "autograder"
    root.mkdir()
    environ = install(archive, root, tmp_path / "data")
    good = make.good(tmp_path)
    results = run_autograder(root, environ, {"mymodel.h5": good})
    [test] = results["tests"]
    assert results["score"] == test["score"] == test["max_score"] == 5, results
    assert "5/5" in test["output"] and "PASS" in results["output"]

    lambda_file = make.lambda_layer(tmp_path, tmp_path / "ran")
    results = run_autograder(root, environ, {"mymodel.h5": lambda_file})
    assert results["score"] == 0 and "Lambda layer" in results["tests"][0]["output"]
    assert not (tmp_path / "ran").exists()

    # an HDF5 model with a .keras zip appended whose config names a module planted in the upload: refused for being
    # both formats before any framework runs, and the planted module is never imported
    marker = tmp_path / "imported"
    planted = make.marker_module(tmp_path, marker)
    polyglot = make.polyglot(tmp_path, "mymodel", make.naming_module(planted, "Planted"), keras_version="2.15.0")
    results = run_autograder(root, environ, {"mymodel.keras": polyglot, "marker_mod.py": tmp_path / "marker_mod.py"})
    assert results["score"] == 0 and "is both an HDF5 file and a zip archive" in results["tests"][0]["output"], results
    assert not marker.exists(), "the planted module was imported"

    (tmp_path / "notes.txt").write_text("forgot the model")
    results = run_autograder(root, environ, {"notes.txt": tmp_path / "notes.txt"})
    assert results["score"] == 0 and "no mymodel.h5 in the upload" in results["tests"][0]["output"]


@real_data[0]
@real_data[1]
def test_the_sarcasm_autograder_fetches_its_hidden_data_at_setup(tmp_path):
    import tensorflow as tf

    archive = build_zip(tmp_path, "c4_sarcasm")
    root = tmp_path / "autograder"
    root.mkdir()
    data = tmp_path / "data"
    environ = install(archive, root, data)
    assert any(data.rglob("*")), "setup.sh fetched nothing into the cache"
    model = tf.keras.Sequential([tf.keras.Input(shape=(120,)), tf.keras.layers.Embedding(1000, 16),
                                 tf.keras.layers.GlobalAveragePooling1D(), tf.keras.layers.Dense(1, activation="sigmoid")])
    model.save(tmp_path / "mymodel.h5")
    offline = environ | {"TFEXAM_DATA_MIRROR": str(tmp_path / "no mirror")}  # grading reads only what setup fetched
    results = run_autograder(root, offline, {"mymodel.h5": tmp_path / "mymodel.h5"})
    [test] = results["tests"]
    assert test["max_score"] == 20 and test["extra_data"]["status"] == "graded", test
    assert "held-out texts" in test["output"]

