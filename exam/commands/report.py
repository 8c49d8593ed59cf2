"""tfexam report: write report.html (scores, attempts over time, diagnostics and plots) and print the summary."""

from __future__ import annotations


HELP = "write the session's report.html into the workspace (self-contained, opens offline) and print its path"


def configure(parser):
    pass
