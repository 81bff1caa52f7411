"""Put the evidence document of a finished run together from its :class:`FinishedRun`."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from pytest_cutover.evidence.document import RunbookFacts, build_document
from pytest_cutover.evidence.finished import FinishedAttempt, FinishedCheck, FinishedRun
from pytest_cutover.evidence.run_info import run_info
from pytest_cutover.model.clock import ran_spans, utc
from pytest_cutover.model.decision import FAILING

if TYPE_CHECKING:
    from pytest_cutover.evidence.records import (
        AttemptRecord,
        CheckRecord,
        EvidenceDocument,
        RollbackRecord,
        SignoffRecord,
        SignoffRoleRecord,
    )


def evidence_document(run: FinishedRun) -> EvidenceDocument:
    """The evidence document of the finished ``run``."""
    checks = run.checks
    return build_document(
        plan={
            "name": run.name,
            "path": run.plan_shown_as,
            "sha256": file_sha256(run.plan_file) if run.plan_file is not None else None,
        },
        run=run_info(
            run_id=run.run_id,
            started=_utc(run.started),
            cwd=run.cwd,
            argv=run.argv,
            target=run.target,
            exit_status=run.exit_status,
            pytest_version=run.pytest_version,
        ),
        timeline=run.timeline,
        gates=run.gates,
        decision=run.decision,
        checks=[check_entry(check) for check in checks],
        interrupted=run.interrupted,
        internal_error=run.internal_error,
        runbook=RunbookFacts(
            t0=run.t0,
            times=ran_spans(span for check in checks if (span := check.span()) is not None),
            gate_times=ran_spans(s for check in checks if (s := check.gate_span()) is not None),
            signoff=_signoff(run),
            waivers=run.waivers,
            rollback=_rollback(run),
            deny=run.deny,
            settings=run.settings,
        ),
    )


def check_entry(check: FinishedCheck) -> CheckRecord:
    """The check as it appears in the evidence document."""
    entry: CheckRecord = {
        "id": check.check_id,
        "nodeid": check.nodeid,
        "gate": check.gate.id,
        "phase": check.gate.phase,
        "outcome": check.outcome.value,
        "duration": round(check.duration, 3),
        "message": check.message,
        "reason": check.reason,
        "warnings": list(check.warnings),
        "commands": list(check.commands),
        "output": [{"section": title, "text": text} for title, text in check.output],
    }
    if check.attempts:
        entry["attempts"] = [_attempt_entry(attempt) for attempt in check.attempts]
    if check.title:
        entry["title"] = check.title
    return entry


def _attempt_entry(attempt: FinishedAttempt) -> AttemptRecord:
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


def _signoff(run: FinishedRun) -> SignoffRecord | None:
    signoff = run.signoff
    if signoff is None:
        return None
    roles: list[SignoffRoleRecord] = []
    for role in signoff.roles:
        signature = run.signatures.get(role)
        if signature is None:
            roles.append({"role": role, "name": None, "at": None, "source": None})
        else:
            at, source = signature.at, signature.source
            roles.append({"role": role, "name": signature.name, "at": at, "source": source})
    return {"gate": signoff.gate, "roles": roles}


def _rollback(run: FinishedRun) -> RollbackRecord | None:
    declared = run.rollback
    triggers = [c.check_id for c in run.checks if c.trigger]
    if declared is None and not triggers:
        return None
    return {
        "command": declared.command if declared is not None else "",
        "runbook": declared.runbook if declared is not None else "",
        "triggers": triggers,
        "fired": [c.check_id for c in run.checks if c.trigger and c.outcome in FAILING],
    }


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()
