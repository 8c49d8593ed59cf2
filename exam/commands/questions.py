"""tfexam questions: the question bank as declared (no TensorFlow: it reads hidden_tests/*.toml only)."""

from __future__ import annotations

from tfexam import questions

HELP = "list the question bank: id, category, kind, data, checklist skills, reference training time"


def configure(parser):
    parser.add_argument("--category", type=int, choices=questions.CATEGORIES, help="only this category")
