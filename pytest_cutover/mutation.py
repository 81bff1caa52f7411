"""Mutating commands refused during preflight: a deny list matched against argv.

Before a check starts a process during a preflight phase, the audit hook
(:mod:`pytest_cutover.audit`) asks :meth:`DenyList.match` whether its argv is a
mutating command; if it is, the process is refused. This module is pure logic:
no I/O, nothing is run, no file is read.

A pattern is a command prefix of plain words, like ``docker compose down`` or
``aws s3 rm``. It matches an argv by these rules:

1. **The command name.** The first pattern word matches the *basename* of
   ``argv[0]``: ``/usr/bin/docker`` is ``docker``. Leading ``NAME=value``
   assignments are skipped.
2. **Wrappers are looked through.** ``sudo``, ``doas``, ``env``, ``nohup``,
   ``nice``, ``ionice``, ``stdbuf``, ``setsid``, ``time``, ``command``,
   ``exec`` and ``xargs`` run the command that follows their options;
   ``timeout`` and ``chroot`` run the one after their first argument (the
   duration, the new root). ``ssh HOST ...`` and ``watch ...`` join the rest of
   their words into a shell script, as they do themselves, and the script is
   matched (rule 4). ``command -v``/``-V`` only looks a command up: nothing runs.
   Shell words that start a command (``if``, ``then``, ``do``, ``!``, ``{``,
   ``function NAME`` ...) are looked through as well. A wrapper's option may or
   may not take the next word as its value; both readings are tried.
3. **Options and their values are skipped.** Each further pattern word must be
   the next word of argv that is neither an option (it starts with ``-``) nor an
   option's value. A word directly after an option without ``=`` *may* be that
   option's value: both readings are tried, and either one matching is a match.
   So ``docker compose -f prod.yml down``, ``kubectl -n prod apply -f x.yaml``,
   ``git -C repo push`` and ``systemctl --user restart app`` match, while
   ``git log --grep push`` does not match ``git push``: the next word after
   ``git`` is ``log``. A pattern word that is itself an option (``psql -c``)
   matches that option, alone or as ``--option=value``, anywhere after the
   pattern words before it.
4. **Shell strings are looked into.** For ``sh``/``bash``/``dash``/``zsh``/
   ``ksh``/``mksh``/``ash``/``fish`` (and ``su``/``runuser``) with a ``-c``
   flag (also combined, ``-lc``, ``-ec``; or ``--command``), the first word
   after it that is not an option is a script. It is split with :mod:`shlex`
   into simple commands at ``;``, ``&``, ``&&``, ``|``, ``||``, newlines,
   parentheses and backticks, redirections and their targets are dropped, the
   scripts inside ``$(...)`` and backticks are split in turn, and every simple
   command is matched by all these rules. A script :mod:`shlex` cannot parse
   (an unclosed quote) is not given up on: it is cut at those characters,
   quotes are dropped, and *every* word of a piece may start a command. When in
   doubt, block.

A dry run is still refused (``kubectl apply --dry-run=client``,
``git push --dry-run``): the guard reads the command, not the intent.

What :data:`DEFAULT_DENY` holds, and why:

* the Compose verbs that start, stop, remove, create or change containers or
  replace their images (``up``, ``down``, ``rm``, ``stop``, ``kill``,
  ``restart``, ``start``, ``create``, ``pull``, ``push``, ``run``, ``exec``,
  ``pause``, ``unpause``, ``scale``, ``cp``), for ``docker compose`` and the
  standalone ``docker-compose`` alike;
* the same verbs of the ``docker`` CLI, in both spellings (``docker rm``,
  ``docker container rm``), plus removing and pruning images, volumes and
  networks, (dis)connecting networks, and Swarm's ``service`` and ``stack``
  changes;
* the ``kubectl`` verbs that write to the cluster, and ``exec``/``cp``/``debug``
  into its pods. Of ``kubectl rollout`` only ``restart``, ``undo``, ``pause``
  and ``resume`` are refused: ``rollout status`` and ``rollout history`` are
  read-only and used to watch a rollout;
* ``helm install/upgrade/uninstall/rollback/delete``;
* ``terraform``/``tofu`` ``apply``, ``destroy``, ``import``, ``refresh``,
  ``taint``, ``untaint``, ``force-unlock`` and the ``state`` changes
  (``plan``, ``show``, ``validate`` and ``state list`` stay allowed);
* ``git push``, the only git verb that changes a remote;
* the ``systemctl`` verbs that change a unit, the daemon or the machine;
* ``service``, whole: its unit name comes before the verb, so a prefix cannot
  tell ``service app status`` from ``service app restart`` (use
  ``systemctl status``); and ``reboot``, ``shutdown``, ``poweroff``, ``halt``.

Not listed: builds and tags (``docker build``, ``docker compose build``,
``docker tag``: local images only), ``podman``/``nerdctl``, cloud CLIs; a plan
adds what it needs (``aws s3 rm``) with :func:`deny_list`.
"""

