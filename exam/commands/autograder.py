"""tfexam autograder --question ID --out autograder.zip: a Gradescope autograder that grades as Submit and Test does."""

from __future__ import annotations

from tfexam import questions
from exam import arguments

HELP = "build a Gradescope autograder zip for one question (setup.sh, run_autograder, pinned requirements)"


def configure(parser):
    parser.add_argument("--question", required=True, metavar="ID", help=f"one of {', '.join(questions.all_questions())}")
    parser.add_argument("--out", default="autograder.zip", metavar="FILE", type=arguments.text,
                        help="the zip to write (default autograder.zip)")
