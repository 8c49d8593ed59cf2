"""`grade --roster FILE`: who should have submitted. A CSV with a header: id (required), name and email (optional).

A candidate is matched to the roster by exam.classfolder.candidate_key (case, surrounding and repeated spaces,
Unicode composition), the same rule that merges spellings between files. A bad roster is one line (exit 2) before
anything is graded.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from tfexam.errors import ExamError
from exam.classfolder import candidate_key, printable

COLUMNS = ("id", "name", "email")
MAX_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class Person:
    id: str
    name: str = ""
    email: str = ""

    @property
    def display(self) -> str:
        return self.name or self.id


def read(path: str | Path) -> dict[str, Person]:
    """candidate key -> Person, in the file's order; ExamError naming the file and the line for anything wrong."""
    path = Path(path).expanduser()
    where = printable(str(path))
    try:
        if not path.is_file():
            raise ExamError(f"roster {where} is not a file; give a CSV with a header line: id,name,email")
        if path.stat().st_size > MAX_BYTES:
            raise ExamError(f"roster {where} is over {MAX_BYTES // 1024 // 1024} MB; a roster is one line per candidate")
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ExamError(f"roster {where} is not UTF-8 text; save it as CSV (UTF-8)") from None
    except OSError as error:
        raise ExamError(f"roster {where} cannot be read ({error.strerror or error})") from None
    try:
        table = list(csv.reader(text.splitlines()))
    except csv.Error as error:
        raise ExamError(f"roster {where} is not a CSV file ({error})") from None
    if not table:
        raise ExamError(f"roster {where} is empty; its first line must be the header id,name,email")
    header = [column.strip().casefold() for column in table[0]]
    unknown = [column for column in header if column not in COLUMNS]
    if "id" not in header or unknown or len(set(header)) != len(header):
        raise ExamError(f"roster {where}: the header is {','.join(printable(c) for c in table[0])!r}; it must name "
                        "the columns id (required), name and email (optional), each once")
    people: dict[str, Person] = {}
    for number, row in enumerate(table[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise ExamError(f"roster {where} line {number}: {len(row)} cells, the header has {len(header)}")
        values = {column: printable(" ".join(cell.split())) for column, cell in zip(header, row)}
        if not values["id"]:
            raise ExamError(f"roster {where} line {number}: the id is empty")
        key = candidate_key(values["id"])
        if key in people:
            raise ExamError(f"roster {where} line {number}: {values['id']!r} is already on the roster as "
                            f"{people[key].id!r} (ids are matched without case and surrounding spaces)")
        people[key] = Person(values["id"], values.get("name", ""), values.get("email", ""))
    if not people:
        raise ExamError(f"roster {where} has a header but no candidate")
    return people
