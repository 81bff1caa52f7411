"""``python -m pytest_cutover verify DIR``: check that an evidence bundle is intact."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from pytest_cutover.bundle import verify_bundle


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; the exit code is 0 for an intact bundle, 1 otherwise, 2 for misuse."""
    parser = argparse.ArgumentParser(prog="python -m pytest_cutover")
    commands = parser.add_subparsers(dest="command", required=True)
    verify = commands.add_parser(
        "verify",
        help="Check an evidence bundle: manifest, evidence schema, and the recorded decision",
    )
    verify.add_argument("bundle", type=Path, metavar="DIR")
    arguments = parser.parse_args(argv)
    problems = verify_bundle(arguments.bundle)
    if problems:
        for problem in problems:
            print(f"{arguments.bundle}: {problem}", file=sys.stderr)
        print(f"{arguments.bundle}: NOT intact ({len(problems)} problems)", file=sys.stderr)
        return 1
    print(f"{arguments.bundle}: intact")
    return 0


if __name__ == "__main__":
    sys.exit(main())
