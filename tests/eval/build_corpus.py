"""Build the labelled evaluation corpus in ``tests/eval/`` (deterministic: fixed seed, no network).

Run from the project root::

    python tests/eval/build_corpus.py           # rewrite corpus.json, tables/*.json and text.jsonl
    python tests/eval/build_corpus.py --check   # exit 1 when the committed files differ from a fresh build

Labels are exact by construction: a table column is labelled with the entity
types its generator put into it, and a sentence's spans are recorded while the
template slots are filled.  ``handwritten.txt`` holds the hand-written sentences
with inline labels ``[[TYPE|text]]`` (``[[DIAGNOSIS+SPECIAL_DISEASE|梅毒]]`` for
two types on one span); this script turns the markup into offsets.
See ``README.md`` for the format and the labelling rules.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import random
import re
import string
import sys
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path[:0] = [str(HERE), str(ROOT)]

import generators as g  # noqa: E402
from text_templates import DOMAINS, NO_PI_TEMPLATES, SLOTS  # noqa: E402

from catalog.vocabulary import canonical_vocabulary  # noqa: E402

SEED = 20261122
SCAN_DATE = _dt.date(2026, 11, 22)
SCHEMA = "chujing.evalcorpus/1"
#: Entity types labelled exhaustively in the free text (every mention is a span); see README.md.
TEXT_TYPES = (
    "CN_PERSON_NAME",
    "CN_RESIDENT_ID",
    "CN_PASSPORT",
    "CN_HMT_PERMIT",
    "CN_FOREIGNER_PR",
    "CN_USCC",
    "CN_MOBILE",
    "CN_LANDLINE",
    "EMAIL",
    "IP_ADDRESS",
    "MAC_ADDRESS",
    "CN_BANK_CARD",
    "CN_BANK_ACCOUNT",
    "CN_ADDRESS",
    "DATE_OF_BIRTH",
    "AGE",
    "GENDER",
    "ETHNICITY",
    "RELIGION",
    "GEO_COORDINATE",
    "DNA_SEQUENCE",
    "GENETIC_VARIANT",
    "GENE_SYMBOL",
    "ICD10_CODE",
    "DIAGNOSIS",
    "SPECIAL_DISEASE",
    "MEDICATION",
    "LAB_RESULT",
    "MEDICAL_RECORD_NO",
    "CN_LICENSE_PLATE",
    "VIN",
    "IMEI",
    "IMSI",
    "ICCID",
    "MSISDN",
)
JUNK = ("不详", "无", "-", "N/A", "待补充", "0", "？", "test", "暂无")


def rng_for(name: str) -> random.Random:
    """One generator per table or text domain, so adding one does not shift the others."""
    return random.Random(f"{SEED}:{name}")


# -- columns --------------------------------------------------------------------------------------------------


def col(
    name: str,
    values: list,
    labels: tuple[str, ...] = (),
    *,
    type: str = "string",
    comment: str | None = None,
    negative: str | None = None,
    checks: dict | None = None,
    note: str = "",
    paths: list[dict] | None = None,
) -> dict:
    out = {
        "name": name,
        "type": type,
        "comment": comment,
        "labels": sorted(labels),
        "negative": negative,
        "checks": checks or {},
        "note": note,
        "values": values,
    }
    if paths is not None:
        out["paths"] = paths
    return out


def path(
    name: str,
    labels: tuple[str, ...] = (),
    *,
    negative: str | None = None,
    checks: dict | None = None,
    note: str = "",
) -> dict:
    """A sub-column of a JSON column, named by its path (see connectors/json_flatten.py), and its labels."""
    return {
        "name": name,
        "labels": sorted(labels),
        "negative": negative,
        "checks": checks or {},
        "note": note,
    }


def icd_column(name: str, values: list, comment: str) -> dict:
    """ICD-10 codes; a column holding codes of HIV or STDs also holds special-disease information."""
    special = any(isinstance(v, str) and g.is_special_icd(v) for v in values)
    labels = ("ICD10_CODE", "SPECIAL_DISEASE") if special else ("ICD10_CODE",)
    return col(
        name,
        values,
        labels,
        comment=comment,
        note="codes of HIV/STDs (A50-A64, B20-B24, Z21) among them" if special else "",
    )


def age_column(values: list) -> dict:
    """Inpatient ages 1-95: the children among them make it a column of minors' information too."""
    minors = any(v is not None and v not in JUNK and int(str(v).rstrip("岁")) < 14 for v in values)
    labels = ("AGE", "MINOR_UNDER_14") if minors else ("AGE",)
    return col(
        "nl", values, labels, comment="年龄", note="children under 14 among the patients" if minors else ""
    )


def noisy(
    rng: random.Random,
    n: int,
    gen: Callable[[], object],
    *,
    nulls: float = 0.05,
    junk: float = 0.0,
    masked: float = 0.0,
    mask: Callable[[str], str] | None = None,
) -> list:
    """``n`` values of ``gen`` with nulls, junk and masked values mixed in, as real columns have them."""
    out = []
    for _ in range(n):
        r = rng.random()
        if r < nulls:
            out.append(None)
        elif r < nulls + junk:
            out.append(rng.choice(JUNK))
        elif r < nulls + junk + masked and mask is not None:
            out.append(mask(str(gen())))
        else:
            out.append(gen())
    return out


def mask_keep(s: str, head: int, tail: int) -> str:
    return s[:head] + "*" * (len(s) - head - tail) + s[len(s) - tail :]


def id_variant(rng: random.Random, *, born: tuple[int, int] = (1945, 2006)) -> str:
    """A resident ID in one of the ways people store it."""
    r = rng.random()
    if r < 0.06:
        return g.resident_id(rng, born, ending_x=True).lower()
    if r < 0.10:
        v = g.resident_id(rng, born)
        return f"{v[:6]} {v[6:14]} {v[14:]}"
    if r < 0.13:
        return g.to_fullwidth(g.resident_id(rng, born))
    if r < 0.15 and born[0] < 1980:
        return g.legacy_id15(rng)
    return g.resident_id(rng, born)


def mobile_variant(
    rng: random.Random, styles: tuple[str, ...] = ("plain",) * 12 + ("plus86", "dash", "space", "fullwidth")
) -> str:
    return g.format_mobile(rng, g.mobile(rng), styles)


def card_variant(rng: random.Random) -> str:
    c = g.bank_card(rng)
    r = rng.random()
    if r < 0.2:
        return g.group4(c)
    if r < 0.25:
        return g.group4(c, "-")
    return c


def coordinate(rng: random.Random, decimals: int) -> tuple[float, float]:
    *_, lat, lng, _streets = rng.choice(g.PLACES)
    return round(lat + rng.uniform(-0.08, 0.08), decimals), round(lng + rng.uniform(-0.08, 0.08), decimals)


# -- tables ---------------------------------------------------------------------------------------------------