from __future__ import annotations

import shlex
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

_COMPOSE_VERBS = (
    *("up", "down", "rm", "stop", "kill", "restart", "start", "create"),
    *("pull", "push", "run", "exec", "pause", "unpause", "scale", "cp"),
)
_CONTAINER_VERBS = (
    *("rm", "stop", "kill", "restart", "start", "run", "create", "exec"),
    *("pause", "unpause", "update", "rename", "cp"),
)
_KUBECTL_VERBS = (
    *("apply", "delete", "patch", "scale", "create", "replace", "edit", "set", "drain"),
    *("cordon", "uncordon", "taint", "label", "annotate", "run", "expose", "autoscale"),
    *("exec", "cp", "debug", "rollout restart", "rollout undo", "rollout pause", "rollout resume"),
)
_TERRAFORM_VERBS = (
    *("apply", "destroy", "import", "refresh", "taint", "untaint", "force-unlock"),
    *("state rm", "state mv", "state push", "state replace-provider"),
)
_SYSTEMCTL_VERBS = (
    *("start", "stop", "restart", "reload", "enable", "disable", "try-restart"),
    *("reload-or-restart", "try-reload-or-restart", "kill", "mask", "unmask", "isolate"),
    *("daemon-reload", "set-property", "edit", "reboot", "poweroff", "halt"),
)

#: Commands refused during preflight; see the module docstring for the choice.
DEFAULT_DENY: tuple[str, ...] = (
    *(f"docker compose {verb}" for verb in _COMPOSE_VERBS),
    *(f"docker-compose {verb}" for verb in _COMPOSE_VERBS),
    *(f"docker {verb}" for verb in _CONTAINER_VERBS),
    *(f"docker container {verb}" for verb in (*_CONTAINER_VERBS, "prune")),
    *("docker rmi", "docker pull", "docker push", "docker system prune"),
    *("docker image rm", "docker image prune", "docker image pull", "docker image push"),
    *("docker volume rm", "docker volume prune", "docker network rm", "docker network prune"),
    *("docker network connect", "docker network disconnect"),
    *(f"docker service {verb}" for verb in ("create", "update", "rm", "scale", "rollback")),
    *("docker stack deploy", "docker stack rm"),
    *(f"kubectl {verb}" for verb in _KUBECTL_VERBS),
    *(f"helm {verb}" for verb in ("install", "upgrade", "uninstall", "rollback", "delete")),
    *(f"{tool} {verb}" for tool in ("terraform", "tofu") for verb in _TERRAFORM_VERBS),
    "git push",
    *(f"systemctl {verb}" for verb in _SYSTEMCTL_VERBS),
    *("service", "reboot", "shutdown", "poweroff", "halt"),
)

