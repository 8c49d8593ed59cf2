"""Every check a grading can fail, by name, and what each failure means for the warm worker that saw it.

A check's name travels in results and ledger records as its text (a StrEnum), so the JSON is unchanged; in the code
it is a member of CheckName, so a renamed check is a NameError, never a silent change to a safety decision.
"""

from __future__ import annotations

from enum import StrEnum


class CheckName(StrEnum):
    FILE = "file"
    FILE_SIZE = "file_size"
    FORMAT = "format"
    LAYERS = "layers"
    LOAD = "load"
    INPUT = "input"  # more than one input
    OUTPUT = "output"  # more than one output
    INPUT_SHAPE = "input_shape"
    INPUT_DTYPE = "input_dtype"
    OUTPUT_SHAPE = "output_shape"
    OUTPUT_VALUES = "output_values"
    BACKBONE = "backbone"  # a kind's preflight: a required layer type
    GRADER = "grader"  # a bug of ours while grading
    TIMEOUT = "timeout"
    MEMORY = "memory"
    CRASH = "crash"

    @property
    def clean(self) -> bool:
        """May a warm worker take the next file after a refusal from this check? (see CLEAN)"""
        return self in CLEAN

    @property
    def stops(self) -> bool:
        """A limit or a crash ended the grading: the result's `stopped` names it."""
        return self in STOPS


# When may a warm worker take the next file after a refusal? Only when the file's bytes and stored description were
# refused before Keras built anything (file, file_size, format, layers), or the model was built by a safe load of
# built-in layers only, exactly as for a graded file, and then failed the contract (shapes, dtype, NaN outputs).
# Anything else (a load that failed half way, a second input, a missing backbone, a grader error, a limit, a crash)
# could have touched the worker's state: that worker is killed and replaced.
CLEAN = frozenset({CheckName.FILE, CheckName.FILE_SIZE, CheckName.FORMAT, CheckName.LAYERS, CheckName.INPUT_SHAPE,
                   CheckName.INPUT_DTYPE, CheckName.OUTPUT_SHAPE, CheckName.OUTPUT_VALUES})
STOPS = frozenset({CheckName.TIMEOUT, CheckName.MEMORY, CheckName.CRASH})
