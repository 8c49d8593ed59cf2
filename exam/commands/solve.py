"""tfexam solve N: train the reference solution of the session's category-N question into CategoryN/mymodel.h5."""

from __future__ import annotations

from tfexam import questions

HELP = "train the reference solution for category N into CategoryN/mymodel.h5 (to see a 5/5 run)"


def configure(parser):
    parser.add_argument("category", type=int, choices=questions.CATEGORIES, help="category number 1-5")
