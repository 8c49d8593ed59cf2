"""The one exception a grader raises to refuse a submission, with the line the learner reads."""

from tfexam.checks import CheckName


class Refused(Exception):
    def __init__(self, check: CheckName, message: str):
        super().__init__(message)
        self.check = CheckName(check)
        self.message = message
