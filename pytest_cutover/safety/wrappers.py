"""What an argv may start: the commands behind wrappers and shell scripts, and what is unknowable.

:func:`read` turns one argv into every command it may start (itself; the command a
wrapper runs; the simple commands of a ``sh -c`` script; what ``find -exec`` or a
``git -c alias.X=...`` runs ...) and, if there is one, the first reason why the
guard cannot know what it runs. This module is pure: nothing is run, no file is
read. :mod:`pytest_cutover.safety.mutation` matches the commands against its deny list.

Wrappers are parsed with the options each one knows; an option it does not know
may or may not take the next word as its value, and both readings are kept, so
the command is found wherever it may start. Unknowable, and refused during
preflight unless allowed: ``eval``; ``$'..'`` or ``$".."`` quoting and brace
expansion (``{a,b}``, ``{1..3}``) in a script; a variable, a command substitution
or a glob where a script names its command (the positional parameters of
``sh -c SCRIPT NAME ARGS...`` are substituted first); ``find -exec {}``; ``git -c
alias.X=...`` with ``--config-env``; more nested commands than :data:`LIMIT`.

>>> read(("env", "-S", "docker compose down")).commands[-1]
('docker', 'compose', 'down')
>>> read(("bash", "-c", "eval \\"$CMD\\"")).unreadable
'eval runs a string put together at run time'
"""

from __future__ import annotations

import functools
import re
import shlex
from collections import deque
from collections.abc import Generator, Iterator
from typing import NamedTuple

#: Commands read from one argv at most; past it the argv is unknowable.
LIMIT = 500


class Reading(NamedTuple):
    """The commands an argv may start, and why the guard cannot know the rest (or None)."""

    commands: tuple[tuple[str, ...], ...]
    unreadable: str | None
    #: The commands that may get more words at run time: ``xargs`` adds what it reads.
    open: tuple[tuple[str, ...], ...] = ()
    #: The script commands with a word made at run time (``$V``, ``$(..)``, backticks, a
    #: glob): the words before it, and that word. What follows may be any words.
    expanded: tuple[tuple[tuple[str, ...], str], ...] = ()


class Wrapper(NamedTuple):
    """What a wrapper's options are, and what comes between them and the command it runs."""

    #: Options that take the next word as their value (or ``--long=value``, ``-xVALUE``).
    valued: frozenset[str] = frozenset()
    #: Options that take no value, or one only when attached (``--opt=value``, ``-xVALUE``).
    flags: frozenset[str] = frozenset()
    #: How many words may come before the command (timeout's duration; chrt's priority).
    before: tuple[int, ...] = (0,)
    #: The words from the command on are one shell script (ssh, watch).
    script: bool = False


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _wrapper(
    valued: str = "", flags: str = "", before: tuple[int, ...] = (0,), script: bool = False
) -> Wrapper:
    return Wrapper(_words(valued), _words(flags), before, script)


_SUDO = _wrapper(
    "-u --user -g --group -C --close-from -D --chdir -p --prompt -R --chroot -r --role -t --type "
    "-T --command-timeout -U --other-user -a --auth-type -c --login-class",
    "-A -b -B -E -e -H -h -i -K -k -l -n -N -P -S -s -V -v --preserve-env --login --shell "
    "--non-interactive --stdin --background --askpass --preserve-groups --set-home --list "
    "--edit --validate --reset-timestamp --remove-timestamp --bell --host",
)
_XARGS = _wrapper(
    "-a --arg-file -d --delimiter -E -I -L -n --max-args -P --max-procs -s --max-chars "
    "--process-slot-var",
    "-0 --null -o --open-tty -p --interactive -r --no-run-if-empty -t --verbose -x --exit "
    "--show-limits -e --eof -i --replace -l --max-lines",
)
_UNSHARE = _wrapper(
    "--propagation --setgroups -R --root -w --wd -S --setuid -G --setgid --map-user --map-group "
    "--map-users --map-groups --monotonic --boottime",
    "-m -u -i -n -p -U -C -T --mount --uts --ipc --net --pid --user --cgroup --time "
    "--kill-child --mount-proc --mount-binfmt -f --fork -r --map-root-user -c "
    "--map-current-user --keep-caps -l --load-interp --map-auto",
)
_CHRT = _wrapper(
    "-T --sched-runtime -P --sched-period -D --sched-deadline",
    "-a --all-tasks -b --batch -d --deadline -f --fifo -i --idle -o --other -r --rr -e --ext "
    "-R --reset-on-fork -m --max -p --pid -v --verbose",
    before=(1, 0),  # the priority; newer chrt lets it out for SCHED_OTHER/BATCH/IDLE
)
_SSH = _wrapper(
    "-B -b -c -D -E -e -F -I -i -J -L -l -m -O -o -p -Q -R -S -W -w",
    "-4 -6 -A -a -C -f -G -g -K -k -M -N -n -q -s -T -t -V -v -X -x -Y -y",
    before=(1,),
    script=True,
)

