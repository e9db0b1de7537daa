"""No input, however odd, makes a recognizer raise: every registered one, python-stdnum's ``test_robustness`` style.

The recognizers are the registry's — the built-ins and the example recognizer
file of ``docs/recognizers.md`` — so a recognizer added to a family, a
package or a file is fed the same junk without editing this test.  Value
recognizers get junk strings (what a column or a text may hold) and junk
objects (``None``, NaN, bytes, numbers, containers: what a careless caller may
pass); table recognizers get tables whose columns hold junk of every Arrow type
under the names that make them look.  The identifier modules' ``is_valid_x``
functions get the same strings.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import tempfile
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from recognizers import (
    ColumnMeta,
    EntityFinding,
    Registry,
    TableRecognizerProtocol,
    ValueRecognizer,
    ValueRecognizerProtocol,
    analyze_table,
    finance,
    identity,
    load_registry,
    network,
    telecom,
    vehicle,
)
from recognizers.base import Span, ValueMatches
from tests.recognizers import docs_examples

# fmt: off
JUNK = [
    "", " ", "€", "⑱", "１２３", "１３９１２３４５６７８", "٣٤٥٦٧٨٩٠١٢٣", "𝟏𝟑𝟗𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖", "x" * 10_000, "9" * 5000, "中文abc123",
    "\x00\x01", "\t\n", "\r\n\r\n", "E", "E1", "E11.", "E11.900x", "A01.003+", "++G01*", "E١٢٣٤٥٦٧٨", "苏", "使", "·",
    "::", ":::", "1.", "....", "@", "a@", "@b.c", "-", "+", "*", "+86", "(", ")", "(" * 50, "（）", "转", "ext", "X",
    "x" * 17, "0" * 18, "1" * 15, "%s%n", "${jndi:x}", "'; DROP TABLE t;--", "١١٠١٠٥١٩٤٩١٢٣١٠٠٢X",
    "11010519491231002X" * 3, "Ａ１２３", "ǅ", "ﬁ", "\u200b", "\u200b13912345678", "13912345678\u200b", "\ud7ff\ue000",
    "病" * 500, "癌", "mmol/L", "1e308 mmol/L", "住院号", "HIV", "rs", "rs0", "c.", "p.", "chr", "chr7:", "NM_:c.",
    "ACGT" * 5000, "N" * 100, ">", ">\n", "@\n\n+\n", "@r\nACGT\n+\nII", "##fileformat=VCFv4", "\t\t\t", "0/", "|",
    ",", "1,2", "999.999999,999.999999", "0.000000,0.000000", "POINT()", "POINT(a b)", "{}", '{"type":"Point"}',
    '{"coordinates":[1.5,2.5]}', "°N", "北纬度", "北纬99度", "1e308,1e308", "-,-", "91.123456,181.123456", "12:30",
    "东经200度", "39°99′99″N", "张" * 500, "路" * 500, "1号" * 300, "$" * 200, "/9j/" + "!" * 50, "data:image/png;base64,",
    "nan", "NaN", "None", "null", "NULL", "inf", "-0", "0x1F", "1e-400", "男女", "女" * 100, "岁" * 100, "-1岁", "999岁", "²", "²岁", "½",
]
#: What no caller should pass but some will: a recognizer answers "nothing found".
JUNK_OBJECTS: list[Any] = [None, float("nan"), float("inf"), b"13912345678", bytearray(b"\xff\xfe"), 13912345678, 1.5,
                decimal.Decimal("1E+308"), ["13912345678"], {"a": 1}, object(), _dt.date(1, 1, 1)]
# fmt: on


def _registry() -> Registry:
    """The built-ins and the docs' example recognizer file (its recognizers are built when it is read)."""
    with tempfile.TemporaryDirectory() as d:
        return load_registry(files=[docs_examples.write_recognizer_file(Path(d))], plugins=False)


REGISTRY = _registry()


def _name(rec: ValueRecognizerProtocol | TableRecognizerProtocol) -> str:
    return rec.name if isinstance(rec, ValueRecognizerProtocol) else type(rec).__name__


def test_the_registry_holds_every_kind_of_recognizer():
    kinds = {type(r).__module__ for r in REGISTRY.value_recognizers}
    assert "recognizers.file_recognizer" in kinds and len(REGISTRY.value_recognizers) > 50
    assert len(REGISTRY.table_recognizers) >= 10


