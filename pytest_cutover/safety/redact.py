"""Secrets out of the evidence: one redactor, built once per run, applied to every text.

Evidence of a cutover (terminal output, HTML, JSON, JUnit XML, the closeout) must
never contain a secret. A secret found is replaced by :data:`MARKER` as a whole,
never partly. What counts as a secret:

1. **Values of secret-looking environment variables.** A variable whose name
   :data:`SECRET_NAME` matches (``API_TOKEN``, ``AWS_SECRET_ACCESS_KEY``,
   ``DB_PASSWORD``, ``GITHUB_AUTH``, ...) has its value replaced wherever it
   appears: in argv, output and messages. So are the value without surrounding
   whitespace, each line of a multi-line value, and the value as it looks
   URL-encoded or inside a JSON string. Values shorter than
   :data:`MIN_SECRET_LENGTH` characters, and ``true``/``false``/``yes``/``no``/
   ``0``/``1`` in any case, are *not* redacted: they occur everywhere, and
   replacing them would destroy the evidence without protecting anything.
2. **Known token shapes, always:** AWS access key ids (``AKIA``/``ASIA`` + 16),
   GitHub tokens (``ghp_``, ``gho_``, ``ghu_``, ``ghs_``, ``ghr_`` + 36;
   ``github_pat_`` + 22 or more), Slack tokens (``xoxb-`` ...), PEM private key
   blocks (the whole block, ``BEGIN`` to ``END`` line; a block cut off before its
   ``END`` line is replaced up to where its base64 ends), ``Authorization`` and
   ``Proxy-Authorization`` headers (the name and scheme stay:
   ``Authorization: Bearer [REDACTED]``), a ``Bearer`` credential elsewhere,
   ``Cookie``/``Set-Cookie`` header values, the password in a URL
   (``https://deploy:[REDACTED]@git.example.com``; as a URL parser reads it, up
   to the last ``@`` before the path), and the value of a
   ``password``/``token``/``secret``/... key in text (``password=...``,
   ``token: ...``, ``"client_secret": "..."``, ``aws_secret_access_key = ...``);
   only the value is replaced, and a bare ``true``/``false``/``null``/... stays.
   In argv, the argument after a flag such as ``--password``, and the value in
   ``--token=...``, are replaced whole.
3. **Extra patterns** (``--cutover-redact REGEX``): the whole match is replaced,
   or only the group named ``secret`` if the pattern has one (a match in which
   that group takes no part is left alone).
4. **Values given** by the plan: a command's ``env:`` values under secret-looking
   names.

A run uses one :class:`RunRedactor`, which keeps :class:`Redactor` in step with
the environment (a secret variable a check sets is known from then on). A test
id with a secret in it becomes :func:`redacted_id`: the secret replaced by a short
digest of the whole id.

Every finder runs over the original text, and the union of what they found is
replaced: where two matches overlap, one marker covers both, so no piece of a
secret is left between them; touching finds make one marker too. Redacting
redacted text changes nothing: a marker is never cut into, and the redactor
repeats until nothing changes (after a replacement, one more pass confirms it).
Patterns are compiled once, when the redactor is built. All the literal values
are found in one pass, the shapes in one pass each.

:data:`SECRET_NAME` is deliberately broad: a false positive costs a little
evidence, a miss leaks a secret. It matches the names containing ``TOKEN``,
``SECRET``, ``PASSWORD``/``PASSWD``, ``PASSPHRASE``, ``KEY``, ``CREDENTIAL``,
``AUTH``, ``PRIVATE``, and ``PASS`` or ``PWD`` as a separate word
(``SMTP_PASS``, ``MYSQL_PWD``). Three words are not secrets although they
contain one: ``KEYBOARD``, ``KEYWORD`` (pytest's ``keywords``) and ``AUTHOR``/
``AUTHORITY`` (``GIT_AUTHOR_NAME``, ``XAUTHORITY``); ``AUTHORIZATION`` is. The
variable ``PWD`` itself (the working directory) is not a secret.
"""

from __future__ import annotations

import functools
import re
import threading
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

#: What a secret is replaced with, always whole.
MARKER = "[REDACTED]"

