"""One person figure per report, the same in JSON, HTML, XLSX, CSV and the terminal.

The lists draw lines in persons (不满1万人): a page saying 5,000 beside a
workbook pre-filled with 10,200 (rows summed) could send a reader down another
route.  The figure is built once (:mod:`catalog.person_figure`) and every format
shows it; a ``chujing check`` shows its own exact count instead, everywhere.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import re

import pytest
from openpyxl import load_workbook

from catalog.person_figure import ExactCount, person_figure
from catalog.report import ContractError, PersonTally, to_document
from reports.renderers import render
from reports.xlsx import SUMMARY_SHEET
from tests.catalog.builders import as_table


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory) -> dict:
    """The demo warehouse at a tenth of its size, scanned as ``chujing demo`` scans it."""
    from scanner.demo.data import build_demo_warehouse
    from scanner.demo.run import DEMO_LISTS, DEMO_REFERENCE_DATE
    from scanner.scan import ScanOptions, scan

    def scan_document(sources, options):
        return to_document(scan(sources, options))

    wh = build_demo_warehouse(tmp_path_factory.mktemp("demo"), scale=0.1)
    return scan_document(
        wh.sources, ScanOptions(sample_rows=1000, seed=0, scan_date=DEMO_REFERENCE_DATE, lists=DEMO_LISTS)
    )


def _pi_rows(report: dict) -> list[int]:
    return [t["row_count"] for t in report["tables"] if any(c.get("pi_class") for c in t["columns"])]


def _shown(report: dict, *, with_json: bool = True) -> dict[str, object]:
    """The person figure as each format shows it."""
    out: dict[str, object] = {}
    if with_json:
        doc = json.loads(render(report, "json"))
        persons = doc.get("persons") or {}
        out["json"] = persons["any"]["this_export"] if "scan" in doc else persons.get("count")
    page = render(report, "html").decode("utf-8")
    card = re.search(r'<div class="num">([\d,?]+)</div><div class="lbl">涉及人数<br>Persons', page)
    out["html"] = card.group(1) if card else None
    note = re.search(r'id="persons-derivation">涉及人数 Persons: ([\d,?]+) persons', page)
    out["html note"] = note.group(1) if note else None
    cells = {
        str(r[0]): r[1]
        for r in load_workbook(io.BytesIO(render(report, "xlsx")))[SUMMARY_SHEET].iter_rows(values_only=True)
        if r[0] is not None
    }
    out["xlsx"] = cells.get("涉及人数 Persons")
    out["xlsx filing"] = cells.get("申报规模（人） Declared persons")
    rows = list(csv.DictReader(io.StringIO(render(report, "csv").decode("utf-8-sig"))))
    out["csv"] = {r.get("report_persons") for r in rows}
    out["table"] = re.findall(r"^Persons 涉及人数: ([\d,?]+) persons", render(report, "table").decode(), re.M)
    return out


def _expect(n: int) -> dict[str, object]:
    return {
        "json": n,
        "html": f"{n:,}",
        "html note": f"{n:,}",
        "xlsx": n,
        "xlsx filing": n,
        "csv": {str(n)},
        "table": [f"{n:,}"],
    }


def test_every_format_shows_the_scans_one_figure(demo_report):
    fig = demo_report["persons"]
    rows = _pi_rows(demo_report)
    assert fig["basis"] == "row_count_upper_bound" and fig["count"] == sum(rows) != max(rows)
    assert fig["tables"] == len(rows) and "an upper bound" in fig["derivation"]
    # the figure is the number the negative-list evaluation counted with, so the route and the figure agree
    assert demo_report["list_items"]["persons"]["any"]["this_export"] == fig["count"]
    assert _shown(demo_report) == _expect(fig["count"])
    assert "upper bound" in render(demo_report, "table").decode()


def _check(report: dict, this_export: int, prior: int) -> dict:
    """A ``chujing check`` decision in the shape it writes (``chujing.check/1``): its exact count, the scan inside."""
    li = report["list_items"]
    count = {
        "this_export": this_export,
        "prior_this_year": prior,
        "total": this_export + prior,
        "already_exported_this_year": 0,
    }
    window = ["2026-01-01", "2026-06-30"]
    counting = {
        f"{when}_{kind}": n
        for when, n in (("this", this_export), ("prior", prior), ("overlap", 0))
        for kind in ("any", "sensitive", "general")
    }
    return {
        "schema": "chujing.check/1",
        "tool": dict(report["tool"]),
        "started_at": report["started_at"],
        "finished_at": report["finished_at"],
        "route": li["route"],
        "route_label": li["route_label"],
        "exit_status": li["exit_status"],
        "as_of": window[1],
        "lists": li["lists"],
        "scenario": None,
        "subject": None,
        "recipient": None,
        "person_key": None,
        "items": [{k: v for k, v in i.items() if k not in ("outcome", "counting_rule")} for i in li["items"]],
        "candidate_important_data": copy.deepcopy(report["candidate_important_data"]),
        "manual_review": li["manual_review"],
        "not_hit": li["not_hit"],
        "notes": li["notes"],
        "persons": {
            "any": count,
            "sensitive": dict(count),
            "general": dict(count),
            "basis": "ledger",
            "counting": {
                "as_of": window[1],
                **counting,
                "prior_exports": 1,
                "prior_unkeyed": 0,
                "this_unkeyed": 0,
                "window": window,
            },
            "tables": [],
        },
        "ledger": {
            "location": "ledger.db",
            "exists": True,
            "key_fingerprint": "0" * 32,
            "window": window,
            "prior_exports": 1,
            "exempt_articles": [],
            "recorded": None,
        },
        "errors": [],
        "scan": copy.deepcopy(report),
    }


def test_a_check_shows_its_exact_count_in_every_format(demo_report):
    check = _check(demo_report, 321, 79)
    assert _shown(check) == _expect(321)
    text = render(check, "table").decode()
    assert "400 since 1 January" in text and str(demo_report["persons"]["count"]) + " persons" not in text
    cells = {
        str(r[0]): r[1]
        for r in load_workbook(io.BytesIO(render(check, "xlsx")))[SUMMARY_SHEET].iter_rows(values_only=True)
        if r[0] is not None
    }
    assert cells["自当年1月1日起累计（人） Persons since 1 January"] == 400


def _card(page: str, label: str) -> int | None:
    m = re.search(r'<div class="num">([\d,]+)</div><div class="lbl">' + label, page)
    return int(m.group(1).replace(",", "")) if m else None


def test_an_important_data_item_is_a_candidate_in_scan_and_check(demo_report):
    hit = [i for i in demo_report["list_items"]["items"] if i.get("data_kind") == "important_data"]
    assert [i["item"] for i in hit] == [21]  # 遗传信息、…基因数据: the demo's gene variant calls
    listed = [c for c in demo_report["candidate_important_data"] if c["source"] == "negative_list"]
    assert [(c["list"], c["item"]) for c in listed] == [("jiangsu-2025-biopharma", 21)]
    for report in (demo_report, _check(demo_report, 321, 0)):
        assert (
            json.loads(render(report, "json"))["candidate_important_data"]
            == report["candidate_important_data"]
        )
        page = render(report, "html").decode("utf-8")
        assert _card(page, "候选重要数据") == len(report["candidate_important_data"]) >= 1
        section = page[page.index('id="important-data"') :]
        assert "jiangsu-2025-biopharma #21" in section[: section.index("</section>")]


def test_old_scan_reports_without_the_figure_still_show_one(demo_report):
    old = copy.deepcopy(demo_report)
    del old["persons"], old["candidate_important_data"]
    with pytest.raises(ContractError, match="persons: Field required"):  # JSON is written to today's contract
        render(old, "json")
    shown, expected = _shown(old, with_json=False), _expect(demo_report["persons"]["count"])
    expected.pop("json")
    assert shown == expected
    assert _card(render(old, "html").decode("utf-8"), "候选重要数据") == 1


# --- the builder, on small reports ---------------------------------------------------------------------


def _table(name: str, rows: int, *types: str, status: str = "ok") -> dict:
    cls = {"CN_RESIDENT_ID": "sensitive", "CN_MOBILE": "general"}
    return {
        "source": "sqlite:///x.db",
        "table": name,
        "schema": None,
        "status": status,
        "row_count": rows,
        "sampled_rows": min(rows, 100),
        "columns": [
            {"name": t.lower(), "pi_class": cls[t], "entities": [{"type": t, "pi_class": cls[t]}]}
            for t in types
        ]
        + [{"name": "note", "pi_class": None, "entities": []}],
    }


def _figure(r: dict, tallies: list[dict] | None = None, *, exact: ExactCount | None = None) -> dict:
    """``person_figure`` of a small report document's tables, as its document."""
    typed = [PersonTally.model_validate(x) for x in tallies] if tallies is not None else None
    return person_figure([as_table(t) for t in r["tables"]], [], typed, exact=exact).model_dump()