def hr_employee(rng: random.Random, n: int = 200) -> dict:
    names = [g.person_name(rng) for _ in range(n)]
    return {
        "name": "hr_employee",
        "comment": "人事档案 (HR records), pinyin-initial column names",
        "columns": [
            col(
                "gh",
                [10001 + i for i in range(n)],
                type="int64",
                negative="sequential_counter",
                note="employee numbers: a counter",
            ),
            col("xm", noisy(rng, n, lambda: rng.choice(names), nulls=0.02), ("CN_PERSON_NAME",)),
            col(
                "sfzh",
                noisy(
                    rng, n, lambda: id_variant(rng), junk=0.02, masked=0.03, mask=lambda v: mask_keep(v, 4, 4)
                ),
                ("CN_RESIDENT_ID",),
            ),
            col("xb", noisy(rng, n, lambda: rng.choice("男女"), nulls=0.01), ("GENDER",)),
            col("mz", noisy(rng, n, lambda: rng.choice(g.ETHNICITIES), nulls=0.03), ("ETHNICITY",)),
            col(
                "csrq",
                noisy(
                    rng,
                    n,
                    lambda: g.date_text(
                        g.date_between(rng, _dt.date(1960, 1, 1), _dt.date(2003, 12, 31)), "iso"
                    ),
                ),
                ("DATE_OF_BIRTH",),
            ),
            col(
                "zjxy",
                noisy(rng, n, lambda: rng.choice(g.RELIGIONS), nulls=0.1),
                ("RELIGION",),
                comment="宗教信仰",
            ),
            col("jtzz", noisy(rng, n, lambda: g.address(rng), junk=0.02), ("CN_ADDRESS",)),
            col(
                "gzkh",
                noisy(rng, n, lambda: card_variant(rng), masked=0.03, mask=lambda v: mask_keep(v, 6, 4)),
                ("CN_BANK_CARD",),
            ),
            col(
                "sjhm",
                noisy(
                    rng,
                    n,
                    lambda: mobile_variant(rng),
                    junk=0.02,
                    masked=0.03,
                    mask=lambda v: mask_keep(v, 3, 4),
                ),
                ("CN_MOBILE",),
            ),
            col("yx", noisy(rng, n, lambda: g.email(rng), nulls=0.15), ("EMAIL",)),
            col(
                "hzhm",
                noisy(rng, n, lambda: g.passport(rng), nulls=0.6),
                ("CN_PASSPORT",),
                comment="护照号码",
            ),
            col(
                "yjjlzh",
                noisy(rng, n, lambda: g.foreigner_pr(rng), nulls=0.85),
                ("CN_FOREIGNER_PR",),
                comment="外国人永久居留身份证号码 (foreign staff only)",
            ),
            col(
                "bm",
                [
                    rng.choice(("研发部", "财务部", "人力资源部", "市场部", "生产部", "质量部"))
                    for _ in range(n)
                ],
            ),
            col(
                "gz",
                [round(rng.uniform(4000, 60000), 2) for _ in range(n)],
                type="float64",
                negative="price",
                note="monthly salary",
            ),
        ],
    }


def crm_customer(rng: random.Random, n: int = 200) -> dict:
    return {
        "name": "crm_customer",
        "comment": "customer master data, English and unhelpful column names",
        "columns": [
            col(
                "customer_id",
                [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(n)],
                negative="uuid",
            ),
            col("customer_name", noisy(rng, n, lambda: g.person_name(rng)), ("CN_PERSON_NAME",)),
            col(
                "phone",
                noisy(rng, n, lambda: int(g.mobile(rng))),
                ("CN_MOBILE",),
                type="int64",
                note="mobile numbers stored as BIGINT",
            ),
            col("email", noisy(rng, n, lambda: g.email(rng), junk=0.02), ("EMAIL",)),
            col(
                "last_login_ip",
                noisy(rng, n, lambda: g.ipv6(rng) if rng.random() < 0.1 else g.ipv4(rng)),
                ("IP_ADDRESS",),
            ),
            col(
                "device_mac",
                noisy(rng, n, lambda: g.mac(rng, rng.choice(":-"), lower=rng.random() < 0.3)),
                ("MAC_ADDRESS",),
            ),
            col(
                "register_ms",
                [1_700_000_000_000 + rng.randint(0, 80_000_000_000) for _ in range(n)],
                type="int64",
                negative="ms_timestamp",
            ),
            col(
                "col1",
                noisy(rng, n, lambda: mobile_variant(rng)),
                ("CN_MOBILE",),
                note="unhelpful name: values decide",
            ),
            col(
                "col2",
                noisy(rng, n, lambda: id_variant(rng)),
                ("CN_RESIDENT_ID",),
                note="unhelpful name: values decide",
            ),
            col("vip_level", [rng.choice(("V1", "V2", "V3", "V4", "V5", "SVIP")) for _ in range(n)]),
            col("age", noisy(rng, n, lambda: rng.randint(18, 85)), ("AGE",), type="int64"),
            col("gender", noisy(rng, n, lambda: rng.choice(("M", "F", "male", "female"))), ("GENDER",)),
            col(
                "birthday",
                noisy(
                    rng,
                    n,
                    lambda: g.date_text(
                        g.date_between(rng, _dt.date(1950, 1, 1), _dt.date(2006, 1, 1)), "slash"
                    ),
                ),
                ("DATE_OF_BIRTH",),
            ),
        ],
    }


def travel_booking(rng: random.Random, n: int = 200) -> dict:
    def order_no() -> str:
        t = _dt.datetime(2026, 1, 1) + _dt.timedelta(seconds=rng.randint(0, 300 * 86400))
        return t.strftime("%Y%m%d%H%M%S") + f"{rng.randint(0, 9999):04d}"

    return {
        "name": "travel_booking",
        "comment": "出行订单 (travel bookings), pinyin column names",
        "columns": [
            col(
                "order_no",
                [order_no() for _ in range(n)],
                negative="timestamp_order_no",
                note="18-digit order numbers from a timestamp",
            ),
            col("chengke_xingming", noisy(rng, n, lambda: g.person_name(rng)), ("CN_PERSON_NAME",)),
            col("huzhao_hao", noisy(rng, n, lambda: g.passport(rng), nulls=0.2), ("CN_PASSPORT",)),
            col(
                "gangao_txz",
                noisy(rng, n, lambda: g.hk_macao_permit(rng), nulls=0.3),
                ("CN_HMT_PERMIT",),
                comment="港澳居民来往内地通行证号码",
            ),
            col("taibaozheng", noisy(rng, n, lambda: g.taiwan_permit(rng), nulls=0.5), ("CN_HMT_PERMIT",)),
            col(
                "juzhuzheng_hm",
                noisy(rng, n, lambda: g.hmt_residence_permit(rng), nulls=0.3),
                ("CN_HMT_PERMIT",),
                comment="港澳台居民居住证号码",
            ),
            col("yongjiu_juliu", noisy(rng, n, lambda: g.foreigner_pr(rng), nulls=0.3), ("CN_FOREIGNER_PR",)),
            col(
                "flight_no",
                [
                    rng.choice(("MU", "CA", "CZ", "HO", "FM", "9C")) + str(rng.randint(100, 9999))
                    for _ in range(n)
                ],
            ),
            col("seat", [f"{rng.randint(1, 60)}{rng.choice('ABCDEFHJK')}" for _ in range(n)]),
            col(
                "price",
                [round(rng.uniform(300, 9000), 2) for _ in range(n)],
                type="float64",
                negative="price",
            ),
        ],
    }


