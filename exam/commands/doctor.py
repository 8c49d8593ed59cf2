"""tfexam doctor: check this machine before a sitting (versions, .h5, datasets, disk, PyCharm project, speed)."""

from __future__ import annotations


HELP = "check this machine before the exam: versions, .h5 saving, datasets, disk, PyCharm project and training speed"


def configure(parser):
    parser.add_argument("--no-speed", action="store_true", help="skip the speed test (one epoch of the Category 3 reference)")
