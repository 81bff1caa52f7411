"""Mutating commands refused during preflight: a deny list matched against argv.

Before a check starts a process during a preflight phase, the audit hook
(:mod:`pytest_cutover.safety.audit`) asks :meth:`DenyList.match` whether its argv is a
mutating command; if it is, the process is refused. This module is pure logic:
no I/O, nothing is run, no file is read.

A pattern is a command prefix of plain words, like ``docker compose down`` or
``aws s3 rm``. It matches an argv by these rules:

1. **The command name.** The first pattern word matches the *basename* of
   ``argv[0]``: ``/usr/bin/docker`` is ``docker``. Leading ``NAME=value``
   assignments are skipped.
2. **Wrappers and shells are looked through** by :func:`pytest_cutover.safety.wrappers.read`:
   ``sudo``, ``doas``, ``env`` (with ``-S``), ``nohup``, ``nice``, ``ionice``,
   ``stdbuf``, ``setsid``, ``time``, ``command``, ``exec``, ``builtin``,
   ``xargs``, ``timeout``, ``chroot``, ``chrt``, ``taskset``, ``unshare``,
   ``flock`` (also ``-c``), ``script -c``, ``find -exec/-execdir/-ok ... ;``,
   ``ssh HOST ...``, ``watch ...``, ``git -c alias.X=...``, the simple commands
   of a ``sh -c`` script (positional parameters substituted) and of ``eval``,
   ``trap`` and ``alias`` strings. What the guard cannot read there is
   *unknowable*, and refused apart from the deny list (see that module).
3. **Options and their values are skipped.** Each further pattern word must be
   the next word of argv that is neither an option (it starts with ``-``) nor an
   option's value. A word directly after an option without ``=`` *may* be that
   option's value: both readings are tried, and either one matching is a match.
   So ``docker compose -f prod.yml down``, ``kubectl -n prod apply -f x.yaml``,
   ``git -C repo push`` and ``systemctl --user restart app`` match, while
   ``git log --grep push`` does not match ``git push``: the next word after
   ``git`` is ``log``.
4. **Option words of a pattern** (``psql -c``, ``rm -r``) match anywhere after
   the pattern words before them: ``-r`` also inside a cluster (``-rf``,
   ``-fr``), ``--recursive`` also as ``--recursive=...`` or a prefix getopt
   accepts (``--recur``). A pattern word ending in ``=`` (``dd of=``) matches a
   word that starts with it, anywhere after. A first pattern word with ``*``
   is a glob (``mkfs.*``).

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
  ``systemctl status``); and ``reboot``, ``shutdown``, ``poweroff``, ``halt``;
* the destructive file commands: ``rm -r``/``-R``/``--recursive`` (so
  ``rm -rf``, ``rm -fr``), ``find -delete``, ``shred``, ``dd of=``,
  ``truncate``, ``mkfs``/``mkfs.*``, ``mke2fs`` and ``wipefs``.

Not listed: builds and tags (``docker build``, ``docker compose build``,
``docker tag``: local images only), ``podman``/``nerdctl``, cloud CLIs; a plan
adds what it needs (``aws s3 rm``) with :func:`deny_list`.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pytest_cutover import messages
from pytest_cutover.model.vocabulary import shown_command
from pytest_cutover.safety.wrappers import (
    UNREADABLE_EXPANDED,
    UNREADABLE_OPEN,
    basename,
    is_option,
    read,
)

if TYPE_CHECKING:
    from pytest_cutover.safety.audit import ProcessStart

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
    *("rm -r", "rm -R", "rm --recursive", "rm -rf", "rm -fr", "find -delete"),
    *("shred", "dd of=", "truncate", "mkfs", "mkfs.*", "mke2fs", "wipefs"),
)

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
        for words in read(tuple(argv)).commands:
            for pattern in self.patterns:
                if _matches(words, pattern):
                    return " ".join(pattern)
        return None

    def unreadable(self, argv: Sequence[str]) -> str | None:
        """Why the guard cannot know what ``argv`` runs, or None (see :mod:`.wrappers`).

        >>> deny_list().unreadable(["bash", "-c", 'eval "$1"', "sh", "docker compose down"])
        'eval runs a string put together at run time'
        >>> deny_list().unreadable(["env", "FOO=1", "docker", "compose", "config"]) is None
        True
        >>> deny_list().unreadable(["sh", "-c", "docker compose $ACTION"])
        "$ACTION is made at run time after docker compose, which may make it 'docker compose up'"
        >>> deny_list().unreadable(["sh", "-c", "docker ps --filter name=$APP"]) is None
        True
        """
        reading = read(tuple(argv))
        if reading.unreadable is not None:
            return reading.unreadable
        for words in reading.open:
            for pattern in self.patterns:
                if _matches(words, pattern, open_tail=True):
                    return UNREADABLE_OPEN.format(
                        command=shown_command(words), pattern=" ".join(pattern)
                    )
        for words, word in reading.expanded:
            for pattern in self.patterns:
                if _matches(words, pattern, open_tail=True):
                    return UNREADABLE_EXPANDED.format(
                        word=word, command=shown_command(words), pattern=" ".join(pattern)
                    )
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


def _matches(words: tuple[str, ...], pattern: tuple[str, ...], open_tail: bool = False) -> bool:
    """Whether the command ``words`` starts with ``pattern`` by rules 1 and 3 (or, with
    ``open_tail``, whether words added after them may make it so)."""
    if not _names_match(basename(words[0]), basename(pattern[0])):
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
            if open_tail:
                return True
            continue
        word, wanted = words[at], pattern[done]
        if wanted.startswith("-") or wanted.endswith("="):  # it may come anywhere after
            todo.append((at + 1, done))
            if _option_matches(word, wanted):
                todo.append((at + 1, done + 1))
        elif is_option(word):
            todo.append((at + 1, done))
            if "=" not in word and word != "--":  # the next word may be its value
                todo.append((at + 2, done))
        elif word == wanted:
            todo.append((at + 1, done + 1))
    return False


def _names_match(name: str, wanted: str) -> bool:
    """A command name against a pattern's first word (``mkfs.*`` is a glob)."""
    return fnmatch.fnmatchcase(name, wanted) if "*" in wanted else name == wanted