#: Wrappers that run the command after their options (and ``before`` words) as an argv.
WRAPPERS: dict[str, Wrapper] = {
    "sudo": _SUDO,
    "doas": _wrapper("-u -C", "-n -s -L"),
    "env": _wrapper(
        "-u --unset -C --chdir",
        "- -i --ignore-environment -0 --null -v --debug --list-signal-handling "
        "--ignore-signal --default-signal --block-signal",
    ),
    "nohup": _wrapper(),
    "nice": _wrapper("-n --adjustment"),
    "ionice": _wrapper("-c --class -n --classdata -p --pid -P --pgid -u --uid", "-t --ignore"),
    "stdbuf": _wrapper("-i --input -o --output -e --error"),
    "setsid": _wrapper("", "-c --ctty -f --fork -w --wait"),
    "time": _wrapper("-o --output -f --format", "-a --append -p --portability -v --verbose -q"),
    "command": _wrapper("", "-p"),
    "exec": _wrapper("-a", "-c -l"),
    "builtin": _wrapper(),
    "xargs": _XARGS,
    "timeout": _wrapper(
        "-s --signal -k --kill-after", "--preserve-status --foreground -v --verbose", (1,)
    ),
    "chroot": _wrapper("--userspec --groups", "--skip-chdir", (1,)),
    "chrt": _CHRT,
    "taskset": _wrapper("", "-a --all-tasks -c --cpu-list -p --pid", (1,)),
    "unshare": _UNSHARE,
    "runuser": _wrapper(
        "-u --user -g --group -G --supp-group -s --shell -w --whitelist-environment",
        "-l --login -m -p --preserve-environment -P --pty",
    ),
    **dict.fromkeys(
        ("nsenter", "setpriv", "prlimit", "systemd-run", "strace", "ltrace"), Wrapper()
    ),
    "busybox": _wrapper(),
    **dict.fromkeys(("if", "then", "else", "elif", "do", "while", "until", "!", "{"), Wrapper()),
    "function": _wrapper(before=(1,)),
    "ssh": _SSH,
    "watch": _wrapper(
        "-n --interval -q --equexit", "-b -c -d -e -g -p -t -x -w --differences", script=True
    ),
}
SHELLS = frozenset({"sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "fish", "su", "runuser"})
_SHELL_VALUED = frozenset({"-o", "+o", "-O", "+O", "--rcfile", "--init-file"})
_COMMAND_OPTIONS = ("--command", "--session-command")
_FLOCK = _wrapper(
    "-E --conflict-exit-code -w --wait --timeout",
    "-s --shared -x -e --exclusive -u --unlock -n --nb --nonblock -o --close -F --no-fork "
    "--verbose",
)
_SCRIPT_VALUED = _words(
    "-E --echo -I --log-in -O --log-out -B --log-io -T --log-timing -m --logging-format"
)
_FIND_ACTIONS = frozenset({"-exec", "-execdir", "-ok", "-okdir"})
_GIT_VALUED = _words(
    "-C -c --git-dir --work-tree --namespace --super-prefix --config-env --attr-source"
)
#: The git settings whose value git runs as a command.
_GIT_COMMAND_KEY = re.compile(
    r"(?i)^(core\.(pager|editor|sshcommand|fsmonitor|askpass)|sequence\.editor|pager\..*"
    r"|diff\.external|credential\..*helper|gpg\..*program|.*\.(textconv|command|driver|clean"
    r"|smudge|process|cmd|tool)|uploadpack\.packobjectshook)$"
)
#: What separates simple commands in a script (with ``<``/``>``, which redirect).
OPERATORS = "();<>|&`\n"
_GLOB = re.compile(r"[*?]|\[(?!\[?$)")
_BRACES = re.compile(r"(?<!\$)\{[^{}\s]*(?:,|\.\.)[^{}\s]*\}")
_POSITIONAL = re.compile(r"\$(?:\{([0-9@*])\}|([0-9@*]))")

UNREADABLE_EVAL = "eval runs a string put together at run time"
UNREADABLE_ANSI = "$'..' quoting spells its words with escapes"
UNREADABLE_BRACES = "brace expansion ({braces}) makes its words at run time"
UNREADABLE_NAME = "the command name {word} is only known at run time"
UNREADABLE_SUBSTITUTION = "a command substitution names the command"
UNREADABLE_FIND = "find runs each file it finds as a command"
UNREADABLE_CONFIG_ENV = "git --config-env takes its value from the environment"
UNREADABLE_TOO_DEEP = f"it nests more than {LIMIT} commands"
UNREADABLE_OPEN = "xargs adds the words it reads to {command}, which may make it '{pattern}'"
UNREADABLE_EXPANDED = "{word} is made at run time after {command}, which may make it '{pattern}'"


class _Command(NamedTuple):
    words: tuple[str, ...]
    #: The words came from a shell script: ``$``, backticks and globs in them are expansions.
    shell: bool


class _Found(NamedTuple):
    command: _Command | None = None
    problem: str | None = None


@functools.lru_cache(maxsize=4096)
def read(argv: tuple[str, ...]) -> Reading:
    """``argv`` and every command it may start, and the first reason one is unknowable.

    >>> read(("timeout", "-k", "5", "30", "docker", "compose", "down")).commands[1]
    ('docker', 'compose', 'down')
    >>> read(("bash", "-c", "$0 compose down", "docker")).commands[-1]
    ('docker', 'compose', 'down')
    >>> read(("sh", "-c", "docker compose {up,down}")).unreadable
    'brace expansion ({up,down}) makes its words at run time'
    """
    found: dict[tuple[str, ...], bool] = {}  # each command, and whether it is open
    expanded: list[tuple[tuple[str, ...], str]] = []
    problem: str | None = None
    todo = deque([(_Command(tuple(argv), shell=False), False)])  # first in, first out
    while todo:
        command, is_open = todo.popleft()
        words = _without_assignments(command.words)
        if not words or found.get(words, False) or (words in found and not is_open):
            continue
        if len(found) >= LIMIT:
            problem = problem or UNREADABLE_TOO_DEEP
            break
        found[words] = is_open
        if command.shell:
            expanded.extend(_expanded(words))
        opens = is_open or basename(words[0]) == "xargs"
        for next_one in _started_by(_Command(words, command.shell)):
            problem = problem or next_one.problem
            if next_one.command is not None:
                todo.append((next_one.command, opens))
    opened = tuple(w for w, is_open in found.items() if is_open)
    return Reading(tuple(found), problem, opened, tuple(expanded))


def _expanded(words: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], str]]:
    """The words of a script command before its first word made at run time, and that word.

    A word made at run time right after an option (``-f "$file"``) is read as that
    option's value, as the commands' own options take it: it names a file or a
    project, not a verb. (So ``docker compose --dry-run $VERB`` is missed: the guard
    does not know which options take a value.)

    >>> list(_expanded(("docker", "compose", "$ACTION")))
    [(('docker', 'compose'), '$ACTION')]
    >>> list(_expanded(("docker", "compose", "-f", "$f", "config")))
    []
    """
    for at, word in enumerate(words[1:], start=1):
        after_option = is_option(words[at - 1]) and "=" not in words[at - 1]
        if after_option and words[at - 1] != "--":
            continue
        if "$" in word or "`" in word or _GLOB.search(word):
            yield words[:at], {"$": "$(...)", "`": "`...`"}.get(word, word)
            return


