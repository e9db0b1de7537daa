"""A ledger writer for the concurrency test: its own module, so spawned processes import only the ledger."""

from __future__ import annotations

import datetime as _dt

from recognizers.identity import check_char
from scanner.export.ledger import ExportRecord, Ledger

WRITERS, EXPORTS_EACH, PERSONS_EACH = 4, 3, 2_000


def person_key(i: int) -> str:
    """Person ``i``'s normalised resident-ID key (the 17-digit body of ``conftest.resident_id(i)``)."""
    birth = _dt.date(1950, 1, 1) + _dt.timedelta(days=i // 1000)
    divisions = ("320505", "320506", "320507", "320508", "320583", "320585", "110105", "310104")
    first17 = f"{divisions[i % len(divisions)]}{birth:%Y%m%d}{i % 1000:03d}"
    assert check_char(first17)
    return f"resident_id:{first17}"


def export_range(worker: int, export: int) -> range:
    start = worker * 3_000 + export * 500  # overlaps its own earlier exports and the next worker's
    return range(start, start + PERSONS_EACH)


def write(url: str, key: bytes, worker: int, barrier) -> None:  # noqa: ANN001 - multiprocessing.Barrier
    """Record ``EXPORTS_EACH`` exports, starting together with the other writers."""
    barrier.wait()
    with Ledger.open(url, key, create=True) as ledger:
        for e in range(EXPORTS_EACH):
            with ledger.session() as s:
                sig = frozenset({"CN_RESIDENT_ID" if e % 2 == 0 else "CN_MOBILE"})
                s.add_keys([(person_key(i), sig) for i in export_range(worker, e)])
                s.record(ExportRecord(_dt.date(2025, 6, 1 + e), recipient=f"worker {worker}"))
