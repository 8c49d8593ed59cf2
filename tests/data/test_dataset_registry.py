"""The registry's facts are well formed, every declared split is disjoint, and tfexam.data stays light to import."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import tfexam.data
from tfexam import questions
from tfexam.data import cache
from tfexam.data.registry import DATASETS, FILES, resolve, resolve_all
from tfexam.errors import ExamError
from tfexam.questions import Split

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", FILES)
def test_every_file_entry_is_complete(name):
    file = FILES[name]
    assert file.urls and all(url.startswith(("https://", "http://")) for url in file.urls)
    assert file.size > 0
    assert file.sha256 is None or re.fullmatch(r"[0-9a-f]{64}", file.sha256)
    assert file.kind in {"csv", "json", "txt", "idx.gz", "h5", "zip"}
    assert file.check.describe()
    assert file.note, "say where the size and hash come from"


def test_every_file_belongs_to_exactly_one_dataset():
    owners = [f for dataset in DATASETS.values() for f in dataset.files]
    assert sorted(owners) == sorted(FILES)


DECLARED = [q for q in questions.all_questions().values() if q.data is not None]


@pytest.mark.parametrize("question", DECLARED, ids=lambda q: q.id)
def test_training_and_hidden_parts_are_disjoint_and_use_the_questions_datasets(question):
    train, hidden = question.data.train, question.data.hidden
    assert train.disjoint(hidden)
    owned = {f for name in question.datasets for f in DATASETS[name].files}
    assert set(train.files) | set(hidden.files) <= owned


def test_disjointness_check_can_fail():
    assert not Split(("a",), 0, 100).disjoint(Split(("a",), 99))
    assert not Split(("a",)).disjoint(Split(("a",), 5, 10))
    assert Split(("a",), 0, 100).disjoint(Split(("a",), 100))
    assert Split(("a",)).disjoint(Split(("b",)))


def test_every_question_names_known_datasets():
    for question in questions.all_questions().values():
        for name in question.datasets:
            assert resolve(name), f"{question.id}: {name}"


def test_the_mnist_registry_is_the_four_official_idx_files():
    assert DATASETS["mnist"].files == tuple(f"mnist/{n}" for n in (
        "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"))
    assert {FILES[n].kind for n in DATASETS["mnist"].files} == {"idx.gz"}


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
        tfexam.data.ensure("horse-or-human")


def test_cache_location_defaults_to_the_user_cache(monkeypatch, tmp_path):
    monkeypatch.delenv("TFEXAM_DATA_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.cache_dir() == tmp_path / "tfexam"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache.cache_dir() == Path.home() / ".cache" / "tfexam"
    monkeypatch.setenv("TFEXAM_DATA_DIR", str(tmp_path / "mine"))
    assert cache.cache_dir() == tmp_path / "mine"


def test_the_hidden_loader_is_not_exported_to_candidates():
    import tfexam.data.hidden

    assert "hidden_data" in dir(tfexam.data.hidden) and "hidden_data" not in dir(tfexam.data)
    assert not {n for n in tfexam.data.__all__ if "hidden" in n}


def test_importing_exam_data_loads_no_tensorflow_numpy_or_pandas():
    code = ("import sys, tfexam.data, tfexam.data.hidden, exam.verbs.fetch; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'tensorflow', 'numpy', 'pandas', 'keras'}))")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
