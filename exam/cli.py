"""tfexam / python -m exam: one entry point; exam/commands/<verb>.py declares a verb's options, exam.api does it.

main() parses, calls the verb's API function with the options it takes (keyword by keyword; the limit options as one
tfexam.limits.Limits), and prints its Reply: one line of text or one JSON object.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import os
import sys

from tfexam import limits
from tfexam.errors import USAGE, ExamError
from exam import api, arguments
from exam.output import Reply, emit

COMMANDS = ("start", "status", "questions", "check", "train", "submit", "end", "report", "solve", "demo", "fetch",
            "doctor", "grade", "autograder")


class UsageError(Exception):
    """A command line argparse refused; main() prints it as one line (argparse would print the usage block too)."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str):
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def fail(message: str, code: int, as_json: bool):
    if as_json:
        print(json.dumps({"error": message, "exit_code": code}))
    print(f"tfexam: {message}", file=sys.stderr)
    raise SystemExit(code)


def build_parser() -> Parser:
    parser = Parser(prog="tfexam", description="A mock TensorFlow Developer Certificate exam, offline.")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--workspace", metavar="DIR", type=arguments.folder_option,
                        help="exam folder (default: inside a checkout its pycharm_project/, inside an exam folder that "
                             "folder, else the current folder)")
    common.add_argument("--json", action="store_true", help="print one JSON object")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=Parser)
    for name in COMMANDS:
        module = importlib.import_module(f"exam.commands.{name}")
        sub = commands.add_parser(name, parents=[common], help=module.HELP, description=module.HELP)
        module.configure(sub)
        sub.set_defaults(verb=getattr(api, name))
    return parser


def call(verb, args: argparse.Namespace) -> Reply:
    """The verb's API function with the parsed options it takes: what the parser knows, nothing invented."""
    options = vars(args)
    wanted = inspect.signature(verb).parameters
    keywords = {name: options[name] for name in wanted if name in options}
    if "limits" in wanted:
        keywords["limits"] = limits.from_args(args)
    return verb(**keywords)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        args = build_parser().parse_args(argv)
    except UsageError as error:
        fail(str(error), USAGE, "--json" in argv)
    except ExamError as error:  # a question declaration that does not load (the autograder's help lists the bank)
        fail(str(error), error.exit_code, "--json" in argv)
    reply = None
    try:
        reply = call(args.verb, args)
        emit(args.json, reply)
        return reply.code
    except BrokenPipeError:  # whoever read our output has gone (`tfexam status | head`): nothing is wrong, say nothing
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the exit's own flush cannot fail again
        return reply.code if reply is not None else 1
    except ExamError as error:
        fail(str(error), error.exit_code, args.json)
    except KeyboardInterrupt:
        fail("interrupted; everything recorded before this point is kept", 130, args.json)
    except Exception as error:  # a bug of ours: still one line (set TFEXAM_DEBUG=1 for the traceback)
        if os.environ.get("TFEXAM_DEBUG"):
            raise
        fail(f"internal error ({type(error).__name__}: {error}); please report it, "
             "and rerun with TFEXAM_DEBUG=1 for details", USAGE, args.json)


if __name__ == "__main__":
    raise SystemExit(main())