#: Environment variable names (and mapping keys) whose values are secret.
SECRET_NAME = re.compile(
    r"TOKEN|SECRET|PASSW(?:OR)?D|PASSPHRASE|CREDENTIAL|PRIVATE"
    r"|KEY(?!BOARD|WORD)"
    r"|AUTH(?!OR(?!I[SZ]))"  # AUTH, OAUTH, AUTHORIZATION; not AUTHOR, AUTHORITY
    r"|(?:^|[_.-])PASS(?:[_.-]|$)"
    r"|[_.-]PWD(?:[_.-]|$)",  # MYSQL_PWD, but not PWD or OLDPWD
    re.IGNORECASE,
)

#: Secret values shorter than this are not redacted (see the module docstring).
MIN_SECRET_LENGTH = 4

_TOO_COMMON = frozenset({"true", "false", "yes", "no", "0", "1"})

# Words that make the value after them secret in free text. Narrower than SECRET_NAME,
# because text is also prose and tables: "key", "auth" and "pass" alone are left out.
# Each starts with a plain character, not a group, which keeps the search fast.
_SECRET_WORD = "|".join(
    (
        r"passw(?:or)?d",
        "passphrase",
        "secret",
        "token",
        "credentials?",
        "_auth(?!or)",
        "_pass(?![a-z])",
        "_pwd(?![a-z])",
        *(
            rf"{kind}[_.-]?key"
            for kind in ("api", "access", "private", "signing", "encryption", "master", "app")
        ),
    )
)

# How a key is joined to its value: "=" (not "=="), or ":". But "token.py:12: in f"
# and "test_token.py::test_it" are a file position and a test id, not key-value pairs.
_JOINER = r"""(?:["']?[ \t]*=(?!=)|["']?[ \t]*:(?!\d+:|:))[ \t]*"""

# A value: the inside of a quoted string (escapes included) or a run up to a delimiter;
# but not a bare true/false/yes/no/null/none, which is a setting and never a secret.
_VALUE = (
    r"""["']?(?!(?:true|false|yes|no|null|none)(?![^\s"'&,;]))"""
    r"""(?P<secret>(?<=")(?:[^"\\\r\n]|\\.)+|(?<=')[^'\r\n]+|[^\s"'&,;]+)"""
)

# The rest of a header value, up to the end of the line or a closing quote.
_HEADER_VALUE = r"""["']?(?P<secret>[^\s"'](?:[^\r\n"']*[^\s"'])?)"""

# Authorization schemes, kept in view; an unknown word is taken as part of the credential.
_AUTH_SCHEME = (
    r"(?:bearer|basic|token|digest|negotiate|ntlm|aws4-hmac-sha256|hoba|mutual|vapid"
    r"|scram-sha-\d+|api-?key|key|oauth|dpop|bot|ssws|jwt|splunk|googlelogin)"
)

# What follows BEGIN or END in a private key's PEM armour: RSA, EC, OPENSSH, PGP, ...
_PEM_KIND = r"[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----"

_PEM_BEGIN = re.compile(rf"-----BEGIN{_PEM_KIND}")
_PEM_END = re.compile(rf"-----END{_PEM_KIND}")

#: How far after its BEGIN line a private key's END line is looked for. A key is a few
#: kilobytes; the bound keeps text with many blocks that never end from being slow.
_PEM_REACH = 64 * 1024

# The rest of a block cut off before its END line: the rest of the BEGIN line, then the
# lines that look like its body (base64, headers such as Proc-Type, blank lines).
_PEM_CUT = re.compile(
    r"[^\r\n]*(?:\r?\n[ \t]*(?:[A-Za-z0-9+/=]+|[A-Za-z-]+:[^\r\n]*)?[ \t\r]*(?=\n|\Z))*"
)

#: Token shapes whose case matters, searched in the text as it is (PEM blocks aside).
_SHAPES: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern)
    for pattern in (
        # An AWS access key id (the lookbehind, after the prefix, keeps the search fast).
        r"(?:AKIA|ASIA)(?<![A-Za-z0-9].{4})[A-Z0-9]{16}(?![A-Za-z0-9])",
        # GitHub tokens, classic and fine-grained.
        r"gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,}",
        # Slack tokens.
        r"xox[baprs]-[A-Za-z0-9-]+",
        # The password in a URL: scheme://user:password@host (the last @ before the path).
        r"://[^\s:/?#@]*:(?P<secret>[^\s/?#]+)@",
    )
)

