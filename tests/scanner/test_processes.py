"""``--jobs`` on several cores: batches recognized in other processes give the report of one process, and a
recognition process that dies leaves its batches to the main one."""

from __future__ import annotations

import multiprocessing
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

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

    monkeypatch.setattr(RecognitionPool, "submit", counted)
    return handed


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
