"""tfexam start: begin a timed session and lay out the category folders with their starters."""

from __future__ import annotations

from exam import arguments, session

HELP = "start a timed exam session (default 300 minutes) and copy the starter scripts"


def configure(parser):
    parser.add_argument("--minutes", type=arguments.minutes, default=session.DEFAULT_MINUTES,
                        help="length of the exam (default 300)")
    parser.add_argument("--restart", action="store_true", help="archive a running session and start a new one")
    parser.add_argument("--categories", type=arguments.categories, help="practise only these categories, e.g. 1,3")
    parser.add_argument("--question", action="append", default=[], metavar="ID", type=arguments.text,
                        help="set a specific question for its category (repeatable)")
    parser.add_argument("--no-fetch", action="store_true", help="do not download the session's datasets now")
    parser.add_argument("--keras", type=int, choices=session.KERAS_CHOICES, default=session.DEFAULT_KERAS,
                        help="train your scripts under Keras 3 (default) or 2 (exam-era tf.keras, via tf-keras)")
    parser.add_argument("--seed", type=int, metavar="N", help="draw the questions with this seed (the same N gives the same mock)")
