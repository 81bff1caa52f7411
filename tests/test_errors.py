"""Domain modules raise pytest-cutover's own errors; only the pytest shell makes them usage
errors, with the same words."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from pytest_cutover import errors, messages
from pytest_cutover.model.cutover import Signoff
from pytest_cutover.plan.signoff import collect_signatures

NOW = datetime(2026, 12, 1, 21, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "error", [errors.PlanError, errors.MarkerError, errors.SignoffError, errors.SettingError]
)
def test_every_bad_input_error_is_an_input_error_and_a_cutover_error(
    error: type[Exception],
) -> None:
    assert issubclass(error, errors.InputError)
    assert issubclass(error, errors.CutoverError)
    assert not issubclass(error, pytest.UsageError)


def test_a_bundle_error_is_a_cutover_error_but_not_bad_input() -> None:
    assert issubclass(errors.BundleError, errors.CutoverError)
    assert not issubclass(errors.BundleError, errors.InputError)


def test_the_domain_modules_raise_the_errors_of_the_hierarchy() -> None:
    from pytest_cutover.evidence import bundle  # noqa: PLC0415 - the modules under test
    from pytest_cutover.model import catalog  # noqa: PLC0415
    from pytest_cutover.plan import load  # noqa: PLC0415

    assert load.PlanError is errors.PlanError
    assert catalog.MarkerError is errors.MarkerError
    assert bundle.BundleError is errors.BundleError


def test_a_sign_off_for_an_unknown_role_is_a_signoff_error_not_a_usage_error() -> None:
    with pytest.raises(errors.SignoffError) as excinfo:
        collect_signatures(Signoff("G1", ("rm",)), [("dba", "Ana")], None, NOW)
    assert str(excinfo.value) == messages.UNKNOWN_SIGNOFF_ROLE.format(
        source="--cutover-signoff", role="dba", roles="rm"
    )


def test_a_malformed_sign_off_file_is_a_signoff_error_that_names_the_file(tmp_path: Path) -> None:
    file = tmp_path / "signoff.yaml"
    file.write_text("- rm\n", encoding="utf-8")
    with pytest.raises(errors.SignoffError) as excinfo:
        collect_signatures(Signoff("G1", ("rm",)), [], file, NOW)
    assert str(excinfo.value) == f"{file}: {messages.BAD_SIGNOFF_FILE}"


def test_the_plugin_turns_a_signoff_error_into_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".yaml",
        cutover=(
            "cutover: Errors\n"
            "gates: [{id: G1, phase: T-10}]\n"
            "signoff: {gate: G1, roles: [rm]}\n"
            "checks: [{gate: G1, tool: python3}]\n"
        ),
    )
    result = pytester.runpytest("--cutover-signoff=dba=Ana")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: "
            + messages.UNKNOWN_SIGNOFF_ROLE.format(
                source="--cutover-signoff", role="dba", roles="rm"
            )
        ]
    )
