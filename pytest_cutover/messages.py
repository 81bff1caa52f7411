"""Every sentence the plugin says to a person, as constants the tests import."""

from __future__ import annotations

# -- the plan -----------------------------------------------------------------
PLAN_ERROR = "{file}:{line}: {problem}"
PLAN_NOT_FOUND = "{source}: no plan file at {path}; give the path of an existing cutover.yaml"
PLAN_UNREADABLE = "{file}: cannot read the plan: {reason}"
SIDE_FILE_UNREADABLE = "{file}: cannot read the {kind}: {reason}"
PLAN_INVALID_YAML = "not valid YAML: {problem}"
YAML_TOO_LARGE = "the file is larger than {limit} bytes; {what} are limited to {limit} bytes"
YAML_TOO_DEEP = "nests deeper than {limit} levels; {what} are limited to {limit}"
YAML_TOO_MANY_VALUES = (
    "holds more than {limit} values once its aliases are expanded; {what} are limited to {limit}"
)
YAML_BAD_TAGGED_VALUE = "a value does not fit its explicit tag: {error}"
YAML_RECURSIVE_ALIAS = (
    "alias '*{alias}' refers to a value that contains it; aliases may not recurse"
)
PLAN_NOT_A_MAPPING = "the plan must be a mapping with the keys cutover, gates and checks, got {got}"
UNKNOWN_KEY = "{where}: unknown key '{key}'; allowed keys: {allowed}"
MISSING_KEY = "{where}: missing required key '{key}'"
WRONG_TYPE = "{where}: must be {expected}, got {got}"
BAD_FORM = "{where}: '{value}' is not allowed here; {rule}"
NOT_ONE_OF = "{where}: '{value}' is not one of: {allowed}"
TOO_SMALL = "{where}: must be at least {limit}, got {value}"
TOO_LARGE = "{where}: must be at most {limit}, got {value}"
NOT_FINITE = "{where}: must be a finite number, got {value}"
PHASES_OUT_OF_ORDER = (
    "{where}: phase '{phase}' is listed after '{previous}' but does not start after it; "
    "list the phases in clock order, each starting later than the one before"
)
EMPTY_VALUE = "{where}: must not be empty"
NOT_POSITIVE = "{where}: must be greater than 0, got {value}"
PHASES_WITHOUT_T0 = "phases: must include T0, the cutover moment; got {phases}"
ONE_KIND = "{where}: a check has exactly one kind; give one of: {kinds}"
KIND_OPTION = "{where}: '{key}' does not apply to a {kind} check; a {kind} check takes: {allowed}"
BAD_PARAMETER = "{where}: {problem}"
DUPLICATE_PHASE = "phases[{index}]: duplicate phase '{phase}'; phase names must be unique"
DUPLICATE_GATE = (
    "{where}: duplicate gate id '{id}' (first at line {first}); gate ids must be unique"
)
DUPLICATE_CHECK = (
    "{where}: duplicate check id '{id}' (first at line {first}); check ids must be unique, "
    "give this check an explicit id"
)
UNKNOWN_PHASE = "{where}: unknown phase '{phase}'; phases: {phases}"
UNKNOWN_GATE = "{where}: unknown gate '{gate}'; gates: {gates}"
TRIGGER_IN_PREFLIGHT = (
    "rollback trigger {check} is a preflight check; triggers belong to phases from T0 on"
)
NO_PYTHON_CHECKS = (
    "no file or folder '{path}' next to the plan; give the folders of its Python checks"
)
MUTATING_IN_PREFLIGHT = (
    "check {check} is mutating and its gate is in a preflight phase; preflight never mutates"
)

