"""Network probes: does a URL answer, a port accept, a certificate last, a name resolve.

Each probe is bounded by a timeout (5 s unless told otherwise), looks without
changing anything, and returns a :class:`~cutover_checks.result.CheckResult`
whose message says what was expected and what was seen. What happens on the
network (a refused connection, a timeout, an expired certificate) is a failed
result, never an exception; only malformed parameters raise
:class:`~cutover_checks.errors.InvalidArgument`.
"""

from __future__ import annotations

import math
import re
import socket
import ssl
import threading
import time
from collections.abc import Sequence
from datetime import datetime, timezone
from http.client import HTTPConnection, HTTPException, HTTPResponse, HTTPSConnection
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, urlsplit

from cutover_checks import _x509
from cutover_checks._patterns import compile_pattern
from cutover_checks.errors import InvalidArgument
from cutover_checks.result import CheckResult, failed, passed

#: Seconds a probe may take when no timeout is given.
DEFAULT_TIMEOUT = 5.0

#: Bytes of a response body searched for ``http(..., body=...)``.
BODY_LIMIT = 1024 * 1024

_ADDRESS = re.compile(r"(?:\[([^\[\]\s/]+)\]|([^\[\]\s/:]+)):([0-9]{1,5})")


def parse_address(address: str) -> tuple[str, int]:
    """Split ``host:port`` (IPv6 as ``[::1]:443``) into host and port.

    >>> parse_address("db:5432")
    ('db', 5432)
    >>> parse_address("[::1]:443")
    ('::1', 443)
    >>> parse_address("db")
    Traceback (most recent call last):
    ...
    cutover_checks.errors.InvalidArgument: address: 'db' is not host:port (IPv6 as [::1]:443)
    """
    match = _ADDRESS.fullmatch(address)
    if match is None or not 0 < int(match[3]) < 65536:
        raise InvalidArgument("address", f"{address!r} is not host:port (IPv6 as [::1]:443)")
    return match[1] or match[2], int(match[3])


