"""The one CSV writer: a text cell a spreadsheet would run as a formula is written as text; numbers stay numbers."""

from __future__ import annotations

import csv

from exam.spreadsheet import FORMULA_STARTS, write_csv

HOSTILE = ['=HYPERLINK("http://x","click")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "\n=1", "=cmd|' /C calc'!A0"]


def test_every_formula_start_is_written_as_text_and_read_back_unchanged_after_the_quote(tmp_path):
    path = tmp_path / "out.csv"
    write_csv(path, [{"name": text, "score": -1.5} for text in HOSTILE] + [{"name": "alice", "score": 3}],
              ["name", "score"])
    with open(path, encoding="utf-8", newline="") as handle:
        table = list(csv.reader(handle))
    assert table[0] == ["name", "score"]
    assert [row[0] for row in table[1:-1]] == ["'" + text for text in HOSTILE]
    assert all(not cell.startswith(FORMULA_STARTS) for row in table for cell in row if not cell.startswith("-1.5"))
    assert table[-1] == ["alice", "3"] and table[1][1] == "-1.5"  # a number is a number, not a formula
    assert not list(tmp_path.glob(".*.part"))


def test_a_header_from_a_caller_goes_through_the_same_rule(tmp_path):
    write_csv(tmp_path / "h.csv", [], ["=bad"])
    assert (tmp_path / "h.csv").read_text(encoding="utf-8").splitlines() == ["'=bad"]
