"""The errors pytest-cutover raises on purpose, each carrying sentences for a person.

The hierarchy::

    CutoverError                  an error pytest-cutover raised on purpose
    ├── InputError                bad input from the person who runs the cutover
    │   ├── PlanError             a plan, waivers or sign-off file cannot be read or is invalid
    │   ├── MarkerError           a cutover marker cannot be read or does not fit the plan
    │   ├── SignoffError          a sign-off does not fit the plan, or names nobody
    │   └── SettingError          an option, ini key or environment variable has a bad value
    └── BundleError               the evidence bundle cannot be written where it was asked for

``str(error)`` is the message, one sentence per problem (each line), worded by
:mod:`pytest_cutover.messages`. The modules that find a problem raise these; only
the pytest shell (``plugin.py`` and ``run/``) turns an :class:`InputError` into
:class:`pytest.UsageError` (pytest's exit code 4) with the same message, and
``python -m pytest_cutover`` prints it. A :class:`BundleError` is said in the
terminal summary and leaves no bundle of the run.

This module imports nothing, so that the pure rules in ``model/`` can raise these.
"""

from __future__ import annotations

__all__ = [
    "BundleError",
    "CutoverError",
    "InputError",
    "MarkerError",
    "PlanError",
    "SettingError",
    "SignoffError",
]


class CutoverError(Exception):
    """An error pytest-cutover raised on purpose; ``str(error)`` says what was wrong."""


class InputError(CutoverError):
    """Bad input from the person who runs the cutover: a usage error at the plugin boundary."""


class PlanError(InputError):
    """The plan, a waivers or a sign-off file cannot be used; one sentence per problem."""


class MarkerError(InputError):
    """A cutover marker is used in a way the plugin cannot read, or does not fit the plan."""


class SignoffError(InputError):
    """A sign-off does not fit the plan's roles, names nobody, or is dated in the future."""


class SettingError(InputError):
    """A ``--cutover-*`` option, ``cutover_*`` ini key or ``PYTEST_CUTOVER_*`` value is bad."""


class BundleError(CutoverError):
    """The evidence bundle cannot be written where it was asked for."""
