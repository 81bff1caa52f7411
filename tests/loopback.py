"""Real servers on loopback for the tests: HTTP, HTTPS, silent and closed ports, certificates.

Loaded as a plugin by the root conftest, so every test module gets its fixtures.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class Answer:
    """What a loopback server sends back: a status, a body, headers, after a delay."""

    status: int
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0


@dataclass(frozen=True)
class Request:
    """One request a loopback server answered: its path, when it came and when it was answered.

    ``answered`` is taken before the first byte of the answer is sent, so whatever the
    client does after reading the answer comes later: an order, not a timing.
    """

    path: str
    arrived: float
    answered: float


#: How a loopback server answers a GET: from its path and its number (1 for the first request).
Answering = Callable[[str, int], Answer]

TEXT = (("Content-Type", "text/plain; charset=utf-8"),)


def health_endpoints(path: str, number: int) -> Answer:
    """/healthz 200 with a body, /broken 500, /slow 200 after 0.3 s, /moved 302 to /healthz."""
    if path == "/healthz":
        return Answer(200, b"status: ok\n", TEXT)
    if path == "/broken":
        return Answer(500, b"database unavailable\n", TEXT)
    if path == "/slow":
        return Answer(200, b"ok\n", TEXT, delay=0.3)
    if path == "/moved":
        return Answer(302, b"", (("Location", "/healthz"), *TEXT))
    return Answer(404, b"not found\n", TEXT)


class _Handler(BaseHTTPRequestHandler):
    server: LoopbackServer

    def do_GET(self) -> None:
        arrived = time.time()
        answer = self.server.answer(self.path, self.server.count_arrival())
        if answer.delay:
            time.sleep(answer.delay)
        self.server.log(Request(self.path, arrived, time.time()))
        self.send_response(answer.status)
        for name, value in answer.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        self.wfile.write(answer.body)

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output clean."""


class LoopbackServer(ThreadingHTTPServer):
    """An HTTP server on 127.0.0.1 that answers each GET through a function and logs it."""

    request_queue_size = 64  # checks of one gate connect at once; the default backlog is 5,
    # and a connection dropped from a full backlog is retried a second later, out of step

    def __init__(self, answer: Answering) -> None:
        super().__init__((LOOPBACK, 0), _Handler)
        self.answer = answer
        self.arrivals = 0
        self.requests: list[Request] = []
        self._lock = threading.Lock()

    @property
    def address(self) -> str:
        """host:port, as the plan's probes take it."""
        return f"{LOOPBACK}:{self.server_port}"

    def url(self, path: str) -> str:
        return f"http://{self.address}{path}"

    def count_arrival(self) -> int:
        """Count a request as it comes in; its number, 1 for the first."""
        with self._lock:
            self.arrivals += 1
            return self.arrivals

    def log(self, request: Request) -> None:
        with self._lock:
            self.requests.append(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Probes hang up right after the handshake, on purpose; that is no error here."""


@contextlib.contextmanager
def _serving(server: LoopbackServer) -> Iterator[LoopbackServer]:
    """Serve in a thread; shut down and close on the way out."""
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@dataclass(frozen=True)
class Certificate:
    pem: Path
    key: Path
    der: bytes
    not_after: datetime


def make_certificate(folder: Path, not_before: datetime, not_after: datetime) -> Certificate:
    """A self-signed certificate for 127.0.0.1, written as PEM next to its key."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "cutover test")])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(LOOPBACK))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    pem = folder / "cert.pem"
    pem.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file = folder / "key.pem"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    der = certificate.public_bytes(serialization.Encoding.DER)
    return Certificate(pem, key_file, der, not_after)


def now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


@pytest.fixture
def valid_certificate(tmp_path: Path) -> Certificate:
    """Valid since yesterday, for three more days."""
    return make_certificate(
        tmp_path / "valid", now() - timedelta(days=1), now() + timedelta(days=3)
    )


@pytest.fixture
def expired_certificate(tmp_path: Path) -> Certificate:
    """Expired three days ago."""
    return make_certificate(
        tmp_path / "expired", now() - timedelta(days=30), now() - timedelta(days=3)
    )


#: Start a loopback HTTP server: how it answers, and a certificate to serve HTTPS with.
ServeHttp = Callable[..., LoopbackServer]


@pytest.fixture
def http_server() -> Iterator[ServeHttp]:
    """Start loopback HTTP (or, given a certificate, HTTPS) servers; all stop after the test.

    ``http_server(answer)`` serves ``answer(path, number)`` for each GET;
    without an ``answer`` a server has the :func:`health_endpoints`.
    """
    with contextlib.ExitStack() as servers:

        def serve(
            answer: Answering = health_endpoints, certificate: Certificate | None = None
        ) -> LoopbackServer:
            server = LoopbackServer(answer)
            if certificate is not None:
                context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
                context.load_cert_chain(certificate.pem, certificate.key)
                server.socket = context.wrap_socket(server.socket, server_side=True)
            return servers.enter_context(_serving(server))

        yield serve


@pytest.fixture
def web(http_server: ServeHttp) -> str:
    """A plain HTTP server with the health endpoints on 127.0.0.1; its host:port."""
    return http_server().address


@pytest.fixture
def serve_https(http_server: ServeHttp) -> Callable[[Certificate], str]:
    """Start HTTPS servers with the health endpoints presenting a given certificate; host:port."""
    return lambda certificate: http_server(certificate=certificate).address


@pytest.fixture
def silent() -> Iterator[str]:
    """A port that takes connections (the kernel completes them) and never answers."""
    with socket.socket() as listener:
        listener.bind((LOOPBACK, 0))
        listener.listen(8)
        yield f"{LOOPBACK}:{listener.getsockname()[1]}"


@pytest.fixture
def closed() -> str:
    """A port nothing listens on: bound, noted and closed again."""
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        port: int = probe.getsockname()[1]
    return f"{LOOPBACK}:{port}"
