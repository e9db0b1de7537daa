"""The export ledger: which persons left the country this year, as keyed hashes.

The lists' thresholds are *cumulative from 1 January, de-duplicated per natural
person* (自当年1月1日起累计 … 以自然人为单位去重): whether an export needs a
filing depends on every export made earlier in the year and on who was in them.
The ledger remembers exactly that, and nothing more:

* each export: id, date, lists and items it fell under, scenario, subject type,
  recipient, the source fingerprints from the scan, and its person counts;
* each person in it as ``HMAC-SHA-256(key, kind + ":" + normalised key)`` —
  never a raw identifier — with a flag for sensitive PI.

The HMAC key comes from ``$CHUJING_LEDGER_KEY`` or a key file
(``--ledger-key-file``) and nothing runs without it.  The ledger stores the
key's fingerprint (an HMAC of a fixed label) and refuses a different key, since
hashes under two keys never match and every person would be counted twice.

Storage is any SQLAlchemy database: a SQLite file by default
(``~/.local/share/chujing/ledger.db``, in WAL mode with a busy timeout so that
several processes can record at once), PostgreSQL for a team.

Counting (:meth:`LedgerSession.tally`)
    Prior persons are the distinct hashes of exports dated from 1 January of
    the as-of year up to and including the as-of date (an export recorded
    earlier the same day counts), other than exempt ones; this export's hashes
    are streamed into a temporary table in batches and the database counts the
    union, overlap counted once.  So 80,000 persons earlier and 25,000 now with
    6,000 in both make 99,000.  Per kind (see :class:`YearTally`): sensitive =
    persons with sensitive PI in any export this year; general = the others.

Exempt exports
    Exports under Arts. 3, 4, 5(1)(i)–(iii) or 6 of the Provisions on Promoting
    and Regulating Cross-Border Data Flows (《促进和规范数据跨境流动规定》) are
    not counted towards the cumulative number; ``--exempt`` records them as such.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, make_url

from catalog.findings import Count, PersonCounts
from connectors.uri import mask_uri, scrub
from scanner.ledger_schema import (
    SCHEMA_VERSION,
    export_persons,
    exports,
    ledger_meta,
    metadata,
    temp_metadata,
    tmp_current,
    tmp_keys,
    tmp_prior,
)

KEY_ENV = "CHUJING_LEDGER_KEY"
LEDGER_ENV = "CHUJING_LEDGER"
MIN_KEY_BYTES = 16
BUSY_TIMEOUT_S = 120
_FINGERPRINT_LABEL = b"chujing.ledger/key-fingerprint/1"
_PLACEHOLDERS = {"qmark": "?, ?", "numeric": ":1, :2", "format": "%s, %s", "pyformat": "%s, %s"}
_PG_LOCK = 0x6368756A  # "chuj": serialises schema creation between PostgreSQL clients

#: ``--exempt`` values: the CBDF Provisions articles whose exports are not counted.
EXEMPTIONS: dict[str, str] = {
    "art3": "CBDF Provisions Art. 3",
    "art4": "CBDF Provisions Art. 4",
    "art5-1-i": "CBDF Provisions Art. 5(1)(i)",
    "art5-1-ii": "CBDF Provisions Art. 5(1)(ii)",
    "art5-1-iii": "CBDF Provisions Art. 5(1)(iii)",
    "art6": "CBDF Provisions Art. 6",
}


class LedgerError(Exception):
    """The ledger cannot be used; the message is one line saying what to do."""


# --- the key --------------------------------------------------------------------------------------


def load_key(
    key_file: str | os.PathLike[str] | None = None, *, environ: Mapping[str, str] | None = None
) -> bytes:
    """The HMAC key: the content of ``key_file``, else ``$CHUJING_LEDGER_KEY``.

    Stripped of surrounding whitespace; at least :data:`MIN_KEY_BYTES` bytes.
    """
    environ = os.environ if environ is None else environ
    hint = (
        "create one with: python -c 'import secrets; print(secrets.token_hex(32))' > ledger.key && "
        "chmod 600 ledger.key"
    )
    if key_file is not None:
        try:
            key = Path(key_file).expanduser().read_bytes().strip()
        except OSError as exc:
            raise LedgerError(f"cannot read the ledger key file {key_file}: {exc.strerror or exc}") from None
        where = f"the ledger key file {key_file}"
    else:
        value = environ.get(KEY_ENV, "").strip()
        if not value:
            raise LedgerError(
                f"no ledger key: set {KEY_ENV} or pass --ledger-key-file PATH (the ledger keeps "
                f"persons only as keyed hashes and will not run without the key); {hint}"
            )
        key, where = value.encode("utf-8"), KEY_ENV
    if len(key) < MIN_KEY_BYTES:
        raise LedgerError(
            f"{where} holds a key shorter than {MIN_KEY_BYTES} bytes: use a long random key; {hint}"
        )
    return key


def key_fingerprint(key: bytes) -> str:
    """What the ledger stores about its key: an HMAC of a fixed label (reveals nothing of the key).

    >>> fp = key_fingerprint(b"0123456789abcdef")
    >>> len(fp), fp == key_fingerprint(b"0123456789abcdef"), fp == key_fingerprint(b"x" * 16)
    (32, True, False)
    """
    return hmac.new(key, _FINGERPRINT_LABEL, hashlib.sha256).hexdigest()[:32]


class PersonHasher:
    """HMAC-SHA-256 of normalised, kind-tagged person keys (``resident_id:11010519491231002``)."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def hash_many(self, keys: Iterable[str]) -> list[bytes]:
        key = self._key
        return [hmac.digest(key, k.encode("utf-8"), "sha256") for k in keys]