def parse_url(url: str) -> tuple[SplitResult, str, int | None]:
    """An http(s):// URL split into its parts, its host, and its port if it gives one.

    >>> parse_url("http://[::1")
    Traceback (most recent call last):
    ...
    cutover_checks.errors.InvalidArgument: url: 'http://[::1' is not an http(s):// URL
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise InvalidArgument("url", f"{url!r} is not an http(s):// URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidArgument("url", f"{url!r} is not an http(s):// URL")
    return parts, parts.hostname, port


def http(
    url: str,
    *,
    status: int | Sequence[int] = 200,
    body: str | None = None,
    max_latency: float | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    ca_file: str | Path | None = None,
) -> CheckResult:
    """Whether a GET of ``url`` answers ``status`` (redirects are not followed), in time.

    ``body`` is a regex searched in the first MiB of the body; ``latency`` in
    the details is the time until the response headers arrived.

    >>> http("ftp://example.com/")
    Traceback (most recent call last):
    ...
    cutover_checks.errors.InvalidArgument: url: 'ftp://example.com/' is not an http(s):// URL
    """
    parts, host, port = parse_url(url)
    expected = (status,) if isinstance(status, int) else tuple(status)
    if not expected or not all(isinstance(code, int) and 100 <= code <= 599 for code in expected):
        raise InvalidArgument("status", f"{status!r} is not an HTTP status or a list of them")
    pattern = None if body is None else compile_pattern(body, "body")
    _check_seconds("timeout", timeout)
    if max_latency is not None:
        _check_seconds("max_latency", max_latency)
    connection: HTTPConnection
    if parts.scheme == "https":
        context = _context(ca_file)
        connection = HTTPSConnection(host, port, timeout=timeout, context=context)
    else:
        connection = HTTPConnection(host, port, timeout=timeout)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = {"User-Agent": "pytest-cutover", "Connection": "close"}
    started = time.monotonic()
    try:
        connection.request("GET", target, headers=headers)
        with connection.getresponse() as response:
            latency = time.monotonic() - started
            code = response.status
            text = _text(response, started + timeout) if pattern else ""
    except TimeoutError:
        return failed(f"GET {url} timed out after {timeout:g}s", url=url)
    except (OSError, HTTPException) as exc:
        return failed(f"GET {url} failed: {_reason(exc)}", url=url)
    finally:
        connection.close()
    details: dict[str, Any] = {"url": url, "status": code, "latency": round(latency, 3)}
    if code not in expected:
        wanted = (
            str(expected[0]) if len(expected) == 1 else "one of " + ", ".join(map(str, expected))
        )
        return failed(f"GET {url} answered {code}, expected {wanted}", **details)
    if pattern is not None and not pattern.search(text):
        message = f"GET {url} answered {code}, but the body does not match {body!r}"
        return failed(message, **details, body=text[:200])
    if max_latency is not None and latency > max_latency:
        message = f"GET {url} took {latency:.2f}s, more than {max_latency:.2f}s"
        return failed(message, **details)
    return passed(f"GET {url} answered {code} in {latency:.2f}s", **details)


def tcp(address: str, *, timeout: float = DEFAULT_TIMEOUT) -> CheckResult:
    """Whether a TCP connection to ``host:port`` opens within ``timeout`` seconds.

    >>> tcp("db:5432", timeout=0)
    Traceback (most recent call last):
    ...
    cutover_checks.errors.InvalidArgument: timeout: 0 is not a positive number of seconds
    """
    host, port = parse_address(address)
    _check_seconds("timeout", timeout)
    started = time.monotonic()
    try:
        with _connect(host, port, timeout):
            latency = time.monotonic() - started
    except TimeoutError:
        return failed(f"cannot connect to {address}: timed out after {timeout:g}s", address=address)
    except (OSError, UnicodeError) as exc:
        return failed(f"cannot connect to {address}: {_reason(exc)}", address=address)
    return passed(f"connected to {address}", address=address, latency=round(latency, 3))


def tls(
    address: str,
    *,
    min_days: float = 14,
    server_name: str | None = None,
    ca_file: str | Path | None = None,
    verify: bool = True,
    timeout: float = DEFAULT_TIMEOUT,
) -> CheckResult:
    """Whether the TLS certificate at ``host:port`` verifies and lasts ``min_days`` more days.

    >>> tls("example.com:443", min_days=-1)
    Traceback (most recent call last):
    ...
    cutover_checks.errors.InvalidArgument: min_days: -1 is not a number of days >= 0
    """
    host = parse_address(address)[0]
    if not (isinstance(min_days, (int, float)) and math.isfinite(min_days) and min_days >= 0):
        raise InvalidArgument("min_days", f"{min_days!r} is not a number of days >= 0")
    _check_seconds("timeout", timeout)
    context = _context(ca_file) if verify else _unverified()
    seen = _peer_certificate(address, server_name or host, context, timeout)
    if isinstance(seen, CheckResult):
        return seen
    der, subject, problem = seen
    where = f"TLS certificate of {address}"
    try:
        expires = _x509.not_after(der)
    except ValueError as exc:
        return failed(f"cannot read the {where}: {exc}", address=address)
    days = (expires - datetime.now(timezone.utc)).total_seconds() / 86400
    when = expires.strftime("%Y-%m-%dT%H:%M:%SZ")
    details: dict[str, Any] = {"address": address, "not_after": when, "days_left": round(days, 3)}
    details["verified"] = verify and not problem
    if subject:
        details["subject"] = subject
    if days < 0:
        message = f"{where} expired {-days:.1f} days ago (not after {when})"
        return failed(f"{message}: {problem}" if problem else message, **details)
    if problem:
        message = (
            f"{where} does not verify: {problem} (expires in {days:.1f} days, not after {when})"
        )
        return failed(message, **details)
    if days < min_days:
        message = f"{where} expires in {days:.1f} days, less than the {min_days:g} required"
        return failed(message, **details)
    unverified = "" if verify else ", chain not verified"
    return passed(f"{where} expires in {days:.1f} days (not after {when}){unverified}", **details)


def _peer_certificate(
    address: str, server_name: str, context: ssl.SSLContext, timeout: float
) -> tuple[bytes, str, str] | CheckResult:
    """The peer's certificate (DER), its subject if verified, and why it did not verify.

    When verification fails, connect again without it so the dates can still be told.
    """
    host, port = parse_address(address)
    problem = ""
    try:
        der, subject = _handshake(host, port, server_name, context, timeout)
    except ssl.SSLCertVerificationError as exc:
        problem = _reason(exc)
        try:
            der, subject = _handshake(host, port, server_name, _unverified(), timeout)
        except (OSError, UnicodeError):
            return failed(f"TLS handshake with {address} failed: {problem}", address=address)
    except TimeoutError:
        return failed(f"TLS handshake with {address} timed out after {timeout:g}s", address=address)
    except (OSError, UnicodeError) as exc:
        return failed(f"TLS handshake with {address} failed: {_reason(exc)}", address=address)
    return der, subject, problem


def dns(name: str, *, timeout: float = DEFAULT_TIMEOUT) -> CheckResult:
    """Whether ``name`` resolves to at least one address within ``timeout`` seconds.

    >>> dns("")
    Traceback (most recent call last):
    ...
    cutover_checks.errors.InvalidArgument: name: '' is not a host name
    """
    if not name or any(char.isspace() or char in "/:[]" for char in name):
        raise InvalidArgument("name", f"{name!r} is not a host name")
    _check_seconds("timeout", timeout)
    try:
        addresses = sorted(set(_resolve(name, timeout)))
    except TimeoutError:
        return failed(f"cannot resolve {name}: timed out after {timeout:g}s", name=name)
    except (OSError, UnicodeError) as exc:
        return failed(f"cannot resolve {name}: {_reason(exc)}", name=name)
    return passed(f"{name} resolves to {', '.join(addresses)}", name=name, addresses=addresses)


def _resolve(host: str, timeout: float) -> list[str]:
    """The addresses of ``host`` in resolver order; the lookup runs in a daemon thread."""
    outcome: list[list[str] | OSError | UnicodeError] = []

    def lookup() -> None:
        try:
            infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
            outcome.append(list(dict.fromkeys(str(info[4][0]) for info in infos)))
        except (OSError, UnicodeError) as exc:
            outcome.append(exc)

    thread = threading.Thread(target=lookup, name=f"cutover-resolve-{host}", daemon=True)
    thread.start()
    thread.join(timeout)
    if not outcome:
        raise TimeoutError(f"resolving {host} timed out")
    if isinstance(outcome[0], list):
        return outcome[0]
    raise outcome[0]


def _connect(host: str, port: int, timeout: float) -> socket.socket:
    """A TCP connection to the first address of ``host`` that answers, all within ``timeout``."""
    deadline = time.monotonic() + timeout
    error: OSError = OSError(f"no address for {host}")
    for ip in _resolve(host, timeout):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(f"connecting to {host} timed out")
        try:
            return socket.create_connection((ip, port), timeout=remaining)
        except OSError as exc:
            error = exc
    raise error


def _handshake(
    host: str, port: int, server_name: str, context: ssl.SSLContext, timeout: float
) -> tuple[bytes, str]:
    """The peer certificate (DER) and, when it was verified, its subject."""
    with (
        _connect(host, port, timeout) as raw,
        context.wrap_socket(raw, server_hostname=server_name) as conn,
    ):
        der = conn.getpeercert(binary_form=True) or b""
        fields = conn.getpeercert() or {}
    rdns: Any = fields.get("subject", ())
    return der, ", ".join(f"{key}={value}" for rdn in rdns for key, value in rdn)


def _context(ca_file: str | Path | None) -> ssl.SSLContext:
    """A verifying client context: system trust, or only ``ca_file``."""
    cafile = None if ca_file is None else str(ca_file)
    try:
        return ssl.create_default_context(cafile=cafile)
    except OSError as exc:
        raise InvalidArgument("ca_file", f"{cafile!r} cannot be loaded: {_reason(exc)}") from exc


def _unverified() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def _text(response: HTTPResponse, deadline: float) -> str:
    """At most BODY_LIMIT bytes of the body, decoded; reading stops at ``deadline``."""
    chunks: list[bytes] = []
    size = 0
    while size < BODY_LIMIT:
        if time.monotonic() > deadline:
            raise TimeoutError("reading the body timed out")
        chunk = response.read1(BODY_LIMIT - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    charset = response.headers.get_content_charset() or "utf-8"
    try:
        return b"".join(chunks).decode(charset, errors="replace")
    except LookupError:
        return b"".join(chunks).decode("utf-8", errors="replace")


def _check_seconds(name: str, value: float) -> None:
    if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
        raise InvalidArgument(name, f"{value!r} is not a positive number of seconds")


def _reason(exc: BaseException) -> str:
    """Why a connection failed, in lower case: 'connection refused', 'certificate verify ...'."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"certificate verify failed: {exc.verify_message}"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    text = (exc.strerror if isinstance(exc, OSError) else None) or str(exc) or type(exc).__name__
    text = re.sub(r" \(_ssl\.c:\d+\)$", "", text)
    return text[:1].lower() + text[1:]
