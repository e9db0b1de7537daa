"""The recognizers' tables loaded before the first column is read: a recognition process's warm-up.

Recognizers load what they look values up in — jieba's dictionary, the lexicons of diagnoses, medicines,
laboratory tests and places, the division codes, the free-text prefilters — the first time a column needs
it, so that a scan of a few columns pays only for those.  In a process that recognizes batches for a scan
(:mod:`scanner.processes`) the first batch paid for all of them at once, about a second here, while the
scan waited for that batch.  :func:`warm_up` has them loaded as the process starts instead, by recognizing
:func:`warm_up_table` once: a small made-up table of the kinds of columns a warehouse holds, read by the
built-in recognizers; its findings are dropped.

Everything a recognizer keeps from it is a cache of a pure function of its own data, so what a later scan
finds is the same with or without it.

>>> warm_up() > 0
True
"""

from __future__ import annotations

import time

import pyarrow as pa

from recognizers.context import ColumnMeta
from recognizers.engine import TableInput, analyze_tables
from recognizers.registry import builtin_registry

_NAMES = [
    "张伟",
    "王芳",
    "李娜",
    "刘洋",
    "陈静",
    "杨帆",
    "赵磊",
    "黄敏",
    "周杰",
    "吴婷",
    "欧阳娜娜",
    "司马光",
]
_NOTES = [
    "客户张伟于2023年3月到访，联系电话13912345678，住址江苏省苏州市工业园区星湖街328号。",
    "患者诊断为2型糖尿病，予二甲双胍片口服，空腹血糖7.8 mmol/L。",
    "Contact li.na@example.com from 10.1.2.3; card 6222 0212 3456 7890 128.",
    "BRCA1 c.68_69delAG 突变携带者，HLA-B*58:01 阳性。",
    "车牌苏E12345，VIN LSVAU2180N2183294，坐标31.2989,120.5853。",
    "第3次回访，客户满意，无其他诉求。",
]


def warm_up_table() -> TableInput:
    """A small made-up table of a warehouse's usual kinds of columns: names, phones, ID numbers, cities,
    diagnoses, medicines, addresses and free-text notes (no real person's data)."""
    n = 24
    columns = {
        "xm": [_NAMES[i % len(_NAMES)] for i in range(n)],
        "mobile": [f"139{i:08d}" for i in range(n)],
        "sfzh": ["11010519491231002X"] * n,
        "city": [("苏州", "南京", "上海", "杭州")[i % 4] for i in range(n)],
        "diagnosis": [("2型糖尿病", "高血压", "E11.9", "急性上呼吸道感染")[i % 4] for i in range(n)],
        "medicine": [("阿莫西林胶囊", "二甲双胍片", "布洛芬缓释胶囊")[i % 3] for i in range(n)],
        "lab": [("血红蛋白 120 g/L", "空腹血糖 5.6 mmol/L")[i % 2] for i in range(n)],
        "address": [f"江苏省苏州市姑苏区人民路{i + 1}号" for i in range(n)],
        "gene": [("BRCA1", "TP53", "EGFR")[i % 3] for i in range(n)],
        "note": [_NOTES[i % len(_NOTES)] for i in range(n)],
    }
    table = pa.table({name: pa.array(values, pa.string()) for name, values in columns.items()})
    return TableInput(table, [ColumnMeta(name, "TEXT") for name in columns], "warm_up", None)


def warm_up() -> float:
    """Recognize :func:`warm_up_table` with the built-in recognizers, findings dropped; the seconds it took."""
    t0 = time.perf_counter()
    analyze_tables([warm_up_table()], registry=builtin_registry())
    return time.perf_counter() - t0
