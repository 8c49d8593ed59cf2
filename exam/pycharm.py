"""The PyCharm run configurations (pycharm_project/.run/*.run.xml), generated from the question declarations.

`python -m exam.pycharm` rewrites them; a test checks the committed files equal what this module renders and runs
the exact command each one describes.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import quoteattr

from exam import questions
from exam.paths import DEFAULT_WORKSPACE

RUN_DIR = DEFAULT_WORKSPACE / ".run"
PROJECT = "$PROJECT_DIR$"
MODULE = DEFAULT_WORKSPACE.name  # PyCharm names the module after the folder it opens


@dataclass(frozen=True)
class RunConfig:
    name: str
    file_stem: str
    target: str  # a module name (module_mode) or a script path
    parameters: str
    working_dir: str
    module_mode: bool
    folder: str  # PyCharm groups configurations by folder in the run menu


def configurations() -> list[RunConfig]:
    workspace = f"--workspace {PROJECT}"
    configs = [
        RunConfig("Start exam", "start_exam", "exam", f"start {workspace}", PROJECT, True, "Exam"),
        RunConfig("Time left", "time_left", "exam", f"status {workspace}", PROJECT, True, "Exam"),
        RunConfig("End exam", "end_exam", "exam", f"end {workspace}", PROJECT, True, "Exam"),
    ]
    for category in questions.available_categories():
        folder = f"{PROJECT}/Category{category}"
        configs += [
            RunConfig(f"Category {category} - train", f"category{category}_train", "exam",
                      f'train {category} --workspace "$PROJECT_DIR$"', PROJECT, True, f"Category {category}"),
            RunConfig(f"Category {category} - Submit and Test", f"category{category}_submit", "exam",
                      f"submit {category} {workspace}", PROJECT, True, f"Category {category}"),
        ]
    return configs


def render(config: RunConfig) -> str:
    options = [
        ("ENV_FILES", ""), ("INTERPRETER_OPTIONS", ""), ("PARENT_ENVS", "true"),
        ("SDK_HOME", ""), ("WORKING_DIRECTORY", config.working_dir), ("IS_MODULE_SDK", "true"),
        ("ADD_CONTENT_ROOTS", "true"), ("ADD_SOURCE_ROOTS", "true"), ("SCRIPT_NAME", config.target),
        ("PARAMETERS", config.parameters), ("SHOW_COMMAND_LINE", "false"), ("EMULATE_TERMINAL", "false"),
        ("MODULE_MODE", "true" if config.module_mode else "false"), ("REDIRECT_INPUT", "false"), ("INPUT_FILE", ""),
    ]
    lines = [
        '<component name="ProjectRunConfigurationManager">',
        f'  <configuration default="false" name={quoteattr(config.name)} type="PythonConfigurationType" '
        f'factoryName="Python" folderName={quoteattr(config.folder)}>',
        f'    <module name={quoteattr(MODULE)} />',
        '    <envs>',
        '      <env name="PYTHONUNBUFFERED" value="1" />',
        '    </envs>',
        *(f'    <option name="{key}" value={quoteattr(value)} />' for key, value in options),
        '    <method v="2" />',
        '  </configuration>',
        '</component>',
    ]
    return "\n".join(lines) + "\n"


def expected_files() -> dict[str, str]:
    return {f"{c.file_stem}.run.xml": render(c) for c in configurations()}


def write(run_dir: Path = RUN_DIR) -> list[Path]:
    run_dir.mkdir(parents=True, exist_ok=True)
    wanted = expected_files()
    for stale in run_dir.glob("*.run.xml"):
        if stale.name not in wanted:
            stale.unlink()
    written = []
    for name, text in wanted.items():
        path = run_dir / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(prog="python -m exam.pycharm", description="Regenerate pycharm_project/.run/").parse_args(argv)
    for path in write():
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
