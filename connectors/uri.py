"""Classify a SOURCE argument and mask the credentials in it.

Secrets must never reach a log, a report or an exception, so every message a
connector builds uses :func:`mask_uri` first.
"""

from __future__ import annotations

import ipaddress
import os
import re
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from connectors.formats import SQLITE_SUFFIXES, detect_format

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")
#: Table formats with a source scheme of their own (``iceberg://CATALOG/…``, ``delta://PATH``).
LAKEHOUSE_SCHEMES = ("iceberg", "delta")
#: Hadoop filesystems Spark reads (``--engine spark``): their URIs are paths, not SQL URLs.
_HADOOP_URI = re.compile(r"^(hdfs|viewfs|s3a|s3n|abfss?|wasbs?|gs|oss|cosn|obs)://", re.IGNORECASE)
#: Kinds of source only Spark reads: a Hive metastore's tables and Hadoop filesystem paths.
SPARK_KINDS = ("hive", "hadoop")
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
    """What a SOURCE argument is: ``sql``, ``s3``, ``iceberg``, ``delta``, or for a local path what its name says.

    A string with a URL scheme is SQL (any SQLAlchemy URL) unless it is
    ``s3://``, ``iceberg://``, ``delta://`` or ``file://``; anything else is a local path, labelled by its
    extension (compression suffixes looked through): ``parquet``, ``csv``,
    ``tsv``, ``json``, ``jsonl``, ``text``, ``xlsx``, ``sqlite-file`` (a SQLite
    database given as a path, which is scanned as ``sqlite:///PATH``), or
    ``files`` for a directory and anything else.  The label is what reports
    show beside the source, even when the path does not exist; it decides
    nothing but the connector: ``sql``, ``s3`` and ``parquet`` have their own,
    every other local path is read by :mod:`connectors.local_files`.

    >>> source_kind("sqlite:///demo.db"), source_kind("s3://bucket/p/"), source_kind("./lake")
    ('sql', 's3', 'files')
    >>> source_kind("iceberg://prod/crm"), source_kind("delta:///data/lake/events")
    ('iceberg', 'delta')
    >>> source_kind("hive://ods.cust_*"), source_kind("hdfs://nn:8020/warehouse/visits")
    ('hive', 'hadoop')
    >>> source_kind("out/part-0.parquet"), source_kind("exports/患者.CSV.gz"), source_kind("crm.db")
    ('parquet', 'csv', 'sqlite-file')
    """
    if source.startswith("s3://"):
        return "s3"
    for scheme in LAKEHOUSE_SCHEMES:
        if source.startswith(f"{scheme}://"):
            return scheme
    if source.startswith("hive://"):
        return "hive"
    if _HADOOP_URI.match(source):
        return "hadoop"
    if not source.startswith("file://"):
        if re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*://", source):
            return "sql"
        # A bare "name:..." that is not a path on disk (e.g. "postgres:/x") is a malformed URL.
        if re.match(r"^[A-Za-z][A-Za-z0-9+.\-]{1,}:", source) and not Path(source).exists():
            return "sql"
    return _local_kind(source)


def is_local_kind(kind: str) -> bool:
    """Whether a :func:`source_kind` is a local path (of any format).

    >>> [is_local_kind(k) for k in ("sql", "s3", "iceberg", "delta", "hive", "hadoop", "parquet", "csv", "files")]
    [False, False, False, False, False, False, True, True, True]
    """
    return kind not in ("sql", "s3", *LAKEHOUSE_SCHEMES, *SPARK_KINDS)


def _local_kind(path: str) -> str:
    name = path.rstrip("/").rsplit("/", 1)[-1]
    if name.lower().endswith(SQLITE_SUFFIXES):
        return "sqlite-file"
    fmt = detect_format(name, workbooks=True)
    return "files" if isinstance(fmt, str) else fmt.kind


def secrets_of(uri: str) -> list[str]:
    """The secret strings a URI carries (password, secret query values), raw and URL-decoded.

    >>> secrets_of("postgresql://u:p%40ss@h/db")
    ['p%40ss', 'p@ss']
    """
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


# --- identity: the same source however it is spelled -------------------------------------------------

#: Ports a SQL URL means when it names none.
DEFAULT_PORTS = {"postgresql": 5432, "mysql": 3306, "mssql": 1433, "oracle": 1521}
#: Dialect names for the same server protocol: the URL says how to talk, not which data.
_DIALECT_ALIASES = {"postgres": "postgresql", "mariadb": "mysql"}
#: Query parameters that say *where* the data is (a socket, another host); the rest are connection options.
_IDENTITY_PARAMS = frozenset(
    {"host", "hostaddr", "port", "unix_socket", "service", "service_name", "sid", "dbname", "database"}
)


