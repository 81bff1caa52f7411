"""Just enough DER to read the validity dates of an X.509 certificate.

The standard library hands out a peer certificate as DER bytes when it was not
verified, so the TLS probe reads the dates itself. Only this path is walked::

    Certificate ::= SEQUENCE {
        tbsCertificate SEQUENCE {
            version      [0] EXPLICIT INTEGER OPTIONAL,
            serialNumber INTEGER,
            signature    SEQUENCE,
            issuer       SEQUENCE,
            validity     SEQUENCE { notBefore Time, notAfter Time },
            ...
        },
        ...
    }

    Time ::= UTCTime | GeneralizedTime
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

_INTEGER = 0x02
_SEQUENCE = 0x30
_VERSION = 0xA0  # [0] EXPLICIT, constructed
_UTC_TIME = 0x17
_GENERALIZED_TIME = 0x18

_UTC_TIME_TEXT = re.compile(r"([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})Z")
_GENERALIZED_TIME_TEXT = re.compile(
    r"([0-9]{4})([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})Z"
)


def not_before(der: bytes) -> datetime:
    """The first moment (UTC) the certificate is valid.

    >>> validity = "301e" + "170d" + b"250101000000Z".hex() + "170d" + b"300101000000Z".hex()
    >>> not_before(bytes.fromhex("3029" "3027" "020101" "3000" "3000" + validity))
    datetime.datetime(2025, 1, 1, 0, 0, tzinfo=datetime.timezone.utc)
    """
    return _validity(der)[0]


def not_after(der: bytes) -> datetime:
    """The last moment (UTC) the certificate is valid; malformed input raises ValueError.

    >>> validity = "301e" + "170d" + b"250101000000Z".hex() + "170d" + b"300101000000Z".hex()
    >>> not_after(bytes.fromhex("3029" "3027" "020101" "3000" "3000" + validity))
    datetime.datetime(2030, 1, 1, 0, 0, tzinfo=datetime.timezone.utc)
    >>> not_after(bytes.fromhex("020100"))  # an INTEGER
    Traceback (most recent call last):
    ...
    ValueError: Certificate is not a SEQUENCE
    """
    return _validity(der)[1]


def _validity(der: bytes) -> tuple[datetime, datetime]:
    tag, start, end = _header(der, 0, len(der))
    _expect(tag, _SEQUENCE, "Certificate")
    if end != len(der):
        raise ValueError("bytes left over after the Certificate")
    tag, pos, tbs_end = _header(der, start, end)
    _expect(tag, _SEQUENCE, "tbsCertificate")
    tag, _, after = _header(der, pos, tbs_end)
    if tag == _VERSION:
        pos = after
        tag, _, after = _header(der, pos, tbs_end)
    _expect(tag, _INTEGER, "serialNumber")
    for name in ("signature", "issuer"):
        tag, _, after = _header(der, after, tbs_end)
        _expect(tag, _SEQUENCE, name)
    tag, pos, validity_end = _header(der, after, tbs_end)
    _expect(tag, _SEQUENCE, "validity")
    tag, start, pos = _header(der, pos, validity_end)
    first = _time(tag, der[start:pos])
    tag, start, pos = _header(der, pos, validity_end)
    last = _time(tag, der[start:pos])
    return first, last


def _header(der: bytes, pos: int, limit: int) -> tuple[int, int, int]:
    """Read the tag and length at ``pos``: (tag, content start, content end)."""
    if pos + 2 > limit:
        raise ValueError("DER is truncated")
    tag, length = der[pos], der[pos + 1]
    if tag & 0x1F == 0x1F:
        raise ValueError("DER high tag numbers are not supported")
    start = pos + 2
    if length & 0x80:
        count = length & 0x7F
        if not 1 <= count <= 4 or start + count > limit:
            raise ValueError("DER length is malformed")
        length = int.from_bytes(der[start : start + count], "big")
        start += count
    if start + length > limit:
        raise ValueError("DER is truncated")
    return tag, start, start + length


def _expect(tag: int, wanted: int, name: str) -> None:
    if tag != wanted:
        kind = "SEQUENCE" if wanted == _SEQUENCE else "INTEGER"
        raise ValueError(f"{name} is not a {kind}")


def _time(tag: int, content: bytes) -> datetime:
    """A UTCTime (years 1950-2049) or GeneralizedTime, as RFC 5280 writes them."""
    text = content.decode("ascii", errors="replace")
    if tag == _UTC_TIME and (match := _UTC_TIME_TEXT.fullmatch(text)):
        year, month, day, hour, minute, second = (int(part) for part in match.groups())
        year += 1900 if year >= 50 else 2000
    elif tag == _GENERALIZED_TIME and (match := _GENERALIZED_TIME_TEXT.fullmatch(text)):
        year, month, day, hour, minute, second = (int(part) for part in match.groups())
    else:
        raise ValueError(f"validity time {text!r} is not a UTCTime or GeneralizedTime")
    return datetime(year, month, day, hour, minute, second, tzinfo=timezone.utc)
