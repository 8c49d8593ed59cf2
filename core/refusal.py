"""The one exception a grader raises to refuse a submission, with the line the learner reads."""


class Refused(Exception):
    def __init__(self, check: str, message: str):
        super().__init__(message)
        self.check = check
        self.message = message
