"""Download progress: a redrawn one-line bar in a terminal; elsewhere (PyCharm's Run window, a log) a plain line
with percent and MB every few seconds, then the finished line."""

from __future__ import annotations

import time

BAR_WIDTH = 24
REDRAW_EVERY = 0.1  # seconds, in a terminal
LINE_EVERY = 3.0  # seconds between plain lines where nothing can be redrawn


def human_size(size: int | None) -> str:
    if size is None:
        return "?"
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("kB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} B"


class Progress:
    def __init__(self, label: str, total: int | None, out, *, start: int = 0):
        self.label = label
        self.total = total
        self.out = out
        self.done = start
        self.resumed_from = start
        self.began = time.monotonic()
        self.drawn = 0.0
        self.width = 0
        self.live = bool(out) and getattr(out, "isatty", lambda: False)()

    def speed(self) -> float:
        elapsed = max(time.monotonic() - self.began, 1e-6)
        return (self.done - self.resumed_from) / elapsed

    def line(self) -> str:
        rate = f"{human_size(int(self.speed()))}/s"
        if self.total:
            share = min(self.done / self.total, 1.0)
            filled = int(share * BAR_WIDTH)
            bar = "#" * filled + "-" * (BAR_WIDTH - filled)
            return f"{self.label}  [{bar}] {share:4.0%}  {human_size(self.done)}/{human_size(self.total)}  {rate}"
        return f"{self.label}  {human_size(self.done)}  {rate}"

    def restart(self, start: int, total: int | None) -> None:
        self.done = self.resumed_from = start
        self.total = total
        self.began = time.monotonic()

    def update(self, count: int) -> None:
        self.done += count
        now = time.monotonic()
        if self.live and now - self.drawn >= REDRAW_EVERY:
            self.drawn = now
            self._draw(self.line(), "")
        elif not self.live and self.out and now - max(self.drawn, self.began) >= LINE_EVERY:
            self.drawn = now
            self._draw(self.line(), "\n")

    def finish(self, note: str = "") -> None:
        if not self.out:
            return
        self._draw(self.line() + (f"  {note}" if note else ""), "\n")

    def _draw(self, text: str, end: str) -> None:
        if self.live:
            text = "\r" + text.ljust(self.width)
            self.width = len(text) - 1
        self.out.write(text + end)
        self.out.flush()
