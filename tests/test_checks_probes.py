"""cutover_checks.probes against real servers on 127.0.0.1: HTTP(S), TCP, TLS and DNS."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from loopback import Certificate, make_certificate

from cutover_checks import _x509
from cutover_checks.errors import InvalidArgument
from cutover_checks.probes import dns, http, parse_address, tcp, tls


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


# parse_address


@pytest.mark.parametrize(
    ("address", "expected"),
    [("db:5432", ("db", 5432)), ("127.0.0.1:443", ("127.0.0.1", 443)), ("[::1]:443", ("::1", 443))],
)
def test_an_address_splits_into_host_and_port(address: str, expected: tuple[str, int]) -> None:
    assert parse_address(address) == expected


@pytest.mark.parametrize(
    "address", ["db", "db:", ":443", "db:https", "db:0", "db:70000", "::1:443"]
)
def test_an_address_without_host_and_port_is_refused_with_its_text(address: str) -> None:
    with pytest.raises(InvalidArgument, match=f"^address: '{re.escape(address)}' is not host:port"):
        parse_address(address)


# http


def test_a_healthy_endpoint_passes_with_its_status_latency_and_url(web: str) -> None:
    url = f"http://{web}/healthz"
    result = http(url, body=r"status: ok", max_latency=5)
    assert result.ok, result.message
    assert result.message.startswith(f"GET {url} answered 200 in ")
    assert result.details["status"] == 200
    assert result.details["url"] == url
    assert 0 <= result.details["latency"] < 5


def test_a_server_error_fails_and_says_what_was_expected(web: str) -> None:
    result = http(f"http://{web}/broken")
    assert not result.ok
    assert result.message == f"GET http://{web}/broken answered 500, expected 200"
    assert result.details["status"] == 500


def test_a_list_of_statuses_accepts_any_of_them(web: str) -> None:
    assert http(f"http://{web}/broken", status=[500, 503]).ok
    result = http(f"http://{web}/healthz", status=(201, 204))
    assert result.message == f"GET http://{web}/healthz answered 200, expected one of 201, 204"


def test_a_body_that_does_not_match_fails_and_quotes_the_pattern(web: str) -> None:
    url = f"http://{web}/healthz"
    result = http(url, body=r"status: (green|ready)")
    assert not result.ok
    assert result.message == (
        f"GET {url} answered 200, but the body does not match 'status: (green|ready)'"
    )
    assert result.details["body"] == "status: ok\n"


def test_a_slow_answer_fails_a_latency_bound_and_says_how_slow(web: str) -> None:
    result = http(f"http://{web}/slow", max_latency=0.1)
    assert not result.ok
    assert result.message.startswith(f"GET http://{web}/slow took 0.")
    assert result.message.endswith("s, more than 0.10s")
    assert result.details["latency"] >= 0.3


def test_a_redirect_is_not_followed(web: str) -> None:
    assert http(f"http://{web}/moved", status=302).ok
    result = http(f"http://{web}/moved")
    assert result.message == f"GET http://{web}/moved answered 302, expected 200"


def test_a_server_that_never_answers_times_out(silent: str) -> None:
    started = time.monotonic()
    result = http(f"http://{silent}/healthz", timeout=0.5)
    assert not result.ok
    assert result.message == f"GET http://{silent}/healthz timed out after 0.5s"
    assert time.monotonic() - started < 3


def test_a_closed_port_fails_with_connection_refused(closed: str) -> None:
    result = http(f"http://{closed}/healthz")
    assert not result.ok
    assert result.message == f"GET http://{closed}/healthz failed: connection refused"


@pytest.mark.parametrize(
    ("arguments", "complaint"),
    [
        ({"url": "ftp://example.com/"}, "is not an http"),
        ({"url": "http:///healthz"}, "is not an http"),
        ({"url": "http://example.com/", "body": "("}, "body: .* is not a valid regular expression"),
        ({"url": "http://example.com/", "status": 42}, "status: 42 is not an HTTP status"),
        (
            {"url": "http://example.com/", "timeout": -1},
            "timeout: -1 is not a positive number of seconds",
        ),
    ],
)
def test_malformed_http_arguments_raise_before_any_request(
    arguments: dict[str, Any], complaint: str
) -> None:
    with pytest.raises(InvalidArgument, match=complaint):
        http(**arguments)


def test_https_verifies_against_the_given_ca_file(
    serve_https: Callable[[Certificate], str], valid_certificate: Certificate
) -> None:
    address = serve_https(valid_certificate)
    url = f"https://{address}/healthz"
    assert http(url, body="ok", ca_file=valid_certificate.pem).ok
    untrusted = http(url)
    assert not untrusted.ok
    assert untrusted.message.startswith(f"GET {url} failed: certificate verify failed: self")


# tcp


def test_tcp_connects_to_a_listening_port(web: str) -> None:
    result = tcp(web)
    assert result.ok
    assert result.message == f"connected to {web}"


def test_tcp_fails_on_a_closed_port_with_connection_refused(closed: str) -> None:
    result = tcp(closed)
    assert not result.ok
    assert result.message == f"cannot connect to {closed}: connection refused"


# tls


def test_a_certificate_valid_for_three_days_passes_a_one_day_minimum(
    serve_https: Callable[[Certificate], str], valid_certificate: Certificate
) -> None:
    address = serve_https(valid_certificate)
    result = tls(address, min_days=1, ca_file=valid_certificate.pem)
    assert result.ok, result.message
    when = _iso(valid_certificate.not_after)
    assert result.message == f"TLS certificate of {address} expires in 3.0 days (not after {when})"
    assert result.details["not_after"] == when
    assert result.details["days_left"] == pytest.approx(3, abs=0.01)
    assert result.details["subject"] == "commonName=cutover test"
    assert result.details["verified"] is True


def test_a_certificate_valid_for_three_days_fails_the_default_fourteen_days(
    serve_https: Callable[[Certificate], str], valid_certificate: Certificate
) -> None:
    address = serve_https(valid_certificate)
    result = tls(address, ca_file=valid_certificate.pem)
    assert not result.ok
    assert result.message == (
        f"TLS certificate of {address} expires in 3.0 days, less than the 14 required"
    )


def test_an_expired_certificate_fails_and_says_how_long_ago(
    serve_https: Callable[[Certificate], str], expired_certificate: Certificate
) -> None:
    address = serve_https(expired_certificate)
    result = tls(address, ca_file=expired_certificate.pem)
    assert not result.ok
    when = _iso(expired_certificate.not_after)
    assert result.message == (
        f"TLS certificate of {address} expired 3.0 days ago (not after {when}): "
        "certificate verify failed: certificate has expired"
    )
    assert result.details["days_left"] == pytest.approx(-3, abs=0.01)
    assert result.details["verified"] is False


def test_an_expired_certificate_fails_even_unverified(
    serve_https: Callable[[Certificate], str], expired_certificate: Certificate
) -> None:
    address = serve_https(expired_certificate)
    result = tls(address, verify=False)
    when = _iso(expired_certificate.not_after)
    assert not result.ok
    assert result.message == f"TLS certificate of {address} expired 3.0 days ago (not after {when})"


def test_an_untrusted_certificate_fails_verified_and_passes_unverified(
    serve_https: Callable[[Certificate], str], valid_certificate: Certificate
) -> None:
    address = serve_https(valid_certificate)
    untrusted = tls(address, min_days=1)
    assert not untrusted.ok
    assert untrusted.message.startswith(
        f"TLS certificate of {address} does not verify: certificate verify failed: self"
    )
    assert untrusted.details["not_after"] == _iso(valid_certificate.not_after)
    unverified = tls(address, min_days=1, verify=False)
    assert unverified.ok, unverified.message
    assert unverified.message.endswith(", chain not verified")
    assert unverified.details["verified"] is False


def test_a_server_name_the_certificate_does_not_cover_fails(
    serve_https: Callable[[Certificate], str], valid_certificate: Certificate
) -> None:
    address = serve_https(valid_certificate)
    result = tls(address, min_days=1, server_name="wrong.example", ca_file=valid_certificate.pem)
    assert not result.ok
    assert "certificate verify failed: Hostname mismatch" in result.message


def test_tls_fails_on_a_closed_port_and_times_out_on_a_silent_one(closed: str, silent: str) -> None:
    refused = tls(closed)
    assert refused.message == f"TLS handshake with {closed} failed: connection refused"
    quiet = tls(silent, timeout=0.5)
    assert quiet.message == f"TLS handshake with {silent} timed out after 0.5s"


def test_tls_refuses_malformed_arguments() -> None:
    with pytest.raises(InvalidArgument, match=r"^min_days: "):
        tls("127.0.0.1:443", min_days=-1)
    with pytest.raises(InvalidArgument, match=r"^ca_file: "):
        tls("127.0.0.1:443", ca_file="/no/such/ca.pem")


# dns


def test_localhost_resolves() -> None:
    result = dns("localhost")
    assert result.ok, result.message
    assert set(result.details["addresses"]) & {"127.0.0.1", "::1"}
    assert result.details["addresses"] == sorted(set(result.details["addresses"]))


def test_a_name_under_the_reserved_invalid_domain_does_not_resolve() -> None:
    result = dns("cutover-probe.invalid", timeout=2)
    assert not result.ok
    assert result.message.startswith("cannot resolve cutover-probe.invalid: ")


# _x509


def test_not_after_and_not_before_read_utc_and_generalized_times(tmp_path: Path) -> None:
    start = datetime(1999, 12, 31, 23, 59, 58, tzinfo=timezone.utc)  # UTCTime, 19xx
    end = datetime(2051, 2, 3, 4, 5, 6, tzinfo=timezone.utc)  # GeneralizedTime from 2050 on
    certificate = make_certificate(tmp_path, start, end)
    assert _x509.not_before(certificate.der) == start
    assert _x509.not_after(certificate.der) == end
    assert _x509.not_after(certificate.der).utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    "der", [b"", b"\x30", b"not a certificate", b"\x30\x03\x02\x01\x01", b"\x30\x82\xff\xff"]
)
def test_not_after_refuses_garbage_with_a_value_error(der: bytes) -> None:
    with pytest.raises(ValueError, match=r"DER|SEQUENCE|INTEGER|Certificate"):
        _x509.not_after(der)


def test_not_after_refuses_a_truncated_certificate(valid_certificate: Certificate) -> None:
    with pytest.raises(ValueError, match="truncated"):
        _x509.not_after(valid_certificate.der[:-20])
