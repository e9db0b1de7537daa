"""Classify a SOURCE argument and mask the credentials in it.

Secrets must never reach a log, a report or an exception, so every message a
connector builds uses :func:`mask_uri` first.
"""

from __future__ import annotations

import re
from pathlib import Path

_USERINFO = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*://)(?P<user>[^:@/]*)(?::(?P<pw>[^@/]*))?@")
_QUERY_SECRET = re.compile(
    r"(?i)([?&](?:password|passwd|pwd|secret|token|access_key|secret_key|aws_secret_access_key|"
    r"aws_session_token|sslpassword|key)=)[^&]*"
)


def mask_uri(uri: str) -> str:
    """Replace the password (and secret query parameters) in a URI by ``***``.

    >>> mask_uri("postgresql://scan:s3cr3t@db.local:5432/dw")
    'postgresql://scan:***@db.local:5432/dw'
    >>> mask_uri("mysql+pymysql://root@localhost/x?password=abc&charset=utf8mb4")
    'mysql+pymysql://root@localhost/x?password=***&charset=utf8mb4'
    >>> mask_uri("/data/exports/part-0.parquet")
    '/data/exports/part-0.parquet'
    """
    if not isinstance(uri, str):
        return "<source>"
    out = _USERINFO.sub(
        lambda m: f"{m['scheme']}{m['user']}{':***' if m['pw'] is not None else ''}@", uri, count=1
    )
    return _QUERY_SECRET.sub(lambda m: m.group(1) + "***", out)


def source_kind(source: str) -> str:
    """``sql``, ``parquet`` or ``s3`` for a SOURCE argument.

    A string with a URL scheme is SQL (any SQLAlchemy URL) unless it is
    ``s3://``; anything else is a local path.

    >>> source_kind("sqlite:///demo.db"), source_kind("s3://bucket/p/"), source_kind("./lake")
    ('sql', 's3', 'parquet')
    """
    if source.startswith("s3://"):
        return "s3"
    if source.startswith("file://"):
        return "parquet"
    if re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*://", source):
        return "sql"
    # A bare "name:..." that is not a path on disk (e.g. "postgres:/x") is a malformed URL.
    if re.match(r"^[A-Za-z][A-Za-z0-9+.\-]{1,}:", source) and not Path(source).exists():
        return "sql"
    return "parquet"


def secrets_of(uri: str) -> list[str]:
    """The secret strings a URI carries (password, secret query values), raw and URL-decoded.

    >>> secrets_of("postgresql://u:p%40ss@h/db")
    ['p%40ss', 'p@ss']
    """
    from urllib.parse import unquote

    out: list[str] = []
    m = _USERINFO.match(uri or "")
    if m and m["pw"]:
        out.append(m["pw"])
    for qm in _QUERY_SECRET.finditer(uri or ""):
        val = qm.group(0)[len(qm.group(1)) :]
        if val:
            out.append(val)
    out += [unquote(s) for s in out if unquote(s) != s]
    return [s for s in dict.fromkeys(out) if len(s) >= 1]


def scrub(text: str, uri: str) -> str:
    """Remove every secret of ``uri`` from ``text`` (for messages built from driver errors).

    >>> scrub("connect to postgresql://u:hunter2@h/db failed: password hunter2 rejected", "postgresql://u:hunter2@h/db")
    'connect to postgresql://u:***@h/db failed: password *** rejected'
    """
    if uri:
        text = text.replace(uri, mask_uri(uri))
    for secret in sorted(secrets_of(uri), key=len, reverse=True):
        text = text.replace(secret, "***")
    return text