def enterprise_registry(rng: random.Random, n: int = 200) -> dict:
    def branch_code() -> str:
        return (
            rng.choice(("102", "103", "104", "105", "301", "308"))
            + rng.choice(("305", "290", "100", "584"))
            + f"{rng.randint(0, 999_999):06d}"
        )

    return {
        "name": "enterprise_registry",
        "comment": "企业登记 (company registry), Chinese column names",
        "columns": [
            col("企业名称", [g.company_name(rng) for _ in range(n)], negative="company_name"),
            col("统一社会信用代码", noisy(rng, n, lambda: g.uscc(rng), nulls=0.02), ("CN_USCC",)),
            col("法定代表人", noisy(rng, n, lambda: g.person_name(rng)), ("CN_PERSON_NAME",)),
            col(
                "注册地址",
                noisy(rng, n, lambda: g.address(rng, rng.choice(("full", "no_province", "compound")))),
                ("CN_ADDRESS",),
            ),
            col("联系电话", noisy(rng, n, lambda: g.landline(rng), junk=0.02), ("CN_LANDLINE",)),
            col("对公账户", noisy(rng, n, lambda: g.bank_account(rng)), ("CN_BANK_ACCOUNT",)),
            col(
                "开户行",
                [
                    rng.choice(("中国工商银行", "中国建设银行", "中国农业银行", "招商银行", "交通银行"))
                    + rng.choice(("苏州分行", "上海分行营业部", "北京海淀支行", "深圳南山支行"))
                    for _ in range(n)
                ],
            ),
            col(
                "联行号",
                [branch_code() for _ in range(n)],
                negative="bank_branch_code",
                note="12-digit CNAPS bank branch codes",
            ),
            col(
                "邮政编码",
                [
                    rng.choice(("215000", "215123", "100020", "200120", "518057", "310012", "610041"))
                    for _ in range(n)
                ],
                negative="postal_code",
            ),
            col("注册资本", [f"{rng.choice((50, 100, 500, 1000, 3000))}万元人民币" for _ in range(n)]),
            col(
                "f_03", noisy(rng, n, lambda: g.uscc(rng)), ("CN_USCC",), note="unhelpful name: values decide"
            ),
        ],
    }


def telecom_subscriber(rng: random.Random, n: int = 200) -> dict:
    def imei_variant() -> str:
        v = g.imei(rng)
        return f"{v[:2]}-{v[2:8]}-{v[8:14]}-{v[14]}" if rng.random() < 0.15 else v

    return {
        "name": "telecom_subscriber",
        "comment": "运营商用户 (telecom subscribers)",
        "columns": [
            col("msisdn", noisy(rng, n, lambda: g.msisdn(rng), nulls=0.01), ("MSISDN",)),
            col("imsi", noisy(rng, n, lambda: g.imsi(rng), nulls=0.01), ("IMSI",)),
            col("iccid", noisy(rng, n, lambda: g.iccid(rng), nulls=0.01), ("ICCID",)),
            col("imei", noisy(rng, n, imei_variant), ("IMEI",)),
            col("手机号", noisy(rng, n, lambda: mobile_variant(rng)), ("CN_MOBILE",)),
            col(
                "cust_no",
                [rng.choice(("10", "11", "12")) + f"{rng.randint(0, 999_999_999):09d}" for _ in range(n)],
                negative="non_mobile_11",
                note="11-digit customer numbers with prefixes no mobile range uses",
            ),
            col(
                "plan_code",
                [
                    f"{rng.choice(('4G', '5G'))}-{rng.choice((58, 88, 128, 199))}-{rng.choice('ABC')}"
                    for _ in range(n)
                ],
                negative="sku",
            ),
            col("f_11", noisy(rng, n, lambda: g.imei(rng)), ("IMEI",), note="unhelpful name: values decide"),
            col(
                "test_line",
                [13800000000 + i for i in range(n)],
                type="int64",
                negative="sequential_counter",
                note="a counter in the mobile plan's range",
            ),
        ],
    }


def vehicle_registry(rng: random.Random, n: int = 200) -> dict:
    return {
        "name": "vehicle_registry",
        "comment": "机动车登记 (vehicle registry), traffic-police pinyin names",
        "columns": [
            col(
                "hphm",
                noisy(rng, n, lambda: g.plate(rng, dot=rng.random() < 0.2), nulls=0.01),
                ("CN_LICENSE_PLATE",),
                comment="号牌号码",
            ),
            col("clsbdh", noisy(rng, n, lambda: g.vin(rng), nulls=0.01), ("VIN",), comment="车辆识别代号"),
            col(
                "jszdabh",
                noisy(rng, n, lambda: g.driver_file_no(rng)),
                ("CN_DRIVER_FILE_NO",),
                comment="驾驶证档案编号",
            ),
            col("syr", noisy(rng, n, lambda: g.person_name(rng)), ("CN_PERSON_NAME",), comment="所有人"),
            col(
                "sfzmhm", noisy(rng, n, lambda: id_variant(rng)), ("CN_RESIDENT_ID",), comment="身份证明号码"
            ),
            col("lxdh", noisy(rng, n, lambda: mobile_variant(rng)), ("CN_MOBILE",)),
            col("zsxxdz", noisy(rng, n, lambda: g.address(rng)), ("CN_ADDRESS",), comment="住所详细地址"),
            col("csys", [rng.choice(("白", "黑", "银", "红", "蓝", "灰")) for _ in range(n)]),
            col(
                "ccdjrq",
                [
                    g.date_text(g.date_between(rng, _dt.date(2010, 1, 1), _dt.date(2026, 6, 1)), "iso")
                    for _ in range(n)
                ],
                note="first registration date: a date that is not a birth date",
            ),
            col("col3", noisy(rng, n, lambda: g.vin(rng)), ("VIN",), note="unhelpful name: values decide"),
        ],
    }


def emr_inpatient(rng: random.Random, n: int = 200) -> dict:
    def age() -> str:
        a = rng.randint(1, 95)
        return f"{a}岁" if rng.random() < 0.7 else str(a)

    return {
        "name": "emr_inpatient",
        "comment": "住院病案首页 (inpatient records)",
        "columns": [
            col(
                "bah",
                noisy(rng, n, lambda: g.medical_record_no(rng), nulls=0.0),
                ("MEDICAL_RECORD_NO",),
                comment="病案号",
            ),
            col("hzxm", noisy(rng, n, lambda: g.person_name(rng)), ("CN_PERSON_NAME",), comment="患者姓名"),
            age_column(noisy(rng, n, age)),
            col("cyzd", noisy(rng, n, lambda: rng.choice(g.DIAGNOSES)), ("DIAGNOSIS",), comment="出院诊断"),
            icd_column("zdbm", noisy(rng, n, lambda: rng.choice(g.ICD10_CODES)), comment="诊断编码"),
            col(
                "yyxx",
                noisy(
                    rng,
                    n,
                    lambda: (
                        rng.choice(g.MEDICATIONS) + (" " + rng.choice(g.DOSES) if rng.random() < 0.4 else "")
                    ),
                ),
                ("MEDICATION",),
                comment="用药信息",
            ),
            col(
                "ch",
                [rng.choice("ABC") + f"{rng.randint(1, 40):02d}" for _ in range(n)],
                negative="room_numbers",
                comment="床号",
                note="bed numbers shaped like ICD-10 categories (B12, A01)",
            ),
            col(
                "zfy",
                [round(rng.uniform(800, 90000), 2) for _ in range(n)],
                type="float64",
                negative="price",
                comment="总费用",
            ),
            col(
                "f_09",
                noisy(rng, n, lambda: rng.choice(g.DIAGNOSES)),
                ("DIAGNOSIS",),
                note="unhelpful name: values decide",
            ),
        ],
    }


