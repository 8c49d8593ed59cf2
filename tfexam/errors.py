"""Expected failures: each becomes one line on stderr and an exit code, never a traceback."""

USAGE = 2
REFUSED = 1


class ExamError(Exception):
    """A failure the user can act on. `str(error)` is the whole message: what is wrong, what to do."""

    def __init__(self, message: str, exit_code: int = USAGE):
        super().__init__(message)
        self.exit_code = exit_code
