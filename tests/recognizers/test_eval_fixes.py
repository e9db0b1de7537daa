"""Regressions from the evaluation corpus (tests/eval) and the structured path's screening sample."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from recognizers import engine
from recognizers.engine import ColumnMeta, analyze_table
from recognizers.evaluation.corpus import load_corpus
from recognizers.health_lab import LabResultRecognizer, is_lab_value
from recognizers.telecom import MsisdnRecognizer
from recognizers.vehicle import VinRecognizer

EVAL = Path(__file__).resolve().parents[1] / "eval"


def _types(table: pa.Table, metas: list[ColumnMeta] | None = None) -> dict[str, set[str]]:
    return {c: {f.type for f in fs} for c, fs in analyze_table(table, metas, table_name="t").items()}


def test_version_columns_are_not_ip_addresses() -> None:
    versions = [f"{i % 12 + 1}.{i % 20}.{(i * 37) % 256}.{(i * 91) % 256}" for i in range(200)]
    table = pa.table({"firmware_version": versions, "app_ver": versions, "last_login_ip": versions})
    found = _types(
        table,
        [ColumnMeta("firmware_version"), ColumnMeta("app_ver", comment=None), ColumnMeta("last_login_ip")],
    )
    assert "IP_ADDRESS" not in found["firmware_version"] and "IP_ADDRESS" not in found["app_ver"]
    assert "IP_ADDRESS" in found["last_login_ip"]  # the values alone cannot tell them apart
    assert (
        "IP_ADDRESS" not in _types(pa.table({"f1": versions}), [ColumnMeta("f1", comment="固件版本")])["f1"]
    )


def test_vin_is_never_mixed_case() -> None:
    blob = "3xOuVYz46ieobo/ggs0UVv38j28HN5P5/rtNzLSPKwzhwpt"
    assert VinRecognizer().find_spans(blob) == []
    assert [s.text for s in VinRecognizer().find_spans("车架号LSVAU218XN2183294，")] == ["LSVAU218XN2183294"]
    assert VinRecognizer().analyze_values(pa.array(["lsvau218xn2183294", "LSVAU218XN2183294"])).matched == 2


def test_msisdn_after_plus_is_a_mobile_number_in_text() -> None:
    assert MsisdnRecognizer().find_spans("联系电话+8617655862419。") == []
    assert [s.text for s in MsisdnRecognizer().find_spans("计费号码8617655862419")] == ["8617655862419"]


@pytest.mark.parametrize(
    "value",
    [
        "TPPA 阳性",
        "RPR 1:16",
        "HIV抗体 阴性",
        "淋球菌培养 阳性",
        "尿蛋白 ++",
        "HIV-1 RNA 12500 copies/mL",
        "HBsAg阴性（-）",
    ],
)
def test_qualitative_lab_results(value: str) -> None:
    assert is_lab_value(value)
    assert [s.text for s in LabResultRecognizer().find_spans(f"检查：{value}。")] == [value]


@pytest.mark.parametrize("value", ["阳性", "血糖 阳性", "梅毒阳性", "营业时间9:00-21:00", "1:16"])
def test_not_qualitative_lab_results(value: str) -> None:
    assert not is_lab_value(value)


@pytest.mark.parametrize(
    "name",
    [
        "crm_customer",
        "telecom_subscriber",
        "ops_events",
        "school_students",
        "product_catalog",
        "community_residents",
    ],
)
def test_screening_sample_changes_no_finding(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Long structured columns are screened on a spread sample first; the findings must be those of a full read."""
    corpus = load_corpus(EVAL)
    table = next(t for t in corpus.tables if t.name == name)
    arrow = table.to_arrow()
    reps = -(-engine.SCREEN_MIN_VALUES // arrow.num_rows)
    big = pa.concat_tables([arrow] * reps)
    kwargs = {"table_name": table.name, "table_comment": table.comment, "scan_date": corpus.scan_date}
    screened = analyze_table(big, table.metas(), **kwargs)
    monkeypatch.setattr(engine, "SCREEN_MIN_VALUES", 10**12)
    full = analyze_table(big, table.metas(), **kwargs)
    assert {c: sorted(f.type for f in fs) for c, fs in screened.items()} == {
        c: sorted(f.type for f in fs) for c, fs in full.items()
    }