# -- the clock ----------------------------------------------------------------
INSTANT_NOT_A_TIME = (
    "{text!r} is not a date and time with an offset, like 2026-12-01T22:00:00+01:00"
)
INSTANT_BAD_OFFSET = "{text!r} has the UTC offset {offset}; offsets lie between -23:59 and +23:59"
INSTANT_OUTSIDE_YEARS = (
    "{text!r} lies outside the years the cutover clock works in; "
    "give a time in the years {first} to {last}"
)
INSTANT_NOT_REAL = "{text!r} is not a real date and time ({error}), like 2026-12-01T22:00:00+01:00"
PHASE_TOO_FAR = (
    "phase {phase} starts more than {hours} hours from T0; phases lie within {hours}h of T0"
)
PHASE_OUTSIDE_WINDOW = "phase {phase} ran {first} to {last}, outside its window {start} to {end}"
#: The end of the last phase's window, which has none.
OPEN_END = "open end"
#: A time or a span in its own offset, then in UTC.
ON_BOTH_CLOCKS = "{own}, UTC {utc}"
SPAN = "{start} to {end}"

# -- options ------------------------------------------------------------------
#: A problem and where it came from: an option, an ini key, an environment variable, a file.
FROM_SOURCE = "{source}: {problem}"
BAD_CHOICE = "{source}: '{value}' is not a valid value; allowed: {allowed}"
BAD_REDACT_PATTERN = (
    "{source}: {problem}; allowed: a Python regular expression, optionally with a group "
    "named 'secret' for the part to replace"
)
FILE_NOT_FOUND = "{source}: no file at {path}"
BAD_SIGNOFF = (
    "--cutover-signoff: '{value}' is not ROLE=NAME; give it like "
    "--cutover-signoff release-manager='Ana Lima'"
)
UNKNOWN_SIGNOFF_ROLE = "{source}: unknown sign-off role '{role}'; the plan's roles: {roles}"
BAD_SIGNOFF_FILE = (
    "a sign-off file maps each role to a name, or to {name: ..., at: <time with offset>}"
)
SIGNOFF_CONFLICT = (
    "{source}: role '{role}' is signed off twice, as '{first}' ({first_source}) and as "
    "'{second}'; give one name per role"
)
BAD_INI_NUMBER = "{key} in {inifile}: {problem}; allowed: {allowed}"
#: What a number ini key holds, by its type.
INI_NUMBER_ALLOWED = {"int": "a whole number", "float": "a number"}
BAD_INI_FLAG = "{key} in {inifile}: {problem}; allowed: true, false, yes, no, on, off, 1, 0"
NO_SIGNOFF_PLAN = "{source}: sign-offs were given, but the plan has no signoff section"
BLANK_SIGNOFF_NAME = (
    "{source}: the sign-off of '{role}' has a blank name; a sign-off names the person who signs"
)
SIGNOFF_IN_FUTURE = (
    "{source}: the sign-off of '{role}' is dated {at}, later than now ({now}); "
    "give the time it was signed, with its offset"
)
SHOW_PLAN_WITHOUT_PLAN = (
    "--cutover-show-plan: there is no plan to show; give --cutover-plan or add cutover.yaml"
)
UNKNOWN_PHASE_OPTION = "--cutover-phase: unknown phase '{phase}'; phases: {phases}"
WAIVER_UNKNOWN_CHECK = "{source}: waiver for unknown check '{check}'; checks: {checks}"
TRIGGER_UNKNOWN_CHECK = "{source}: rollback trigger '{check}' is not a check of this run"
TRIGGER_PREFLIGHT_MARKER = (
    "{nodeid}: @pytest.mark.rollback_trigger on a check of phase '{phase}', which is before T0; "
    "triggers belong to phases from T0 on"
)
MUTATING_PREFLIGHT_MARKER = (
    "{nodeid}: @pytest.mark.mutating on a check of phase '{phase}', which is before T0; "
    "preflight never mutates"
)
BAD_EVIDENCE_DIR = (
    "{source}: {problem}; give a new or empty folder, or a previous bundle to replace"
)
PART_BLOCKED = (
    "-p no:{name} turns off one part of pytest-cutover, and a cutover run needs all of them; "
    "-p no:cutover turns off the whole plugin"
)
XDIST_INCOMPATIBLE = (
    "-n/--dist: cutover checks cannot be distributed with pytest-xdist, because gates run "
    "in order and a failed gate blocks the later ones; run them with -n0 or -p no:xdist"
)

