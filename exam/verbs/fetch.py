"""`exam fetch [NAME ...] [--all] [--force]`: fill the dataset cache, re-verify what is there, print a table."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from exam.output import Reply
from tfexam.errors import ExamError

if TYPE_CHECKING:  # tfexam.data loads its readers (numpy): only `fetch` itself imports it
    from tfexam.data.store import Row

COLUMNS = ("name", "size", "source", "verified")


@dataclass(frozen=True, kw_only=True)
class Fetched(Reply):
    rows: tuple[Row, ...]  # one per file; a missing one has ok=False and says why
    cache: str


def table(rows: tuple[Row, ...]) -> str:
    from tfexam.data.progress import human_size

    cells = [COLUMNS] + [(r.name, human_size(r.size) if r.size else "-", r.source, r.verified) for r in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip() for line in cells)


def run(*, names: list[str] = (), all: bool = False, force: bool = False, json: bool = False) -> Fetched:
    """Fetch and verify datasets into the cache."""
    from tfexam import data
    from tfexam.data.registry import DATASETS
    from tfexam.data.store import Row

    if all and names:
        raise ExamError("give dataset names or --all, not both")
    if not all and not names:
        raise ExamError(f"name the datasets to fetch ({', '.join(DATASETS)}) or use --all")
    names = list(DATASETS) if all else list(names)
    as_json = json
    rows = tuple(Row(**row) for row in data.fetch(names, progress=not as_json, force=force))
    missing = [row for row in rows if not row.ok]
    lines = []
    if len(missing) < len(rows):  # when nothing could be had, the error lines say it all
        lines.append(table(rows))
        lines += [f"note: {row.name}: {row.message}" for row in rows if row.message and row.ok]
        lines.append(f"cache: {data.cache_dir()}")
    if not as_json:
        for row in missing:
            print(row.message, file=sys.stderr)
    return Fetched(code=2 if missing else 0, text="\n".join(lines), rows=rows, cache=str(data.cache_dir()))
