"""`grade --roster FILE`: reading the roster (exam/roster.py) and matching candidates to it (exam/classfolder.py),
without grading anything."""

from __future__ import annotations

import pytest

from exam import classfolder, roster
from tfexam.errors import ExamError


def write(tmp_path, text: str):
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_ids_names_and_emails_are_read_in_any_column_order_with_a_bom(tmp_path):
    people = roster.read(write(tmp_path, "\ufeffEmail, ID ,Name\nann@x.org,  Ann  Lee ,Ann\n,bob,\n\n"))
    assert people == {"ann lee": roster.Person("Ann Lee", "Ann", "ann@x.org"), "bob": roster.Person("bob")}
    assert people["bob"].display == "bob" and people["ann lee"].display == "Ann"


def test_missing_and_unrostered_candidates_and_merged_spellings(tmp_path):
    for name in ("ANN_c1.h5", "zed_c1.h5"):
        (tmp_path / name).touch()
    found = classfolder.discover(tmp_path, tmp_path / "_tfexam", {"ann": "ann", "max": "Max"})
    assert [(s.candidate, s.category) for s in found.submissions] == [("ann", 1), ("zed", 1)]
    assert found.absent == ["Max"] and found.unrostered == ["zed"] and set(found.folders) == {"ann", "Max", "zed"}
    assert found.notes == {"ann": ["merged spellings: 'ANN', 'ann'"], "zed": ["not on the roster"]}


@pytest.mark.parametrize("text", ["", "id,id\na,b\n", "name\nann\n", "id\n,\n", "id\n \n", "id,name\na\n"])
def test_a_bad_roster_is_an_exam_error(tmp_path, text):
    with pytest.raises(ExamError) as raised:
        roster.read(write(tmp_path, text))
    assert str(raised.value).startswith("roster ") and "\n" not in str(raised.value)
