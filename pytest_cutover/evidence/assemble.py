"""Put the evidence document of a finished run together from its :class:`RunRecord`."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pytest_cutover.evidence.document import RunbookFacts, build_document
from pytest_cutover.evidence.record import AttemptRecord, CheckRecord, RunRecord
from pytest_cutover.evidence.run_info import run_info
from pytest_cutover.model.clock import ran_spans, utc
from pytest_cutover.model.decision import FAILING


def evidence_document(record: RunRecord) -> dict[str, Any]:
    """The evidence document of the run ``record`` describes."""
    checks = record.checks
    return build_document(
        plan={
            "name": record.name,
            "path": record.plan_shown_as,
            "sha256": file_sha256(record.plan_file) if record.plan_file is not None else None,
        },
        run=run_info(
            run_id=record.run_id,
            started=_utc(record.started),
            cwd=record.cwd,
            argv=record.argv,
            target=record.target,
            exit_status=record.exit_status,
            pytest_version=record.pytest_version,
        ),
        timeline=record.timeline,
        gates=record.gates,
        decision=record.decision,
        checks=[check_entry(check) for check in checks],
        interrupted=record.interrupted,
        internal_error=record.internal_error,
        runbook=RunbookFacts(
            t0=record.t0,
            times=ran_spans(span for check in checks if (span := check.span()) is not None),
            signoff=_signoff(record),
            waivers=record.waivers,
            rollback=_rollback(record),
            deny=record.deny,
            settings=record.settings,
        ),
    )


def check_entry(check: CheckRecord) -> dict[str, Any]:
    """The check as it appears in the evidence document."""
    entry: dict[str, Any] = {
        "id": check.check_id,
        "nodeid": check.nodeid,
        "gate": check.gate.id,
        "phase": check.gate.phase,
        "outcome": check.outcome.value,
        "duration": round(check.duration, 3),
        "message": check.message,
        "reason": check.reason,
        "warnings": list(check.warnings),
        "commands": [dict(command) for command in check.commands],
        "output": [{"section": title, "text": text} for title, text in check.output],
    }
    if check.attempts:
        entry["attempts"] = [_attempt_entry(attempt) for attempt in check.attempts]
    return entry


def _attempt_entry(attempt: AttemptRecord) -> dict[str, Any]:
    return {
        "number": attempt.number,
        "outcome": attempt.outcome.value,
        "started": _utc_or_none(attempt.started),
        "finished": _utc_or_none(attempt.finished),
        "duration": round(attempt.duration, 3),
        "message": attempt.message,
    }


def _utc(seconds: float) -> str:
    return utc(datetime.fromtimestamp(seconds, timezone.utc))


def _utc_or_none(seconds: float | None) -> str | None:
    return None if seconds is None else _utc(seconds)


def _signoff(record: RunRecord) -> dict[str, Any] | None:
    signoff = record.signoff
    if signoff is None:
        return None
    roles = []
    for role in signoff.roles:
        signature = record.signatures.get(role)
        if signature is None:
            roles.append({"role": role, "name": None, "at": None, "source": None})
        else:
            entry = {"name": signature.name, "at": signature.at, "source": signature.source}
            roles.append({"role": role, **entry})
    return {"gate": signoff.gate, "roles": roles}


def _rollback(record: RunRecord) -> dict[str, Any] | None:
    declared = record.rollback
    triggers = [c.check_id for c in record.checks if c.trigger]
    if declared is None and not triggers:
        return None
    return {
        "command": declared.command if declared is not None else "",
        "runbook": declared.runbook if declared is not None else "",
        "triggers": triggers,
        "fired": [c.check_id for c in record.checks if c.trigger and c.outcome in FAILING],
    }


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()