def lab_report(rng: random.Random, n: int = 200) -> dict:
    return {
        "name": "lab_report",
        "comment": "检验报告 (laboratory reports)",
        "columns": [
            col(
                "report_no",
                [f"JY{rng.randint(2024, 2026)}{rng.randint(0, 99_999_999):08d}" for _ in range(n)],
            ),
            col(
                "blh",
                noisy(rng, n, lambda: g.medical_record_no(rng)),
                ("MEDICAL_RECORD_NO",),
                comment="病历号",
            ),
            col(
                "jyjg",
                noisy(rng, n, lambda: g.lab_result(rng, rng.choice((" ", "", "："))), nulls=0.02),
                ("LAB_RESULT",),
                comment="检验结果",
            ),
            col(
                "sample_time",
                [
                    f"2026-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d} {rng.randint(6, 20):02d}:"
                    f"{rng.randint(0, 59):02d}"
                    for _ in range(n)
                ],
            ),
            col("sample_type", [rng.choice(("血清", "全血", "尿液", "血浆")) for _ in range(n)]),
        ],
    }


def infectious_disease_report(rng: random.Random, n: int = 150) -> dict:
    def disease() -> str:
        return rng.choice(g.SPECIAL_DISEASES)

    return {
        "name": "infectious_disease_report",
        "comment": "传染病报告卡 (notifiable disease reports)",
        "columns": [
            col("姓名", noisy(rng, n, lambda: g.person_name(rng)), ("CN_PERSON_NAME",)),
            col(
                "病名",
                noisy(rng, n, disease, nulls=0.0),
                ("DIAGNOSIS", "SPECIAL_DISEASE"),
                note="HIV/AIDS and sexually transmitted diseases: diagnoses that are special diseases",
            ),
            col("有效证件号", noisy(rng, n, lambda: id_variant(rng)), ("CN_RESIDENT_ID",)),
            col("现住址", noisy(rng, n, lambda: g.address(rng)), ("CN_ADDRESS",)),
            col(
                "报告日期",
                [
                    g.date_text(g.date_between(rng, _dt.date(2025, 1, 1), _dt.date(2026, 11, 1)), "zh")
                    for _ in range(n)
                ],
            ),
        ],
    }


_PROSE = (
    "The CAT assay was SET to MAX sensitivity before the run.",
    "Results were exported as CSV and the MAX value was SET by the operator.",
    "Check the CAT scan report and SET a follow-up date.",
    "We ran the pipeline twice; the second run hit the MAX memory limit.",
    "Sample arrived late, SET aside in the fridge at 4 degrees.",
    "Operator noted that the plate reader reports MAX when saturated.",
    "The ALL control failed; rerun with a new CAT reagent lot.",
    "Quality OK, no action needed, see SOP 12 for details.",
)


def genomics_samples(rng: random.Random, n: int = 150) -> dict:
    return {
        "name": "genomics_samples",
        "comment": "测序样本 (sequencing samples)",
        "columns": [
            col("sample_id", [f"S{rng.randint(2023, 2026)}-{rng.randint(0, 99999):05d}" for _ in range(n)]),
            col(
                "sequence", noisy(rng, n, lambda: g.dna_sequence(rng, 30, 60), nulls=0.02), ("DNA_SEQUENCE",)
            ),
            col("variant", noisy(rng, n, lambda: rng.choice(g.VARIANTS)), ("GENETIC_VARIANT",)),
            col("gene", noisy(rng, n, lambda: rng.choice(g.GENES)), ("GENE_SYMBOL",)),
            col("file_md5", [g.hex_string(rng, 32) for _ in range(n)], negative="hex_hash"),
            col(
                "notes",
                [rng.choice(_PROSE) for _ in range(n)],
                negative="gene_like_words",
                note="English prose with words that are also gene symbols (CAT, SET, MAX, ALL)",
            ),
            col(
                "primer_tag",
                [
                    rng.choice(
                        ("GATTACA", "ACGT", "TAGCAT", "CATTAG", "GGCC", "AAGCTT", "GAATTC", "ACGTACGT")
                    )
                    for _ in range(n)
                ],
                negative="short_acgt",
                note="short ACGT words (restriction sites, tags)",
            ),
            col(
                "f_12",
                noisy(rng, n, lambda: g.dna_sequence(rng, 40, 60)),
                ("DNA_SEQUENCE",),
                note="unhelpful name",
            ),
        ],
    }


def ride_trips(rng: random.Random, n: int = 200) -> dict:
    fine = [coordinate(rng, 6) for _ in range(n)]
    coarse = [coordinate(rng, 2) for _ in range(n)]
    fine_check = {"GEO_COORDINATE": {"max_precision_m": 10}}
    coarse_check = {"GEO_COORDINATE": {"min_precision_m": 600}}
    return {
        "name": "ride_trips",
        "comment": "网约车行程 (ride-hailing trips)",
        "columns": [
            col(
                "trip_id",
                [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(n)],
                negative="uuid",
            ),
            col("driver_plate", noisy(rng, n, lambda: g.plate(rng)), ("CN_LICENSE_PLATE",)),
            col("pickup_lat", [p[0] for p in fine], ("GEO_COORDINATE",), type="float64", checks=fine_check),
            col("pickup_lng", [p[1] for p in fine], ("GEO_COORDINATE",), type="float64", checks=fine_check),
            col(
                "city_lat",
                [p[0] for p in coarse],
                ("GEO_COORDINATE",),
                type="float64",
                checks=coarse_check,
                negative="coarse_coordinates",
                note="two decimals: ~1 km, must be reported coarse, not precise",
            ),
            col(
                "city_lng",
                [p[1] for p in coarse],
                ("GEO_COORDINATE",),
                type="float64",
                checks=coarse_check,
                negative="coarse_coordinates",
            ),
            col("fare", [round(rng.uniform(9, 180), 2) for _ in range(n)], type="float64", negative="price"),
            col("rider_mobile", noisy(rng, n, lambda: mobile_variant(rng)), ("CN_MOBILE",)),
            col(
                "start_time",
                [
                    f"2026-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d} {rng.randint(0, 23):02d}:"
                    f"{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
                    for _ in range(n)
                ],
            ),
        ],
    }


def school_students(rng: random.Random, n: int = 200) -> dict:
    born = (2013, 2019)
    dobs = [g.date_between(rng, _dt.date(2013, 1, 1), _dt.date(2019, 12, 31)) for _ in range(n)]
    ages = [SCAN_DATE.year - d.year - ((SCAN_DATE.month, SCAN_DATE.day) < (d.month, d.day)) for d in dobs]
    return {
        "name": "school_students",
        "comment": "学籍 (pupils of a primary school): every pupil is under 14",
        "columns": [
            col(
                "xh",
                [
                    f"{rng.randint(2020, 2026)}{rng.randint(1, 12):02d}{rng.randint(1, 60):02d}{rng.randint(0, 99):02d}"
                    for _ in range(n)
                ],
                note="pupil numbers",
            ),
            col(
                "xsxm",
                noisy(rng, n, lambda: g.person_name(rng), nulls=0.0),
                ("CN_PERSON_NAME",),
                comment="学生姓名",
            ),
            col(
                "sfzh",
                noisy(rng, n, lambda: id_variant(rng, born=born), nulls=0.02),
                ("CN_RESIDENT_ID", "MINOR_UNDER_14"),
            ),
            col(
                "csrq",
                [g.date_text(d, "iso") for d in dobs],
                ("DATE_OF_BIRTH", "MINOR_UNDER_14"),
                comment="出生日期",
            ),
            col("nl", ages, ("AGE", "MINOR_UNDER_14"), type="int64", comment="年龄"),
            col("bj", [f"{rng.choice('一二三四五六')}年级({rng.randint(1, 8)})班" for _ in range(n)]),
            col(
                "jiaoshi",
                [rng.choice("ABCD") + f"{rng.randint(1, 30):02d}" for _ in range(n)],
                negative="room_numbers",
                comment="教室",
            ),
            col("jhrdh", noisy(rng, n, lambda: mobile_variant(rng)), ("CN_MOBILE",), comment="监护人电话"),
            col("cj", [round(rng.uniform(55, 100), 1) for _ in range(n)], type="float64", comment="成绩"),
        ],
    }