# Shapes in any case, written in lower case. Searched in text.lower() when that lines up
# with the text (it always does but for a few characters such as U+0130), because a
# pattern compiled with IGNORECASE cannot skip ahead to its first letters and is slow.
_ANY_CASE = (
    # Authorization and Proxy-Authorization headers: the name and the scheme stay.
    rf"authorization[\"']?[ \t]*[:=][ \t]*(?:[\"']?{_AUTH_SCHEME}[ \t]+)?{_HEADER_VALUE}",
    # Cookie and Set-Cookie headers.
    rf"cookie[\"']?[ \t]*[:=][ \t]*{_HEADER_VALUE}",
    # A bearer credential anywhere.
    r"bearer[ \t]+(?P<secret>[A-Za-z0-9._~+/-]{8,}=*)",
    # password=..., token: ..., "client_secret": "...", aws_secret_access_key = ...
    # The rest of the key is taken whole, never given back (a lookahead and a backreference
    # make an atomic group), and bounded: a long run of such words stays fast.
    rf"(?:{_SECRET_WORD})(?=(?P<key>[\w.-]{{0,64}}))(?P=key){_JOINER}{_VALUE}",
)
_IN_LOWER_CASE = tuple(re.compile(pattern) for pattern in _ANY_CASE)


@functools.cache
def _ignoring_case() -> tuple[re.Pattern[str], ...]:
    """The shapes in any case, for the rare text whose lower case does not line up
    (compiled when first needed: every run starts by compiling the others)."""
    return tuple(re.compile(pattern, re.IGNORECASE) for pattern in _ANY_CASE)


# A command-line flag whose value is a secret: --password VALUE, --api-key=VALUE.
_SECRET_FLAG = re.compile(
    rf"(?P<flag>--?[\w-]*(?:{_SECRET_WORD})[\w-]*)(?:=(?P<value>.+))?",
    re.IGNORECASE | re.DOTALL,
)

_MARKER_PATTERN = re.compile(re.escape(MARKER))


