"""tfexam grade DIR: grade a class's submissions (layouts in exam/batch.py) with warm workers, under Submit's limits."""

from __future__ import annotations

from tfexam import limits
from exam import arguments, batch

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
    parser.add_argument("--roster", metavar="FILE", type=arguments.text,
                        help="CSV with a header id[,name][,email]: who should have submitted (missing candidates become "
                             "rows with 'no submission'; the pages show the names)")
    limits.add_options(parser)