def _started_by(command: _Command) -> Iterator[_Found]:
    words, shell = command
    name = basename(words[0])
    if shell and (words[0].endswith("$") or "`" in words[0]):  # from ``$(`` or backticks
        yield _Found(problem=UNREADABLE_SUBSTITUTION)
    elif shell and ("$" in words[0] or _GLOB.search(words[0])):
        yield _Found(problem=UNREADABLE_NAME.format(word=shlex.quote(words[0])))
    if name in ("eval", "trap", "alias"):
        yield from _strings(words)
    if name in SHELLS:
        yield from _shell(words)
    if name in _SPECIAL:
        yield from _SPECIAL[name](words, shell)
    elif name in WRAPPERS and not (name == "command" and {"-v", "-V"} & set(words)):
        wrapper = WRAPPERS[name]
        for start in sorted(command_starts(words, wrapper)):
            if wrapper.script:
                yield from _script(" ".join(words[start:]))
            else:
                yield _Found(_Command(words[start:], shell))


def _strings(words: tuple[str, ...]) -> Iterator[_Found]:
    """The scripts of ``eval`` (unknowable: its words are put together at run time),
    of a ``trap`` action and of an ``alias`` value."""
    name = basename(words[0])
    if name == "eval":
        yield _Found(problem=UNREADABLE_EVAL)
        yield from _script(" ".join(words[1:]))
        return
    for word in words[1:]:
        yield from _script(word.partition("=")[2] if name == "alias" else word)


