"""The registry's facts are well formed, every split is disjoint, and exam.data stays light to import."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import exam.data
from exam import questions
from exam.data import cache
from exam.data.registry import DATASETS, FILES, Split, resolve, resolve_all, split, splits_disjoint
from exam.errors import ExamError

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", FILES)
def test_every_file_entry_is_complete(name):
    file = FILES[name]
    assert file.urls and all(url.startswith(("https://", "http://")) for url in file.urls)
    assert file.size > 0
    assert file.sha256 is None or re.fullmatch(r"[0-9a-f]{64}", file.sha256)
    assert file.kind in {"csv", "json", "idx.gz", "npz", "zip"}
    assert file.check.describe()
    assert file.note, "say where the size and hash come from"


def test_every_file_belongs_to_exactly_one_dataset():
    owners = [f for dataset in DATASETS.values() for f in dataset.files]
    assert sorted(owners) == sorted(FILES)


@pytest.mark.parametrize("name", [n for n, d in DATASETS.items() if d.splits])
def test_training_and_hidden_parts_are_disjoint(name):
    train, hidden = split(name, "train"), split(name, "hidden")
    assert splits_disjoint(train, hidden)
    assert set(train.files) | set(hidden.files) <= set(DATASETS[name].files)


def test_disjointness_check_can_fail():
    assert not splits_disjoint(Split(("a",), 0, 100), Split(("a",), 99))
    assert not splits_disjoint(Split(("a",), members=("x", "y")), Split(("a",), members=("y",)))
    assert splits_disjoint(Split(("a",), 0, 100), Split(("a",), 100))
    assert splits_disjoint(Split(("a",)), Split(("b",)))


def test_split_sizes_live_in_the_registry():
    assert split("sarcasm", "train").size == 20000
    assert split("sunspots", "train").stop == 3000 == split("sunspots", "hidden").start


def test_every_question_names_known_datasets_with_a_disjoint_hidden_part():
    for question in questions.all_questions().values():
        for name in question.datasets:
            assert resolve(name), f"{question.id}: {name}"
            dataset = DATASETS.get(name)
            if dataset and "hidden" in dataset.splits:
                assert splits_disjoint(dataset.splits["train"], dataset.splits["hidden"]), question.id


def test_names_resolve_by_dataset_file_or_bare_file_name():
    assert [f.name for f in resolve("fashion-mnist")][0].startswith("fashion-mnist/")
    assert [f.name for f in resolve("Sunspots.csv")] == ["Sunspots.csv"]
    assert [f.name for f in resolve("t10k-labels-idx1-ubyte.gz")] == ["fashion-mnist/t10k-labels-idx1-ubyte.gz"]
    assert [f.name for f in resolve("validation-horse-or-human")] == ["validation-horse-or-human.zip"]
    assert len(resolve_all(["fashion-mnist", "fashion-mnist/train-images-idx3-ubyte.gz"])) == 4
    with pytest.raises(ExamError, match="unknown dataset 'nope'; known datasets: sunspots"):
        resolve("nope")


def test_ensure_refuses_a_name_of_several_unrelated_files():
    with pytest.raises(ExamError, match="stands for several files"):
        exam.data.ensure("horse-or-human")


def test_cache_location_defaults_to_the_user_cache(monkeypatch, tmp_path):
    monkeypatch.delenv("TFEXAM_DATA_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.cache_dir() == tmp_path / "tfexam"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache.cache_dir() == Path.home() / ".cache" / "tfexam"
    monkeypatch.setenv("TFEXAM_DATA_DIR", str(tmp_path / "mine"))
    assert cache.cache_dir() == tmp_path / "mine"


def test_hidden_loaders_are_not_exported_to_candidates():
    import exam.data.hidden

    hidden = {n for n in dir(exam.data.hidden) if n.endswith(("_hidden", "_hidden_dir", "_series"))}
    assert hidden == {"fashion_mnist_hidden", "mnist_hidden", "horse_or_human_hidden_dir", "rps_hidden_dir",
                      "sarcasm_hidden", "sunspots_series"}
    assert not hidden & set(dir(exam.data))


def test_importing_exam_data_loads_no_tensorflow_numpy_or_pandas():
    code = ("import sys, exam.data, exam.data.hidden, exam.commands.fetch; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'tensorflow', 'numpy', 'pandas', 'keras'}))")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
