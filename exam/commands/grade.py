"""tfexam grade DIR: grade a class's submissions (layouts in exam/batch.py) with warm workers, under Submit's limits."""

from __future__ import annotations

import os
from pathlib import Path

from core import limits
from core.errors import ExamError
from exam import arguments, batch
from exam.output import progress

HELP = "grade a folder of submissions (one folder per candidate, or <candidate>_c<N>.h5 files): results.json, CSV, HTML"


def configure(parser):
    parser.add_argument("folder", metavar="DIR", type=arguments.text,
                        help="the submissions: DIR/<candidate>/Category<N>/mymodel.h5 or DIR/<candidate>_c<N>.h5")
    parser.add_argument("--out", metavar="DIR", type=arguments.folder_option,
                        help=f"where results go (default DIR/{batch.OUT_NAME})")
    parser.add_argument("--workers", type=arguments.workers, default=None, metavar="N",
                        help="grading workers side by side (default: the number of CPUs, at most 4)")
    parser.add_argument("--force", action="store_true", help="grade again files already graded (default: keep them)")
    parser.add_argument("--question", action="append", metavar="ID", type=arguments.text,
                        help="grade this question in its category (default: the category's first); repeatable")
    parser.add_argument("--categories", metavar="1,4", type=arguments.categories, help="only these categories")
    limits.add_options(parser)


def perform(args) -> tuple[int, dict, str]:
    folder = Path(args.folder).expanduser().resolve()
    if not folder.is_dir():
        raise ExamError(f"{folder} is not a folder; give the folder that holds the submissions")
    chosen = batch.questions_for(args.question)
    if args.categories:
        chosen = {c: q for c, q in chosen.items() if c in args.categories}
    out = Path(args.out).expanduser().resolve() if args.out else folder / batch.OUT_NAME
    workers = args.workers or min(os.cpu_count() or 1, 4)
    chosen_limits = limits.from_args(args)
    found = batch.discover(folder, out)
    submissions = [s for s in found.submissions if not s.problem]
    if not any(s.category in chosen for s in found.submissions) and not found.blocked:
        raise ExamError(f"no submissions found in {folder}; expected <candidate>/Category<N>/mymodel.h5 folders or "
                        "<candidate>_c<N>.h5 files")
    _prefetch(args, {chosen[s.category] for s in submissions if s.category in chosen})
    batch.prepare_out(out)
    summary = batch.grade_folder(folder, out, chosen, chosen_limits, workers, args.force,
                                 progress=lambda line: progress(args, line), found=found)
    text = (f"{summary['candidates']} candidates, {summary['files']} files: {summary['graded']} graded, "
            f"{summary['failed']} failed (see files.csv), {summary['reused']} kept from an earlier run; "
            f"{summary['seconds']:g} s\n{summary['class_csv']}\n{summary['html']}")
    return 0, summary, text


def _prefetch(args, chosen) -> None:
    """The hidden data before any worker starts: workers then only read the cache, and a missing dataset is one line."""
    from core import data

    names = sorted({name for question in chosen for name in question.datasets})
    if not names:
        return
    progress(args, f"Preparing datasets: {', '.join(names)}")
    problems = data.prefetch(names)
    if problems:
        raise ExamError("; ".join(problems))
