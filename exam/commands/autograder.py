"""tfexam autograder --question ID --out autograder.zip: a Gradescope autograder that grades as Submit and Test does."""

from __future__ import annotations

from pathlib import Path

from core import questions
from core.errors import ExamError
from exam import arguments, autograder

HELP = "build a Gradescope autograder zip for one question (setup.sh, run_autograder, pinned requirements)"


def configure(parser):
    parser.add_argument("--question", required=True, metavar="ID", help=f"one of {', '.join(questions.all_questions())}")
    parser.add_argument("--out", default="autograder.zip", metavar="FILE", type=arguments.text,
                        help="the zip to write (default autograder.zip)")


def perform(args) -> tuple[int, dict, str]:
    question = questions.get(args.question)
    out = Path(args.out).expanduser().resolve()
    if out.is_dir():
        raise ExamError(f"--out {out} is a folder; give the zip's file name, e.g. {out / 'autograder.zip'}")
    names = autograder.build(question, out)
    data = ", ".join(question.datasets) or "none"
    text = (f"{out}: Gradescope autograder for {question.id} (Category {question.category}, {question.title}); "
            f"{len(names)} files; hidden data fetched at setup: {data}.\nUpload it as the assignment's autograder "
            "(Ubuntu base image); students upload their mymodel.h5.")
    return 0, {"zip": str(out), "question": question.id, "files": len(names), "datasets": list(question.datasets)}, text
