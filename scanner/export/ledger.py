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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, make_url

from catalog.findings import ExportScope, PersonCounts, PersonQuery, Signature, signature_matches
from connectors.errors import ChujingError
from connectors.uri import mask_uri, scrub
from scanner.export.ledger_counts import (
    Histogram,
    Histograms,
    Joint,
    YearTally,
    add_persons,
    count_of,
    decode_signature,
    encode_signature,
    histogram_from_json,
    histogram_json,
    year_window,
)
from scanner.export.ledger_schema import (
    MIGRATIONS_2,
    SCHEMA_VERSION,
    export_persons,
    exports,
    ledger_meta,
    metadata,
    temp_metadata,
    tmp_keys,
)
from scanner.store.database import sqlite_engine, write
from scanner.store.store import utc_now

KEY_ENV = "CHUJING_LEDGER_KEY"
LEDGER_ENV = "CHUJING_LEDGER"
MIN_KEY_BYTES = 16
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


class LedgerError(ChujingError):
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


def open_ledger(url: str | None, key_file: str | os.PathLike[str] | None, *, create: bool) -> Ledger:
    """The ledger at ``url`` (default: the SQLite file), under the key from ``key_file`` or the environment."""
    return Ledger.open(url, load_key(key_file), create=create)


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
    unkeyed_signatures: dict[Signature, int] = field(default_factory=dict)
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
                ledger = cls(sqlite_engine(None), key, display=display, exists=False, secrets_=[])
                ledger._create_schema()
                ledger.exists = False
                return ledger
            if create and not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                # Hashes only, but still a record of who left the country: readable by its owner alone.
                path.touch(mode=0o600)
            engine = sqlite_engine(path)
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
                ledger._migrate()
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
        with self.engine.connect() as conn, write(conn):
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
                        {"name": "created_at", "value": utc_now()},
                    ],
                )
        self.exists = True

    def _migrate(self) -> None:
        """Bring a schema-1 ledger to schema 2: add the signature columns (earlier rows keep NULL there).

        A schema-1 person row says only whether the export held sensitive PI about the
        person; :func:`decode_signature` reads it as "some sensitive (or general) PI".
        """
        inspector = sa.inspect(self.engine)
        missing = [
            (table, column, sql_type)
            for table, column, sql_type in MIGRATIONS_2
            if column not in {c["name"] for c in inspector.get_columns(table)}
        ]
        if not missing:
            return
        with self.engine.connect() as conn, write(conn):
            for table, column, sql_type in missing:
                conn.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN {column} {sql_type}")
            conn.execute(
                sa.update(ledger_meta)
                .where(ledger_meta.c.name == "schema_version")
                .values(value=SCHEMA_VERSION)
            )

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
            t = s.tally(end)
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
            with self.engine.connect() as conn, write(conn):
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
        self.unkeyed: Histogram = {}
        self._joint: dict[_dt.date, Joint] = {}
        with conn.begin():
            temp_metadata.create_all(conn, checkfirst=True)
            conn.execute(sa.delete(tmp_keys))

    def add_keys(self, keys: Sequence[tuple[str, Signature]]) -> None:
        """Hash a batch of normalised person keys and keep the hashes (never the keys) with their signatures."""
        if not keys:
            return
        hashes = self.ledger.hasher.hash_many(k for k, _ in keys)
        self.add_hashed([(h, sig) for h, (_, sig) in zip(hashes, keys, strict=True)])

    def add_hashed(self, hashed: Sequence[tuple[bytes, Signature]]) -> None:
        """Keep persons already hashed with :attr:`Ledger.hasher` (by Spark's executors), with their signatures."""
        if not hashed:
            return
        rows = [(h, encode_signature(sig)) for h, sig in hashed]
        marks = _PLACEHOLDERS.get(self.conn.dialect.paramstyle)
        with self.conn.begin():
            if marks:  # the driver's own executemany: SQLAlchemy's per-row processing triples the time
                self.conn.exec_driver_sql(f"INSERT INTO {tmp_keys.name} (h, el) VALUES ({marks})", rows)
            else:
                self.conn.execute(tmp_keys.insert(), [{"h": h, "el": el} for h, el in rows])
        self.hashed += len(rows)
        self._joint.clear()

    def add_unkeyed(self, groups: Histogram) -> None:
        """Persons counted without a key (each row a person): counted, never de-duplicated."""
        for sig, n in groups.items():
            add_persons(self.unkeyed, sig, n)
        self._joint.clear()

    # -- counting -------------------------------------------------------------------------------

    def _rows(self, as_of: _dt.date) -> sa.Select:
        """``(hash, elements, sensitive, earlier, scenario, subject)`` of this export's and the window's persons."""
        null = sa.cast(sa.null(), sa.String)
        cur = sa.select(
            tmp_keys.c.h.label("h"),
            tmp_keys.c.el.label("el"),
            sa.literal(0, sa.SmallInteger).label("s"),
            sa.literal(0, sa.SmallInteger).label("earlier"),
            null.label("scenario"),
            null.label("subject"),
        )
        if not self.ledger.exists:
            return cur.order_by(tmp_keys.c.h)
        p, e = export_persons, exports
        prior = (
            sa.select(
                p.c.person_hash,
                p.c.elements,
                p.c.sensitive,
                sa.literal(1, sa.SmallInteger),
                e.c.scenario,
                e.c.subject,
            )
            .select_from(p.join(e, e.c.id == p.c.export_id))
            .where(*_window(as_of))
        )
        both = sa.union_all(cur, prior).subquery("chujing_rows")
        return sa.select(both).order_by(both.c.h)

    def joint(self, as_of: _dt.date) -> Joint:
        """One pass over this export's and the window's persons: persons per (this export's signature,
        the signatures earlier exports gave them per declared scenario and subject).

        The database sorts by hash; each person's rows are folded here, one
        person at a time, so memory holds one batch however many persons there
        are, and every band's scope is answered from the result without reading
        the persons again (:meth:`Joint.histograms`).
        """
        if as_of in self._joint:
            return self._joint[as_of]
        joint = Joint()
        last: bytes | None = None
        cur_el: set[str] = set()
        pri: dict[tuple[str | None, str | None], set[str]] = {}

        def flush() -> None:
            if last is not None:
                key = (
                    frozenset(cur_el) if in_cur else None,
                    tuple(sorted(((sc, sb, frozenset(els)) for (sc, sb), els in pri.items()), key=repr)),
                )
                joint.persons[key] = joint.persons.get(key, 0) + 1

        in_cur = False
        with self.conn.begin():
            result = self.conn.execute(self._rows(as_of).execution_options(yield_per=50_000))
            for batch in result.partitions():
                for hash_, el, sens, earlier, scenario, subject in batch:
                    if hash_ != last:
                        flush()
                        last, cur_el, pri, in_cur = hash_, set(), {}, False
                    if earlier:
                        pri.setdefault((scenario, subject), set()).update(decode_signature(el, sens))
                    else:
                        in_cur = True
                        cur_el.update(decode_signature(el))
            flush()
            joint.prior_unkeyed = self._prior_unkeyed(as_of)
        joint.unkeyed = dict(self.unkeyed)
        self._joint[as_of] = joint
        return joint

    def histograms(self, as_of: _dt.date, scope: ExportScope | None = None) -> Histograms:
        """Persons per signature, this export against the window's exports in ``scope``, unkeyed included."""
        return self.joint(as_of).histograms(scope)

    def _prior_unkeyed(self, as_of: _dt.date) -> list[tuple[str | None, str | None, Histogram]]:
        if not self.ledger.exists:
            return []
        e = exports
        rows = self.conn.execute(
            sa.select(
                e.c.scenario, e.c.subject, e.c.unkeyed_signatures, e.c.unkeyed_any, e.c.unkeyed_sensitive
            ).where(*_window(as_of))
        ).all()
        return [(sc, sb, histogram_from_json(t, int(a or 0), int(s or 0))) for sc, sb, t, a, s in rows]

    def person_counts(self, as_of: _dt.date, basis: str = "ledger") -> PersonCounts:
        """Counts for the evaluator: any band's query, accumulated within its scope."""
        return PersonCounts(
            self.histograms(as_of).current, lambda scope: self.histograms(as_of, scope).total, basis=basis
        )

    def tally(self, as_of: _dt.date) -> YearTally:
        """Counts of this export's persons (as streamed in) against the ledger's, as of ``as_of``."""
        h = self.histograms(as_of)
        t = YearTally.of(as_of, h, self.person_counts(as_of))
        t.this_unkeyed = sum(self.unkeyed.values())
        if self.ledger.exists:
            e = exports
            with self.conn.begin():
                n_exp, u_any = self.conn.execute(
                    sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(e.c.unkeyed_any), 0)).where(
                        *_window(as_of)
                    )
                ).one()
            t.prior_exports, t.prior_unkeyed = int(n_exp), int(u_any)
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
        """Store the export and its persons (the hashes streamed in, with signatures) in one transaction.

        The counts stored with it are taken as of the export's own date (a
        back-filled export is counted as of its day).
        """
        ledger = self.ledger
        export_id = f"{rec.exported_at:%Y%m%d}-{secrets.token_hex(4)}"
        self._joint.clear()
        t = self.tally(rec.exported_at)
        unkeyed = sum(rec.unkeyed_signatures.values()) if rec.unkeyed_signatures else rec.unkeyed_any
        with write(self.conn):
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
            self.conn.execute(
                exports.insert().values(
                    id=export_id,
                    exported_at=rec.exported_at,
                    recorded_at=utc_now(),
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
                    persons_any=t.this_any,
                    persons_sensitive=t.this_sensitive,
                    persons_general=t.this_general,
                    unkeyed_any=unkeyed,
                    unkeyed_sensitive=count_of(rec.unkeyed_signatures, "sensitive")
                    if rec.unkeyed_signatures
                    else rec.unkeyed_sensitive,
                    unkeyed_signatures=histogram_json(rec.unkeyed_signatures),
                    cumulative=json.dumps(t.to_dict()),
                    tool_version=rec.tool_version,
                )
            )
            self._store_persons(export_id)
        return export_id, t

    def _store_persons(self, export_id: str) -> None:
        """This export's persons, one row each with the union of their elements across its tables."""
        stmt = sa.select(tmp_keys.c.h, tmp_keys.c.el).order_by(tmp_keys.c.h)
        rows: list[dict[str, Any]] = []
        last: bytes | None = None
        els: set[str] = set()

        def flush() -> None:
            if last is not None:
                sig = frozenset(els)
                rows.append(
                    {
                        "export_id": export_id,
                        "person_hash": last,
                        "elements": encode_signature(sig),
                        "sensitive": 1 if signature_matches(sig, PersonQuery("sensitive")) else 0,
                    }
                )

        result = self.conn.execute(stmt.execution_options(yield_per=50_000))
        for batch in result.partitions():
            for h, el in batch:
                if h != last:
                    flush()
                    last, els = h, set()
                els |= decode_signature(el)
            if len(rows) >= 50_000:
                self.conn.execute(export_persons.insert(), rows)
                rows = []
        flush()
        if rows:
            self.conn.execute(export_persons.insert(), rows)


def _in_scope(scope: ExportScope | None) -> list[Any]:
    """Exports that accumulate toward ``scope``: declared in its scenarios and subjects, or undeclared."""
    if scope is None:
        return []
    e = exports
    out = []
    if scope.scenarios is not None:
        out.append(sa.or_(e.c.scenario.is_(None), e.c.scenario.in_(sorted(scope.scenarios))))
    if scope.subjects is not None:
        out.append(sa.or_(e.c.subject.is_(None), e.c.subject.in_(sorted(scope.subjects))))
    return out


def _window(as_of: _dt.date) -> list[Any]:
    """Exports counted as of ``as_of``: from 1 January of its year up to and including it, not exempt."""
    e = exports
    first, last = year_window(as_of)
    return [e.c.exported_at >= first, e.c.exported_at <= last, e.c.exempt.is_(None)]


def _export_dict(row: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(row)
    for k in ("lists", "items", "sources", "dataset", "cumulative"):
        if out.get(k):
            out[k] = json.loads(out[k])
    if isinstance(out.get("exported_at"), _dt.date):
        out["exported_at"] = out["exported_at"].isoformat()
    return out