# -- markers ------------------------------------------------------------------
MARKER_ARGS = (
    "{nodeid}: @pytest.mark.{marker} takes one {kind} as a string, "
    "like @pytest.mark.{marker}({example!r}) or @pytest.mark.{marker}({keyword}={example!r})"
)
PHASE_WITHOUT_GATE = (
    "{nodeid}: @pytest.mark.phase needs @pytest.mark.gate too; "
    "every cutover check belongs to a gate"
)
MARKER_UNKNOWN_GATE = "{nodeid}: gate '{gate}' is not in the plan {plan}; plan gates: {gates}"
MARKER_UNKNOWN_PHASE = "{nodeid}: unknown phase '{phase}'; phases: {phases}"
MARKER_PHASE_MISMATCH = (
    "{nodeid}: @pytest.mark.phase('{marked}') disagrees with gate {gate} in phase '{phase}'; "
    "give every check of a gate the same phase"
)
MARKER_PREFLIGHT_AFTER_T0 = (
    "{nodeid}: @pytest.mark.preflight on a check of gate {gate} in phase '{phase}', "
    "which is not before T0; remove the marker or move the gate"
)

# -- the runbook (--cutover-show-plan, python -m pytest_cutover plan) ----------
RUNBOOK_TITLE = "{name}: runbook"
RUNBOOK_T0 = "T0: {t0}"
RUNBOOK_NO_T0 = "not set (plan t0 or --cutover-t0)"
RUNBOOK_WINDOW = "  {span}"
RUNBOOK_PHASE = "{phase}{window}  ({kind})"
RUNBOOK_PREFLIGHT = "preflight"
RUNBOOK_AFTER_T0 = "after T0"
RUNBOOK_ADVISORY = "advisory"
RUNBOOK_MUTATING = "mutating"
RUNBOOK_SIGNOFF = "signoff-{role}: sign-off by {role}"
RUNBOOK_NO_ROLLBACK = "rollback: not configured"
RUNBOOK_ROLLBACK_COMMAND = "rollback command (never run by pytest-cutover): {command}"
RUNBOOK_TRIGGERS = "rollback triggers: {triggers}"
RUNBOOK_WAIVER = "waiver: {check} {status} ({source})"
RUNBOOK_GUARD = "mutation guard in preflight: {count} built-in patterns{extra}"
RUNBOOK_GUARD_EXTRA = ", plus {patterns}"