# --- counts ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonCount(Count):
    """A :class:`~catalog.findings.Count` whose ``prior_this_year`` excludes this export's persons.

    ``already_exported`` of this export's persons were in earlier exports this
    year too; they are counted once, in ``this_export``, so ``total`` is the
    de-duplicated union.
    """

    already_exported: int = 0

    def to_dict(self) -> dict[str, int]:
        return {**super().to_dict(), "already_exported_this_year": self.already_exported}


@dataclass
class YearTally:
    """Persons of this export and of earlier exports in the year, per kind of PI.

    ``this_*``: this export.  ``prior_*``: persons of earlier exports this year
    who are not in this export (so ``this + prior`` is the de-duplicated total).
    ``sensitive``: persons with sensitive PI in any of them; ``general``: the
    rest, so a person whose ID number left in March and whose e-mail leaves now
    counts as sensitive, once.  ``*_unkeyed`` parts (rows no key identified, and
    earlier exports' unkeyed counts) are included and cannot be de-duplicated.
    """

    as_of: _dt.date
    this_any: int = 0
    this_sensitive: int = 0
    this_general: int = 0
    prior_any: int = 0
    prior_sensitive: int = 0
    prior_general: int = 0
    overlap_any: int = 0
    overlap_sensitive: int = 0
    overlap_general: int = 0
    prior_exports: int = 0
    prior_unkeyed: int = 0
    this_unkeyed: int = 0

    def person_counts(self, basis: str = "ledger") -> PersonCounts:
        return PersonCounts(
            any=PersonCount(self.this_any, self.prior_any, self.overlap_any),
            sensitive=PersonCount(self.this_sensitive, self.prior_sensitive, self.overlap_sensitive),
            general=PersonCount(self.this_general, self.prior_general, self.overlap_general),
            basis=basis,
        )

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["as_of"] = self.as_of.isoformat()
        out["window"] = [_dt.date(self.as_of.year, 1, 1).isoformat(), self.as_of.isoformat()]
        return out


