"""``python -m pytest_cutover verify DIR`` and ``python -m pytest_cutover plan [PLAN]``.

``verify`` checks that an evidence bundle is intact; ``plan`` prints a plan's runbook.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from pytest_cutover.bundle import verify_bundle
from pytest_cutover.clock import parse_instant
from pytest_cutover.plan import PlanError, load_plan
from pytest_cutover.show_plan import runbook_lines


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; the exit code is 0 for an intact bundle, 1 otherwise, 2 for misuse."""
    parser = argparse.ArgumentParser(prog="python -m pytest_cutover")
    commands = parser.add_subparsers(dest="command", required=True)
    verify = commands.add_parser(
        "verify",
        help="Check an evidence bundle: manifest, evidence schema, and the recorded decision",
    )
    verify.add_argument("bundle", type=Path, metavar="DIR")
    plan = commands.add_parser(
        "plan", help="Print the runbook of a plan: phases on the clock, gates, checks, rollback"
    )
    plan.add_argument("plan", type=Path, nargs="?", default=Path("cutover.yaml"), metavar="PLAN")
    plan.add_argument("--t0", metavar="TIME", help="The cutover moment, overriding the plan's")
    arguments = parser.parse_args(argv)
    if arguments.command == "plan":
        return _print_plan(arguments.plan, arguments.t0)
    problems = verify_bundle(arguments.bundle)
    if problems:
        for problem in problems:
            print(f"{arguments.bundle}: {problem}", file=sys.stderr)
        print(f"{arguments.bundle}: NOT intact ({len(problems)} problems)", file=sys.stderr)
        return 1
    print(f"{arguments.bundle}: intact")
    return 0


def _print_plan(path: Path, t0_text: str | None) -> int:
    try:
        plan = load_plan(path)
        t0 = parse_instant(t0_text) if t0_text is not None else plan.t0
    except (PlanError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print("\n".join(runbook_lines(plan, t0, plan.waivers)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