@pytest.mark.parametrize("rec", REGISTRY.value_recognizers, ids=_name)
def test_value_recognizer_takes_junk(rec: ValueRecognizerProtocol):
    for value in JUNK:
        spans = rec.find_spans(value)
        assert isinstance(spans, list) and all(isinstance(s, Span) for s in spans)
        for text in (f"号码{value}，身份证 {value} tel:{value}", f"{value}\n{value}"):
            assert all(0 <= s.start < s.end <= len(text) for s in rec.find_spans(text))
        assert isinstance(rec.mask(value), str)
    for obj in JUNK_OBJECTS:
        assert rec.find_spans(obj) == []
    cells = [v.strip() for v in JUNK if v.strip()]  # the engine passes trimmed, non-empty strings
    for values in (pa.array(cells), pa.array(cells * 40), pa.array([], pa.string())):
        vm = rec.analyze_values(values)
        assert isinstance(vm, ValueMatches) and 0 <= vm.matched <= vm.non_null == len(values)
    if isinstance(rec, ValueRecognizer):  # the hooks behind the protocol of the built-in base class
        for value in JUNK:
            assert isinstance(rec.normalize(value), str)
            assert rec.validate(rec.normalize(value)) in (True, False)
            assert isinstance(rec.describe(value), dict)


def _junk_table(rows: int = 60) -> tuple[pa.Table, list[ColumnMeta]]:
    """Junk of every Arrow type, under names that make table recognizers look (coordinates, birth dates, VCF
    columns, lab results, drugs, biometrics)."""
    strings = [JUNK[i % len(JUNK)] for i in range(rows)]
    floats = [
        [float("nan"), float("inf"), -float("inf"), 1e308, -0.0, None, 91.5, 181.25][i % 8]
        for i in range(rows)
    ]
    columns = {
        "junk": pa.array(strings),
        "lat": pa.array(floats, pa.float64()),
        "lng": pa.array(list(reversed(floats)), pa.float64()),
        "csrq": pa.array(
            [[_dt.date(1, 1, 1), _dt.date(9999, 12, 31), None][i % 3] for i in range(rows)], pa.date32()
        ),
        "birth_ts": pa.array([None] * rows, pa.timestamp("us")),
        "chrom": pa.array(strings),
        "pos": pa.array([[0, -1, 2**62, None][i % 4] for i in range(rows)], pa.int64()),
        "ref": pa.array(strings),
        "alt": pa.array(strings),
        "检验结果": pa.array(floats, pa.float64()),
        "gene_symbol": pa.array(strings),
        "drug_name": pa.array(strings),
        "face_feature": pa.array(
            [[b"\xff\xd8\xff", b"", None, b"\x00" * 300][i % 4] for i in range(rows)], pa.binary()
        ),
        "voice_embedding": pa.array([[1.0, float("nan")], None, []] * (rows // 3), pa.list_(pa.float32())),
        "nested": pa.array([{"a": 1}] * rows, pa.struct([("a", pa.int64())])),
        "amount": pa.array([decimal.Decimal("1E+30")] * rows, pa.decimal128(38, 2)),
        "empty": pa.array([None] * rows, pa.string()),
        "all_null": pa.nulls(rows),
    }
    metas = [ColumnMeta(name, str(arr.type), "诊断 身份证号 手机 经纬度") for name, arr in columns.items()]
    return pa.table(columns), metas


@pytest.mark.parametrize("tr", REGISTRY.table_recognizers, ids=_name)
def test_table_recognizer_takes_junk_tables(tr: TableRecognizerProtocol):
    table, metas = _junk_table()
    for t in (table, table.slice(0, 0), table.slice(0, 1)):
        found = analyze_table(
            t, metas, table_name="检验 vcf 药品 vehicle", registry=REGISTRY, table_recognizers=(tr,)
        )
        assert set(found) == set(t.column_names)
        assert all(isinstance(f, EntityFinding) for fs in found.values() for f in fs)


def test_a_column_of_junk_is_nothing():
    found = analyze_table(pa.table({"junk": [v for v in JUNK if v.strip()] * 5}), registry=REGISTRY)
    assert found["junk"] == []


@pytest.mark.parametrize(
    "func",
    [
        identity.is_valid_resident_id,
        identity.is_valid_hmt_residence_permit,
        identity.is_valid_foreigner_pr,
        identity.is_valid_uscc,
        finance.is_valid_bank_card,
        finance.is_valid_bank_account,
        telecom.is_valid_mobile,
        telecom.is_valid_landline,
        telecom.is_valid_imei,
        telecom.is_valid_imsi,
        telecom.is_valid_iccid,
        telecom.is_valid_msisdn,
        network.is_valid_email,
        network.is_valid_ip,
        network.is_valid_mac,
        vehicle.is_valid_plate,
        vehicle.is_valid_vin,
        vehicle.is_valid_driver_file_no,
    ],
    ids=lambda f: f.__name__,
)
def test_module_validators_never_raise_and_reject_junk(func):
    for value in JUNK:
        assert func(value) in (True, False)
    assert not any(func(v) for v in ("", "€", "⑱", "x" * 10_000, "٣٤٥٦٧٨٩٠١٢٣"))
