"""tfexam status: the clock and the best score so far in each category."""

from __future__ import annotations


HELP = "show the time left and the best score per category"


def configure(parser):
    parser.add_argument("--live", action="store_true",
                        help="keep the clock and best scores on screen until the time is up or you stop it (Ctrl-C)")
