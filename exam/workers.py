"""Grading workers: separate processes (`python -m graders --worker`) that grade one file per job under the limits.

A worker reads one job per line on stdin and answers one JSON line on stdout. The parent watches each job's wall time
and the resident memory of the worker's whole process tree (psutil, on every OS) and kills that tree when a limit is
hit. A warm worker imports TensorFlow once and then grades many files; exam/grading.py decides after each job whether
the worker may take another (a clean result) or must be replaced (anything that could have touched its state).
`Pool` runs several workers side by side for batch grading; Submit and Test uses a single cold worker for one job.
Every worker starts isolated (exam/launch.py): a private empty folder, and no module a learner wrote within reach.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

from tfexam.limits import Limits
from tfexam.questions import Question
from tfexam.result import Usage
from exam import launch
from exam.paths import REPO_ROOT

POLL_S = 0.05  # how often the watcher samples memory; a model fills well under 1 GB in this time
CLOSE_S = 5.0  # a worker told to stop (stdin closed) exits at once; after this long it is killed
MAX_JOBS = 100  # a warm worker is replaced after this many files, bounding any slow leak in the framework
KEEP_BELOW = 0.8  # ... or when, between jobs, it holds more than this share of the memory limit


def child_env() -> dict:
    """The environment of a process that runs the learner's own code (train, solve): the repository importable.
    Grading processes get launch.environment() instead."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    return env


@dataclass(frozen=True)
class Job:
    path: Path
    question: Question
    artifacts: Path | None = None
    fingerprint: bool = False  # also describe the loaded model (grade DIR's similarity check)

    def line(self) -> bytes:
        """Paths made absolute here: the worker runs in its own folder."""
        job = {"category": self.question.category, "question": self.question.id, "path": os.path.abspath(self.path),
               "artifacts": None if self.artifacts is None else os.path.abspath(self.artifacts)}
        if self.fingerprint:
            job["fingerprint"] = True
        return (json.dumps(job) + "\n").encode("utf-8")


@dataclass
class Outcome:
    """What one job did, before anyone interprets it: the worker's answer line (or None), how it ended, and usage."""

    answer: str | None
    exit_code: int | None  # None while the worker lives on
    stopped: str | None  # "timeout" or "memory" when the watcher killed it
    taken: bool  # False: the worker was gone before it started the job, so the file had no part in its end
    stderr_tail: str
    usage: Usage
    integrity: dict | None = None  # the worker's own report on its state after the job (graders/isolation.py)


def split_answer(line: bytes | None) -> tuple[str | None, dict | None]:
    """(the result line without the worker's integrity report, that report or None when it lacks one)."""
    if line is None:
        return None, None
    text = line.decode("utf-8", "replace")
    try:
        answer = json.loads(text)
    except ValueError:
        return text, None
    if not isinstance(answer, dict) or not isinstance(answer.get("integrity"), dict):
        return text, None
    integrity = answer.pop("integrity")
    return json.dumps(answer), integrity


def grader_command(warm: bool) -> list[str]:
    return launch.command("graders", "--worker", *(["--warm"] if warm else []))


def tree_rss_mb(process: psutil.Process) -> float | None:
    """Resident memory of a process and all its descendants in MB; None once the process is gone."""
    try:
        members = [process, *process.children(recursive=True)]
    except psutil.Error:
        return None
    total = 0
    for member in members:
        try:
            total += member.memory_info().rss
        except psutil.Error:  # a descendant that just ended, or one we may not inspect
            pass
    return total / 2**20


def kill_tree(pid: int, process_group: bool = os.name == "posix") -> None:
    """Kill a process and every descendant (psutil: the same on Windows, macOS and Linux). The caller reaps `pid`
    itself (Popen.wait), so that its real exit status is not taken by psutil. `process_group`: also kill the
    process group `pid` leads (POSIX, where workers start their own session)."""
    try:
        root = psutil.Process(pid)
        descendants = root.children(recursive=True)
    except psutil.Error:
        root, descendants = None, []
    for member in [*descendants, root]:
        try:
            if member is not None:
                member.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(descendants, timeout=CLOSE_S)
    if process_group:  # a grandchild that double-forked left the tree but not the session's process group
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


