"""``python -m pytest_cutover verify DIR`` and ``python -m pytest_cutover plan [PLAN]``.

``verify`` checks that an evidence bundle is intact; ``plan`` prints a plan's runbook.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from pytest_cutover import messages
from pytest_cutover.errors import PlanError
from pytest_cutover.evidence.bundle import verify_bundle
from pytest_cutover.model.clock import parse_instant
from pytest_cutover.plan.load import load_plan
from pytest_cutover.run.show_plan import runbook_lines


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; the exit code is 0 for an intact bundle, 1 otherwise, 2 for misuse."""
    parser = argparse.ArgumentParser(prog="python -m pytest_cutover")
    commands = parser.add_subparsers(dest="command", required=True)
    verify = commands.add_parser(
        "verify",
        help="Check an evidence bundle: manifest, evidence schema, and the recorded decision",
    )
    verify.add_argument(
        "bundle",
        type=Path,
        metavar="DIR",
        help="The evidence bundle folder a run wrote with --cutover-evidence=DIR",
    )
    plan = commands.add_parser(
        "plan", help="Print the runbook of a plan: phases on the clock, gates, checks, rollback"
    )
    plan.add_argument(
        "plan",
        type=Path,
        nargs="?",
        default=Path("cutover.yaml"),
        metavar="PLAN",
        help="The plan file (default: cutover.yaml in the current folder)",
    )
    plan.add_argument("--t0", metavar="TIME", help="The cutover moment, overriding the plan's")
    arguments = parser.parse_args(argv)
    if arguments.command == "plan":
        return _print_plan(arguments.plan, arguments.t0)
    return _verify(arguments.bundle)


def _verify(bundle: Path) -> int:
    """Each problem on its own line and exit 1, or ``intact`` (and what that proves) and 0."""
    try:
        problems = verify_bundle(bundle)
    except Exception as error:  # fail closed with a sentence, never a traceback
        problems = [messages.VERIFY_CRASHED.format(error=f"{type(error).__name__}: {error}")]
    if problems:
        for problem in problems:
            print(messages.VERIFY_PROBLEM.format(bundle=bundle, problem=problem), file=sys.stderr)
        summary = messages.VERIFY_NOT_INTACT.format(bundle=bundle, count=len(problems))
        print(summary, file=sys.stderr)
        return 1
    print(messages.VERIFY_INTACT.format(bundle=bundle))
    return 0


def _print_plan(path: Path, t0_text: str | None) -> int:
    try:
        plan = load_plan(path)
        t0 = parse_instant(t0_text) if t0_text is not None else plan.t0
    except (PlanError, ValueError) as error:
        print(messages.COMMAND_ERROR.format(error=error), file=sys.stderr)
        return 2
    print("\n".join(runbook_lines(plan, t0, plan.waivers)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
