"""`exam fetch [NAME ...] [--all] [--force]`: fill the dataset cache, re-verify what is there, print a table."""

from __future__ import annotations

import argparse
import sys

from core.errors import ExamError

HELP = "download and verify the datasets into the cache (from TFEXAM_DATA_MIRROR first), then print a table"
COLUMNS = ("name", "size", "source", "verified")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help="dataset names (e.g. fashion-mnist, sarcasm) or file names (e.g. Sunspots.csv)")
    parser.add_argument("--all", action="store_true", help="every dataset in the registry")
    parser.add_argument("--force", action="store_true", help="fetch again even when the cached copy verifies")


def table(rows: list[dict]) -> str:
    from core.data.progress import human_size

    cells = [COLUMNS] + [(r["name"], human_size(r["size"]) if r["size"] else "-", r["source"], r["verified"])
                         for r in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip() for line in cells)


def perform(args) -> tuple[int, dict, str]:
    from core import data
    from core.data.registry import DATASETS

    if args.all and args.names:
        raise ExamError("give dataset names or --all, not both")
    if not args.all and not args.names:
        raise ExamError(f"name the datasets to fetch ({', '.join(DATASETS)}) or use --all")
    names = list(DATASETS) if args.all else args.names
    as_json = getattr(args, "json", False)
    rows = data.fetch(names, progress=not as_json, force=args.force)
    missing = [row for row in rows if not row["ok"]]
    lines = []
    if len(missing) < len(rows):  # when nothing could be had, the error lines say it all
        lines.append(table(rows))
        lines += [f"note: {row['name']}: {row['message']}" for row in rows if row["message"] and row["ok"]]
        lines.append(f"cache: {data.cache_dir()}")
    if not as_json:
        for row in missing:
            print(row["message"], file=sys.stderr)
    return (2 if missing else 0), {"rows": rows, "cache": str(data.cache_dir())}, "\n".join(lines)
