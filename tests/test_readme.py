"""Every example in README.md runs as written, with the output the README shows.

The convention, in README.md's own source (HTML comments are not rendered):

- ``<!-- example: NAME -->`` starts an example: a fresh, empty folder of its own. It
  runs to the next heading or example.
- ``<!-- file: PATH -->`` right above a fenced block writes the block, as it stands, to
  ``PATH`` in the example's folder. The block's first line names the file as a comment
  (``# cutover.yaml``), so that a reader sees what the HTML comment says.
- A fenced ``console`` block is run in the example's folder: each ``$ COMMAND`` line is
  a command, the lines below it (up to the next ``$``) are its output, stdout and stderr
  together. The block's commands run in order in one bash, so ``$ echo $?`` shows the
  exit code of the command above it.
- ``<!-- skip: REASON -->`` right above a fenced block: not run. Exactly one block has
  it, and it must hold exactly ``make preflight`` and ``make test``: the two commands a
  newcomer copies on a fresh clone are CI itself (.ci/run runs both), not examples.

Every other fenced block fails the test, and so does a file block that no command after
it in its example reads.

The commands run in a real bash with the installed package's ``pytest`` and ``python``
first on PATH, in an environment of their own: ``COLUMNS=80`` (pytest's lines are as
wide as the terminal), ``LC_ALL=C.UTF-8``, ``HOME`` the temporary folder, no variable of
the caller's but PATH, and ``PYTEST_ADDOPTS=-p no:randomly`` (pytest-randomly comes with
this suite's test extra, is no plugin of a user's, and prints its seed).

What may differ between the output and the README, and nothing else (both sides are
normalised the same way, by :func:`normalised`):

- the example's folder, shown as ``/srv/cutover`` in the README;
- pytest's ``platform`` line (the Python, pytest and pluggy versions);
- pytest's ``plugins:`` line (the plugins installed next to pytest-cutover, which must be
  among them);
- the duration of pytest's last line (``1 passed in 0.84s``) and the ``=`` padding that
  centres it, which grows with the duration's width;
- the gate's duration that ends a row of the cutover decision's gate table
  (``  G1  T-60  PASSED  Tooling ready  1 passed  0.07 s``).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
#: The only block not run: the two commands CI itself runs.
CI_COMMANDS = ["make preflight", "make test"]
#: How the README shows the folder an example runs in.
SHOWN_FOLDER = "/srv/cutover"

MARK = re.compile(r"^<!-- (example|file|skip): (.+?) -->$")
FENCE = re.compile(r"^```(\S*)\s*$")
PLATFORM = re.compile(r"^platform \S+ -- Python \S+, pytest-\S+, pluggy-\S+$")
PLUGINS = re.compile(r"^plugins: .*\bcutover-\S+")
GATE_ROW_SECONDS = re.compile(r"^(  G\S*  T\S*  [A-Z ]+  .*  )\d+\.\d{2} s$")
LAST_LINE = re.compile(
    r"^(?:=+ )?(\d+ [a-z]+(?:, \d+ [a-z]+)* in |no tests ran in )\d+\.\d+s(?: =+)?$"
)
#: Printed between two commands of a console block: the index of the next command.
SEPARATOR = "\x1e"


class ReadmeError(AssertionError):
    """A README block that breaks the convention, with its line."""


@dataclass(frozen=True)
class Block:
    """One fenced block: the line of its opening fence, its language, its text, its marks."""

    line: int
    language: str
    text: str
    marks: dict[str, str]


@dataclass(frozen=True)
class File:
    line: int
    path: str
    text: str


@dataclass(frozen=True)
class Command:
    command: str
    output: list[str]


@dataclass(frozen=True)
class Console:
    line: int
    commands: list[Command]


@dataclass
class Example:
    name: str
    line: int
    steps: list[File | Console]


@dataclass(frozen=True)
class Readme:
    examples: list[Example]
    skipped: list[Block]


def fenced_blocks(markdown: str) -> list[tuple[Block, str | None]]:
    """Every fenced block with the marks right above it, and the example it lies in."""
    found: list[tuple[Block, str | None]] = []
    lines = markdown.splitlines()
    marks: dict[str, str] = {}
    example: str | None = None
    index = 0
    while index < len(lines):
        line = lines[index]
        mark = MARK.match(line)
        fence = FENCE.match(line)
        if mark and mark[1] == "example":
            example = f"{mark[2]}:{index + 1}"
            marks = {}
        elif mark:
            marks[mark[1]] = mark[2]
        elif line.startswith("#"):
            example = None
            marks = {}
        elif fence:
            end = next(
                (i for i in range(index + 1, len(lines)) if lines[i].startswith("```")), None
            )
            if end is None:
                raise ReadmeError(f"README.md:{index + 1}: a fenced block is never closed")
            text = "".join(f"{body}\n" for body in lines[index + 1 : end])
            found.append((Block(index + 1, fence[1], text, marks), example))
            marks = {}
            index = end
        else:
            marks = {}
        index += 1
    return found


def console(block: Block) -> Console:
    """A console block's commands, each with the output lines below it."""
    commands: list[Command] = []
    for line in block.text.splitlines():
        if line.startswith("$ "):
            commands.append(Command(line[2:], []))
        elif not commands:
            raise ReadmeError(f"README.md:{block.line}: a console block starts with a $ line")
        else:
            commands[-1].output.append(line)
    if not commands:
        raise ReadmeError(f"README.md:{block.line}: a console block has no $ line")
    return Console(block.line, commands)


