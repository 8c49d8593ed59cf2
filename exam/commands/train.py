"""tfexam train N: check CategoryN/starter.py, then run it (cwd CategoryN, this interpreter) under the session's Keras.

The check never stops training; after a crash, the traceback is read (exam/crashes.py) and its fix is shown at
the learner's line, with the check's lines again. Output is printed as it comes (PyCharm's Run console has no
terminal); stderr passes through exam/train_output.py, which leaves out repeated TensorFlow start-up lines and
Keras' advice against .h5. The script's exit code is the command's. `--repeat K` trains it K times with different
seeds and grades each run (never a submission).
"""

from __future__ import annotations

from tfexam import limits, questions
from exam import arguments

HELP = "check CategoryN/starter.py, then train it (it saves CategoryN/mymodel.h5) under the session's Keras"


def configure(parser):
    parser.add_argument("category", type=int, choices=questions.CATEGORIES, help="category number 1-5")
    parser.add_argument("--repeat", metavar="K", type=arguments.repeats,
                        help="train K times with different seeds and grade each run, to see whether the recipe "
                             "passes reliably (not a submission: never counts)")
    limits.add_options(parser)
