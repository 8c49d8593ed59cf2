"""Every CSV tfexam writes goes through here: a cell that a spreadsheet would run as a formula is written as text.

Excel, LibreOffice and Google Sheets treat a cell starting with =, +, -, @ (and tab or CR before one of them) as a
formula; a candidate named `=HYPERLINK("http://...")` would otherwise become a live link in the teacher's sheet.
The usual defence (OWASP "CSV injection"): prefix such a text cell with a single quote. Numbers stay numbers.
"""

from __future__ import annotations

import csv
from pathlib import Path

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def cell(value):
    """The value as it is safe to write: text that starts like a formula gets a leading '."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(path: Path, rows: list[dict], columns: list[str]) -> None:
    """Header + rows, every cell through `cell()`; written beside and renamed, so a reader never sees half a file."""
    tmp = path.with_name(f".{path.name}.part")
    with open(tmp, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([cell(c) for c in columns])
        writer.writerows([cell(row.get(c, "")) for c in columns] for row in rows)
    tmp.replace(path)