def command_starts(words: tuple[str, ...], wrapper: Wrapper) -> set[int]:
    """Where the command a wrapper runs may start: after its options and ``before`` words.

    >>> sorted(command_starts(("nice", "-n", "5", "git", "push"), WRAPPERS["nice"]))
    [3]
    >>> sorted(command_starts(("nice", "--odd", "5", "git"), WRAPPERS["nice"]))
    [2, 3]
    """
    starts: set[int] = set()
    todo = [(1, before) for before in wrapper.before]  # (next word, words still to skip)
    seen: set[tuple[int, int]] = set()
    while todo:
        state = todo.pop()
        at, left = state
        if state in seen or at >= len(words):
            continue
        seen.add(state)
        word = words[at]
        if word == "--":
            starts.add(at + 1 + left)
        elif word in wrapper.flags or (word.startswith("-") and word[1:].isdigit()):
            todo.append((at + 1, left))
        elif is_option(word):
            todo.extend((after, left) for after in _after_option(words, at, wrapper))
        elif left:
            todo.append((at + 1, left - 1))
        else:
            starts.add(at)
    return {start for start in starts if start < len(words)}


def _after_option(words: tuple[str, ...], at: int, wrapper: Wrapper) -> set[int]:
    """Where the next word after the option at ``at`` may be: past its value, or not."""
    word = words[at]
    if word.startswith("--"):
        name, equals, _ = word.partition("=")
        if equals or name in wrapper.flags:
            return {at + 1}
        return {at + 2} if name in wrapper.valued else {at + 1, at + 2}
    for position, letter in enumerate(word[1:], start=1):
        option = f"-{letter}"
        if option in wrapper.valued:
            return {at + 1} if position < len(word) - 1 else {at + 2}
        if option not in wrapper.flags:  # unknown: its value may be attached, or the next word
            return {at + 1} if position < len(word) - 1 else {at + 1, at + 2}
    return {at + 1}


def _env(words: tuple[str, ...], shell: bool) -> Iterator[_Found]:
    """``env``: its ``-S``/``--split-string`` words go in place of the option, then as usual."""
    for at in range(1, len(words)):
        split = _split_string(words, at)
        if split is not None:
            text, after = split
            inner = tuple(_env_split(text))
            yield _Found(_Command(("env", *words[1:at], *inner, *words[after:]), shell=True))
    for start in sorted(command_starts(words, WRAPPERS["env"])):
        yield _Found(_Command(words[start:], shell))


def _split_string(words: tuple[str, ...], at: int) -> tuple[str, int] | None:
    """The string of ``-S STRING`` (``-SSTRING``, ``-iS STRING``, ``--split-string=``) at ``at``."""
    word = words[at]
    if word.startswith("--sp"):
        name, equals, value = word.partition("=")
        if "--split-string".startswith(name):
            return (value, at + 1) if equals else (_word(words, at + 1), at + 2)
        return None
    if word.startswith("-") and not word.startswith("--") and "S" in word:
        cluster = word[1:]
        letters = cluster[: cluster.index("S")]
        if all(f"-{letter}" in WRAPPERS["env"].flags for letter in letters):
            attached = cluster[cluster.index("S") + 1 :]
            return (attached, at + 1) if attached else (_word(words, at + 1), at + 2)
    return None