def _option_matches(word: str, wanted: str) -> bool:
    """Whether ``word`` is the pattern's option (or ``NAME=`` operand) ``wanted``.

    ``-r`` is found in a cluster (``-rf``, ``-fR``... each letter is an
    option); ``--recursive`` also as ``--recursive=...`` and as a prefix that
    getopt takes for it (``--recur``); ``of=`` starts the word.

    >>> [_option_matches(w, "-r") for w in ("-r", "-fr", "--r", "-vf")]
    [True, True, False, False]
    >>> [_option_matches(w, "--recursive") for w in ("--recursive", "--recu", "--", "--re=1")]
    [True, True, False, True]
    """
    if wanted.endswith("="):
        return word.startswith(wanted)
    if wanted.startswith("--"):
        name = word.partition("=")[0]
        return len(name) > 2 and name.startswith("--") and wanted.startswith(name)
    if len(wanted) == 2 and word.startswith("-") and not word.startswith("--"):
        return wanted[1] in word[1:] and word[1:].isalnum()
    return word == wanted or word.startswith(f"{wanted}=")


class MutationBlocked(Exception):
    """A process matching the mutation deny list was refused during preflight."""


def refuse_denied(deny: DenyList, start: ProcessStart, allow_unreadable: bool = False) -> None:
    """The audit guard of a preflight check: refuse every process the deny list names,
    and every one the guard cannot read, unless ``allow_unreadable``."""
    pattern = deny.match(start.argv)
    if pattern is not None:
        raise MutationBlocked(
            messages.MUTATION_BLOCKED.format(command=shown_command(start.argv), pattern=pattern)
        )
    why = deny.unreadable(start.argv)
    if why is not None and not allow_unreadable:
        raise MutationBlocked(
            messages.MUTATION_UNREADABLE.format(command=shown_command(start.argv), why=why)
        )


def mutating_commands(deny: DenyList, argvs: Iterable[Sequence[str]]) -> list[str]:
    """The commands that ran and match the deny list (allowed after T0, or not guarded),
    each as a shell reads it."""
    return [shown_command(argv) for argv in argvs if deny.match(argv) is not None]