# -- running ------------------------------------------------------------------
PLAN_HEADER = "cutover plan: {path} ({name}: {gates} gates, {checks} declared checks)"
SETTLED_AS = "was settled as {outcome}"
CHECK_FAILED = "cutover check {check} failed: {problem}"
STOP_INTERRUPTED = "interrupted"
STOP_NOT_REPORTED = "not reported"
BLOCKED = "blocked: {cause}"
BLOCKED_BY_GATE = "gate {gate} failed"
BLOCKED_BY_CHECK = "check {check} failed (--cutover-fail-fast=check)"
RAN_NOT_REPORTED = "ran in its gate's pool, but the session stopped before it was reported"
# The progress of a declared check pytest waits for (the live line, or a line now and then).
PROGRESS_RUNNING = "cutover check {check}: running, {elapsed} s"
PROGRESS_ATTEMPT = "cutover check {check}: attempt {number}/{attempts}, {elapsed} s"
PROGRESS_NEXT_ATTEMPT = "{progress}, next attempt in {seconds} s"
PROGRESS_QUEUED = "cutover check {check}: waiting for a free worker, {elapsed} s"
# The log records of a declared check on the gate pool (each begins with the check's id).
LOG_CHECK_STARTED = "started"
LOG_CHECK_ENDED = "%s after %.2f s: %s"
LOG_CHECK_RAISED = "stopped by %s: %s"
LOG_HELD = "held"
LOG_NOT_HELD = "did not hold"
SECONDS_ALLOWED = "a number of seconds from 0 to {limit} (0: none)"
REMOVED_BY_PLUGIN = "another plugin removed it from the run without reporting it deselected"
DESELECTED_BY_PLUGIN = "another plugin deselected it"
BY_PHASE_OPTION = "--cutover-phase"
STOPPED_BEFORE = "the run stopped before it: {why}"
STOPPED_DURING = "the run was interrupted while it ran"
NEVER_CALLED = "it was set up, but its test never ran (--setup-only?)"
REPORT_DISAGREES = (
    "another plugin or a conftest changed its report to {reported}, but the check {truth}; "
    "recorded as an error"
)
RERUN_PASSED = "passed on attempt {attempt} after {failed} failed attempt(s) (a rerun)"
TERMINATED = "{signal}: the run was terminated; the decision is NO-GO"
BLOCKED_MUTATING = "mutating check; run with --cutover-allow-mutation to allow it"
MUTATION_BLOCKED = "blocked mutating command: {command} (matches '{pattern}')"
MUTATION_UNREADABLE = (
    "blocked command the mutation guard cannot read: {command} ({why}); write it as a plain "
    "argv or script, or run with --cutover-allow-unreadable to let what the guard cannot read run"
)
NO_SIGNATURE = (
    "no sign-off from {role}; give --cutover-signoff {role}=NAME or add it to the sign-off file"
)
SIGNED = "signed off by {name} at {at}"
#: A skipped check's reason (a waived or advisory failure, a block): in pytest's report and JUnit.
SETTLED = "{outcome}: {why}"
#: In place of what was cut from a long output or message.
OUTPUT_CUT = "[... {count} characters cut ...]"