def _env_split(text: str) -> list[str]:
    """The words ``env -S`` splits a string into (``\\_`` is a space there)."""
    try:
        return shlex.split(text.replace("\\_", " "), comments=True)
    except ValueError:  # env refuses an unclosed quote; read it word by word anyway
        return text.replace("'", " ").replace('"', " ").split()


def _find(words: tuple[str, ...], shell: bool) -> Iterator[_Found]:
    """``find -exec/-execdir/-ok/-okdir COMMAND ... ;`` (or ``{} +``): each command it runs."""
    at = 1
    while at < len(words):
        if words[at] not in _FIND_ACTIONS:
            at += 1
            continue
        end = at + 1
        while end < len(words) and not _ends_action(words, end):
            end += 1
        command = words[at + 1 : end]
        if command and "{}" in command[0]:
            yield _Found(problem=UNREADABLE_FIND)
        if command:
            yield _Found(_Command(command, shell))
        at = end + 1


def _ends_action(words: tuple[str, ...], at: int) -> bool:
    return words[at] == ";" or (words[at] == "+" and words[at - 1] == "{}")


def _git(words: tuple[str, ...], shell: bool) -> Iterator[_Found]:
    """``git -c KEY=VALUE``: an alias subcommand is expanded; any other value may be a command.

    A ``-c`` value such as ``core.pager`` or ``core.sshCommand`` is run by a shell,
    so every ``-c`` value is read as a script (``!`` dropped) for denied commands;
    only one of a key git runs (:data:`_GIT_COMMAND_KEY`) can be unknowable
    (``safe.directory=*`` is no command). An alias given with
    ``-c alias.NAME=VALUE`` that names the subcommand runs ``git VALUE ...``, or
    with ``!`` the shell script ``VALUE ARGS...``.
    """
    aliases: dict[str, str] = {}
    at = 1
    while at < len(words):
        word = words[at]
        if word in ("-c", "--config-env"):
            setting, step = _word(words, at + 1), 2
        elif word.startswith("--config-env="):
            setting, step = word.partition("=")[2], 1
        elif word in _GIT_VALUED:
            at += 2
            continue
        elif is_option(word):
            at += 1
            continue
        else:
            break
        named = yield from _git_setting(setting, from_environment=word.startswith("--config-env"))
        if named is not None:
            aliases[named[0]] = named[1]
        at += step
    if at >= len(words) or words[at].lower() not in aliases:
        return
    alias, rest = aliases[words[at].lower()], words[at + 1 :]
    if alias.startswith("!"):
        yield from _script(" ".join((alias[1:], *map(shlex.quote, rest))))
        return
    yield _Found(_Command((words[0], *words[1:at], *_env_split(alias), *rest), shell))


def _git_setting(
    setting: str, from_environment: bool
) -> Generator[_Found, None, tuple[str, str] | None]:
    """One ``-c KEY=VALUE``: an alias (returned as name and value), or a value read as a script."""
    key, _, value = setting.partition("=")
    section, _, alias_name = key.partition(".")
    if from_environment:
        yield _Found(problem=UNREADABLE_CONFIG_ENV)
    elif section.lower() == "alias" and alias_name:
        return alias_name.lower(), value
    else:
        runs = _GIT_COMMAND_KEY.search(key) is not None
        for found in _script(value.removeprefix("!")):
            if runs:
                yield found
            elif found.command is not None:  # matched as words, never unknowable
                yield _Found(found.command._replace(shell=False))
    return None


def _flock(words: tuple[str, ...], shell: bool) -> Iterator[_Found]:
    """``flock [options] FILE COMMAND...`` or ``flock [options] FILE -c SCRIPT``."""
    for at, word in enumerate(words):
        if word in ("-c", "--command") and at + 1 < len(words):
            yield from _script(words[at + 1])
        elif word.startswith("--command="):
            yield from _script(word.partition("=")[2])
    for start in sorted(command_starts(words, _FLOCK._replace(before=(1,)))):
        if words[start] not in ("-c", "--command") and not words[start].startswith("--command="):
            yield _Found(_Command(words[start:], shell))


