"""tfexam submit N: Submit and Test. Grade CategoryN/mymodel.h5 on hidden data and record the attempt."""

from __future__ import annotations

from tfexam import limits, questions
from exam import arguments

HELP = "Submit and Test: grade the category's mymodel.h5 on hidden data and record the attempt"


def configure(parser):
    parser.add_argument("category", type=int, choices=questions.CATEGORIES, help="category number 1-5")
    parser.add_argument("--model", metavar="PATH", type=arguments.text,
                        help="the file to submit (default: CategoryN/mymodel.h5)")
    limits.add_options(parser)
