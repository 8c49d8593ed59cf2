"""One reading of a submitted file: its format is decided from all of its bytes, and only that reading is loaded.

A valid HDF5 model with a .keras zip appended could be checked as HDF5 and built from the zip. Such polyglots are
refused by tfexam's own check on every path a file takes (`python -m graders`, `tfexam submit`, `tfexam grade`;
the autograder in tests/test_autograder.py), with modules planted next to them proven never imported. Descriptions
name only allow-listed Keras objects; declared unpacked sizes are capped like file sizes.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import os
import tracemalloc
import zipfile
from pathlib import Path

import h5py
import pytest
from clirun import exam, exam_json, run, start_practice

from tfexam import modelbytes, questions
from tfexam.refusal import Refused
from exam import ledger

QUESTION = questions.get("c1_line")
BOTH = dataclasses.replace(QUESTION, contract=dataclasses.replace(QUESTION.contract, formats=("h5", "keras")))
BOTH_FORMATS = "is both an HDF5 file and a zip archive"
SMALL_CAP = {"TFEXAM_MAX_MODEL_MB": "1"}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    import hostile_models as build

    folder = tmp_path_factory.mktemp("formats")
    marker = folder / "marker-imported"
    planted = build.marker_module(folder, marker)
    polyglots = {
        "plain": build.polyglot(folder, "plain"),
        "lambda": build.polyglot(folder, "lambda", build.with_lambda),
        "os": build.polyglot(folder, "os", build.naming_module("os", "system", {"command": f"touch {marker}"})),
        "keras 2 label": build.polyglot(folder, "keras2", build.naming_module(planted, "Planted"), keras_version="2.15.0"),
    }
    return {"build": build, "folder": folder, "marker": marker, "planted": planted, "polyglots": polyglots}


def refusal(path: Path, question=QUESTION, **environ) -> tuple[str, str]:
    from graders.pipeline import grade

    with pytest.MonkeyPatch.context() as patch:
        for name, value in environ.items():
            patch.setenv(name, value)
        result = grade(path, question)
    assert result.status == "refused", result.output
    [failed] = [c for c in result.checks if not c.passed]
    assert "\n" not in failed.message
    return failed.name, failed.message


def test_a_polyglot_really_holds_two_readings_and_is_refused_for_being_both(built):
    for name, path in built["polyglots"].items():
        with h5py.File(path, "r") as handle:  # one reading: the harmless line model
            assert "model_config" in handle.attrs
        with zipfile.ZipFile(path) as archive:  # the other: what a loader choosing by the suffix would build
            assert json.loads(archive.read("config.json"))["class_name"] == "Sequential"
        for question in (QUESTION, BOTH):
            check, message = refusal(path, question)
            assert check == "file" and BOTH_FORMATS in message and "save it again with model.save('mymodel.h5')" in message, (name, message)
            assert message.startswith(f"{path.name} is both"), message
    assert not built["marker"].exists()


def test_a_zip_with_an_hdf5_file_in_its_user_block_is_both_too(built, tmp_path):
    source = built["build"].line_model()
    path = tmp_path / "zip_first.h5"
    zipped = built["build"].keras_config_zip()
    block = 1 << max(9, (len(zipped) - 1).bit_length())
    with h5py.File(path, "w", userblock_size=block) as handle:
        handle.attrs["model_config"] = source.to_json()
    with open(path, "r+b") as handle:
        handle.write(zipped)
    assert modelbytes._hdf5_offset(open(path, "rb"), path.stat().st_size) == block
    check, message = refusal(path)
    assert check == "file" and BOTH_FORMATS in message and f"HDF5 signature at byte {block}" in message


def test_a_zip_with_data_before_it_is_not_a_clean_keras_archive(built):
    path = built["build"].prepended_zip(built["folder"])
    assert zipfile.ZipFile(path).read("config.json")  # zip readers still find it
    check, message = refusal(path, BOTH)
    assert check == "file" and "not a clean .keras archive" in message


def test_an_hdf5_model_named_keras_is_loaded_from_a_private_copy_named_h5(built, tmp_path):
    from graders.pipeline import grade

    path = built["build"].good(tmp_path).rename(tmp_path / "really_h5.keras")
    result = grade(path, BOTH)  # Keras would read a file named .keras as a zip: the copy it gets is model.h5
    assert result.status == "graded" and result.score == 5, result.output
    assert result.checks[0].message.startswith("really_h5.keras is a Keras 3 h5 file with only built-in layers (sha256 ")


def test_the_private_copy_holds_the_bytes_read_once_and_no_more_than_the_cap(built, tmp_path):
    import hashlib

    source = built["polyglots"]["plain"]
    private = tmp_path / "private"
    private.mkdir()
    copy, digest = modelbytes.private_copy(source, private, 2**30, source)
    assert copy.read_bytes() == source.read_bytes() and digest == hashlib.sha256(source.read_bytes()).hexdigest()
    other = tmp_path / "other"
    other.mkdir()
    with pytest.raises(Refused, match="grew past the"):
        modelbytes.private_copy(source, other, 100, source)
    if hasattr(os, "mkfifo"):  # swapped for a pipe after the check: refused at once, not a hang
        pipe = tmp_path / "swapped.h5"
        os.mkfifo(pipe)
        with pytest.raises(Refused, match="is not a regular file"):
            modelbytes.private_copy(pipe, tmp_path, 2**30, pipe)


# ---- every path a submission takes: python -m graders, tfexam submit, tfexam grade ----

def test_python_m_graders_refuses_each_polyglot_without_importing_the_planted_module(built):
    for name, path in built["polyglots"].items():
        done = run("-m", "graders", "1", str(path), "--json", cwd=built["folder"])  # marker_mod.py is importable here
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr[-800:]
        result = json.loads(done.stdout)
        assert result["status"] == "refused" and BOTH_FORMATS in result["output"], (name, result["output"])
        assert [c["name"] for c in result["checks"] if not c["passed"]] == ["file"]
    assert not built["marker"].exists(), "the planted module was imported"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ws")
    start_practice(folder, "c1_line")
    return folder


def test_submit_refuses_each_polyglot_in_one_line_and_records_why(built, workspace):
    for name, path in built["polyglots"].items():
        before = len(ledger.read(workspace))
        done = exam("submit", "1", "--workspace", str(workspace), "--model", str(path), cwd=built["folder"])
        assert done.returncode == 1 and "Traceback" not in done.stdout + done.stderr
        [line] = done.stdout.strip().splitlines()
        assert line.startswith("Category 1 refused: ") and BOTH_FORMATS in line, (name, line)
        records = ledger.read(workspace)
        assert len(records) == before + 1 and records[-1]["status"] == "refused"
        assert [c["name"] for c in records[-1]["checks"] if not c["passed"]] == ["file"]
    assert not built["marker"].exists(), "the planted module was imported"


def test_grade_dir_refuses_each_polyglot_with_the_reason(built, tmp_path):
    import shutil

    folder = tmp_path / "class"
    for name, path in built["polyglots"].items():
        candidate = folder / name.replace(" ", "_") / "Category1"
        candidate.mkdir(parents=True)
        shutil.copyfile(path, candidate / "mymodel.keras")
        shutil.copyfile(built["folder"] / "marker_mod.py", candidate / "marker_mod.py")
    code, summary = exam_json("grade", str(folder), "--workers", "1", cwd=folder)
    assert code == 0 and summary["files"] == 4 and summary["graded"] == 0, summary
    with open(summary["files_csv"], newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 4 and all(row["status"] == "refused" and BOTH_FORMATS in row["reason"] for row in rows), rows
    assert not built["marker"].exists(), "the planted module was imported"


# ---- the stored description: only allow-listed Keras objects, at every depth ----

def _edit_dense(key: str, value):
    def edit(config):
        next(layer for layer in config["config"]["layers"] if layer["class_name"] == "Dense")["config"][key] = value
        return config

    return edit


FOREIGN = {
    "module os": ("kernel_initializer", {"module": "os", "class_name": "system", "config": {}, "registered_name": None}),
    "module builtins function": ("activation", {"module": "builtins", "class_name": "function", "config": "eval",
                                                "registered_name": None}),
    "keras module, other name": ("kernel_initializer", {"module": "keras.src.saving.serialization_lib",
                                                        "class_name": "deserialize_keras_object", "config": {}}),
    "inside a JSON string": ("kernel_initializer", json.dumps({"module": "posixpath", "class_name": "join", "config": {}})),
    "activation string": ("activation", "keras_export"),
    "registered custom": ("bias_initializer", {"class_name": "Zeros", "config": {}, "registered_name": "evil>Zeros"}),
    "typespec": ("kernel_initializer", {"class_name": "__typespec__", "spec_name": "x", "config": []}),
    "unknown initializer": ("kernel_initializer", {"class_name": "Exfiltrate", "config": {}}),
}


@pytest.mark.parametrize("case", FOREIGN, ids=list(FOREIGN))
def test_a_description_naming_anything_but_built_in_keras_is_refused(built, tmp_path, case):
    key, value = FOREIGN[case]
    path = built["build"].edited_config(tmp_path, "foreign.h5", _edit_dense(key, value))
    check, message = refusal(path)
    assert check == "layers" and ("custom" in message or "not a built-in" in message or "unknown" in message
                                  or "not Keras" in message), message


def test_a_keras_2_file_naming_a_planted_module_is_refused_before_tf_keras_imports_it(built, tmp_path):
    path = built["build"].edited_config(tmp_path, "k2.h5", built["build"].naming_module(built["planted"], "Planted"))
    with h5py.File(path, "r+") as handle:
        handle.attrs["keras_version"] = "2.15.0"
    done = run("-m", "graders", "1", str(path), "--json", cwd=built["folder"])
    result = json.loads(done.stdout)
    assert result["status"] == "refused" and "(marker_mod.Planted)" in result["output"], result["output"]
    assert not built["marker"].exists()


def test_an_hdf5_training_config_is_checked_although_it_is_never_compiled(built, tmp_path):
    path = built["build"].good(tmp_path)
    with h5py.File(path, "r+") as handle:
        handle.attrs["training_config"] = json.dumps({"loss": "mse", "optimizer_config": {
            "module": "subprocess", "class_name": "Popen", "config": {"args": ["true"]}}})
    check, message = refusal(path)
    assert check == "layers" and "(subprocess.Popen)" in message


def test_a_keras_archive_naming_a_foreign_module_is_refused(built, tmp_path):
    path = tmp_path / "foreign.keras"
    path.write_bytes(built["build"].keras_config_zip(built["build"].naming_module("os", "system")))
    check, message = refusal(path, BOTH)
    assert check == "layers" and "(os.system)" in message
    def compile_with_os(config):
        config["compile_config"] = {"optimizer": {"module": "keras.optimizers", "class_name": "Adam", "config": {
            "learning_rate": {"module": "os", "class_name": "system", "config": {}}}}, "loss": "mse"}
        return config

    compiled = tmp_path / "compiled.keras"
    compiled.write_bytes(built["build"].keras_config_zip(compile_with_os))
    check, message = refusal(compiled, BOTH)
    assert check == "layers" and "(os.system)" in message
    lambda_path = tmp_path / "lambda.keras"
    lambda_path.write_bytes(built["build"].keras_config_zip(built["build"].with_lambda))
    check, message = refusal(lambda_path, BOTH)
    assert check == "layers" and "has a Lambda layer ('planted')" in message


# ---- unpacked sizes: capped like file sizes, nothing unpacked to find out ----

def test_a_zip_bomb_is_refused_from_its_declared_sizes_without_memory_growth(built, tmp_path):
    bomb = built["build"].zip_bomb(tmp_path, 8)
    lying = built["build"].lying_zip(tmp_path, 8)
    assert bomb.stat().st_size < 2**20 and lying.stat().st_size < 2**20
    assert zipfile.ZipFile(lying).read("config.json") == b"{ "  # what zipfile makes of it, after unpacking 8 MB
    tracemalloc.start()  # Python's own allocations: where unpacked bytes would land
    try:
        check, message = refusal(bomb, BOTH, **SMALL_CAP)
        assert check == "file_size" and "declares assets/zeros.bin as 8 MB when unpacked, over the 1 MB cap" in message
        check, message = refusal(lying, BOTH, **SMALL_CAP)  # declares 2 bytes, holds 8 MB: caught within 64 kB
        assert check == "file_size" and "config.json, which unpacks to more than the 2 bytes it declares" in message
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * 2**20, f"{peak / 2**20:.1f} MB allocated: the archive was unpacked"


def test_an_hdf5_file_whose_compressed_datasets_unpack_past_the_cap_is_refused(built, tmp_path):
    bomb = built["build"].hdf5_bomb(tmp_path, 8)
    assert bomb.stat().st_size < 2**20
    check, message = refusal(bomb, **SMALL_CAP)
    assert check == "file_size" and "declares its weights as 8" in message and "over the 1 MB cap" in message


def test_an_hdf5_chunk_that_unpacks_past_its_size_is_refused_without_memory_growth(built, tmp_path):
    lying = built["build"].lying_hdf5_chunk(tmp_path, 8)
    tracemalloc.start()
    try:
        check, message = refusal(lying)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert check == "file_size" and "/padding that unpacks to more than the 4096 bytes it may hold" in message, message
    assert peak < 4 * 2**20, f"{peak / 2**20:.1f} MB allocated: the chunk was unpacked"


def test_an_hdf5_file_that_links_outside_itself_is_refused(built, tmp_path):
    path = built["build"].external_link(tmp_path, built["polyglots"]["plain"])
    check, message = refusal(path)
    assert check == "file" and "links to another file" in message


def test_a_description_nested_too_deep_to_read_is_refused_as_unreadable(built, tmp_path):
    path = built["build"].good(tmp_path)
    with h5py.File(path, "r+") as handle:
        handle.attrs["model_config"] = "[" * 100_000 + "]" * 100_000
    check, message = refusal(path)
    assert check == "file" and "unreadable model description" in message
