"""tfexam end: close the session (for good) and print the result.

Ending cannot be undone, so a running exam ends only after the learner types END, exactly and in capitals (in
PyCharm's Run console or a terminal), or passes --yes: a deliberate word, not a reflex. Without readable input
(closed stdin, a script) it refuses instead of waiting.
"""

from __future__ import annotations


HELP = "end the exam (asks you to type END; --yes for scripts) and print the report"


def configure(parser):
    parser.add_argument("--yes", action="store_true", help="end without asking (for scripts)")