def source_identity(uri: str) -> str:
    """A canonical key for a SOURCE: two spellings of the same source give the same key.

    A filing names its sources as they were written when it was made (chujing
    writes absolute ones); a spot-check may be run with relative paths, a
    trailing slash, another driver or other credentials.  Comparing these keys
    instead of the strings keeps that from turning every declared table into a
    divergence, while a genuinely different source keeps a different key.

    Local paths (and ``file://``) resolve to an absolute path, symbolic links
    followed, trailing slash dropped; ``sqlite:///rel.db`` resolves against the
    working directory as SQLite itself does:

    >>> import os
    >>> here = os.path.realpath(".")
    >>> source_identity("./lake/") == source_identity("lake") == here + "/lake" == source_identity(f"file://{here}/lake")
    True
    >>> source_identity("sqlite:///demo.db") == source_identity(f"sqlite+pysqlite:///{here}/demo.db")
    True
    >>> source_identity("sqlite:///demo.db") == f"sqlite:///{here}/demo.db"
    True

    SQL URLs lose credentials, driver suffix and connection options; the host
    is lower-cased without a trailing dot (``localhost`` and ``127.0.0.1`` stay
    apart) and the default port is filled in:

    >>> source_identity("postgresql+psycopg://scan:s3cr3t@DB.Internal./warehouse?sslmode=require")
    'postgresql://db.internal:5432/warehouse'
    >>> source_identity("postgresql://db.internal:5432/warehouse")
    'postgresql://db.internal:5432/warehouse'
    >>> source_identity("mysql+pymysql://root:***@localhost/crm"), source_identity("mariadb://127.0.0.1:3306/crm")
    ('mysql://localhost:3306/crm', 'mysql://127.0.0.1:3306/crm')
    >>> source_identity("postgresql:///dw?host=/var/run/postgresql&application_name=x")
    'postgresql:///dw?host=/var/run/postgresql'

    S3 keeps the bucket and the key prefix, without a trailing slash; Iceberg the
    catalog and the path; Delta resolves its path like a local one:

    >>> source_identity("s3://export-staging/2026-11/"), source_identity("s3://export-staging/2026-11")
    ('s3://export-staging/2026-11', 's3://export-staging/2026-11')
    >>> source_identity("iceberg://prod/crm/"), source_identity("delta://lake/") == "delta://" + here + "/lake"
    ('iceberg://prod/crm', True)
    """
    s = uri.strip()
    if not s:
        return ""
    kind = source_kind(s)
    if kind in ("s3", "iceberg"):
        return f"{kind}://" + s[len(kind) + 3 :].rstrip("/")
    if kind in SPARK_KINDS:  # a metastore's database and glob, or a path on a cluster's filesystem
        return s.rstrip("/")
    if kind == "delta":
        return "delta://" + _path_identity(s[len("delta://") :] or ".")
    if is_local_kind(kind):
        return _path_identity(s)
    return _sql_identity(s)


def _path_identity(source: str) -> str:
    path = source
    if source.startswith("file:"):
        parts = urlsplit(source)
        if parts.netloc not in ("", "localhost"):  # another machine's file: nothing local to resolve
            return f"file://{parts.netloc.lower()}{unquote(parts.path).rstrip('/')}"
        path = unquote(parts.path)
    return os.path.realpath(os.path.expanduser(path))


def _sql_identity(url: str) -> str:
    """``dialect://host:port/database?where``: what a SQLAlchemy URL points at, not how it connects."""
    m = _SCHEME.match(url)
    if not m:  # "postgres:/x" and the like: nothing to normalise, the spelling is all there is
        return url
    dialect = m.group(0)[:-3].partition("+")[0].lower()
    dialect = _DIALECT_ALIASES.get(dialect, dialect)
    split = _split_userinfo(url)
    rest = split[3] if split is not None else url[m.end() :]
    rest, _, query = rest.partition("#")[0].partition("?")
    if dialect == "sqlite":
        return _sqlite_identity(rest)
    hostport, _, database = rest.partition("/")
    host, port = _host_port(hostport, DEFAULT_PORTS.get(dialect))
    params = _identity_params(query)
    return (
        f"{dialect}://{host}{f':{port}' if port else ''}/{unquote(database).rstrip('/')}"
        f"{f'?{params}' if params else ''}"
    )


def _sqlite_identity(rest: str) -> str:
    """``sqlite:///rel.db`` (one slash more for an absolute path); in-memory databases have no file."""
    path = unquote(rest[1:] if rest.startswith("/") else rest)
    if path in ("", ":memory:"):
        return "sqlite://"
    return "sqlite:///" + os.path.realpath(os.path.expanduser(path))


def _host_port(hostport: str, default: int | None) -> tuple[str, int | None]:
    """Lower-cased host without a trailing dot (IPv6 compressed), and its port (``default`` when none is written).

    Without a host (the local socket) the default port is left out, so ``:5432`` and nothing agree.
    """
    try:
        parts = urlsplit("//" + hostport)
        host, port = parts.hostname or "", parts.port
    except ValueError:  # several hosts ("h1:5432,h2:5432") or a port that is not a number: keep the text
        return hostport.lower(), None
    host = host.rstrip(".")
    port = default if port is None else port
    if not host and port == default:
        port = None
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return host, port
    return (f"[{ip.compressed}]" if ip.version == 6 else ip.compressed), port


def _identity_params(query: str) -> str:
    kept = sorted(
        (k.lower(), v) for k, v in parse_qsl(query, keep_blank_values=True) if k.lower() in _IDENTITY_PARAMS
    )
    return urlencode(kept, safe="/")
