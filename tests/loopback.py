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


class _Handler(BaseHTTPRequestHandler):
    """/healthz 200 with a body, /broken 500, /slow 200 after 0.3 s, /moved 302."""

    def do_GET(self) -> None:
        if self.path == "/slow":
            time.sleep(0.3)
        answers = {
            "/healthz": (200, b"status: ok\n"),
            "/broken": (500, b"database unavailable\n"),
            "/slow": (200, b"ok\n"),
            "/moved": (302, b""),
        }
        code, content = answers.get(self.path, (404, b"not found\n"))
        self.send_response(code)
        if code == 302:
            self.send_header("Location", "/healthz")
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output clean."""


class _Server(ThreadingHTTPServer):
    request_queue_size = 64  # checks of one gate connect at once; the default backlog is 5

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Probes hang up right after the handshake, on purpose; that is no error here."""


@contextlib.contextmanager
def _serving(server: _Server) -> Iterator[str]:
    """Serve in a thread; yield host:port; shut down and close on the way out."""
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"{LOOPBACK}:{server.server_port}"
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


@pytest.fixture
def web() -> Iterator[str]:
    """A plain HTTP server on 127.0.0.1; its host:port."""
    with _serving(_Server((LOOPBACK, 0), _Handler)) as address:
        yield address


@pytest.fixture
def serve_https() -> Iterator[Callable[[Certificate], str]]:
    """Start HTTPS servers presenting a given certificate; each answers its host:port."""
    with contextlib.ExitStack() as servers:

        def serve(certificate: Certificate) -> str:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(certificate.pem, certificate.key)
            server = servers.enter_context(_Server((LOOPBACK, 0), _Handler))
            server.socket = context.wrap_socket(server.socket, server_side=True)
            return servers.enter_context(_serving(server))

        yield serve


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
