"""A small warehouse with known raw identifiers, scanned once per session for the report tests.

The raw values are kept in :data:`RAW_VALUES` so the tests can search every
output format for them: none may appear anywhere, evidence is masked.
"""

from __future__ import annotations

import copy
import datetime as _dt
import random
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from catalog.report import to_document

SCAN_DATE = _dt.date(2025, 6, 30)
LISTS = ("jiangsu-2025-biopharma",)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def resident_id(area: str, birth: str, seq: int) -> str:
    """An 18-digit resident ID with a valid ISO 7064 MOD 11-2 check character."""
    body = f"{area}{birth}{seq:03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS, strict=True)) % 11]


def luhn_complete(prefix: str) -> str:
    digits = [int(c) for c in prefix + "0"]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d *= 2
            d -= 9 if d > 9 else 0
        total += d
    return prefix + str((10 - total % 10) % 10)


@dataclass
class Warehouse:
    root: Path
    db: Path
    lake: Path
    raw: list[str] = field(default_factory=list)

    @property
    def sources(self) -> list[str]:
        return [f"sqlite:///{self.db}", str(self.lake)]


def build_warehouse(
    root: Path,
    *,
    seed: int = 7,
    rows: int = 60,
    bank_cards: bool = True,
    patients: bool = True,
    extra_sensitive_column: bool = False,
    duplicates: int = 0,
) -> Warehouse:
    """customers (ID number, mobile, bank card) and orders in SQLite; patients (ICD-10, mobile) in Parquet.

    ``extra_sensitive_column`` adds a passport-free resident-ID column to ``orders`` (the "after" state of
    the diff tests).  ``duplicates`` appends that many customer rows repeating earlier persons (same ID
    number, same mobile): rows that are not new persons.
    """
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    wh = Warehouse(root, root / "crm.db", root / "lake")
    wh.lake.mkdir(exist_ok=True)
    con = sqlite3.connect(wh.db)
    cols = "id INTEGER PRIMARY KEY, full_name TEXT, id_card TEXT, mobile TEXT, city TEXT"
    cols += ", bank_card_no TEXT" if bank_cards else ""
    con.execute(f"CREATE TABLE customers ({cols})")
    ocols = "order_no TEXT, amount REAL, created TEXT" + (
        ", buyer_id_card TEXT" if extra_sensitive_column else ""
    )
    con.execute(f"CREATE TABLE orders ({ocols})")
    for i in range(rows):
        rid = resident_id(
            rng.choice(["320505", "110101", "310104"]),
            f"19{rng.randint(60, 99)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}",
            rng.randint(0, 999),
        )
        mobile = f"139{rng.randint(10_000_000, 99_999_999)}"
        card = luhn_complete(f"622848{rng.randint(10**11, 10**12 - 1)}")
        wh.raw += [rid, mobile] + ([card] if bank_cards else [])
        values = [i, f"客户{i}", rid, mobile, "苏州"] + ([card] if bank_cards else [])
        con.execute(f"INSERT INTO customers VALUES ({','.join('?' * len(values))})", values)
        ovals = [f"SO{i:05d}", i * 1.5, "2025-01-01"]
        if extra_sensitive_column:
            ovals.append(rid)
        con.execute(f"INSERT INTO orders VALUES ({','.join('?' * len(ovals))})", ovals)
    for j in range(duplicates):
        con.execute(
            "INSERT INTO customers (id, full_name, id_card, mobile, city) "
            "SELECT ?, full_name, id_card, mobile, city FROM customers WHERE id = ?",
            (rows + j, j),
        )
    con.commit()
    con.close()
    if patients:
        codes = ["E11.900", "I10.x00", "J45.900", "C34.901", "K21.000"]
        phones = [f"138{rng.randint(10_000_000, 99_999_999)}" for _ in range(rows)]
        wh.raw += phones
        pq.write_table(
            pa.table(
                {
                    "batch_ref": [f"C{i:04d}" for i in range(rows)],
                    "icd10_code": [codes[i % len(codes)] for i in range(rows)],
                    "contact_phone": phones,
                }
            ),
            wh.lake / "patients.parquet",
        )
    return wh


def scan_warehouse(wh: Warehouse) -> dict:
    """The warehouse's scan report as its document: what the renderers render."""
    from scanner.scan import ScanOptions, scan

    return to_document(scan(wh.sources, ScanOptions(scan_date=SCAN_DATE, lists=LISTS)))


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory) -> Warehouse:
    return build_warehouse(tmp_path_factory.mktemp("wh"))


@pytest.fixture(scope="session")
def _scanned(warehouse) -> dict:
    return scan_warehouse(warehouse)


@pytest.fixture
def report(_scanned) -> dict:
    """A fresh copy of the warehouse's annotated scan report (tests may change it)."""
    return copy.deepcopy(_scanned)


@pytest.fixture
def raw_values(warehouse) -> list[str]:
    return list(warehouse.raw)
