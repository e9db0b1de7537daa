"""Classify a SOURCE argument and mask the credentials in it.

Secrets must never reach a log, a report or an exception, so every message a
connector builds uses :func:`mask_uri` first.
"""

from __future__ import annotations

import re
from pathlib import Path

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")
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
    >>> mask_uri("postgresql://u:pa/ss@h/d"), mask_uri("mysql://u:p@ss@h/d?ssl=a@b")
    ('postgresql://u:***@h/d', 'mysql://u:***@h/d?ssl=a@b')
    >>> mask_uri("/data/exports/part-0.parquet")
    '/data/exports/part-0.parquet'
    """
    if not isinstance(uri, str):
        return "<source>"
    split = _split_userinfo(uri)
    if split is not None:
        prefix, user, pw, rest = split
        uri = f"{prefix}{user}{':***' if pw is not None else ''}@{rest}"
    return _QUERY_SECRET.sub(lambda m: m.group(1) + "***", uri)


def _split_userinfo(uri: str) -> tuple[str, str, str | None, str] | None:
    """(scheme://, user, password or None, rest after '@') — tolerant of unencoded '/' and '@' in passwords.

    The user information ends at the *last* '@' before any query or fragment,
    so ``postgresql://u:pa/ss@h/d`` and ``mysql://u:p@ss@h/d`` mask the whole password.
    """
    m = _SCHEME.match(uri)
    if not m:
        return None
    body = uri[m.end() :]
    stop = min((i for i in (body.find("?"), body.find("#")) if i >= 0), default=len(body))
    at = body.rfind("@", 0, stop)
    if at < 0:
        return None
    userinfo, rest = body[:at], body[at + 1 :]
    user, sep, pw = userinfo.partition(":")
    return m.group(0), user, (pw if sep else None), rest


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
    split = _split_userinfo(uri or "")
    if split is not None and split[2]:
        out.append(split[2])
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