class Worker:
    """One grading process. `run(job)` grades one file; `usable` turns False once it must not take another."""

    def __init__(self, limits: Limits, warm: bool = False):
        self.limits = limits
        self.jobs_done = 0
        self._usable = True
        self._stderr = tempfile.TemporaryFile()
        self.folder = launch.private_folder()
        # stdin stays open between jobs: when this process dies, the worker sees EOF and exits (graders/isolation.py)
        self.process = subprocess.Popen(grader_command(warm), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=self._stderr, env=launch.environment(limits), cwd=self.folder,
                                        start_new_session=os.name == "posix")
        self._watched = psutil.Process(self.process.pid)
        self._answers: queue.Queue[bytes | None] = queue.Queue()
        threading.Thread(target=self._read_answers, name=f"worker-{self.process.pid}", daemon=True).start()

    @property
    def usable(self) -> bool:
        """Alive and never retired: a worker that died between jobs (e.g. the system's OOM killer) is replaced
        before it is handed a file, so that file is not blamed for it."""
        return self._usable and self.process.poll() is None

    @usable.setter
    def usable(self, value: bool) -> None:
        self._usable = value

    def _read_answers(self) -> None:
        for line in self.process.stdout:
            self._answers.put(line)
        self._answers.put(None)

    def run(self, job: Job) -> Outcome:
        """Send one job and watch it until its answer, the worker's end, or a limit."""
        started = time.monotonic()
        stderr_from = os.fstat(self._stderr.fileno()).st_size
        peak, stopped, answer, taken = 0.0, None, None, False
        try:
            self.process.stdin.write(job.line())
            self.process.stdin.flush()
        except OSError:  # already gone: its end is read below
            pass
        try:
            while True:
                try:
                    answer = self._answers.get(timeout=POLL_S)
                    if answer is None or not answer.startswith(b'{"taken"'):
                        break
                    taken, answer = True, None
                    continue
                except queue.Empty:
                    pass
                rss = tree_rss_mb(self._watched)
                peak = max(peak, rss or 0.0)
                if rss is not None and rss > self.limits.memory_mb:
                    stopped = "memory"
                elif time.monotonic() - started > self.limits.seconds:
                    stopped = "timeout"
                if stopped:
                    break
        except BaseException:  # Ctrl-C or any failure here: the worker never outlives the command
            self.stop()
            raise
        self.jobs_done += 1
        after = tree_rss_mb(self._watched) if answer is not None else None
        peak = max(peak, after or 0.0)
        code = None
        if answer is None:  # stopped by a limit, or the worker ended without answering
            if not stopped:
                try:
                    code = self.process.wait(timeout=CLOSE_S)  # its own exit status, before anything reaps it
                except subprocess.TimeoutExpired:
                    pass
            self.stop()
        elif self.jobs_done >= MAX_JOBS or (after or 0.0) > KEEP_BELOW * self.limits.memory_mb:
            self.usable = False
        usage = Usage(round(time.monotonic() - started, 2), round(peak, 1))
        text, integrity = split_answer(answer)
        return Outcome(text, code, stopped, taken or text is not None, self._stderr_since(stderr_from), usage,
                       integrity)

    def _stderr_since(self, offset: int) -> str:
        self._stderr.seek(offset)
        return self._stderr.read()[-4000:].decode("utf-8", "replace")

    def stop(self) -> None:
        """Kill the worker's whole tree now (a limit, a crash, a retirement after a suspicious job)."""
        self.usable = False
        kill_tree(self.process.pid)
        self._reap()

    def close(self) -> None:
        """Let the worker exit on its own (stdin closed); kill its tree if it does not within CLOSE_S."""
        self.usable = False
        try:
            self.process.stdin.close()
        except OSError:
            pass
        try:
            self.process.wait(timeout=CLOSE_S)
        except subprocess.TimeoutExpired:
            kill_tree(self.process.pid)
        self._reap()

    def _reap(self) -> None:
        try:
            self.process.wait(timeout=CLOSE_S)
        except subprocess.TimeoutExpired:
            pass
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except OSError:
                pass
        launch.remove(self.folder)

    def __enter__(self) -> "Worker":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
        self._stderr.close()


class Pool:
    """`size` slots, each grading jobs with one warm worker at a time and replacing it when it is no longer usable."""

    def __init__(self, limits: Limits, size: int):
        self.limits = limits
        self.size = max(1, size)
        self._live: set[Worker] = set()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self.started = 0  # workers started over the pool's life (a measure of how often one was replaced)

    def run(self, jobs: list, grade_one, on_done=None) -> list:
        """grade_one(job, worker_for) -> result, where worker_for() gives a usable worker (started on demand);
        on_done(index, job, result) is called under a lock as each job finishes. Results come back in job order."""
        todo: queue.Queue = queue.Queue()
        for item in enumerate(jobs):
            todo.put(item)
        results: list = [None] * len(jobs)
        errors: list[BaseException] = []
        slots = [threading.Thread(target=self._slot, args=(todo, results, grade_one, on_done, errors), daemon=True)
                 for _ in range(min(self.size, len(jobs)))]
        for slot in slots:
            slot.start()
        try:
            for slot in slots:
                while slot.is_alive():
                    slot.join(timeout=0.2)  # short joins, so Ctrl-C reaches this thread
        except BaseException:
            self._stopping.set()
            with self._lock:
                live = list(self._live)
            for worker in live:
                worker.stop()
            raise
        if errors:
            raise errors[0]
        return results

    def _slot(self, todo: queue.Queue, results: list, grade_one, on_done, errors: list) -> None:
        current: list[Worker] = []

        def worker_for() -> Worker:
            if current and current[0].usable:
                return current[0]
            if current:
                self._retire(current.pop())
            worker = Worker(self.limits, warm=True)
            with self._lock:
                self._live.add(worker)
                self.started += 1
            current.append(worker)
            return worker

        try:
            while not self._stopping.is_set():
                try:
                    index, job = todo.get_nowait()
                except queue.Empty:
                    break
                results[index] = grade_one(job, worker_for)
                if on_done is not None:
                    with self._lock:
                        on_done(index, job, results[index])
        except BaseException as error:  # a bug of ours in a slot: stop the batch and report it in the main thread
            errors.append(error)
            self._stopping.set()
        finally:
            if current:
                self._retire(current.pop())

    def _retire(self, worker: Worker) -> None:
        worker.stop()  # between jobs it holds nothing worth waiting for
        worker._stderr.close()
        with self._lock:
            self._live.discard(worker)