def user_accounts(rng: random.Random, n: int = 120) -> dict:
    def username() -> str:
        return (
            rng.choice(("sunny", "tiger", "moon", "xiaoyu", "coder", "lucky", "happy"))
            + rng.choice(("_", "", "."))
            + str(rng.randint(1, 9999))
        )

    return {
        "name": "user_accounts",
        "comment": "app accounts: credentials and biometric templates",
        "columns": [
            col("username", [username() for _ in range(n)]),
            col("password_hash", [g.bcrypt_hash(rng) for _ in range(n)], ("CREDENTIAL",)),
            col("api_token", noisy(rng, n, lambda: g.api_secret(rng), nulls=0.3), ("CREDENTIAL",)),
            col(
                "face_feature",
                noisy(rng, n, lambda: g.face_template(rng, 512), nulls=0.1),
                ("BIOMETRIC",),
                note="base64 face-feature vectors (128 float32)",
            ),
            col("fingerprint_tpl", noisy(rng, n, lambda: g.hex_string(rng, 256), nulls=0.2), ("BIOMETRIC",)),
            col("content_sha256", [g.hex_string(rng, 64) for _ in range(n)], negative="hex_hash"),
            col("last_ip", noisy(rng, n, lambda: g.ipv4(rng)), ("IP_ADDRESS",)),
            col(
                "created_at_ms",
                [1_650_000_000_000 + rng.randint(0, 10**11) for _ in range(n)],
                type="int64",
                negative="ms_timestamp",
            ),
        ],
    }


_SNACKS = (
    "乐事原味薯片",
    "可比克番茄味薯片",
    "雀巢咖啡胶囊",
    "星巴克胶囊咖啡",
    "牛肉片",
    "海苔片",
    "燕麦片",
    "芒果干片",
    "维生素C咀嚼片(糖果)",
    "胶囊咖啡机",
    "山楂片",
    "柠檬片",
    "鱼皮胶囊伞",
    "雪花片积木",
)


def product_catalog(rng: random.Random, n: int = 200) -> dict:
    def ean13() -> str:
        body = "69" + f"{rng.randint(0, 10**10 - 1):010d}"
        total = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(body))
        return body + str((10 - total % 10) % 10)

    return {
        "name": "product_catalog",
        "comment": "商品目录 (product catalogue): hard negatives",
        "columns": [
            col(
                "sku",
                [
                    f"SKU-{rng.choice(string.ascii_uppercase)}{rng.randint(0, 99999):05d}-{rng.choice(('S', 'M', 'L', 'XL'))}"
                    for _ in range(n)
                ],
                negative="sku",
            ),
            col(
                "product_name",
                [rng.choice(_SNACKS) for _ in range(n)],
                negative="product_names_pian_jiaonang",
                note="snacks and gadgets whose names end in 片 or 胶囊",
            ),
            col(
                "price",
                [f"{rng.uniform(1, 500):.2f}" for _ in range(n)],
                negative="price",
                note="prices as text: 12.50",
            ),
            col(
                "approval_no",
                [f"国药准字{rng.choice('HZSJB')}{rng.randint(19_990_000, 20_260_000)}" for _ in range(n)],
                negative="nmpa_approval",
                comment="批准文号",
            ),
            col("barcode", [ean13() for _ in range(n)], negative="ean13_barcode"),
            col("manufacturer", [g.company_name(rng) for _ in range(n)], negative="company_name"),
            col(
                "shelf",
                [rng.choice("ABCDEFGH") + f"{rng.randint(1, 99):02d}" for _ in range(n)],
                negative="room_numbers",
                note="shelf codes shaped like ICD-10 categories",
            ),
            col(
                "firmware_version",
                [
                    f"{rng.randint(1, 12)}.{rng.randint(0, 20)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}"
                    for _ in range(n)
                ],
                negative="ip_like_versions",
                note="four-part versions shaped like IPv4",
            ),
        ],
    }


def ops_events(rng: random.Random, n: int = 200) -> dict:
    def card_shaped() -> str:
        length = rng.choice((16, 17, 18, 19))
        return rng.choice(("62", "4", "5", "9558")) + "".join(
            rng.choice(string.digits) for _ in range(length - 2)
        )

    def order_no() -> str:
        t = _dt.datetime(2025, 6, 1) + _dt.timedelta(seconds=rng.randint(0, 500 * 86400))
        return t.strftime("%Y%m%d%H%M%S") + f"{rng.randint(0, 9999):04d}"

    refs = [card_shaped() for _ in range(n)]
    return {
        "name": "ops_events",
        "comment": "system event log: hard negatives with unhelpful or neutral names",
        "columns": [
            col(
                "event_id",
                [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(n)],
                negative="uuid",
            ),
            col("order_no", [order_no() for _ in range(n)], negative="timestamp_order_no"),
            col(
                "ref_no",
                refs,
                negative="luhn_chance",
                note=f"16-19 digits with card prefixes; {sum(g.luhn_ok(r) for r in refs)}/{n} pass Luhn by chance",
            ),
            col(
                "cust_no",
                [
                    rng.choice(("10", "11", "12", "20", "95")) + f"{rng.randint(0, 999_999_999):09d}"
                    for _ in range(n)
                ],
                negative="non_mobile_11",
            ),
            col(
                "created_ms",
                [1_760_000_000_000 + rng.randint(0, 40_000_000_000) for _ in range(n)],
                type="int64",
                negative="ms_timestamp",
            ),
            col("payload_sha1", [g.hex_string(rng, 40) for _ in range(n)], negative="hex_hash"),
            col(
                "ref_code",
                [g.bad_check_id(rng) for _ in range(n)],
                negative="id_checksum_fail",
                note="ID-shaped (real division code and date), every check character wrong",
            ),
            col(
                "app_version",
                [
                    f"{rng.randint(1, 11)}.{rng.randint(0, 9)}.{rng.randint(0, 30)}.{rng.randint(1, 200)}"
                    for _ in range(n)
                ],
                negative="ip_like_versions",
            ),
            col(
                "f_07",
                [round(rng.uniform(18, 54), 1) for _ in range(n)],
                type="float64",
                negative="coordinate_range_floats",
                note="floats in China's latitude range with one decimal (ages, BMI)",
            ),
            col(
                "f_08",
                [round(rng.uniform(73, 135), 1) for _ in range(n)],
                type="float64",
                negative="coordinate_range_floats",
                note="floats in China's longitude range with one decimal (heart rates, weights)",
            ),
            col(
                "zip",
                [rng.choice(("215000", "215021", "100080", "200030", "518000", "430074")) for _ in range(n)],
                negative="postal_code",
            ),
            col(
                "branch",
                [
                    rng.choice(("102", "104", "105", "308")) + f"{rng.randint(0, 999_999_999):09d}"
                    for _ in range(n)
                ],
                negative="bank_branch_code",
                note="12-digit numbers shaped like driving-licence file numbers",
            ),
        ],
    }


