"""``chujing demo``: build the embedded demo warehouse, scan it, write its reports.

The demo needs no server: a SQLite database and a Parquet folder are generated
deterministically (see :mod:`scanner.demo.data`) under ``<dir>/warehouse`` and
scanned with the same pipeline as ``chujing scan``; the reports land in
``<dir>``.  The scan date is fixed to the warehouse's reference date so the
demo's findings (children under 14 among them) are the same on every run.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from catalog.report import ScanReport, to_document
from reports.integrity import seal
from reports.renderers import write_report
from scanner.demo.data import build_demo_warehouse
from scanner.observer import ScanObserver
from scanner.scan import ScanOptions, scan

#: The date the demo data is generated relative to, and scanned as of.
DEMO_REFERENCE_DATE = _dt.date(2026, 6, 30)
#: Every report format the demo writes: JSON for machines, HTML for people, XLSX for filings, CSV.
DEMO_FORMATS = ("json", "html", "xlsx", "csv")
#: The demo company's sector list.
DEMO_LISTS = ("jiangsu-2025-biopharma",)


@dataclass
class DemoResult:
    report: ScanReport
    #: The report's sealed document: what every file written renders.
    document: dict[str, Any]
    outputs: list[Path] = field(default_factory=list)


def run_demo(
    target: Path, *, seed: int = 20250101, observer: ScanObserver | None = None, debug: bool = False
) -> DemoResult:
    """Build, scan, and write ``report.json``, ``report.html``, ``report.xlsx`` and ``report.csv``."""

    target = Path(target)
    warehouse = build_demo_warehouse(target / "warehouse", seed=seed)
    options = ScanOptions(
        sample_rows=1000,
        seed=0,
        scan_date=DEMO_REFERENCE_DATE,
        lists=DEMO_LISTS,
        debug=debug,
    )
    report = scan(warehouse.sources, options, observer)
    result = DemoResult(report=report, document=seal(to_document(report)))
    for fmt in DEMO_FORMATS:
        out = target / f"report.{fmt}"
        write_report(result.document, fmt, out)
        result.outputs.append(out)
    return result
