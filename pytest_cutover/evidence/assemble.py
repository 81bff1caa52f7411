"""Put the evidence document of a finished run together from the run's state."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from pytest_cutover.evidence.document import RunbookFacts, build_document
from pytest_cutover.evidence.run_info import run_info
from pytest_cutover.model.catalog import Catalog
from pytest_cutover.model.decision import FAILING, Decision
from pytest_cutover.model.runbook import phase_times
from pytest_cutover.model.vocabulary import NOT_RAN
from pytest_cutover.model.waivers import waiver_records

if TYPE_CHECKING:
    from pytest_cutover.evidence.records import (
        EvidenceDocument,
        RollbackRecord,
        SignoffRecord,
        SignoffRoleRecord,
    )
    from pytest_cutover.run.session import CheckState, CutoverRun


def evidence_document(
    run: CutoverRun, catalog: Catalog, decision: Decision, exitstatus: int
) -> EvidenceDocument:
    """The evidence document of ``run``, decided as ``decision``."""
    states = list(run.checks.values())  # in run order
    plan = run.plan
    config = run.config
    return build_document(
        plan={
            "name": catalog.name,
            "path": run.settings.plan_shown_as if plan is not None else None,
            "sha256": file_sha256(plan.path) if plan is not None else None,
        },
        run=run_info(
            run_id=run.run_id,
            started=run.started,
            cwd=config.invocation_params.dir,
            argv=config.invocation_params.args,
            target=plan.path.parent if plan is not None else config.rootpath,
            exit_status=exitstatus,
            pytest_version=pytest.__version__,
            redact=run.redact,
        ),
        timeline=catalog.timeline,
        gates=catalog.gates,
        decision=decision,
        checks=[state.record() for state in states],
        interrupted=exitstatus == pytest.ExitCode.INTERRUPTED,
        internal_error=exitstatus == pytest.ExitCode.INTERNAL_ERROR,
        runbook=RunbookFacts(
            t0=run.t0,
            times=ran_spans(states),
            signoff=_signoff(run),
            waivers=waiver_records(run.waivers, run.applied, datetime.now(timezone.utc)),
            rollback=_rollback(run, states),
            deny=plan.deny if plan is not None else (),
            settings={
                "fail_fast": run.settings.fail_fast.value,
                "strict": run.settings.strict,
                "enforce_window": run.settings.enforce_window,
                "allow_mutation": run.settings.allow_mutation,
                "allow_unreadable": run.settings.allow_unreadable,
            },
        ),
    )


def ran_spans(states: Iterable[CheckState]) -> dict[str, tuple[datetime, datetime]]:
    """When each phase's checks really ran: the first start and the last end."""
    return phase_times(
        (s.gate.phase, _instant(s.started), _instant(s.finished))
        for s in states
        if s.started is not None and s.finished is not None and s.outcome not in NOT_RAN
    )


def _instant(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, timezone.utc)


def _signoff(run: CutoverRun) -> SignoffRecord | None:
    signoff = run.plan.signoff if run.plan is not None else None
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


def _rollback(run: CutoverRun, states: list[CheckState]) -> RollbackRecord | None:
    declared = run.plan.rollback if run.plan is not None else None
    triggers = [s.check_id for s in states if s.flags.trigger]
    if declared is None and not triggers:
        return None
    return {
        "command": run.redact(declared.command) if declared is not None else "",
        "runbook": declared.runbook if declared is not None else "",
        "triggers": triggers,
        "fired": [s.check_id for s in states if s.flags.trigger and s.outcome in FAILING],
    }


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()