def service_tickets(rng: random.Random, n: int = 150) -> dict:
    """A table with a free-text column filled from the customer-service templates; labels = types present."""
    texts, types = [], set()
    domain = DOMAINS["customer_service"]
    for _ in range(n):
        text, spans = fill(rng, rng.choice(domain))
        texts.append(text)
        types.update(s[2] for s in spans)
    return {
        "name": "service_tickets",
        "comment": "客服工单 (customer-service tickets) with a free-text column",
        "columns": [
            col("ticket_id", [f"T{rng.randint(10**7, 10**8 - 1)}" for _ in range(n)]),
            col(
                "content",
                texts,
                tuple(sorted(types)),
                note="free text: labels are the entity types of its spans",
            ),
            col("channel", [rng.choice(("电话", "在线", "邮件", "APP")) for _ in range(n)]),
        ],
    }


def community_residents(rng: random.Random, n: int = 200) -> dict:
    """社区居民 (community register): GB/T 2261 sex codes, compact birth dates, ethnicity and religion."""
    return {
        "name": "community_residents",
        "comment": "社区居民信息 (community residents register)",
        "columns": [
            col("姓名", noisy(rng, n, lambda: g.person_name(rng), nulls=0.0), ("CN_PERSON_NAME",)),
            col(
                "性别代码",
                [rng.choice(("1", "2")) for _ in range(n)],
                ("GENDER",),
                comment="GB/T 2261.1: 1 男, 2 女",
            ),
            col(
                "出生日期",
                noisy(
                    rng,
                    n,
                    lambda: g.date_text(
                        g.date_between(rng, _dt.date(1930, 1, 1), _dt.date(2008, 1, 1)), "compact"
                    ),
                ),
                ("DATE_OF_BIRTH",),
            ),
            col("民族", noisy(rng, n, lambda: rng.choice(g.ETHNICITIES)), ("ETHNICITY",)),
            col("宗教信仰", noisy(rng, n, lambda: rng.choice(g.RELIGIONS), nulls=0.3), ("RELIGION",)),
            col(
                "现住址",
                noisy(rng, n, lambda: g.address(rng, rng.choice(("full", "compound", "village")))),
                ("CN_ADDRESS",),
            ),
            col("联系电话", noisy(rng, n, lambda: mobile_variant(rng)), ("CN_MOBILE",)),
            col("政治面貌", [rng.choice(("群众", "中共党员", "共青团员", "民主党派")) for _ in range(n)]),
            col(
                "楼栋",
                [f"{rng.randint(1, 30)}幢{rng.randint(1, 3)}单元" for _ in range(n)],
                negative="building_unit",
                note="building and unit numbers alone: part of an address, not an address",
            ),
        ],
    }


def iot_sim_cards(rng: random.Random, n: int = 200) -> dict:
    """车联网卡 (connected-car SIM cards): MSISDN, IMSI, ICCID with the vehicle and the head unit."""
    fine = [coordinate(rng, 5) for _ in range(n)]
    check = {"GEO_COORDINATE": {"max_precision_m": 10}}
    return {
        "name": "iot_sim_cards",
        "comment": "车联网卡 (connected-vehicle SIM cards)",
        "columns": [
            col("card_msisdn", noisy(rng, n, lambda: g.msisdn(rng), nulls=0.0), ("MSISDN",)),
            col("card_imsi", noisy(rng, n, lambda: g.imsi(rng), nulls=0.0), ("IMSI",)),
            col("card_iccid", noisy(rng, n, lambda: g.iccid(rng), nulls=0.0), ("ICCID",)),
            col("vin", noisy(rng, n, lambda: g.vin(rng), nulls=0.0), ("VIN",)),
            col("tbox_imei", noisy(rng, n, lambda: g.imei(rng)), ("IMEI",)),
            col("tbox_mac", noisy(rng, n, lambda: g.mac(rng)), ("MAC_ADDRESS",)),
            col("last_lat", [p[0] for p in fine], ("GEO_COORDINATE",), type="float64", checks=check),
            col("last_lng", [p[1] for p in fine], ("GEO_COORDINATE",), type="float64", checks=check),
            col(
                "activated_on",
                [
                    g.date_text(g.date_between(rng, _dt.date(2022, 1, 1), _dt.date(2026, 10, 1)), "iso")
                    for _ in range(n)
                ],
            ),
            col("data_plan_mb", [rng.choice((500, 1024, 3072, 10240)) for _ in range(n)], type="int64"),
        ],
    }


def supplier_payments(rng: random.Random, n: int = 200) -> dict:
    def pay_no() -> str:
        t = _dt.datetime(2026, 1, 1) + _dt.timedelta(seconds=rng.randint(0, 300 * 86400))
        return t.strftime("%Y%m%d%H%M%S") + f"{rng.randint(0, 9999):04d}"

    return {
        "name": "supplier_payments",
        "comment": "供应商付款 (supplier payments)",
        "columns": [
            col("fkdh", [pay_no() for _ in range(n)], negative="timestamp_order_no", comment="付款单号"),
            col(
                "gysmc",
                [g.company_name(rng) for _ in range(n)],
                negative="company_name",
                comment="供应商名称",
            ),
            col("tyshxydm", noisy(rng, n, lambda: g.uscc(rng), nulls=0.0), ("CN_USCC",)),
            col(
                "skzh",
                noisy(rng, n, lambda: g.bank_account(rng), nulls=0.0),
                ("CN_BANK_ACCOUNT",),
                comment="收款账号",
            ),
            col("lxr", noisy(rng, n, lambda: g.person_name(rng)), ("CN_PERSON_NAME",), comment="联系人"),
            col("lxdh", noisy(rng, n, lambda: g.landline(rng)), ("CN_LANDLINE",), comment="联系电话"),
            col(
                "je",
                [round(rng.uniform(1000, 2_000_000), 2) for _ in range(n)],
                type="float64",
                negative="price",
                comment="金额",
            ),
        ],
    }


def tumor_ngs_report(rng: random.Random, n: int = 150) -> dict:
    genes_variants = (
        ("EGFR", "NM_005228.5:c.2573T>G", "p.Leu858Arg"),
        ("EGFR", "NM_005228.5:c.2235_2249del", "p.Glu746_Ala750del"),
        ("KRAS", "NM_004985.5:c.35G>A", "p.Gly12Asp"),
        ("BRAF", "NM_004333.6:c.1799T>A", "p.Val600Glu"),
        ("PIK3CA", "NM_006218.4:c.3140A>G", "p.His1047Arg"),
        ("TP53", "NM_000546.6:c.743G>A", "p.Arg248Gln"),
        ("ALK", "NM_004304.5:c.3522C>A", "p.Phe1174Leu"),
        ("IDH1", "NM_005896.4:c.395G>A", "p.Arg132His"),
    )
    picks = [rng.choice(genes_variants) for _ in range(n)]
    return {
        "name": "tumor_ngs_report",
        "comment": "肿瘤NGS检测报告 (tumour NGS reports)",
        "columns": [
            col(
                "bah",
                noisy(rng, n, lambda: g.medical_record_no(rng), nulls=0.0),
                ("MEDICAL_RECORD_NO",),
                comment="病案号",
            ),
            col(
                "zd",
                noisy(
                    rng,
                    n,
                    lambda: rng.choice(
                        (
                            "肺腺癌",
                            "结直肠癌",
                            "黑色素瘤",
                            "乳腺浸润性导管癌",
                            "胶质母细胞瘤",
                            "胃腺癌",
                            "甲状腺乳头状癌",
                        )
                    ),
                ),
                ("DIAGNOSIS",),
                comment="诊断",
            ),
            col("gene", [p[0] for p in picks], ("GENE_SYMBOL",)),
            col("hgvs_c", [p[1] for p in picks], ("GENETIC_VARIANT",)),
            col("hgvs_p", [p[2] for p in picks], ("GENETIC_VARIANT",)),
            col(
                "vaf",
                [round(rng.uniform(0.01, 0.6), 3) for _ in range(n)],
                type="float64",
                note="variant allele fraction",
            ),
            col("panel", [rng.choice(("Lung 50", "OncoPanel 520", "Pan-cancer 688")) for _ in range(n)]),
        ],
    }


