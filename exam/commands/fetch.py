"""`exam fetch [NAME ...] [--all] [--force]`: fill the dataset cache, re-verify what is there, print a table."""

from __future__ import annotations

import argparse

HELP = "download and verify the datasets into the cache (from TFEXAM_DATA_MIRROR first), then print a table"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help="dataset names (e.g. fashion-mnist, sarcasm) or file names (e.g. Sunspots.csv)")
    parser.add_argument("--all", action="store_true", help="every dataset in the registry")
    parser.add_argument("--force", action="store_true", help="fetch again even when the cached copy verifies")
