"""Time left (live): refreshes until stopped, warns at 30 and 5 minutes, stops cleanly, never imports TensorFlow."""

from __future__ import annotations

import io
import signal
import subprocess
import sys

from exam import clock, ledger, session
from clirun import REPO_ROOT, env, run, start_practice

PROBE = ("import sys\nfrom exam.cli import main\ncode = main(sys.argv[1:])\n"
         "print('TF' if 'tensorflow' in sys.modules else 'no TF', code)\n")


class FakeTime:
    """now() stands still until the clock sleeps; each sleep moves it `step` seconds on."""

    def __init__(self, start: float, step: float):
        self.t, self.step = start, step

    def now(self) -> float:
        return self.t

    def sleep(self, _seconds: float) -> None:
        self.t += self.step


def test_console_clock_prints_a_line_per_minute_warns_once_at_30_and_5_and_stops_at_zero(tmp_path):
    t0 = 1_700_000_000.0
    started = session.new({1: "c1_line"}, minutes=40, now=t0)
    session.save(tmp_path, started)
    ledger.append(tmp_path, {"session": started.id, "category": 1, "status": "graded", "score": 4, "late": False,
                             "submitted_at": session.iso(t0 + 60)})
    fake = FakeTime(t0, 60.0)
    out = io.StringIO()
    code, last = clock.run(tmp_path, out, live_terminal=False, now=fake.now, sleep=fake.sleep)
    lines = out.getvalue().splitlines()
    assert code == 0 and last.startswith("Time is up") and "C1 4/5" in last
    assert lines[0].endswith("Time left 0:40   C1 4/5")
    warnings = [line for line in lines if line.startswith("*** WARNING")]
    assert [w.split()[2] for w in warnings] == ["30", "5"]
    assert lines.index(warnings[0]) == 10 and lines.index(warnings[1]) == 36  # at 30:00 and 5:00 left, each once
    assert len([line for line in lines if "Time left" in line]) == 40  # one line a minute in a console


def test_terminal_clock_redraws_one_line_and_ends_when_the_exam_ends(tmp_path):
    t0 = 1_700_000_000.0
    session.save(tmp_path, session.new({1: "c1_line"}, minutes=300, now=t0))
    fake = FakeTime(t0, 1.0)
    out = io.StringIO()

    def sleep(seconds):
        fake.sleep(seconds)
        if fake.t - t0 >= 3:  # End exam is pressed elsewhere
            current = session.load(tmp_path)
            current.ended_at = fake.t
            session.save(tmp_path, current)

    code, last = clock.run(tmp_path, out, live_terminal=True, now=fake.now, sleep=sleep)
    assert code == 0 and last.startswith("The exam has ended")
    assert out.getvalue().count("\r") == 3 and "\n" not in out.getvalue()
    assert "\rTime left 4:59:58   C1 -" in out.getvalue()


def test_live_status_runs_to_the_deadline_without_tensorflow(tmp_path):
    start_practice(tmp_path, 1)
    current = session.load(tmp_path)  # shorten the clock to a few seconds: a real run to zero
    current.minutes, current.deadline = 0.05, current.started_at + 3
    session.save(tmp_path, current)
    done = run("-c", PROBE, "status", "--live", "--workspace", str(tmp_path), timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "*** WARNING: 5 minutes left or less: submit your best models now ***"
    assert "Time is up" in done.stdout and lines[-1] == "no TF 0"


def test_live_with_json_is_a_usage_error(tmp_path):
    start_practice(tmp_path, 1)
    done = run("-m", "exam", "status", "--live", "--json", "--workspace", str(tmp_path))
    assert done.returncode == 2 and "one JSON object" in done.stderr


def ignore_sigint():  # what a shell does to a command it starts in the background
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def test_stop_from_the_ide_ends_the_clock_cleanly(tmp_path):
    start_practice(tmp_path, 1)
    # PyCharm's Stop sends SIGINT; a task manager SIGTERM; a clock started in the background inherits SIGINT ignored
    for stop, before in ((signal.SIGINT, None), (signal.SIGTERM, None), (signal.SIGINT, ignore_sigint)):
        process = subprocess.Popen([sys.executable, "-m", "exam", "status", "--live", "--workspace", str(tmp_path)],
                                   cwd=REPO_ROOT, env=env(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, preexec_fn=before)
        assert "Time left 4:59" in process.stdout.readline()
        process.send_signal(stop)
        out, err = process.communicate(timeout=60)
        assert process.returncode == 0 and "Clock stopped; the exam goes on (time left 4:59:" in out, (stop, out, err)
        assert err == ""