def _tally(table: str, persons: int, basis: str = "distinct_key", **kw) -> dict:
    return {
        "source": "sqlite:///x.db",
        "table": table,
        "key_kind": "resident_id",
        "key_columns": ["customer_id"],
        "key_chain": [{"kind": "resident_id", "columns": ["customer_id"]}],
        "sensitive": True,
        "persons_general": 0,
        "signatures": [],
        "persons": persons,
        "persons_sensitive": persons,
        "distinct_keys": persons,
        "rows_without_key": 0,
        "basis": basis,
        **kw,
    }


def test_two_tables_give_the_sum_of_their_rows_an_upper_bound():
    """The largest table alone would under-count whenever tables hold different persons: the bound is the sum."""
    r = {
        "tables": [
            _table("customers", 300, "CN_RESIDENT_ID"),
            _table("contacts", 800, "CN_MOBILE"),
            _table("products", 5000),
        ]
    }
    f = _figure(r)
    assert (f["count"], f["sensitive"], f["basis"], f["tables"]) == (1100, 300, "row_count_upper_bound", 2)
    assert "sum of the row counts of the 2 table(s) holding PI: an upper bound" in f["derivation"]


def test_one_keyed_table_gives_distinct_persons():
    r = {"tables": [_table("customers", 300, "CN_RESIDENT_ID"), _table("products", 5000)]}
    r["tables"][0]["persons"] = _tally("customers", 240, rows_without_key=5)
    f = _figure(r)
    assert (f["count"], f["basis"]) == (240, "distinct_persons")
    assert "resident_id key" in f["derivation"] and "5 rows without a key" in f["derivation"]
    assert _figure(r, [_tally("customers", 250)])["count"] == 250  # tallies given win
    r["tables"][0]["persons"] = _tally("customers", 300, basis="row_count_upper_bound")
    assert _figure(r)["basis"] == "row_count_upper_bound"


def test_several_keyed_tables_need_a_count_across_them():
    r = {"tables": [_table("customers", 300, "CN_RESIDENT_ID"), _table("orders", 900, "CN_RESIDENT_ID")]}
    tallies = [_tally("customers", 300), _tally("orders", 280)]
    f = _figure(r, tallies)
    assert (f["count"], f["basis"]) == (1200, "row_count_upper_bound")
    assert "not de-duplicated across tables" in f["derivation"]
    f = _figure(r, tallies, exact=ExactCount(310, 310, 0))
    assert (f["count"], f["sensitive"], f["general"], f["basis"]) == (310, 310, 0, "distinct_persons")


def test_no_pi_and_failed_tables_are_said():
    f = _figure({"tables": [_table("products", 50)]})
    assert (f["count"], f["basis"], f["tables"]) == (0, "none", 0)
    f = _figure({"tables": [_table("customers", 300, "CN_RESIDENT_ID", status="error")]})
    assert f["count"] is None and f["basis"] == "none" and "could not be read" in f["derivation"]
    f = _figure({"tables": [_table("a", 10, "CN_MOBILE"), _table("b", 99, "CN_MOBILE", status="error")]})
    assert f["count"] == 10 and "1 source(s) or table(s) could not be read" in f["derivation"]