def driver_licenses(rng: random.Random, n: int = 200) -> dict:
    return {
        "name": "driver_licenses",
        "comment": "驾驶证 (driving licences): the licence number is the ID number",
        "columns": [
            col("xm", noisy(rng, n, lambda: g.person_name(rng), nulls=0.0), ("CN_PERSON_NAME",)),
            col(
                "jszh",
                noisy(rng, n, lambda: id_variant(rng, born=(1950, 2006))),
                ("CN_RESIDENT_ID",),
                comment="驾驶证号",
            ),
            col(
                "dabh",
                noisy(rng, n, lambda: g.driver_file_no(rng), nulls=0.0),
                ("CN_DRIVER_FILE_NO",),
                comment="档案编号",
            ),
            col(
                "zjcx",
                [rng.choice(("C1", "C2", "B1", "B2", "A1", "A2", "D", "C1E")) for _ in range(n)],
                comment="准驾车型",
            ),
            col(
                "cclzrq",
                [
                    g.date_text(g.date_between(rng, _dt.date(1995, 1, 1), _dt.date(2026, 6, 1)), "iso")
                    for _ in range(n)
                ],
                comment="初次领证日期",
            ),
            col("ljjf", [rng.randint(0, 12) for _ in range(n)], type="int64", comment="累积记分"),
        ],
    }


def std_clinic_visits(rng: random.Random, n: int = 150) -> dict:
    return {
        "name": "std_clinic_visits",
        "comment": "性病门诊就诊记录 (STD clinic visits)",
        "columns": [
            col(
                "jzh",
                noisy(rng, n, lambda: g.medical_record_no(rng), nulls=0.0),
                ("MEDICAL_RECORD_NO",),
                comment="就诊号",
            ),
            col(
                "zd",
                noisy(rng, n, lambda: rng.choice(g.SPECIAL_DISEASES), nulls=0.0),
                ("DIAGNOSIS", "SPECIAL_DISEASE"),
                comment="诊断",
            ),
            icd_column(
                "zdbm",
                noisy(
                    rng,
                    n,
                    lambda: rng.choice(
                        ("A51.300", "A53.900", "A54.900", "A63.000", "A60.000", "B24.x01", "Z21.x00")
                    ),
                ),
                comment="诊断编码",
            ),
            col(
                "yy",
                noisy(
                    rng,
                    n,
                    lambda: rng.choice(
                        (
                            "苄星青霉素",
                            "注射用头孢曲松钠",
                            "多西环素",
                            "阿奇霉素片",
                            "伐昔洛韦片",
                            "咪喹莫特乳膏",
                            "拉米夫定",
                            "依非韦伦",
                            "多替拉韦钠片",
                        )
                    ),
                ),
                ("MEDICATION",),
                comment="用药",
            ),
            col("nl", noisy(rng, n, lambda: rng.randint(16, 80)), ("AGE",), type="int64", comment="年龄"),
            col(
                "jcjg",
                noisy(
                    rng,
                    n,
                    lambda: rng.choice(
                        (
                            "TPPA 阳性",
                            "RPR 1:16",
                            "RPR 1:32",
                            "HIV抗体 阳性",
                            "HIV-1 RNA 12500 copies/mL",
                            "CD4+T淋巴细胞 356 个/μL",
                            "淋球菌培养 阳性",
                        )
                    ),
                ),
                ("LAB_RESULT",),
                comment="检查结果",
            ),
            col(
                "ksdm",
                [rng.choice(("A01", "B02", "B12", "C03")) for _ in range(n)],
                negative="room_numbers",
                comment="诊室",
            ),
        ],
    }


#: Genes of hereditary conditions as a ClinVar export lists them, written for this corpus (most are outside the
#: recognizers' short clinical list: the complete HGNC table must carry them).
_CLINVAR_GENES = (
    "TMC1", "DYNC1H1", "ALMS1", "ANKRD11", "SPG7", "TECTA", "MYO15A", "STRC", "LOXHD1", "TMPRSS3", "CLDN14",
    "GPSM2", "MARVELD2", "ESPN", "PKHD1", "CLCN5", "SLC12A3", "ATP8B1", "ABCB11", "KAT6B", "SETBP1", "CHD8",
    "SYNGAP1", "GRIN2B", "FOXG1", "TCF4", "EHMT1", "GJB2", "CFTR", "FBN1", "WFS1", "JAG1", "KCNQ2", "CDKL5",
    "EP300",
)  # fmt: skip


def _clinvar_gene(rng: random.Random) -> str:
    """A gene cell as ClinVar exports write it: ``#`` before some symbols, a trailing ``*``, stray spaces."""
    gene = rng.choice(_CLINVAR_GENES)
    r = rng.random()
    if r < 0.3:
        return "#" + gene
    if r < 0.35:
        return gene + "*"
    if r < 0.4:
        return f" {gene} "
    if r < 0.45:
        return f"{gene};{rng.choice(_CLINVAR_GENES)}"
    return gene


def clinvar_variants(rng: random.Random, n: int = 150) -> dict:
    return {
        "name": "clinvar_variants",
        "comment": "ClinVar-style variant export (遗传变异)",
        "columns": [
            col("variation_id", [str(rng.randint(10_000, 2_999_999)) for _ in range(n)]),
            col(
                "gene",
                noisy(rng, n, lambda: _clinvar_gene(rng), nulls=0.02),
                ("GENE_SYMBOL",),
                note="HGNC symbols, some with a # prefix, a trailing *, spaces or two genes joined by ;",
            ),
            col(
                "clinical_significance",
                [
                    rng.choice(("Pathogenic", "Likely pathogenic", "Benign", "Uncertain significance"))
                    for _ in range(n)
                ],
            ),
        ],
    }


def _telemetry_payload(rng: random.Random) -> dict | None:
    """One message of a connected-car head unit, as a JSONB column holds it (keys missing now and then)."""
    if rng.random() < 0.04:
        return None
    lat, lng = coordinate(rng, 6)
    geo: dict | None = {"lat": lat, "lng": lng}
    if rng.random() < 0.1:
        geo = {"lat": f"{lat:.6f}", "lng": f"{lng:.6f}"}  # some firmware writes the numbers as strings
    elif rng.random() < 0.03:
        geo = None
    trip = [coordinate(rng, 5) for _ in range(rng.randint(0, 4))]
    payload: dict = {
        "device": {"imei": g.imei(rng), "mac": g.mac(rng, lower=rng.random() < 0.3)},
        "geo": geo,
        "speed": round(rng.uniform(0, 120), 1),
        "trip": [{"lat": a, "lng": b} for a, b in trip],
        "tags": rng.sample(("eco", "sport", "night", "highway", "city"), rng.randint(0, 2)),
        "firmware": f"{rng.randint(1, 12)}.{rng.randint(0, 20)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}",
    }
    if rng.random() < 0.7:
        payload["driver"] = {"name": g.person_name(rng), "phone": mobile_variant(rng)}
    if rng.random() < 0.5:
        payload["owner"] = {"sfzh": id_variant(rng)}
    return payload