# -- the decision ---------------------------------------------------------------
REASON_INTERRUPTED = "the run was interrupted before every check ran"
REASON_INTERNAL_ERROR = "pytest stopped with an internal error"
REASON_NOTHING_RAN = "no cutover check was selected, so no gate ran"
NO_CUTOVER_SELECTED = "no cutover check selected: no cutover decision"
NO_DECISION_MADE = "the run ended before a cutover decision was made"
#: What the exit status of a run means for the cutover (in pytest-json-report's report).
EXIT_NO_DECISION = "exit {code}: no cutover decision was made; it says nothing of the cutover"
EXIT_PROCEED = "exit {code}: the decision is {verdict}: the cutover may proceed"
EXIT_DECIDED_STOP = "exit {code}: the decision is {verdict}: the cutover must not proceed"
EXIT_STRICT_STOP = (
    "exit {code}: --cutover-strict makes a CONDITIONAL-GO fail: the cutover must not proceed"
)
EXIT_OTHER_STOP = (
    "exit {code}: the decision is {verdict}, but the run failed otherwise (a test outside "
    "the gates, the evidence bundle, pytest itself): CI stops here"
)
PROBLEM_LEFT_OUT = (
    "{how} left out {path}, in {folder}, a folder of the plan's Python checks: "
    "its checks were not collected"
)
PROBLEM_COLLECTION_ERROR = (
    "{path} could not be collected (a collection error): its checks are unknown"
)
PROBLEM_LAST_FAILED = (
    "--lf ran only the checks that failed last time: the others were not collected, so a "
    "check that fails now may not have run; decide without --lf"
)
PROBLEM_NARROWED = (
    "the path arguments name only part of {folder}, a folder of the plan's Python checks: "
    "the checks outside them were not collected; name the folder, or give no path"
)
PROBLEM_PYTHON_OFF = (
    "-p no:python collects no Python file, so the plan's Python checks in {folders} "
    "were not collected"
)
PROBLEM_PLAN_NOT_IN_ARGS = (
    "the path arguments include neither the plan nor the folders of its Python checks, so "
    "the plan's other checks were not collected; run pytest with no path, or with {plan}"
)
PROBLEM_COLLECTION_ERROR_ANYWHERE = (
    "{path} could not be collected (a collection error), and without a plan its checks are unknown"
)
REASON_GATE = "gate {gate} {status}: {detail}"
REASON_NO_CHECKS = "it has no checks"
COUNT = "{count} {outcome}"
NO_CHECKS_COUNTED = "no checks"
REASON_TRIGGER = "rollback trigger {check} failed: {message}"
REASON_WARNED = "advisory check {check} failed: {message}"
DECISION_TITLE = "cutover decision"
DECISION_HEADLINE = "{verdict}: {name}"
WAIVER_LINE = "{check}: {status}, approved by {approver}, expires {expires} ({source})"
ROLLBACK_COMMAND = "roll back with (pytest-cutover never runs it): {command}"
ROLLBACK_RUNBOOK = "rollback runbook: {runbook}"
OUT_OF_SCOPE = "not in this run (phase not selected): {gates}"
BUNDLE_WRITTEN = (
    "evidence bundle: {path} (open report.html; verify with python -m pytest_cutover verify)"
)
VERIFY_IN_PROGRESS = (
    "a run (run id {run_id}) began here at {started} and never wrote its bundle "
    "(it was killed): nothing here is evidence of the latest run"
)
VERIFY_SUPERSEDED = (
    "superseded: a later run (run id {run_id}) began at {at}; this bundle is not the latest run"
)
CANNOT_RECOMPUTE = "the decision cannot be recomputed from it: {error}"
BUNDLE_NOT_WRITTEN = "evidence bundle NOT written to {path}: {error}"

# -- the CI summary and annotations (--cutover-summary, GitHub Actions) -------------
BAD_SUMMARY_FILE = "{source}: {problem}; give the path of a Markdown file to write"
SUMMARY_IS_FOLDER = "{path} is a folder"
SUMMARY_PARENT_NOT_FOLDER = "{path} is not a folder, so no file can be written in it"
SUMMARY_NOT_WRITABLE = "{path} cannot be written (permission denied)"
SUMMARY_FOLDER_NOT_WRITABLE = "{path} is a folder this run may not write in (permission denied)"
SUMMARY_HEADING = "Cutover decision: {headline}"
SUMMARY_NO_DECISION_HEADING = "Cutover decision: none"
SUMMARY_RUN = "Run {run_id}, plan {plan}."
SUMMARY_RUN_NO_PLAN = "Run {run_id}, no plan file (gates from the markers)."
SUMMARY_GATE_COLUMNS = ("Gate", "Phase", "Status", "Title", "Checks")
SUMMARY_REASONS = "Reasons"
SUMMARY_WARNINGS = "Warnings"
SUMMARY_WAIVERS = "Waivers"
SUMMARY_CHECKS = "Checks that did not pass"
SUMMARY_CHECK = "({gate}, {phase}) {outcome}: {message}"
SUMMARY_MORE_CHECKS = "and {count} more (see the evidence bundle or the terminal)"
SUMMARY_ROLLBACK = "Rollback"
SUMMARY_WRITTEN = "cutover summary: {path}"
SUMMARY_NOT_WRITTEN = "cutover summary NOT written to {path}: {error}"
STEP_SUMMARY_WRITTEN = "cutover summary appended to the GitHub step summary ({path})"
STEP_SUMMARY_NOT_WRITTEN = "cutover summary NOT appended to the GitHub step summary {path}: {error}"
ANNOTATION_TITLE = "cutover check {check} {outcome} (gate {gate}, {phase})"
ANNOTATION_WAIVER_TITLE = "cutover waiver of {check} expired"
ANNOTATION_WAIVER = "the waiver of {check} expired on {expires} and was not applied ({source})"
ANNOTATION_DECISION_TITLE = "cutover decision {verdict}"

