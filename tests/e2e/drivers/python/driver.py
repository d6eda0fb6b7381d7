"""Runs a Python example as an Automation API inline program: the Python language host is not
served by the Go module proxy, and an inline program needs only the CLI. The program file runs as
the language host runs __main__.py (runpy), so the example is used unchanged.

    python driver.py <up|preview|refresh> <project folder> <stack> <program file>

The project folder's Pulumi.yaml (plugins, name) is used as it is; the engine's output goes to
stdout and stderr, and a failed operation exits 1 with its error.
"""

import runpy
import sys

from pulumi import automation as auto


def main() -> None:
    if len(sys.argv) != 5:
        sys.exit("usage: driver.py <up|preview|refresh> <project folder> <stack> <program file>")
    operation, work_dir, stack_name, program_file = sys.argv[1:]

    def program() -> None:
        runpy.run_path(program_file, run_name="__main__")

    project_name = auto.LocalWorkspace(work_dir=work_dir).project_settings().name
    stack = auto.select_stack(
        stack_name=stack_name,
        project_name=project_name,
        program=program,
        opts=auto.LocalWorkspaceOptions(work_dir=work_dir),
    )
    streams = {"on_output": lambda line: print(line, flush=True)}
    try:
        if operation == "up":
            stack.up(**streams)
        elif operation == "preview":
            stack.preview(**streams)
        elif operation == "refresh":
            stack.refresh(**streams)
        else:
            sys.exit(f"unknown operation {operation!r}")
    except auto.errors.CommandError as error:
        print(f"driver: {error}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