@dataclass
class ExportRecord:
    """What ``chujing ledger record`` stores about one export (persons go in separately, hashed)."""

    exported_at: _dt.date
    lists: list[dict[str, Any]] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)
    route: str = "outside"
    scenario: str | None = None
    subject: str | None = None
    recipient: str | None = None
    exempt: str | None = None
    sources: list[str] = field(default_factory=list)
    dataset: list[dict[str, Any]] = field(default_factory=list)
    unkeyed_any: int = 0
    unkeyed_sensitive: int = 0
    tool_version: str = ""

    @property
    def dataset_sha256(self) -> str:
        canonical = json.dumps(self.dataset, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# --- opening ---------------------------------------------------------------------------------------


def default_ledger_path() -> Path:
    """``$XDG_DATA_HOME/chujing/ledger.db`` (``~/.local/share/chujing/ledger.db``)."""
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "chujing" / "ledger.db"


def _sqlite_path(url: str) -> Path | None:
    """The file of a SQLite ledger (a ``sqlite:///…`` URL or a plain path); ``None`` for other databases."""
    if "://" not in url:
        return Path(url).expanduser()
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    if not parsed.database or parsed.database == ":memory:":
        raise LedgerError(
            f"{url}: an in-memory ledger forgets every export — give a file: sqlite:///path/ledger.db"
        )
    return Path(parsed.database).expanduser()


def _sqlite_engine(path: Path | None) -> Engine:
    """A SQLite engine whose write transactions take the lock at BEGIN (no deadlocks between writers)."""
    if path is None:
        engine = sa.create_engine("sqlite://", poolclass=sa.pool.StaticPool)
    else:
        engine = sa.create_engine(f"sqlite:///{path}", connect_args={"timeout": BUSY_TIMEOUT_S})

    def on_connect(dbapi_conn, record) -> None:  # noqa: ANN001
        dbapi_conn.isolation_level = None  # SQLAlchemy's "begin" event below issues BEGIN itself
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
        if path is not None:
            cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    def on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get("chujing_write")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    sa.event.listen(engine, "connect", on_connect)
    sa.event.listen(engine, "begin", on_begin)
    return engine


class Ledger:
    """An open ledger database.  Use :meth:`open`; close it (or use it as a context manager)."""

    def __init__(
        self, engine: Engine, key: bytes, *, display: str, exists: bool, secrets_: Sequence[str]
    ) -> None:
        self.engine = engine
        self.hasher = PersonHasher(key)
        self.fingerprint = key_fingerprint(key)
        self.display = display
        self.exists = exists
        self._secrets = list(secrets_)

    @classmethod
    def open(cls, url: str | None, key: bytes, *, create: bool) -> Ledger:
        """Open the ledger at ``url`` (default: the SQLite file under ``~/.local/share/chujing``).

        ``create=False`` (``chujing check``) never writes: a ledger that does not
        exist yet is an empty one, and counting happens in a scratch in-memory
        database.  ``create=True`` creates the file and tables when missing.
        """
        url = url or str(default_ledger_path())
        display = mask_uri(url)
        try:
            path = _sqlite_path(url)
        except sa.exc.ArgumentError:
            raise LedgerError(
                f"{display}: not a database URL — give sqlite:///path/ledger.db or "
                "postgresql+psycopg://user@host/db"
            ) from None
        if path is not None:
            display = str(path)
            if path.exists() and not path.is_file():
                raise LedgerError(f"{path}: not a file — give the ledger's SQLite file or a database URL")
            if not path.exists() and not create:
                # Nothing recorded yet: count in a scratch database with the same (empty) tables.
                ledger = cls(_sqlite_engine(None), key, display=display, exists=False, secrets_=[])
                ledger._create_schema()
                ledger.exists = False
                return ledger
            if create and not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                # Hashes only, but still a record of who left the country: readable by its owner alone.
                path.touch(mode=0o600)
            engine = _sqlite_engine(path)
        else:
            try:
                engine = sa.create_engine(url, pool_pre_ping=True)
            except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError) as exc:
                raise LedgerError(
                    f"{display}: cannot use this ledger database ({type(exc).__name__}: "
                    f"{scrub(str(exc), url)}) — check the URL and its driver"
                ) from None
        ledger = cls(engine, key, display=display, exists=True, secrets_=[url])
        try:
            if create:
                ledger._create_schema()
            else:
                ledger.exists = sa.inspect(engine).has_table(exports.name)
            if ledger.exists:
                ledger._check_key()
        except LedgerError:
            engine.dispose()
            raise
        except sa.exc.SQLAlchemyError as exc:
            engine.dispose()
            raise ledger._error("cannot open the ledger", exc) from None
        return ledger

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema and key ---------------------------------------------------------------------------

    def _create_schema(self) -> None:
        with self.engine.connect() as conn, _write(conn):
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK})
            metadata.create_all(conn, checkfirst=True)
            have = dict(conn.execute(sa.select(ledger_meta.c.name, ledger_meta.c.value)).all())
            if "key_fingerprint" not in have:
                conn.execute(
                    ledger_meta.insert(),
                    [
                        {"name": "schema_version", "value": SCHEMA_VERSION},
                        {"name": "key_fingerprint", "value": self.fingerprint},
                        {"name": "created_at", "value": _utc_now()},
                    ],
                )
        self.exists = True

    def _check_key(self) -> None:
        with self.engine.connect() as conn:
            stored = conn.execute(
                sa.select(ledger_meta.c.value).where(ledger_meta.c.name == "key_fingerprint")
            ).scalar_one_or_none()
        if stored is not None and stored != self.fingerprint:
            raise LedgerError(
                f"{self.display}: this ledger was written with another key (key fingerprint {stored[:12]}…, "
                f"yours {self.fingerprint[:12]}…) — use the key it was created with; hashes under two keys "
                "never match and every person would be counted twice"
            )

    def _error(self, what: str, exc: BaseException) -> LedgerError:
        detail = " ".join(str(getattr(exc, "orig", None) or exc).split())
        for s in self._secrets:
            detail = scrub(detail, s)
        return LedgerError(f"{self.display}: {what} ({detail[:300]})")

    # -- sessions ------------------------------------------------------------------------------------

    @contextlib.contextmanager
    def session(self) -> Iterator[LedgerSession]:
        """One connection holding this run's temporary tables."""
        try:
            with self.engine.connect() as conn:
                session = LedgerSession(self, conn)
                try:
                    yield session
                finally:
                    if conn.in_transaction():
                        conn.rollback()
                    with conn.begin():
                        temp_metadata.drop_all(conn, checkfirst=True)
        except sa.exc.SQLAlchemyError as exc:
            raise self._error("ledger query failed", exc) from None

    # -- reading ---------------------------------------------------------------------------------

    def exports(self, year: int | None = None) -> list[dict[str, Any]]:
        """Recorded exports (of ``year``), oldest first, as plain dicts."""
        if not self.exists:
            return []
        stmt = sa.select(exports).order_by(exports.c.exported_at, exports.c.recorded_at)
        if year is not None:
            stmt = stmt.where(exports.c.exported_at.between(_dt.date(year, 1, 1), _dt.date(year, 12, 31)))
        with self.engine.connect() as conn:
            rows = conn.execute(stmt).mappings().all()
        return [_export_dict(r) for r in rows]

    def year_totals(self, year: int, as_of: _dt.date | None = None) -> dict[str, Any]:
        """The year's de-duplicated persons up to ``as_of`` (default 31 December), exempt exports aside."""
        end = as_of or _dt.date(year, 12, 31)
        with self.session() as s:
            t = s.tally(end, with_current=False)
        return {
            "year": year,
            "as_of": end.isoformat(),
            "exports": t.prior_exports,
            "persons": {"any": t.prior_any, "sensitive": t.prior_sensitive, "general": t.prior_general},
            "unkeyed": t.prior_unkeyed,
        }

    # -- writing ---------------------------------------------------------------------------------

    def forget(self, export_id: str) -> dict[str, Any]:
        """Delete one export and its person rows in one transaction; return what was removed."""
        if not self.exists:
            raise LedgerError(f"{self.display}: the ledger is empty — nothing to forget")
        try:
            with self.engine.connect() as conn, _write(conn):
                row = conn.execute(sa.select(exports).where(exports.c.id == export_id)).mappings().first()
                if row is None:
                    raise LedgerError(
                        f"{self.display}: no export {export_id!r} in the ledger — "
                        "`chujing ledger show` lists the recorded exports"
                    )
                persons = conn.execute(
                    sa.delete(export_persons).where(export_persons.c.export_id == export_id)
                ).rowcount
                conn.execute(sa.delete(exports).where(exports.c.id == export_id))
        except sa.exc.SQLAlchemyError as exc:
            raise self._error("forgetting the export failed", exc) from None
        return {**_export_dict(row), "person_rows_removed": int(persons)}


