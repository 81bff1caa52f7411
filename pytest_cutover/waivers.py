"""Waivers: accepted failures, from the plan or a waivers file, each until it expires."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from pytest_cutover import messages
from pytest_cutover.clock import parse_instant
from pytest_cutover.model import Waiver
from pytest_cutover.plan import PlanError, waiver_from
from pytest_cutover.plan_schema import plan_schema
from pytest_cutover.schema_errors import explain
from pytest_cutover.yaml_source import YamlSourceError, load

APPLIED, EXPIRED, UNUSED = "APPLIED", "EXPIRED", "UNUSED"


def load_waivers(path: Path, shown_as: str) -> tuple[Waiver, ...]:
    """The waivers of a waivers file: a YAML list shaped like the plan's ``waivers``."""
    try:
        document = load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise PlanError(messages.PLAN_UNREADABLE.format(file=shown_as, reason=error)) from None
    except YamlSourceError as error:
        problem = messages.PLAN_INVALID_YAML.format(problem=error.problem)
        line = error.line
        raise PlanError(
            messages.PLAN_ERROR.format(file=shown_as, line=line, problem=problem)
        ) from None
    from jsonschema import Draft202012Validator  # noqa: PLC0415 - only a waivers file needs it

    schema = {"$defs": plan_schema()["$defs"], "type": "array", "items": {"$ref": "#/$defs/waiver"}}
    problems = [
        problem
        for error in Draft202012Validator(schema).iter_errors(document.data)
        for problem in explain(error, document)
    ]
    if not problems:
        for index, waiver in enumerate(document.data):
            try:
                parse_instant(waiver["expires"])
            except ValueError as error:
                problems.append((document.line((index, "expires")), f"[{index}].expires: {error}"))
    if problems:
        raise PlanError(
            "\n".join(
                messages.PLAN_ERROR.format(file=shown_as, line=line, problem=problem)
                for line, problem in sorted(problems)
            )
        )
    return tuple(
        waiver_from(data, f"{shown_as}:{document.line((index,))}")
        for index, data in enumerate(document.data)
    )


def active_waiver(waivers: Sequence[Waiver], check_id: str, now: datetime) -> Waiver | None:
    """The first waiver of ``check_id`` that has not expired at ``now``."""
    return next((w for w in waivers if w.check == check_id and not w.expired(now)), None)


def waiver_records(
    waivers: Sequence[Waiver], applied: set[int], now: datetime
) -> list[dict[str, Any]]:
    """Every waiver with what became of it: APPLIED, EXPIRED (not applied) or UNUSED."""
    return [
        {
            "check": waiver.check,
            "justification": waiver.justification,
            "approver": waiver.approver,
            "ticket": waiver.ticket,
            "expires": waiver.expires.isoformat(),
            "source": waiver.source,
            "status": APPLIED if index in applied else EXPIRED if waiver.expired(now) else UNUSED,
        }
        for index, waiver in enumerate(waivers)
    ]
