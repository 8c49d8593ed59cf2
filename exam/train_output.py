"""The stderr of a `tfexam train` child, relayed line by line as it comes, minus framework lines that mislead.

Only exact known framework lines are touched; everything else (the learner's own prints, warnings, tracebacks) is
passed through unchanged, and the tail is kept so that `train` can read the traceback (exam/crashes.py).
- TensorFlow's start-up lines (absl's "before InitializeLog" notice, oneDNN, cuda stub, cpu_feature_guard) are
  printed once per native library that loads, so twice per run: each is shown once.
- Keras calls .h5 "legacy" and advises `.keras` whenever a model is saved to .h5; the exam grades mymodel.h5, so
  that warning is replaced by one line of ours.
"""

from __future__ import annotations

import locale
import os
import re
from collections import deque

START_UP = (
    re.compile(r"^WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR$"),
    re.compile(r"^[IWE]\d{4} [\d:.]+\s+\d+ (?:port|cudart_stub|cpu_feature_guard|cuda_dnn|cuda_fft|cuda_blas|"
               r"cuda_executor|cuda_platform|cuda_diagnostics)\.cc:\d+\] (?P<message>.*)$"),
    re.compile(r"^To enable the following instructions: .*, in other operations, rebuild TensorFlow with the "
               r"appropriate compiler flags\.$"),
)
KERAS3_HDF5 = ("WARNING:absl:You are saving your model as an HDF5 file via `model.save()` or "
               "`keras.saving.save_model(model)`. This file format is considered legacy. We recommend using instead "
               "the native Keras format, e.g. `model.save('my_model.keras')` or "
               "`keras.saving.save_model(model, 'my_model.keras')`.")
TF_KERAS_HDF5 = re.compile(r"^.+?tf_keras[/\\]src[/\\]engine[/\\]training\.py:\d+: UserWarning: You are saving your "
                           r"model as an HDF5 file via `model\.save\(\)`\. This file format is considered legacy\. We "
                           r"recommend using instead the native TF-Keras format, e\.g\. `model\.save\('my_model\.keras'\)`\.$")
TF_KERAS_HDF5_SOURCE = "  saving_api.save_model("
OURS_HDF5 = "tfexam: Keras calls .h5 files legacy, but the exam grades mymodel.h5: keep saving it as .h5."
TAIL_LINES = 400


class Relay:
    """Feed it the child's stderr lines; it returns what to show and keeps the tail."""

    def __init__(self):
        self.seen: set[str] = set()
        self.tail: deque[str] = deque(maxlen=TAIL_LINES)
        self._drop_source_line = False
        self._hdf5_said = False

    def shown(self, line: str) -> str | None:
        """`line` (without its newline) as the learner should see it, or None to leave it out."""
        self.tail.append(line)
        text = line.rstrip("\r\n")
        if self._drop_source_line:
            self._drop_source_line = False
            if text == TF_KERAS_HDF5_SOURCE:
                return None
        start_up = self._start_up_key(text)
        if start_up is not None:
            if start_up in self.seen:
                return None
            self.seen.add(start_up)
            return line
        if text.rstrip() == KERAS3_HDF5 or TF_KERAS_HDF5.match(text):
            self._drop_source_line = not text.startswith("WARNING:absl:")
            if self._hdf5_said:
                return None
            self._hdf5_said = True
            return OURS_HDF5
        return line

    @staticmethod
    def _start_up_key(text: str) -> str | None:
        for pattern in START_UP:
            found = pattern.match(text)
            if found:
                return found.groupdict().get("message") or text
        return None

    def pump(self, fd: int, write) -> None:
        """Read `fd` to its end: whole lines through shown() as they come, then to write(text); a partial line
        ending in \r (a progress bar) is written at once, unfiltered."""
        pending = b""
        while chunk := os.read(fd, 65536):
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for raw in lines:
                shown = self.shown(_decode(raw))
                if shown is not None:
                    write(shown + "\n")
            if b"\r" in pending:
                done, pending = pending.rsplit(b"\r", 1)
                write(_decode(done) + "\r")
        if pending:
            shown = self.shown(_decode(pending))
            if shown is not None:
                write(shown)

    def stderr_tail(self) -> str:
        return "\n".join(line.rstrip("\r\n") for line in self.tail)


def _decode(raw: bytes) -> str:
    """A child's stderr is UTF-8 in most places; a Windows child writing to a pipe uses the locale's code page."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode(locale.getpreferredencoding(False), errors="replace")
