"""Windows and macOS code paths that can be driven on Linux: the cache folder of each OS (platformdirs), the
ledger lock (filelock) across processes, and download progress in a console that is no terminal."""

from __future__ import annotations

import io
import subprocess
import sys
import time

import filelock
import platformdirs
import platformdirs.macos
import platformdirs.unix
import platformdirs.windows
import pytest
from clirun import REPO_ROOT, env

from tfexam.data import cache, progress
from exam import ledger


@pytest.fixture()
def no_override(monkeypatch):
    monkeypatch.delenv(cache.ENV_DIR, raising=False)


def test_cache_folder_on_linux_follows_xdg(no_override, monkeypatch, tmp_path):
    monkeypatch.setattr(platformdirs, "PlatformDirs", platformdirs.unix.Unix)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == tmp_path / "xdg" / "tfexam"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.cache_dir() == tmp_path / "home" / ".cache" / "tfexam"


def test_cache_folder_on_macos_is_library_caches(no_override, monkeypatch, tmp_path):
    monkeypatch.setattr(platformdirs, "PlatformDirs", platformdirs.macos.MacOS)
    monkeypatch.setenv("HOME", str(tmp_path / "Jane Doe"))
    assert cache.cache_dir() == tmp_path / "Jane Doe" / "Library" / "Caches" / "tfexam"


def test_cache_folder_on_windows_is_local_appdata(no_override, monkeypatch):
    monkeypatch.setattr(platformdirs, "PlatformDirs", platformdirs.windows.Windows)
    local = r"C:\Users\Jane Doe\AppData\Local"
    monkeypatch.setenv("WIN_PD_OVERRIDE_LOCAL_APPDATA", local)  # platformdirs' own override of the shell folder
    found = str(cache.cache_dir()).replace("\\", "/")
    assert found == local.replace("\\", "/") + "/tfexam/Cache"


def test_the_environment_override_wins_everywhere(monkeypatch, tmp_path):
    monkeypatch.setenv(cache.ENV_DIR, str(tmp_path / "mine"))
    for system in (platformdirs.unix.Unix, platformdirs.macos.MacOS, platformdirs.windows.Windows):
        monkeypatch.setattr(platformdirs, "PlatformDirs", system)
        assert cache.cache_dir() == tmp_path / "mine"


HOLDER = """
import sys, time
from pathlib import Path
from exam import ledger
with ledger.locked(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def test_ledger_lock_excludes_another_process_until_released(tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(tmp_path), "3"], cwd=REPO_ROOT, env=env(),
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    lock_file = tmp_path / ".tfexam" / "ledger.lock"
    with pytest.raises(filelock.Timeout):
        filelock.FileLock(lock_file, timeout=0.5).acquire()
    began = time.monotonic()
    ledger.append(tmp_path, {"category": 1})  # waits for the holder, then writes
    assert time.monotonic() - began > 0.5 and holder.wait(timeout=30) == 0
    assert [r["seq"] for r in ledger.read(tmp_path)] == [1]


def test_progress_in_a_console_without_terminal_prints_percent_and_mb_lines(monkeypatch):
    clock = [100.0]
    monkeypatch.setattr(progress.time, "monotonic", lambda: clock[0])
    out = io.StringIO()  # PyCharm's Run window: not a terminal, so nothing can be redrawn
    bar = progress.Progress("fashion-mnist/train <- mirror", 40 << 20, out)
    for _ in range(40):  # 1 MB a second for 40 s
        clock[0] += 1.0
        bar.update(1 << 20)
    bar.finish("verified")
    lines = out.getvalue().splitlines()
    assert "\r" not in out.getvalue()
    assert len(lines) == 40 // int(progress.LINE_EVERY) + 1
    assert "  8%  3.0 MB/40.0 MB  1.0 MB/s" in lines[0]
    assert lines[-1].endswith("100%  40.0 MB/40.0 MB  1.0 MB/s  verified")


def test_progress_in_a_terminal_redraws_one_line(monkeypatch):
    clock = [0.0]
    monkeypatch.setattr(progress.time, "monotonic", lambda: clock[0])

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    out = Terminal()
    bar = progress.Progress("file", 10 << 20, out)
    for _ in range(10):
        clock[0] += 1.0
        bar.update(1 << 20)
    bar.finish()
    assert out.getvalue().count("\n") == 1 and out.getvalue().count("\r") == 11