def vehicle_telemetry(rng: random.Random, n: int = 200) -> dict:
    """车联网终端上报: the identifiers and positions are inside a JSONB column, labelled by path."""
    fine = {"GEO_COORDINATE": {"max_precision_m": 1}}  # six decimals: ~0.1 m
    track = {"GEO_COORDINATE": {"max_precision_m": 10}}  # five decimals: ~1 m
    return {
        "name": "vehicle_telemetry",
        "comment": "车联网终端上报 (connected-car telemetry, JSONB payload)",
        "columns": [
            col("msg_id", [str(100_000 + i) for i in range(n)]),
            col("vin", noisy(rng, n, lambda: g.vin(rng), nulls=0.0), ("VIN",)),
            col(
                "payload",
                [_telemetry_payload(rng) for _ in range(n)],
                type="json",
                note="labelled by path: the JSON column itself holds nothing once flattened",
                paths=[
                    path("payload.device.imei", ("IMEI",)),
                    path("payload.device.mac", ("MAC_ADDRESS",)),
                    path("payload.geo.lat", ("GEO_COORDINATE",), checks=fine, note="10 % written as strings"),
                    path("payload.geo.lng", ("GEO_COORDINATE",), checks=fine),
                    path("payload.speed", note="km/h, 0-120: no longitude"),
                    path(
                        "payload.firmware",
                        negative="ip_like_versions",
                        note="four-part versions: the key says firmware, as a column name would",
                    ),
                    path("payload.driver.name", ("CN_PERSON_NAME",)),
                    path("payload.driver.phone", ("CN_MOBILE",)),
                    path("payload.owner.sfzh", ("CN_RESIDENT_ID",), note="on half of the messages"),
                    path("payload.trip[].lat", ("GEO_COORDINATE",), checks=track, note="points of a list"),
                    path("payload.trip[].lng", ("GEO_COORDINATE",), checks=track),
                    path("payload.tags[]"),
                ],
            ),
        ],
    }


TABLES = (
    hr_employee,
    crm_customer,
    travel_booking,
    enterprise_registry,
    telecom_subscriber,
    vehicle_registry,
    emr_inpatient,
    lab_report,
    infectious_disease_report,
    genomics_samples,
    ride_trips,
    school_students,
    user_accounts,
    product_catalog,
    ops_events,
    service_tickets,
    community_residents,
    iot_sim_cards,
    supplier_payments,
    tumor_ngs_report,
    driver_licenses,
    std_clinic_visits,
    clinvar_variants,
    vehicle_telemetry,
)


# -- free text ------------------------------------------------------------------------------------------------

_SLOT_RE = re.compile(r"\{(\w+)\}")


def fill(rng: random.Random, template: str) -> tuple[str, list[list]]:
    """Fill a template's ``{slot}`` markers; return the text and its spans ``[start, end, type, surface]``."""
    parts: list[str] = []
    spans: list[list] = []
    pos = 0
    cursor = 0
    for m in _SLOT_RE.finditer(template):
        literal = template[cursor : m.start()]
        parts.append(literal)
        pos += len(literal)
        value, types = SLOTS[m.group(1)](rng)
        for t in types:
            spans.append([pos, pos + len(value), t, value])
        parts.append(value)
        pos += len(value)
        cursor = m.end()
    parts.append(template[cursor:])
    return "".join(parts), spans


_MARK_RE = re.compile(r"\[\[([A-Z0-9_+]+)\|([^\]]+)\]\]")


def parse_marked(line: str) -> tuple[str, list[list]]:
    """``患者[[CN_PERSON_NAME|王秀英]]…`` → text and spans."""
    out: list[str] = []
    spans: list[list] = []
    pos = cursor = 0
    for m in _MARK_RE.finditer(line):
        literal = line[cursor : m.start()]
        out.append(literal)
        pos += len(literal)
        surface = m.group(2)
        for t in m.group(1).split("+"):
            spans.append([pos, pos + len(surface), t, surface])
        out.append(surface)
        pos += len(surface)
        cursor = m.end()
    out.append(line[cursor:])
    text = "".join(out)
    if "[[" in text or "]]" in text:
        raise ValueError(f"unbalanced label markup in: {line}")
    return text, spans


def build_text() -> list[dict]:
    records = []
    for domain, templates in DOMAINS.items():
        rng = rng_for(f"text:{domain}")
        for i, template in enumerate(templates):
            for k in range(5):
                text, spans = fill(rng, template)
                records.append(
                    {
                        "id": f"{domain}-{i:02d}-{k}",
                        "source": f"template:{domain}",
                        "text": text,
                        "spans": spans,
                    }
                )
    rng = rng_for("text:no_pi")
    for i, template in enumerate(NO_PI_TEMPLATES):
        for k in range(2):
            text, spans = fill(rng, template)
            records.append(
                {"id": f"no_pi-{i:02d}-{k}", "source": "template:no_pi", "text": text, "spans": spans}
            )
    for i, line in enumerate((HERE / "handwritten.txt").read_text(encoding="utf-8").splitlines()):
        if not line.strip() or line.startswith("#"):
            continue
        domain, marked = line.split("\t", 1)
        text, spans = parse_marked(marked)
        records.append(
            {"id": f"hand-{i:03d}", "source": f"handwritten:{domain}", "text": text, "spans": spans}
        )
    return records


# -- output ---------------------------------------------------------------------------------------------------


def build() -> dict[str, str]:
    """Every corpus file as {relative path: content}."""
    files: dict[str, str] = {}
    names = []
    for fn in TABLES:
        table = fn(rng_for(f"table:{fn.__name__}"))
        table["rows"] = len(table["columns"][0]["values"])
        assert all(len(c["values"]) == table["rows"] for c in table["columns"]), table["name"]
        names.append(f"tables/{table['name']}.json")
        files[names[-1]] = json.dumps(table, ensure_ascii=False, indent=1) + "\n"
    records = build_text()
    files["text.jsonl"] = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    manifest = {
        "schema": SCHEMA,
        "seed": SEED,
        "scan_date": SCAN_DATE.isoformat(),
        "tables": names,
        "text": "text.jsonl",
        "text_types": list(TEXT_TYPES),
        "vocabulary": {eid: term.name for eid, term in canonical_vocabulary().entities.items()},
        "generator": "tests/eval/build_corpus.py",
    }
    files["corpus.json"] = json.dumps(manifest, ensure_ascii=False, indent=1) + "\n"
    return files


def write_atomic(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(content)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="compare a fresh build with the committed files")
    args = ap.parse_args(argv)
    files = build()
    if args.check:
        stale = [
            p
            for p, c in files.items()
            if not (HERE / p).is_file() or (HERE / p).read_text(encoding="utf-8") != c
        ]
        for p in stale:
            print(f"stale: tests/eval/{p} (run python tests/eval/build_corpus.py)")
        return 1 if stale else 0
    for p, c in files.items():
        write_atomic(HERE / p, c)
    print(f"wrote {len(files)} files to {HERE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