class LedgerSession:
    """This run's persons (hashed, in a temporary table) and the counts against the ledger."""

    def __init__(self, ledger: Ledger, conn: Connection) -> None:
        self.ledger = ledger
        self.conn = conn
        self.hashed = 0
        with conn.begin():
            temp_metadata.create_all(conn, checkfirst=True)
            conn.execute(sa.delete(tmp_keys))

    def add_keys(self, keys: Sequence[str], sensitive: bool) -> None:
        """Hash a batch of normalised person keys and keep the hashes (never the keys) for this export."""
        if not keys:
            return
        hashes = self.ledger.hasher.hash_many(keys)
        flag = 1 if sensitive else 0
        marks = _PLACEHOLDERS.get(self.conn.dialect.paramstyle)
        with self.conn.begin():
            if marks:  # the driver's own executemany: SQLAlchemy's per-row processing triples the time
                self.conn.exec_driver_sql(
                    f"INSERT INTO {tmp_keys.name} (h, s) VALUES ({marks})", [(h, flag) for h in hashes]
                )
            else:
                self.conn.execute(tmp_keys.insert(), [{"h": h, "s": flag} for h in hashes])
        self.hashed += len(hashes)

    def _fill(self, as_of: _dt.date, with_current: bool) -> None:
        c = self.conn
        c.execute(sa.delete(tmp_current))
        c.execute(sa.delete(tmp_prior))
        if with_current:
            c.execute(
                tmp_current.insert().from_select(
                    ["h", "s"], sa.select(tmp_keys.c.h, sa.func.max(tmp_keys.c.s)).group_by(tmp_keys.c.h)
                )
            )
        if self.ledger.exists:
            p, e = export_persons, exports
            c.execute(
                tmp_prior.insert().from_select(
                    ["h", "s"],
                    sa.select(p.c.person_hash, sa.func.max(p.c.sensitive))
                    .select_from(p.join(e, e.c.id == p.c.export_id))
                    .where(*_window(as_of))
                    .group_by(p.c.person_hash),
                )
            )

    def tally(self, as_of: _dt.date, *, with_current: bool = True) -> YearTally:
        """Counts of this export's persons (as streamed in) against the ledger's, as of ``as_of``."""
        with self.conn.begin():
            self._fill(as_of, with_current)
            return self._count(as_of)

    def _count(self, as_of: _dt.date) -> YearTally:
        cur, pri = tmp_current, tmp_prior

        def n(*where: Any, frm: Any) -> sa.ScalarSelect:
            return sa.select(sa.func.count()).select_from(frm).where(*where).scalar_subquery()

        def in_cur(sensitive_only: bool = False) -> Any:
            q = sa.select(cur.c.h).where(cur.c.h == pri.c.h)
            return sa.exists(q.where(cur.c.s == 1) if sensitive_only else q)

        def in_prior_sensitive() -> Any:
            return sa.exists(sa.select(pri.c.h).where(pri.c.h == cur.c.h, pri.c.s == 1))

        general_overlap = sa.exists(sa.select(cur.c.h).where(cur.c.h == pri.c.h, cur.c.s == 0))
        row = self.conn.execute(
            sa.select(
                n(frm=cur),
                n(cur.c.s == 1, frm=cur),
                n(cur.c.s == 0, ~in_prior_sensitive(), frm=cur),
                n(~in_cur(), frm=pri),
                n(pri.c.s == 1, ~in_cur(sensitive_only=True), frm=pri),
                n(pri.c.s == 0, ~in_cur(), frm=pri),
                n(in_cur(), frm=pri),
                n(pri.c.s == 1, in_cur(sensitive_only=True), frm=pri),
                n(pri.c.s == 0, general_overlap, frm=pri),
            )
        ).one()
        # The nine counts, in YearTally's field order: this_*, prior_*, overlap_* (any, sensitive, general).
        t = YearTally(as_of, *map(int, row))
        if self.ledger.exists:
            e = exports
            n_exp, u_any, u_sens = self.conn.execute(
                sa.select(
                    sa.func.count(),
                    sa.func.coalesce(sa.func.sum(e.c.unkeyed_any), 0),
                    sa.func.coalesce(sa.func.sum(e.c.unkeyed_sensitive), 0),
                ).where(*_window(as_of))
            ).one()
            t.prior_exports, t.prior_unkeyed = int(n_exp), int(u_any)
            t.prior_any += int(u_any)
            t.prior_sensitive += int(u_sens)
            t.prior_general += int(u_any) - int(u_sens)
        return t

    def prior_persons(self, as_of: _dt.date) -> int:
        """Person rows of earlier exports in the window (0 means no overlap is possible)."""
        if not self.ledger.exists:
            return 0
        p, e = export_persons, exports
        stmt = (
            sa.select(sa.func.count()).select_from(p.join(e, e.c.id == p.c.export_id)).where(*_window(as_of))
        )
        with self.conn.begin():
            return int(self.conn.execute(stmt).scalar_one())

    def record(self, rec: ExportRecord) -> tuple[str, YearTally]:
        """Store the export and its persons (the hashes streamed in) in one transaction.

        The counts stored with it are taken inside the same transaction, as of
        the export's own date (a back-filled export is counted as of its day).
        """
        ledger = self.ledger
        export_id = f"{rec.exported_at:%Y%m%d}-{secrets.token_hex(4)}"
        with _write(self.conn):
            if self.conn.dialect.name == "postgresql":
                self.conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK})
            stored = self.conn.execute(
                sa.select(ledger_meta.c.value).where(ledger_meta.c.name == "key_fingerprint")
            ).scalar_one_or_none()
            if stored is not None and stored != ledger.fingerprint:
                raise LedgerError(
                    f"{ledger.display}: this ledger was written with another key — use the key it "
                    "was created with"
                )
            self._fill(rec.exported_at, True)
            t = self._count(rec.exported_at)
            general_this = t.this_any - t.this_sensitive
            self.conn.execute(
                exports.insert().values(
                    id=export_id,
                    exported_at=rec.exported_at,
                    recorded_at=_utc_now(),
                    lists=json.dumps(rec.lists, ensure_ascii=False),
                    items=json.dumps(rec.items, ensure_ascii=False),
                    route=rec.route,
                    scenario=rec.scenario,
                    subject=rec.subject,
                    recipient=rec.recipient,
                    exempt=rec.exempt,
                    sources=json.dumps(rec.sources, ensure_ascii=False),
                    dataset=json.dumps(rec.dataset, ensure_ascii=False, default=str),
                    dataset_sha256=rec.dataset_sha256,
                    persons_any=t.this_any + rec.unkeyed_any,
                    persons_sensitive=t.this_sensitive + rec.unkeyed_sensitive,
                    persons_general=general_this + rec.unkeyed_any - rec.unkeyed_sensitive,
                    unkeyed_any=rec.unkeyed_any,
                    unkeyed_sensitive=rec.unkeyed_sensitive,
                    cumulative=json.dumps(t.to_dict()),
                    tool_version=rec.tool_version,
                )
            )
            self.conn.execute(
                export_persons.insert().from_select(
                    ["export_id", "person_hash", "sensitive"],
                    sa.select(sa.literal(export_id, sa.String), tmp_current.c.h, tmp_current.c.s),
                )
            )
        return export_id, t


@contextlib.contextmanager
def _write(conn: Connection) -> Iterator[None]:
    """A write transaction (SQLite: ``BEGIN IMMEDIATE``, so concurrent writers queue on the busy timeout)."""
    conn.execution_options(chujing_write=True)
    try:
        with conn.begin():
            yield
    finally:
        conn.execution_options(chujing_write=False)


def _window(as_of: _dt.date) -> list[Any]:
    """Exports counted as of ``as_of``: from 1 January of its year up to and including it, not exempt."""
    e = exports
    return [e.c.exported_at >= _dt.date(as_of.year, 1, 1), e.c.exported_at <= as_of, e.c.exempt.is_(None)]


def _export_dict(row: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(row)
    for k in ("lists", "items", "sources", "dataset", "cumulative"):
        if out.get(k):
            out[k] = json.loads(out[k])
    if isinstance(out.get("exported_at"), _dt.date):
        out["exported_at"] = out["exported_at"].isoformat()
    return out


def _utc_now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
