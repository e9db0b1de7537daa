"""``--jobs`` on several cores: batches recognized in other processes give the report of one process, and a
recognition process that dies leaves its batches to the main one."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pytest

import recognizers
import scanner.processes
import scanner.scan
from recognizers.packs import RecognizerPack
from scanner.processes import RecognitionPool
from scanner.scan import ScanOptions, scan
from tests.scanner.test_batches import untimed, warehouse


@pytest.fixture
def many_batches(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Batches of two tables (nine tables: five batches), four cores whatever the machine has, and the
    number of batches each scan handed to a recognition process."""
    monkeypatch.setattr(scanner.scan, "BATCH_TABLES", 2)
    monkeypatch.setattr(scanner.scan, "available_cores", lambda: 4)
    handed: list[int] = []
    submit = RecognitionPool.submit

    def counted(self: RecognitionPool, inputs: list) -> object:
        future = submit(self, inputs)
        handed.append(future is not None)
        return future

    def started(self: RecognitionPool) -> None:
        start(self)
        until_ready(self)

    monkeypatch.setattr(RecognitionPool, "submit", counted)
    monkeypatch.setattr(RecognitionPool, "start", started)
    return handed


start = RecognitionPool.start


def until_ready(pool: RecognitionPool) -> None:
    """Wait for the pool's processes to start up: no batch is handed over before (a scan of nine small tables
    would be over by then)."""
    deadline = time.monotonic() + 120
    while not pool.ready and not pool.broken and time.monotonic() < deadline:
        time.sleep(0.05)


def scanned(src: str, **options: object) -> dict:
    return scan([src], ScanOptions(**options)).model_dump(mode="json", by_alias=True, exclude_unset=True)


def test_batches_recognized_in_other_processes_give_the_report_of_one(
    tmp_path: Path, many_batches: list[int]
) -> None:
    src = warehouse(tmp_path / "wh.db")
    alone = scanned(src)
    assert not many_batches  # --jobs 1: no process started
    shared = scanned(src, jobs=3)
    assert sum(many_batches) >= 1, "no batch went to a recognition process"
    assert untimed(shared) == untimed(alone)
    found = {t["table"]: {e["type"] for c in t["columns"] for e in c["entities"]} for t in shared["tables"]}
    assert {"CN_RESIDENT_ID", "CN_MOBILE"} <= found["ods_1"]


@dataclass(frozen=True)
class DiesInAChild:
    """A table recognizer that ends the process it runs in when that is a recognition process (a crash, an
    out-of-memory kill), and finds nothing in the scan's own process."""

    entities: tuple[str, ...] = ()

    def analyze_table(self, ctx: recognizers.TableContext) -> dict:
        if multiprocessing.parent_process() is not None:
            os._exit(3)
        return {}


def test_a_recognition_process_that_dies_leaves_its_batches_to_the_main_process(
    tmp_path: Path, many_batches: list[int]
) -> None:
    src = warehouse(tmp_path / "wh.db")
    registry = recognizers.default_registry().extended(
        [RecognizerPack(name="dies", table_recognizers=(DiesInAChild(),), source="test")]
    )
    alone = scanned(src, registry=registry)
    shared = scanned(src, registry=registry, jobs=3)
    assert any(many_batches)  # a batch was handed over, and its process died with it
    assert untimed(shared) == untimed(alone)
    assert all(t["status"] == "ok" or t["table"] == "ods_4" for t in shared["tables"])


def test_processes_beside_the_main_one() -> None:
    """A place of ``--jobs`` is a core, one of them the main process's; one job, or one core, is no process."""
    assert scanner.processes.recognition_processes(1, 16) == 0
    assert scanner.processes.recognition_processes(4, 1) == 0
    assert scanner.processes.recognition_processes(4, 2) == 1
    assert scanner.processes.recognition_processes(8, 4) == 3


def test_a_registry_that_does_not_pickle_is_run_in_the_main_process(
    tmp_path: Path, many_batches: list[int]
) -> None:
    """A plug-in may hold what cannot travel to another process (here a lock): the scan then recognizes every
    batch itself, with the same findings."""

    @dataclass(frozen=True)
    class HoldsALock:
        entities: tuple[str, ...] = ()
        lock: object = field(default_factory=threading.Lock)

        def analyze_table(self, ctx: recognizers.TableContext) -> dict:
            return {}

    src = warehouse(tmp_path / "wh.db")
    registry = recognizers.default_registry().extended(
        [RecognizerPack(name="lock", table_recognizers=(HoldsALock(),), source="test")]
    )
    alone = scanned(src, registry=registry)
    shared = scanned(src, registry=registry, jobs=3)
    assert not any(many_batches)
    assert untimed(shared) == untimed(alone)


def test_no_batch_waits_for_a_process_still_starting_and_close_stops_it(tmp_path: Path) -> None:
    """A process takes seconds to start up (imports, registry, the recognizers' tables): a batch handed to it
    then would keep a scan of a few batches waiting for its last one, so none is; and a scan that ends
    before its processes are ready stops them instead of waiting for them."""
    table = pa.table({"sfzh": ["11010519491231002X"] * 3})
    batch = [recognizers.TableInput(table, [recognizers.ColumnMeta("sfzh", "TEXT")], "t", None)]
    pool = RecognitionPool(1, None, None)
    pool.start()
    assert not pool.ready and pool.submit(batch) is None
    children = multiprocessing.active_children()
    assert children, "no process was started"
    pool.close()
    assert all(p.exitcode == -signal.SIGTERM for p in children)


def test_a_ready_process_recognizes_as_this_one_does() -> None:
    table = pa.table({"sfzh": ["11010519491231002X", "110105194912310029", "440524188001010014"]})
    batch = [recognizers.TableInput(table, [recognizers.ColumnMeta("sfzh", "TEXT")], "t", None)]
    with RecognitionPool(1, None, None) as pool:
        pool.start()
        until_ready(pool)
        future = pool.submit(batch)
        assert future is not None
        found, _seconds = pool.result(future)
    here = recognizers.analyze_tables(batch)
    assert [{c: [f.type for f in fs] for c, fs in t.items()} for t in found] == [
        {c: [f.type for f in fs] for c, fs in t.items()} for t in here
    ]
    assert "CN_RESIDENT_ID" in [f.type for f in here[0]["sfzh"]]


def test_the_processes_start_before_the_first_batch_is_read(
    tmp_path: Path, many_batches: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A process takes seconds to import the recognizers and build its registry: they start as the source's
    tables are listed, so they are ready by the time the first batch is read."""
    order: list[str] = []
    start, read = RecognitionPool.start, scanner.scan._read_sample

    def started(self: RecognitionPool) -> None:
        order.append("start")
        start(self)

    def reading(*args: object, **kwargs: object) -> object:
        order.append("read")
        return read(*args, **kwargs)

    monkeypatch.setattr(RecognitionPool, "start", started)
    monkeypatch.setattr(scanner.scan, "_read_sample", reading)
    scanned(warehouse(tmp_path / "wh.db"), jobs=3)
    assert order[:2] == ["start", "read"] and order.count("start") == 1
    assert any(many_batches)
