"""What the console relies on in the store: views cannot write, a batch of reviews lands whole, v1 stores migrate.

On SQLite and on the real PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from scanner.store import ReviewTarget, Store, StoreError
from scanner.store import schema as s
from scanner.store.database import open_readonly_engine

SOURCE = "postgresql+psycopg://scanner:Secret-Pw-9@db.internal/warehouse"
KEY = "postgresql://db.internal:5432/warehouse"


def target(column: str) -> ReviewTarget:
    return ReviewTarget(SOURCE, KEY, "ods", "customers", column, "CN_RESIDENT_ID")


def test_the_read_only_engine_reads_but_cannot_write(store_url: str) -> None:
    with Store.open(store_url) as store:
        store.add_review(SOURCE, KEY, "ods", "customers", "sfzh", "CN_RESIDENT_ID", decision="dismiss",
                         note="synthetic", by="li.wei")  # fmt: skip
    engine = open_readonly_engine(store_url)
    try:
        reader = Store(engine, "store")
        assert [r["by"] for r in reader.review_log()] == ["li.wei"]
        with pytest.raises(sa.exc.DBAPIError), engine.connect() as conn, conn.begin():
            conn.execute(sa.delete(s.reviews))
        assert len(reader.review_log()) == 1
    finally:
        engine.dispose()


def test_a_batch_of_reviews_is_one_transaction_with_its_audit_fields(store_url: str) -> None:
    with Store.open(store_url) as store:
        kept = store.add_reviews(
            [target("sfzh"), target("id_no")], decision="dismiss", note=" test IDs ", by="wang"
        )
        assert [(r.decision, r.note, r.by) for r in kept] == [("dismiss", "test IDs", "wang")] * 2
        with pytest.raises(StoreError, match="note"):
            store.add_reviews([target("a"), target("b")], decision="dismiss", note="  ", by="wang")
        with pytest.raises(StoreError, match="who decides"):
            store.add_reviews([target("a")], decision="confirm", note="why", by=" ")
        log = store.review_log()
        assert [(r["column"], r["source"], r["at"]) for r in log] == [
            ("sfzh", "postgresql+psycopg://scanner:***@db.internal/warehouse", kept[0].at),
            ("id_no", "postgresql+psycopg://scanner:***@db.internal/warehouse", kept[0].at),
        ]


def test_a_version_1_store_gets_the_table_index(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        s.MIGRATIONS[0][1](conn)
        conn.execute(sa.text("DROP INDEX ix_chujing_run_tables_table"))
        s.store_meta.create(conn)
        conn.execute(s.store_meta.insert().values(name="schema_version", value="1"))
    engine.dispose()
    with Store.open(url) as store:
        assert store.schema_version() == s.SCHEMA_VERSION
        names = {i["name"] for i in sa.inspect(store.engine).get_indexes("chujing_run_tables")}
    assert "ix_chujing_run_tables_table" in names