# -- verify ---------------------------------------------------------------------
#: A line of ``verify``'s output: one problem of the bundle.
VERIFY_PROBLEM = "{bundle}: {problem}"
#: ``python -m pytest_cutover plan`` could not read the plan or the time.
COMMAND_ERROR = "error: {error}"
UNSIGNED_MANIFEST = (
    "the manifest is not signed, so verify detects accidental and inconsistent edits, not a "
    "forger who rewrites every file consistently (signing comes with the cutover record)"
)
VERIFY_INTACT = "{bundle}: intact; " + UNSIGNED_MANIFEST
VERIFY_NOT_INTACT = "{bundle}: NOT intact ({count} problems)"
VERIFY_CRASHED = "verify stopped on an unexpected {error}; the bundle is not shown intact"
NOT_A_FOLDER = "{path} is not a folder"
CANNOT_LIST = "{path} cannot be listed: {reason}"
NO_MANIFEST = "{manifest} is missing, so nothing in {path} can be checked"
MANIFEST_NOT_UTF8 = (
    "{manifest} is not UTF-8 text (byte {byte} at offset {offset}); a manifest is "
    "'<sha256>  <file>' lines in UTF-8"
)
MANIFEST_BAD_LINE = "{manifest} line {line} is not '<sha256>  <file>'"
MANIFEST_ABSOLUTE = (
    "{manifest} line {line} names the absolute path {name!r}; a manifest names files of its "
    "own bundle folder"
)
MANIFEST_PARENT = (
    "{manifest} line {line} names {name!r}, outside the bundle ('..'); a manifest names files "
    "of its own bundle folder"
)
MANIFEST_SUBFOLDER = (
    "{manifest} line {line} names {name!r} in a subfolder; a bundle holds its files at its top "
    "level"
)
MANIFEST_REPEATED = "{manifest} line {line} names {name} again (first on line {first})"
MEMBER_REMOVED = "{name} was removed"
MEMBER_CHANGED = "{name} was changed"
MEMBER_ADDED = "{name} was added (it is not in {manifest})"
MEMBER_UNLISTED = "{name} is missing from {manifest}"
MEMBER_SYMLINK = (
    "{name} is a symbolic link (to {target}); a bundle holds its own files, never links"
)
MEMBER_NOT_A_FILE = "{name} is not a regular file (it is a {kind})"
MEMBER_UNREADABLE = "{name} cannot be read: {reason}"
EVIDENCE_NOT_JSON = "evidence.json is not valid JSON: {problem}"
EVIDENCE_TOO_DEEP = (
    "evidence.json is nested deeper than Python can read ({problem}); an evidence document "
    "is a few levels deep"
)
EVIDENCE_SCHEMA = "evidence.json does not match its schema at /{where}: {problem}"
FILE_NOT_UTF8 = "{name} is not UTF-8 text (byte {byte} at offset {offset})"
FILE_UNSTAMPED = "{name} does not carry the run id and decision of its run"
FILE_OTHER_RUN = (
    "{name} is of run {theirs}, but evidence.json is of run {ours}: the files come from "
    "different runs"
)
FILE_OTHER_DECISION = "{name} says the decision is {theirs}, but evidence.json says {ours}"
FILE_NOT_RENDERED = (
    "{name} differs from what evidence.json renders to with this pytest-cutover ({version}): "
    "it was edited after the run, or written by another build of the same version"
)
JUNIT_UNREADABLE = "junit.xml cannot be read back: {problem}"
JUNIT_CASE_COUNT = "junit.xml holds {theirs} test cases, but evidence.json records {ours}"
JUNIT_CASE = "junit.xml test case {number} is {theirs}, but evidence.json records {ours}"