def read(markdown: str) -> Readme:
    """The README's examples and skipped blocks; a block that is neither is an error."""
    examples: dict[str, Example] = {}
    skipped: list[Block] = []
    for block, place in fenced_blocks(markdown):
        where = f"README.md:{block.line}"
        if "skip" in block.marks:
            skipped.append(block)
            continue
        if place is None:
            raise ReadmeError(
                f"{where}: a fenced block outside an example; start one with "
                "<!-- example: NAME --> or mark the block <!-- skip: REASON -->"
            )
        name, _, line = place.rpartition(":")
        steps = examples.setdefault(place, Example(name, int(line), [])).steps
        if "file" in block.marks:
            path = block.marks["file"]
            if not block.text.startswith(f"# {path}\n"):
                raise ReadmeError(f"{where}: the block of {path} must start with '# {path}'")
            steps.append(File(block.line, path, block.text))
        elif block.language == "console":
            steps.append(console(block))
        else:
            raise ReadmeError(f"{where}: a fenced block that is neither a file nor a console")
    for example in examples.values():
        if not example.steps or not isinstance(example.steps[-1], Console):
            raise ReadmeError(
                f"README.md:{example.line}: example {example.name!r} must end with a console "
                "block that runs what it writes"
            )
    names = [example.name for example in examples.values()]
    if len(names) != len(set(names)):
        raise ReadmeError(f"README.md: two examples share a name: {sorted(names)}")
    return Readme(list(examples.values()), skipped)


def normalised(lines: list[str], folder: Path) -> list[str]:
    """The lines with what must vary from run to run made the same (see the module doc)."""
    return [_normalised(line.replace(str(folder), SHOWN_FOLDER)) for line in lines]


def _normalised(line: str) -> str:
    if PLATFORM.match(line):
        return "platform <os> -- Python <version>, pytest-<version>, pluggy-<version>"
    if PLUGINS.match(line):
        return "plugins: <the installed plugins, cutover among them>"
    if row := GATE_ROW_SECONDS.match(line):
        return f"{row[1]}<seconds> s"
    if last := LAST_LINE.match(line):
        return f"{last[1]}<duration>"
    return line


def environment(home: Path) -> dict[str, str]:
    """The commands' environment: the installed package's scripts first on PATH, little else."""
    scripts = str(Path(sys.executable).parent)
    return {
        "PATH": os.pathsep.join([scripts, os.environ.get("PATH", os.defpath)]),
        "HOME": str(home),
        "COLUMNS": "80",
        "LC_ALL": "C.UTF-8",
        "PYTEST_ADDOPTS": "-p no:randomly",
    }


def run_console(step: Console, folder: Path, home: Path) -> list[list[str]]:
    """Run a console block's commands in one bash in ``folder``; each command's output lines."""
    script = "".join(
        # The separator is printed between commands; `$?` is kept across it.
        f"status=$?; printf '{SEPARATOR}%s{SEPARATOR}\\n' {index}; (exit $status)\n{c.command}\n"
        for index, c in enumerate(step.commands)
    )
    done = subprocess.run(
        ["bash", "-c", script],
        cwd=folder,
        env=environment(home),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=300,
        check=False,
    )
    parts = re.split(rf"{SEPARATOR}\d+{SEPARATOR}\n", done.stdout)
    assert parts[0] == "", parts[0]
    return [part.splitlines() for part in parts[1:]]