#: Wrappers: how many arguments come before the command they run, and whether the
#: rest of their words is a shell script rather than an argv.
_WRAPPERS: dict[str, tuple[int, bool]] = {
    **dict.fromkeys(
        ("sudo", "doas", "env", "nohup", "nice", "ionice", "stdbuf", "setsid", "time"),
        (0, False),
    ),
    **dict.fromkeys(("command", "exec", "xargs"), (0, False)),
    **dict.fromkeys(("if", "then", "else", "elif", "do", "while", "until", "!", "{"), (0, False)),
    "timeout": (1, False),
    "chroot": (1, False),
    "function": (1, False),
    "ssh": (1, True),
    "watch": (0, True),
}
_SHELLS = frozenset({"sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "fish", "su", "runuser"})
_COMMAND_OPTIONS = ("--command", "--session-command")
#: What separates simple commands in a script (with ``<``/``>``, which redirect).
_OPERATORS = "();<>|&`\n"
_NOT_IN_PATTERNS = ";&|<>()'\"`"


@dataclass(frozen=True)
class DenyList:
    """Command prefixes refused during preflight, each split into words.

    >>> DenyList((("git", "push"),)).patterns
    (('git', 'push'),)
    """

    patterns: tuple[tuple[str, ...], ...]

    def match(self, argv: Sequence[str]) -> str | None:
        """The pattern ``argv`` matches, as text, or None if it runs nothing denied.

        >>> deny_list().match(["sh", "-c", "cd /srv && docker compose -f prod.yml down"])
        'docker compose down'
        >>> deny_list().match(["docker", "compose", "config", "--services"]) is None
        True
        """
        for words in _commands(argv):
            for pattern in self.patterns:
                if _matches(words, pattern):
                    return " ".join(pattern)
        return None


def deny_list(extra: Sequence[str] = ()) -> DenyList:
    """:data:`DEFAULT_DENY` plus the ``extra`` command prefixes.

    >>> deny_list(["aws s3 rm"]).match(["sudo", "aws", "--profile", "prod", "s3", "rm", "s3://b/k"])
    'aws s3 rm'
    >>> deny_list(["-rf"])
    Traceback (most recent call last):
    ...
    ValueError: deny pattern '-rf' starts with an option; it must start with a command name, ...
    """
    patterns = (_pattern_words(pattern) for pattern in (*DEFAULT_DENY, *extra))
    return DenyList(tuple(dict.fromkeys(patterns)))


def _pattern_words(pattern: str) -> tuple[str, ...]:
    words = tuple(pattern.split())
    example = "like 'aws s3 rm' or 'psql -c'"
    if not words:
        raise ValueError(f"deny pattern {pattern!r} is empty; write a command prefix, {example}")
    if words[0].startswith("-"):
        raise ValueError(
            f"deny pattern {pattern!r} starts with an option; it must start with a command name, "
            f"{example}"
        )
    shell = sorted({char for char in pattern if char in _NOT_IN_PATTERNS})
    if shell:
        raise ValueError(
            f"deny pattern {pattern!r} contains shell syntax ({' '.join(shell)}); "
            f"write plain words, {example}"
        )
    return words


def _matches(words: tuple[str, ...], pattern: tuple[str, ...]) -> bool:
    """Whether the command ``words`` starts with ``pattern`` by rules 1 and 3."""
    if _basename(words[0]) != _basename(pattern[0]):
        return False
    todo, seen = [(1, 1)], set()  # (next word of argv, next word of the pattern)
    while todo:
        state = todo.pop()
        if state in seen:
            continue
        seen.add(state)
        at, done = state
        if done == len(pattern):
            return True
        if at >= len(words):
            continue
        word, wanted = words[at], pattern[done]
        if wanted.startswith("-"):  # an option of the pattern may come anywhere after
            todo.append((at + 1, done))
            if word == wanted or word.startswith(f"{wanted}="):
                todo.append((at + 1, done + 1))
        elif _is_option(word):
            todo.append((at + 1, done))
            if "=" not in word and word != "--":  # the next word may be its value
                todo.append((at + 2, done))
        elif word == wanted:
            todo.append((at + 1, done + 1))
    return False


def _commands(argv: Sequence[str]) -> list[tuple[str, ...]]:
    """``argv`` and every command it may start through wrappers and shells (rules 2 and 4)."""
    found: dict[tuple[str, ...], None] = {}
    todo = deque([tuple(argv)])  # first in, first out: the first denied command is reported
    while todo:
        words = _without_assignments(todo.popleft())
        if words and words not in found:
            found[words] = None
            todo.extend(_started_by(words))
    return list(found)


def _started_by(words: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
    name = _basename(words[0])
    if name in _SHELLS:
        script = _script(words)
        if script is not None:
            yield from _simple_commands(script)
        return
    if name not in _WRAPPERS or (name == "command" and {"-v", "-V"} & set(words)):
        return
    arguments, is_script = _WRAPPERS[name]
    for start in sorted(_command_starts(words, arguments)):
        if is_script:
            yield from _simple_commands(" ".join(words[start:]))
        else:
            yield words[start:]


def _command_starts(words: tuple[str, ...], arguments: int) -> set[int]:
    """Where the command a wrapper runs may start: after its options and ``arguments``."""
    starts: set[int] = set()
    todo, seen = [(1, arguments)], set()  # (next word, arguments still to skip)
    while todo:
        state = todo.pop()
        at, left = state
        if state in seen or at >= len(words):
            continue
        seen.add(state)
        word = words[at]
        if word == "--":
            starts.add(at + 1 + left)
        elif _is_option(word):
            todo.append((at + 1, left))
            if "=" not in word:
                todo.append((at + 2, left))
        elif left:
            todo.append((at + 1, left - 1))
        else:
            starts.add(at)
    return {start for start in starts if start < len(words)}


def _script(words: tuple[str, ...]) -> str | None:
    """The script a shell runs with ``-c`` (``-lc``, ``--command``), or None."""
    flagged = False
    for word in words[1:]:
        if flagged and not _is_option(word):
            return word
        name, equals, value = word.partition("=")
        if name in _COMMAND_OPTIONS and equals:
            return value
        short = word.startswith("-") and not word.startswith("--")
        flagged = flagged or name in _COMMAND_OPTIONS or (short and "c" in word[1:])
    return None


def _simple_commands(script: str) -> list[tuple[str, ...]]:
    """The simple commands of a shell script, split as rule 4 says."""
    lexer = shlex.shlex(script.replace("\\\n", ""), posix=True, punctuation_chars=_OPERATORS)
    lexer.whitespace_split = True
    lexer.whitespace = " \t\r"  # a newline separates commands, see _OPERATORS
    lexer.commenters = ""  # a comment is words after '#': it starts no denied command
    try:
        tokens = list(lexer)
    except ValueError:  # an unclosed quote: fail closed
        return _every_suffix(script)
    commands: list[tuple[str, ...]] = []
    current: list[str] = []
    redirected = False
    for token in tokens:
        if token and all(char in _OPERATORS for char in token):
            if set(token) <= set("<>&") and set(token) & set("<>"):
                redirected = True  # the next word is the target: drop it, and an fd before
                if current and current[-1].isdigit():
                    current.pop()
                continue
            commands.append(tuple(current))
            current = []
        elif redirected:
            redirected = False
        else:
            current.append(token)
            for inner in (*token.split("`")[1::2], *token.split("$(", 1)[1:]):
                commands.extend(_simple_commands(inner))  # substitutions in quoted words
    commands.append(tuple(current))
    return [command for command in commands if command]


def _every_suffix(script: str) -> list[tuple[str, ...]]:
    """Each piece of an unparsable script, from each of its words on."""
    cut = str.maketrans(dict.fromkeys(_OPERATORS, "\n") | dict.fromkeys("'\"", " "))
    pieces = [tuple(line.split()) for line in script.translate(cut).splitlines()]
    return [piece[start:] for piece in pieces for start in range(len(piece))]


def _without_assignments(words: tuple[str, ...]) -> tuple[str, ...]:
    """``words`` without the leading ``NAME=value`` assignments."""
    for at, word in enumerate(words):
        name, equals, _ = word.partition("=")
        if not (equals and name.isidentifier()):
            return words[at:]
    return ()


def _is_option(word: str) -> bool:
    return word.startswith("-") and word != "-"


def _basename(word: str) -> str:
    return word.rsplit("/", 1)[-1]
