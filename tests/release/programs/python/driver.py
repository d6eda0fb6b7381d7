"""Runs __main__.py beside it (or the program named third) as an Automation API inline program (the Python language host is not
served by the Go module proxy here), on the stack the test made with the CLI, and prints the
stack's outputs as JSON on its last line.

    python driver.py <project folder> <stack> [<program beside it>]
"""

import json
import os
import runpy
import sys

from pulumi import automation as auto


def main() -> None:
    work_dir, stack_name, *program = sys.argv[1:]
    program_file = os.path.join(os.path.dirname(os.path.abspath(__file__)), *(program or ["__main__.py"]))
    stack = auto.select_stack(
        stack_name=stack_name,
        project_name=auto.LocalWorkspace(work_dir=work_dir).project_settings().name,
        program=lambda: runpy.run_path(program_file, run_name="__main__"),
        opts=auto.LocalWorkspaceOptions(work_dir=work_dir),
    )
    try:
        result = stack.up(on_output=lambda line: print(line, file=sys.stderr, flush=True))
    except auto.errors.CommandError as error:
        print(f"driver: {error}", file=sys.stderr)
        sys.exit(1)
    print(json.dumps({name: output.value for name, output in result.outputs.items()}))


if __name__ == "__main__":
    main()