@dataclass(frozen=True)
class Redactor:
    """Replaces secrets in text: literal values, the built-in token shapes, extra patterns.

    ``values`` are kept longest first, without duplicates or empty strings (which
    values are worth redacting is decided by :func:`build_redactor`). ``patterns``
    are the extra patterns only: the token shapes always apply. The repr shows
    how many values there are, never the values.
    """

    values: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...] = ()
    _literals: re.Pattern[str] | None = field(init=False, default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        values = tuple(sorted({v for v in self.values if v}, key=lambda v: (-len(v), v)))
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "patterns", tuple(self.patterns))
        if values:
            either = "|".join(re.escape(value) for value in values)
            object.__setattr__(self, "_literals", re.compile(either))

    def __repr__(self) -> str:
        # Never the values themselves: a repr ends up in tracebacks and reports.
        return f"Redactor(values=<{len(self.values)} hidden>, patterns={len(self.patterns)})"

    def __call__(self, text: str) -> str:
        """Return ``text`` with every secret in it replaced by :data:`MARKER`.

        >>> Redactor(("hunter22",))("login hunter22 password=swordfish url=https://u:pw@host")
        'login [REDACTED] password=[REDACTED] url=https://u:[REDACTED]@host'
        """
        redacted = self._once(text)
        while redacted != text:
            text, redacted = redacted, self._once(redacted)
        return text

    def argv(self, argv: Sequence[str]) -> list[str]:
        """Return ``argv`` redacted argument by argument; a secret flag's value goes whole.

        >>> Redactor(("hunter22",)).argv(["mysql", "--password", "x y", "--token=a b", "hunter22"])
        ['mysql', '--password', '[REDACTED]', '--token=[REDACTED]', '[REDACTED]']
        """
        redacted = []
        after_secret_flag = False
        for arg in argv:
            flag = _SECRET_FLAG.fullmatch(arg)
            if after_secret_flag:
                redacted.append(MARKER)
            elif flag is not None and flag["value"] is not None:
                redacted.append(f"{self(flag['flag'])}={MARKER}")
            else:
                redacted.append(self(arg))
            after_secret_flag = flag is not None and flag["value"] is None
        return redacted

    def mapping(self, data: Mapping[str, object]) -> dict[str, object]:
        """Return ``data`` redacted: values under secret-looking keys go whole, strings in part.

        Nested mappings, lists and tuples are redacted the same way; string keys
        go through the redactor too; other values are kept as they are.

        >>> Redactor(()).mapping({"API_TOKEN": "abc", "port": 5432, "url": "https://u:pw@db"})
        {'API_TOKEN': '[REDACTED]', 'port': 5432, 'url': 'https://u:[REDACTED]@db'}
        """
        return {self(key): self._entry(key, value) for key, value in data.items()}

    def deep(self, value: object) -> object:
        """Return ``value`` with every string in it redacted, in mappings, lists and tuples too
        (keys included); unlike :meth:`mapping`, no value is replaced for its key's name.

        >>> Redactor(("hunter22",)).deep({"checks": [{"message": "pw hunter22", "n": 1}]})
        {'checks': [{'message': 'pw [REDACTED]', 'n': 1}]}
        """
        if isinstance(value, str):
            return self(value)
        if isinstance(value, Mapping):
            return {self.deep(k): self.deep(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.deep(item) for item in value]
        if isinstance(value, tuple):
            return tuple(self.deep(item) for item in value)
        return value

    def _entry(self, key: object, value: object) -> object:
        if isinstance(key, str) and SECRET_NAME.search(key):
            return MARKER
        return self._value(value)

    def _value(self, value: object) -> object:
        if isinstance(value, str):
            return self(value)
        if isinstance(value, Mapping):
            return {
                self(k) if isinstance(k, str) else k: self._entry(k, v) for k, v in value.items()
            }
        if isinstance(value, list):
            return [self._value(item) for item in value]
        if isinstance(value, tuple):
            return tuple(self._value(item) for item in value)
        return value

    def _once(self, text: str) -> str:
        """``text`` with what is found in it replaced; ``text`` itself if nothing is."""
        spans = list(self._spans(text))
        if not spans:
            return text
        markers = [m.span() for m in _MARKER_PATTERN.finditer(text)] if MARKER in text else []
        if markers:
            starts = [start for start, _ in markers]
            spans = [span for span in spans if not _inside(span, markers, starts)]
            if not spans:
                return text
        # Merge overlapping finds, and touching ones (one marker tells nothing of their
        # lengths); markers join only what overlaps them, so none is cut into. A run with
        # at least one real find becomes one marker; a marker alone stays as it is.
        runs: list[tuple[int, int, bool]] = []
        found = [(start, end, True) for start, end in spans]
        for start, end, real in sorted(found + [(start, end, False) for start, end in markers]):
            if runs and (start < runs[-1][1] or (start == runs[-1][1] and real and runs[-1][2])):
                last_start, last_end, last_real = runs[-1]
                runs[-1] = (last_start, max(last_end, end), last_real or real)
            else:
                runs.append((start, end, real))
        pieces = []
        position = 0
        for start, end, real in runs:
            if real:
                pieces += [text[position:start], MARKER]
                position = end
        pieces.append(text[position:])
        return "".join(pieces)

    def _spans(self, text: str) -> Iterator[tuple[int, int]]:
        """Everything found in ``text``, overlapping as it may."""
        if self._literals is not None:
            # Searching again just after each start also finds values that overlap it.
            match = self._literals.search(text)
            while match is not None:
                yield match.span()
                match = self._literals.search(text, match.start() + 1)
        yield from _pem_spans(text)
        for pattern in _SHAPES:
            yield from _secret_spans(pattern, text)
        lower = text.lower()
        if len(lower) == len(text):
            for pattern in _IN_LOWER_CASE:
                yield from _secret_spans(pattern, lower)
        else:
            for pattern in _ignoring_case():
                yield from _secret_spans(pattern, text)
        for pattern in self.patterns:
            yield from _secret_spans(pattern, text)


def _secret_spans(pattern: re.Pattern[str], text: str) -> Iterator[tuple[int, int]]:
    """Where ``pattern`` finds a secret: its group ``secret`` if it has one, else the match.

    A match in which the group ``secret`` took no part holds no secret.
    """
    grouped = "secret" in pattern.groupindex
    for match in pattern.finditer(text):
        start, end = match.span("secret") if grouped else match.span()
        if start < end:  # (-1, -1) if the group took no part
            yield start, end


def _pem_spans(text: str) -> Iterator[tuple[int, int]]:
    """Private key blocks: BEGIN to END line, or as far as the body goes if cut off."""
    # str.find is much faster than a regex search; ``candidate`` only moves forward (to
    # -1 once there is none), so blocks that never end do not make the search quadratic.
    candidate = 0
    begin = _PEM_BEGIN.search(text)
    while begin is not None:
        start, stop = begin.end(), -1
        if 0 <= candidate < start:
            candidate = text.find("-----END", start)
        while 0 <= candidate < start + _PEM_REACH:
            end = _PEM_END.match(text, candidate)
            if end is not None:
                stop = end.end()
                break
            candidate = text.find("-----END", candidate + 1)
        if stop == -1:
            cut = _PEM_CUT.match(text, start)
            stop = start if cut is None else cut.end()
        yield begin.start(), stop
        begin = _PEM_BEGIN.search(text, stop)


def _inside(
    span: tuple[int, int], markers: Sequence[tuple[int, int]], starts: Sequence[int]
) -> bool:
    """Whether ``span`` lies within one of ``markers`` (sorted, apart; ``starts`` theirs)."""
    index = bisect_right(starts, span[0]) - 1
    return index >= 0 and span[1] <= markers[index][1]


def _worth_redacting(value: str) -> bool:
    return len(value) >= MIN_SECRET_LENGTH and value.lower() not in _TOO_COMMON


def _variants(value: str) -> Iterator[str]:
    """``value`` as it may show up in text: as is, stripped, line by line, encoded."""
    stripped = value.strip()
    if not _worth_redacting(stripped):
        return
    # Imported here: most runs have no secret variable, and every run imports this module.
    import json  # noqa: PLC0415
    from urllib.parse import quote, quote_plus  # noqa: PLC0415

    forms = {value, stripped}
    forms.update(line.strip() for line in stripped.splitlines())
    for form in list(forms):
        if _worth_redacting(form):
            yield form
            yield quote(form, safe="")
            yield quote(form)
            yield quote_plus(form)
            yield json.dumps(form)[1:-1]


def build_redactor(environ: Mapping[str, str], extra_patterns: Sequence[str] = ()) -> Redactor:
    """Build the redactor for a run from its environment and the extra patterns.

    >>> redact = build_redactor({"DEPLOY_TOKEN": "s3cr3t-v4lue", "CI": "true"}, [r"T-\\d{4}"])
    >>> redact("deploy s3cr3t-v4lue as ticket T-1234 (CI=true)")
    'deploy [REDACTED] as ticket [REDACTED] (CI=true)'
    """
    values = {
        variant
        for name, value in environ.items()
        if SECRET_NAME.search(name)
        for variant in _variants(value)
    }
    return Redactor(tuple(values), tuple(parse_extra_pattern(p) for p in extra_patterns))


def parse_extra_pattern(pattern: str) -> re.Pattern[str]:
    """Compile an extra redaction pattern, or raise ValueError saying why it is not valid.

    >>> parse_extra_pattern(r"ticket (?P<secret>\\d+)").groupindex
    mappingproxy({'secret': 1})
    >>> parse_extra_pattern("[a-")
    Traceback (most recent call last):
    ...
    ValueError: '[a-' is not a valid regular expression: unterminated character set at position 0
    """
    try:
        return re.compile(pattern)
    except re.error as error:
        raise ValueError(f"{pattern!r} is not a valid regular expression: {error}") from None


@functools.lru_cache(maxsize=4096)
def is_secret_name(name: str) -> bool:
    """Whether a variable or key named ``name`` holds a secret (cached: asked at every report).

    >>> is_secret_name("DB_PASSWORD"), is_secret_name("GIT_AUTHOR_NAME")
    (True, False)
    """
    return SECRET_NAME.search(name) is not None


def secret_env_values(envs: Iterable[Mapping[str, object]]) -> list[str]:
    """The values under secret-looking names in ``envs`` (a plan's ``env:`` mappings).

    >>> secret_env_values([{"API_TOKEN": "literal-value", "LANG": "C"}])
    ['literal-value']
    """
    return [
        value
        for env in envs
        for name, value in env.items()
        if isinstance(value, str) and is_secret_name(name)
    ]


class RunRedactor:
    """The redactor of one run, kept in step with the environment while the run goes on.

    It knows the values of secret-looking environment variables (also those a check
    sets or changes during the run: a value once seen stays secret until the run
    ends), the ``given`` values (a plan's ``env:`` values under secret-looking
    names) and the extra patterns. Each call first looks whether the environment's
    secret values changed, cheaply: the number of variables, and the current values
    of the secret-looking names already known (the names are read again only when
    that number changes). The patterns are compiled again only when a new secret
    value appears; :attr:`generation` counts how often that happened.
    """

    def __init__(
        self,
        environ: Mapping[str, str],
        patterns: Sequence[str] = (),
        given: Iterable[str] = (),
    ) -> None:
        self._environ = environ
        self._patterns = tuple(parse_extra_pattern(p) for p in patterns)
        self._values = {variant for value in given for variant in _variants(value)}
        self._seen: dict[str, str] = {}
        self._size = -1
        self._lock = threading.Lock()
        self._look()
        self.current = Redactor(tuple(self._values), self._patterns)
        #: How often a new secret value made the redactor be built again.
        self.generation = 0

    def __repr__(self) -> str:
        return f"RunRedactor({self.current!r})"

    def refresh(self) -> Redactor:
        """The redactor for the environment as it is now."""
        with self._lock:
            if self._look():
                self.current = Redactor(tuple(self._values), self._patterns)
                self.generation += 1
            return self.current

    def _look(self) -> bool:
        """Take in new secret values of the environment; whether there were any."""
        environ = self._environ
        size = len(environ)
        names: Iterable[str] = self._seen
        if size != self._size:
            self._size = size
            names = [name for name in environ if is_secret_name(name)]
        new = False
        for name in list(names):
            value = environ.get(name)
            if value is None or self._seen.get(name) == value:
                continue
            self._seen[name] = value
            for variant in _variants(value):
                if variant not in self._values:
                    self._values.add(variant)
                    new = True
        return new

    def __call__(self, text: str) -> str:
        """``text`` with every secret known now replaced by :data:`MARKER`."""
        return self.refresh()(text)

    def argv(self, argv: Sequence[str]) -> list[str]:
        """See :meth:`Redactor.argv`."""
        return self.refresh().argv(argv)

    def mapping(self, data: Mapping[str, object]) -> dict[str, object]:
        """See :meth:`Redactor.mapping`."""
        return self.refresh().mapping(data)

    def deep(self, value: object) -> object:
        """See :meth:`Redactor.deep`."""
        return self.refresh().deep(value)


def redact_metadata(metadata: dict[str, object], redact: RunRedactor | Redactor) -> None:
    """Redact pytest-metadata's table in place (pytest-html keeps a reference to it)."""
    redacted = redact.mapping(metadata)
    if redacted != metadata:
        metadata.clear()
        metadata.update(redacted)


#: How a secret in a test id is shown: with a short digest of the whole id, so that ids
#: with different secrets stay apart and the same id is the same in every run.
ID_MARKER = "REDACTED-{digest}"


def redacted_id(redact: Callable[[str], str], text: str) -> str | None:
    """``text`` (a test id) with each secret replaced by :data:`ID_MARKER`, or None if it
    has none. The digest is the first 8 hex digits of the SHA-256 of the whole id.

    >>> redacted_id(Redactor(("hunter22",)), "db-hunter22")
    'db-REDACTED-720af0b3'
    >>> redacted_id(Redactor(("hunter22",)), "db-other") is None
    True
    """
    cleaned = redact(text)
    if cleaned == text:
        return None
    import hashlib  # noqa: PLC0415 - only for the rare id with a secret in it

    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    shown = cleaned.replace(MARKER, ID_MARKER.format(digest=digest))
    # pytest shows ids in ASCII (non-ASCII escaped), as it does for its own.
    return shown if shown.isascii() else shown.encode("unicode_escape").decode("ascii")