def _script_command(words: tuple[str, ...], shell: bool) -> Iterator[_Found]:
    """``script [options] -c SCRIPT [file]`` (``-qc``, ``--command``): the script it runs."""
    at = 1
    while at < len(words):
        word = words[at]
        name, equals, value = word.partition("=")
        if name == "--command":
            yield from _script(value if equals else _word(words, at + 1))
        elif word.startswith("-") and not word.startswith("--") and "c" in word:
            attached = word[word.index("c") + 1 :]
            yield from _script(attached or _word(words, at + 1))
        elif word in _SCRIPT_VALUED:
            at += 1
        at += 1


#: Commands with their own way of naming what they run.
_SPECIAL = {"env": _env, "find": _find, "git": _git, "flock": _flock, "script": _script_command}


def _shell(words: tuple[str, ...]) -> Iterator[_Found]:
    """The script a shell runs with ``-c`` (``-lc``, ``--command``), its positionals substituted."""
    flagged = False
    at = 1
    while at < len(words):
        word = words[at]
        name, equals, value = word.partition("=")
        if name in _COMMAND_OPTIONS and equals:
            yield from _script(value)
            return
        if flagged and word in _SHELL_VALUED:
            at += 2
            continue
        if flagged and not is_option(word):
            yield from _script(word, words[at + 1 :] or (words[0],))
            return
        short = word.startswith("-") and not word.startswith("--")
        flagged = flagged or name in _COMMAND_OPTIONS or (short and "c" in word[1:])
        at += 1


def _script(script: str, positionals: tuple[str, ...] | None = None) -> Iterator[_Found]:
    """The simple commands of a shell script, and what about it is unknowable."""
    problem = script_problem(script)
    if problem is not None:
        yield _Found(problem=problem)
    commands, in_command_position = simple_commands(script)
    if in_command_position:
        yield _Found(problem=UNREADABLE_SUBSTITUTION)
    if positionals is not None and not _redefines_positionals(script, commands):
        commands = [c for command in commands for c in _substituted(command, positionals)]
    for command in commands:
        yield _Found(_Command(command, shell=True))


def script_problem(script: str) -> str | None:
    """Why the guard cannot read ``script``'s words: ``$'..'`` quoting or brace expansion.

    >>> script_problem("echo '{a,b}' \\"$'x'\\"") is None
    True
    >>> script_problem("docker compose $'\\\\x64own'")
    "$'..' quoting spells its words with escapes"
    """
    unquoted: list[str] = []
    quote = ""
    escaped = False
    for at, char in enumerate(script):
        if escaped:
            escaped = False
            unquoted.append("_")
        elif char == "\\" and quote != "'":
            escaped = True
        elif quote:
            quote = "" if char == quote else quote
            unquoted.append("_")
        elif char in "'\"":
            if at and script[at - 1] == "$":
                return UNREADABLE_ANSI
            quote = char
            unquoted.append("_")
        else:
            unquoted.append(char)
    braces = _BRACES.search("".join(unquoted))
    return UNREADABLE_BRACES.format(braces=braces.group()) if braces else None


