"""The live clock ("Time left (live)"): time left and the best score per category, refreshed until stopped.

PyCharm's Run window is no terminal, so there the clock prints a new line each minute and whenever something
changes (a score, a warning); in a terminal it redraws one line every second. Warnings at 30 and 5 minutes left.
It reads the session and the ledger (its valid records) only (no TensorFlow), and Ctrl-C or PyCharm's Stop ends it without a traceback.
"""

from __future__ import annotations

import signal
import sys
import time
from pathlib import Path

from tfexam.questions import MAX_SCORE
from exam import ledger, report, session

WARN_AT_MINUTES = (30, 5)
LINE_EVERY_S = 60.0  # a console without a terminal gets a fresh line this often


class Stopped(Exception):
    pass


def scores_line(current: session.Session, records: list[report.Record]) -> str:
    cells = []
    for line in report.category_lines(current, records):
        best = "-" if line.best is None else f"{line.best}/{MAX_SCORE}"
        cells.append(f"C{line.category} {best}")
    return "  ".join(cells)


def warnings_due(time_left: float, already: set[int]) -> list[int]:
    """The warning thresholds (minutes) crossed and not yet announced; the earliest crossing only matters once."""
    return [m for m in WARN_AT_MINUTES if time_left <= m * 60 and m not in already]


def run(workspace: Path, out, *, live_terminal: bool, poll: float = 1.0, line_every: float = LINE_EVERY_S,
        now=time.time, sleep=time.sleep) -> tuple[int, str]:
    """Show the clock until the time is up, the exam ends, or the user stops it; returns (exit code, last words)."""
    previous_handlers = _stop_on_signals()
    warned: set[int] = set()
    last_text, last_line_at = None, float("-inf")
    warned_skipped = 0
    try:
        while True:
            current = session.require(workspace)
            left = current.time_left(now())
            reading = ledger.entries(workspace)
            if reading.skipped > warned_skipped:  # once, and again only if more lines go bad
                _newline(out, live_terminal)
                print(f"tfexam: {reading.warning()}", file=sys.stderr, flush=True)
                warned_skipped = reading.skipped
            scores = scores_line(current, list(reading.records))
            if current.ended:
                return 0, f"The exam has ended. Best scores: {scores}"
            due = warnings_due(left, warned)
            warned.update(due)
            if due and left > 0:  # several at once (a late start of the clock): the most urgent one
                _newline(out, live_terminal)
                out.write(f"*** WARNING: {min(due)} minutes left or less: submit your best models now ***\n")
            if left <= 0:
                return 0, f"Time is up: submissions are now recorded as late. Best scores: {scores}"
            if live_terminal:
                out.write(f"\rTime left {session.format_duration(left)}   {scores}   (Ctrl-C stops the clock)")
            else:
                text = f"Time left {session.format_duration(left)[:-3]}   {scores}"  # minutes: a line when it changes
                if text != last_text or now() - last_line_at >= line_every:
                    out.write(f"[{time.strftime('%H:%M')}] {text}\n")
                    last_text, last_line_at = text, now()
            out.flush()
            sleep(poll)
    except (KeyboardInterrupt, Stopped):
        _newline(out, live_terminal)
        return 0, stopped_line(session.require(workspace), now())
    finally:
        for number, handler in previous_handlers.items():
            signal.signal(number, handler)


def stopped_line(current: session.Session, at: float) -> str:
    """Stopping the display changes nothing; the words say what state the exam is really in."""
    if current.ended:
        return "Clock stopped; the exam has ended."
    return f"Clock stopped; the exam goes on ({report.time_state(current, at)})."


def _newline(out, live_terminal: bool) -> None:
    if live_terminal:
        out.write("\n")


def _stop_on_signals() -> dict:
    """Stop, Ctrl-C and a task manager's SIGTERM all end the display. SIGINT is set explicitly: a process started in
    the background by a shell inherits SIGINT as ignored, and then Python would never raise KeyboardInterrupt."""
    def stop(signum, frame):
        raise Stopped()

    return {number: signal.signal(number, stop) for number in (signal.SIGINT, signal.SIGTERM)}