def run_example(example: Example, tmp_path: Path) -> None:
    """Write the example's files and run its commands in order; compare every output."""
    folder = tmp_path / example.name
    folder.mkdir()
    for step in example.steps:
        if isinstance(step, File):
            target = folder / step.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(step.text, encoding="utf-8")
            continue
        outputs = run_console(step, folder, tmp_path)
        assert len(outputs) == len(step.commands)
        for command, output in zip(step.commands, outputs, strict=True):
            shown = normalised(command.output, folder)
            seen = normalised(output, folder)
            assert seen == shown, (
                f"README.md:{step.line}: `{command.command}` printed\n"
                + "\n".join(output)
                + "\n(normalised, compared with the README's lines)"
            )


THE_README = read(README.read_text(encoding="utf-8"))


@pytest.mark.parametrize("example", THE_README.examples, ids=lambda example: example.name)
def test_the_readme_example_runs_as_written(example: Example, tmp_path: Path) -> None:
    run_example(example, tmp_path)


def test_the_only_block_not_run_is_the_two_commands_ci_runs_itself() -> None:
    assert len(THE_README.skipped) == 1
    (block,) = THE_README.skipped
    commands = [line.partition("#")[0].strip() for line in block.text.splitlines()]
    assert commands == CI_COMMANDS


def test_the_readme_has_examples_of_plans_python_checks_and_evidence() -> None:
    """A block lost from the convention would silently leave the examples; count them."""
    files = [step.path for e in THE_README.examples for step in e.steps if isinstance(step, File)]
    consoles = [s for e in THE_README.examples for s in e.steps if isinstance(s, Console)]
    assert "cutover.yaml" in files
    assert "conftest.py" in files
    assert any(path.endswith(".py") and path != "conftest.py" for path in files)
    assert len(files) + len(consoles) + len(THE_README.skipped) == len(
        fenced_blocks(README.read_text(encoding="utf-8"))
    )


# -- the convention and the comparison can fail ------------------------------------------

GOOD = """\
<!-- example: hello -->
<!-- file: hello.txt -->
```text
# hello.txt
```

```console
$ cat hello.txt
# hello.txt
$ false; echo $?
1
```
"""


def test_a_good_example_passes(tmp_path: Path) -> None:
    (example,) = read(GOOD).examples
    run_example(example, tmp_path)


@pytest.mark.parametrize(
    "edit",
    [
        ("$ cat hello.txt\n# hello.txt", "$ cat hello.txt\n# hello, world"),
        ("$ false; echo $?\n1", "$ false; echo $?\n0"),
        ("$ cat hello.txt", "$ cat missing.txt"),
    ],
    ids=["other output", "another exit code", "a command that fails"],
)
def test_an_example_whose_output_differs_fails(tmp_path: Path, edit: tuple[str, str]) -> None:
    (example,) = read(GOOD.replace(*edit)).examples
    with pytest.raises(AssertionError, match=r"README.md:\d+: `"):
        run_example(example, tmp_path)


@pytest.mark.parametrize(
    ("markdown", "says"),
    [
        ("```yaml\na: 1\n```\n", "outside an example"),
        ("<!-- example: x -->\n```yaml\na: 1\n```\n", "neither a file nor a console"),
        ("<!-- example: x -->\n<!-- file: a.yaml -->\n```yaml\na: 1\n```\n", "must start with"),
        (GOOD.replace("```console", "```bash"), "neither a file nor a console"),
        (GOOD + "<!-- file: late.txt -->\n```text\n# late.txt\n```\n", "must end with a console"),
        ("<!-- example: x -->\n```console\nhello\n```\n", r"starts with a \$ line"),
        ("<!-- example: x -->\n```console\n", "never closed"),
    ],
    ids=[
        "no example",
        "no file mark",
        "no name line",
        "not console",
        "file never read",
        "no command",
        "unclosed",
    ],
)
def test_a_block_outside_the_convention_is_refused(markdown: str, says: str) -> None:
    with pytest.raises(ReadmeError, match=says):
        read(markdown)


def test_only_what_must_vary_is_normalised(tmp_path: Path) -> None:
    lines = [
        f"rootdir: {tmp_path}",
        "platform linux -- Python 3.12.1, pytest-8.4.0, pluggy-1.6.0",
        "plugins: html-4.2.0, cutover-0.1.0",
        "plugins: html-4.2.0",
        "===== 1 failed, 2 passed in 12.34s =====",
        "1 passed in 0.84s",
        "took 0.84s",
    ]
    assert normalised(lines, tmp_path) == [
        "rootdir: /srv/cutover",
        "platform <os> -- Python <version>, pytest-<version>, pluggy-<version>",
        "plugins: <the installed plugins, cutover among them>",
        "plugins: html-4.2.0",
        "1 failed, 2 passed in <duration>",
        "1 passed in <duration>",
        "took 0.84s",
    ]
