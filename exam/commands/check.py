"""tfexam check N: name each construct in CategoryN/starter.py that will fail under the session's Keras, with the fix."""

from __future__ import annotations

from tfexam import questions
from exam import arguments, session

HELP = "read CategoryN/starter.py and name what will fail under this session's Keras (2 or 3), with the fix"


def configure(parser):
    parser.add_argument("category", type=int, choices=questions.CATEGORIES, help="category number 1-5")
    parser.add_argument("--keras", type=int, choices=session.KERAS_CHOICES,
                        help="check against this Keras instead of the session's")
    parser.add_argument("--file", type=arguments.path, metavar="PATH",
                        help="the script to read (default: CategoryN/starter.py)")
