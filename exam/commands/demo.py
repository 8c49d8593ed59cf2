"""tfexam demo: the whole loop offline in a temporary workspace: start, train Category 1, submit, end."""

from __future__ import annotations

from exam import arguments

HELP = "run a complete Category 1 exam in a temporary workspace and print the report"


def configure(parser):
    parser.add_argument("--keep-in", metavar="DIR", type=arguments.folder_option,
                        help="use this folder instead of a new temporary one")
