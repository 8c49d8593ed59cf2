"""The real files, through the mirror setting: verified into the session's cache once, then loaded and split."""

from __future__ import annotations

import hashlib
import json
import os

import pytest

import exam.data
from exam.data import cache, hidden
from exam.data.mirror import configured
from exam.data.registry import FILES, split

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
    rows = exam.data.fetch([name for name in FILES if name in mirrored()], progress=False)
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


def test_fashion_mnist_train_and_hidden(fetched):
    x, y = exam.data.fashion_mnist_train()
    assert (x.shape, x.dtype, y.shape, y.dtype) == ((60000, 28, 28), "uint8", (60000,), "uint8")
    assert sorted(set(y.tolist())) == list(range(10)) and (y == 3).sum() == 6000
    x_test, y_test = hidden.fashion_mnist_hidden()
    assert x_test.shape == (10000, 28, 28) and (y_test == 3).sum() == 1000


def test_sarcasm_parts_are_the_records_before_and_after_the_split(fetched):
    records = json.loads(exam.data.ensure("sarcasm.json").read_bytes())
    cut = split("sarcasm", "train").stop
    sentences, labels = exam.data.sarcasm_train()
    assert sentences == [r["headline"] for r in records[:cut]]
    assert labels.tolist() == [r["is_sarcastic"] for r in records[:cut]] and labels.dtype.kind == "i"
    rest, rest_labels = hidden.sarcasm_hidden()
    assert rest == [r["headline"] for r in records[cut:]] and len(rest) == len(records) - cut == len(rest_labels)


def test_sunspots_training_part_stops_before_the_hidden_targets(fetched):
    steps, values = exam.data.sunspots_train()
    all_steps, all_values = hidden.sunspots_series()
    first_hidden = split("sunspots", "hidden").start
    assert len(steps) == first_hidden and steps.max() < first_hidden
    assert values.dtype == "float32" and values.tolist() == all_values[:first_hidden].tolist()
    assert len(all_steps) == 3235 and all_steps.tolist() == list(range(3235))


def image_hashes(folder) -> set[str]:
    return {hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*.png")}


def test_horse_or_human_folders_share_no_image(fetched):
    train, held_out = exam.data.horse_or_human_train_dir(), hidden.horse_or_human_hidden_dir()
    assert sorted(p.name for p in train.iterdir()) == ["horses", "humans"]
    train_images, held_out_images = image_hashes(train), image_hashes(held_out)
    assert (len(train_images), len(held_out_images)) == (1027, 256)
    assert not train_images & held_out_images


def test_frames_without_a_hidden_part(fetched):
    temperatures = exam.data.daily_min_temperatures()
    assert temperatures.shape == (3650, 2) and str(temperatures["Date"].dtype).startswith("datetime64")
    assert exam.data.bbc_text().shape == (2225, 2)


def test_rps_folders_share_no_image(fetched):
    need("rps.zip")
    need("rps-test-set.zip")
    train, held_out = exam.data.rps_train_dir(), hidden.rps_hidden_dir()
    assert sorted(p.name for p in train.iterdir()) == ["paper", "rock", "scissors"]
    assert not image_hashes(train) & image_hashes(held_out)


def test_mnist_parts(fetched):
    need("mnist.npz")
    (x, y), (x_test, y_test) = exam.data.mnist_train(), hidden.mnist_hidden()
    assert x.shape == (60000, 28, 28) and y.shape == (60000,) and x_test.shape == (10000, 28, 28)
    assert y_test.shape == (10000,)


def test_corrupted_real_file_is_detected_and_fetched_again(tmp_path, monkeypatch):
    monkeypatch.setenv("TFEXAM_DATA_DIR", str(tmp_path))
    exam.data.fetch(["sunspots"], progress=False)
    cached = tmp_path / "Sunspots.csv"
    body = cached.read_bytes()
    info = cached.stat()
    cached.write_bytes(body.replace(b"96.7", b"99.9", 1))
    os.utime(cached, ns=(info.st_atime_ns, info.st_mtime_ns))
    (row,) = exam.data.fetch(["sunspots"], progress=False)
    assert row["source"] == "mirror" and "failed verification" in row["message"]
    assert cached.read_bytes() == body


def test_prefetch_reports_nothing_missing_for_mirrored_datasets(fetched):
    assert exam.data.prefetch(["sunspots", "fashion-mnist", "horse-or-human"]) == []
