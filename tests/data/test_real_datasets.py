"""The real files, through the mirror setting: verified into the session's cache once, then loaded and split."""

from __future__ import annotations

import hashlib
import json
import os

import pytest

import tfexam.data
from tfexam import questions
from tfexam.data import cache, hidden
from tfexam.data.mirror import configured
from tfexam.data.registry import FILES

pytestmark = [
    pytest.mark.mirror,
    pytest.mark.skipif(not os.environ.get("TFEXAM_DATA_MIRROR"),
                       reason="needs the dataset mirror: set TFEXAM_DATA_MIRROR to a folder like ../shared/datasets"),
]


def mirrored() -> dict:
    return configured().entries()


def need(name: str) -> None:
    """Skip when a file is neither in the mirror nor already cached (rps and mnist are not in ../shared)."""
    if name not in mirrored() and cache.read_stamp(FILES[name]) is None:
        pytest.skip(f"{name} is not in the mirror ({configured().location}) and this machine has no copy of it")


@pytest.fixture(scope="module")
def fetched() -> dict:
    """Every registry file the mirror holds (a test never downloads from the internet)."""
    rows = tfexam.data.fetch([name for name in FILES if name in mirrored()], progress=False)
    return {row["name"]: row for row in rows}


def test_every_mirrored_file_is_fetched_and_verified(fetched):
    assert fetched.keys() == mirrored().keys() & FILES.keys()
    for name, row in fetched.items():
        assert row["ok"], row["message"]
        assert row["verified"].startswith("sha256"), name


def test_registry_hashes_agree_with_byte_identical_mirror_copies():
    for name, entry in mirrored().items():
        file = FILES.get(name)
        if file and file.sha256 == entry.sha256:
            assert file.size == entry.size, name


def question(question_id):
    return questions.get(question_id)


@pytest.mark.parametrize("name", ["c2_fashion_mnist", "c2_mnist"])
def test_idx_train_and_hidden(fetched, name):
    x, y = tfexam.data.training_data(name)
    assert (x.shape, x.dtype, y.shape, y.dtype) == ((60000, 28, 28), "uint8", (60000,), "uint8")
    assert sorted(set(y.tolist())) == list(range(10))
    x_test, y_test = hidden.hidden_data(question(name))
    assert x_test.shape == (10000, 28, 28) and y_test.shape == (10000,)
    seen = {picture.tobytes() for picture in x}
    assert sum(picture.tobytes() in seen for picture in x_test) == 0


def test_mnist_digits_are_the_official_counts(fetched):
    _, y = tfexam.data.training_data("c2_mnist")
    _, y_test = hidden.hidden_data(question("c2_mnist"))
    assert (y == 1).sum() == 6742 and (y_test == 1).sum() == 1135  # the published class counts of MNIST


def test_json_text_parts_are_the_records_before_and_after_the_split(fetched):
    records = json.loads(tfexam.data.ensure("sarcasm.json").read_bytes())
    cut = question("c4_sarcasm").data.train.stop
    sentences, labels = tfexam.data.training_data("c4_sarcasm")
    assert sentences == [r["headline"] for r in records[:cut]]
    assert labels.tolist() == [r["is_sarcastic"] for r in records[:cut]] and labels.dtype.kind == "i"
    rest, rest_labels = hidden.hidden_data(question("c4_sarcasm"))
    assert rest == [r["headline"] for r in records[cut:]] and len(rest) == len(records) - cut == len(rest_labels)


def test_csv_series_training_part_stops_before_the_hidden_targets(fetched):
    values = tfexam.data.training_data("c5_sunspots")
    all_values = hidden.hidden_data(question("c5_sunspots"), start=0)
    first_hidden = question("c5_sunspots").data.hidden.start
    assert values.dtype == "float32" and values.tolist() == all_values[:first_hidden].tolist()
    assert len(values) == first_hidden and len(all_values) == 3235


def image_hashes(folder) -> set[str]:
    return {hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*.png")}


def test_horse_or_human_folders_share_no_image(fetched):
    train, held_out = tfexam.data.training_data("c3_horses_or_humans"), hidden.hidden_data(question("c3_horses_or_humans"))
    assert sorted(p.name for p in train.iterdir()) == ["horses", "humans"]
    train_images, held_out_images = image_hashes(train), image_hashes(held_out)
    assert (len(train_images), len(held_out_images)) == (1027, 256)
    assert not train_images & held_out_images


def test_the_zipped_household_power_csv_and_the_mobilenet_weights_are_verified(fetched):
    folder = tfexam.data.ensure("household_power.zip")
    assert (folder / "household_power_consumption.csv").stat().st_size == 4729163
    weights = tfexam.data.data_file("keras-applications/mobilenet_2_5_224_tf_no_top.h5")
    assert weights.stat().st_size == 2108140 and weights.read_bytes()[:4] == b"\x89HDF"


def test_corrupted_real_file_is_detected_and_fetched_again(tmp_path, monkeypatch):
    monkeypatch.setenv("TFEXAM_DATA_DIR", str(tmp_path))
    tfexam.data.fetch(["sunspots"], progress=False)
    cached = tmp_path / "Sunspots.csv"
    body = cached.read_bytes()
    info = cached.stat()
    cached.write_bytes(body.replace(b"96.7", b"99.9", 1))
    os.utime(cached, ns=(info.st_atime_ns, info.st_mtime_ns))
    (row,) = tfexam.data.fetch(["sunspots"], progress=False)
    assert row["source"] == "mirror" and "failed verification" in row["message"]
    assert cached.read_bytes() == body


def test_prefetch_reports_nothing_missing_for_mirrored_datasets(fetched):
    assert tfexam.data.prefetch(["sunspots", "fashion-mnist", "horse-or-human"]) == []