def simple_commands(script: str) -> tuple[list[tuple[str, ...]], bool]:
    """The simple commands of a script, and whether a backtick substitution names a command.

    Split with :mod:`shlex` at ``;``, ``&``, ``&&``, ``|``, ``||``, newlines,
    parentheses and backticks; redirections and their targets are dropped, and
    the scripts inside ``$(...)`` and backticks within quoted words are split in
    turn. A script :mod:`shlex` cannot parse (an unclosed quote) is cut at those
    characters and *every* word of a piece may start a command.

    >>> simple_commands("cd /srv && docker compose -f x.yml down 2>/dev/null")
    ([('cd', '/srv'), ('docker', 'compose', '-f', 'x.yml', 'down')], False)
    """
    lexer = shlex.shlex(script.replace("\\\n", ""), posix=True, punctuation_chars=OPERATORS)
    lexer.whitespace_split = True
    lexer.whitespace = " \t\r"  # a newline separates commands, see OPERATORS
    lexer.commenters = ""  # a comment is words after '#': it starts no denied command
    try:
        tokens = list(lexer)
    except ValueError:  # an unclosed quote: fail closed
        return _every_suffix(script), False
    commands: list[tuple[str, ...]] = []
    current: list[str] = []
    redirected = named_by_substitution = False
    backticks = 0
    for token in tokens:
        if token and all(char in OPERATORS for char in token):
            if set(token) <= set("<>&") and set(token) & set("<>"):
                redirected = True  # the next word is the target: drop it, and an fd before
                if current and current[-1].isdigit():
                    current.pop()
                continue
            if "`" in token:
                backticks += token.count("`")
                opening = backticks % 2 == 1
                assigned = bool(current) and current[-1].endswith("=")
                if opening and not assigned and not _without_assignments(tuple(current)):
                    named_by_substitution = True
                elif opening and not assigned:  # a word of this command: keep its place
                    current.append("`")
            commands.append(tuple(current))
            current = []
        elif redirected:
            redirected = False
        else:
            current.append(token)
            for inner in (*token.split("`")[1::2], *token.split("$(", 1)[1:]):
                inner_commands, inner_named = simple_commands(inner)  # substitutions in quotes
                commands.extend(inner_commands)
                named_by_substitution = named_by_substitution or inner_named
    commands.append(tuple(current))
    return [command for command in commands if command], named_by_substitution


def _every_suffix(script: str) -> list[tuple[str, ...]]:
    """Each piece of an unparsable script, from each of its words on."""
    cut = str.maketrans(dict.fromkeys(OPERATORS, "\n") | dict.fromkeys("'\"", " "))
    pieces = [tuple(line.split()) for line in script.translate(cut).splitlines()]
    return [piece[start:] for piece in pieces for start in range(len(piece))]


def _redefines_positionals(script: str, commands: list[tuple[str, ...]]) -> bool:
    """Whether the script may change ``$1``... itself (``set``, ``shift``, a function)."""
    names = {basename(_without_assignments(c)[0]) for c in commands if _without_assignments(c)}
    return bool(names & {"set", "shift", "function"}) or re.search(r"\(\s*\)", script) is not None


def _substituted(command: tuple[str, ...], positionals: tuple[str, ...]) -> list[tuple[str, ...]]:
    """``command`` with ``$0``, ``$1``..., ``$@``, ``$*`` replaced, as unquoted words split.

    A word with spaces in it (a quoted script, perhaps for a nested shell) is
    kept as well unreplaced: its ``$1`` may be the nested shell's own.

    >>> _substituted(("$0", "compose", "$@"), ("docker", "down", "-v"))
    [('docker', 'compose', 'down', '-v')]
    """

    def value(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        if name in "@*":
            return " ".join(positionals[1:])
        number = int(name)
        return positionals[number] if number < len(positionals) else ""

    readings: list[tuple[str, ...]] = [()]
    for word in command:
        replaced = _POSITIONAL.sub(value, word)
        choices: list[tuple[str, ...]]
        if replaced == word:
            choices = [(word,)]
        elif " " in word:
            choices = [(word,), tuple(replaced.split())]
        else:
            choices = [tuple(replaced.split())]
        readings = [reading + choice for reading in readings for choice in choices][:LIMIT]
    return [reading for reading in readings if reading]


def _word(words: tuple[str, ...], at: int) -> str:
    return words[at] if at < len(words) else ""


def _without_assignments(words: tuple[str, ...]) -> tuple[str, ...]:
    """``words`` without the leading ``NAME=value`` assignments."""
    for at, word in enumerate(words):
        name, equals, _ = word.partition("=")
        if not (equals and name.isidentifier()):
            return words[at:]
    return ()


def is_option(word: str) -> bool:
    """Whether ``word`` is an option (it starts with ``-`` and is not ``-`` alone)."""
    return word.startswith("-") and word != "-"


def basename(word: str) -> str:
    """The command name of a path: ``/usr/bin/docker`` is ``docker``."""
    return word.rsplit("/", 1)[-1]
