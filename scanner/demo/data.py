"""The embedded demo warehouse behind ``chujing demo``.

``chujing demo`` must show, in under a minute and with nothing to download, what
the scanner finds in a warehouse that looks like a real one.  This module builds
that warehouse for a fictional Suzhou biopharma company (see
:mod:`scanner.demo.vocabulary`): a SQLite database with clinical-trial
subjects, paid healthcare professionals, device after-sales records and the
ordinary product / batch / inventory tables, and a Parquet "lake" with
pharmacovigilance narratives, a hive-partitioned set of gene variant calls and
delivery-van telemetry.

The ordinary tables are the hard negatives: 18-digit order numbers built from
timestamps, 13-digit millisecond timestamps, 20-digit drug trace codes, EAN-13
barcodes and hex hashes look like identifiers but are none.  The sensitive
tables carry identifiers with real checksums (see :mod:`scanner.demo.identities`)
for invented people.

Everything is derived from ``seed`` through one ``random.Random`` per table and
dates are relative to :data:`REFERENCE_DATE`, never the clock, so a seed always
gives the same content.  The files are built in a temporary directory inside
``target_dir`` and moved into place with ``os.replace``: a failed or interrupted
build leaves either the previous demo or nothing.
"""

from __future__ import annotations

import bisect
import datetime as _dt
import hashlib
import math
import os
import random
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from scanner.demo import identities as ident
from scanner.demo import vocabulary as vocab

#: All dates are relative to this day, so the demo does not change with the clock.
REFERENCE_DATE = _dt.date(2026, 6, 30)
DB_NAME = "suzhou_biopharma.db"
LAKE_NAME = "lake"
ROW_GROUP_SIZE = 1_000
GENE_RUN_DATES = ("2026-05-01", "2026-05-15", "2026-06-01")
_TEMP_PREFIX = ".chujing-demo-"

# Row counts at scale 1.0.
_BASE_ROWS = {
    "trial_subjects": 2_000,
    "healthcare_professionals": 300,
    "batches": 400,
    "inventory": 1_500,
    "device_after_sales": 800,
    "pharmacovigilance_cases": 600,
    "gene_variant_calls": 1_500,
    "telematics_vans": 5_000,
}


@dataclass(frozen=True)
class DemoWarehouse:
    """What :func:`build_demo_warehouse` built: where it is, what to scan, how many rows each table has."""

    sqlite_path: Path
    parquet_dir: Path
    sources: list[str] = field(default_factory=list)
    tables: dict[str, int] = field(default_factory=dict)


@dataclass
class _Table:
    name: str
    columns: list[tuple[str, str, str]]  # (name, SQLite type / Arrow type key, comment)
    rows: list[tuple]
    comment: str = ""


def build_demo_warehouse(target_dir: Path, *, seed: int = 20250101, scale: float = 1.0) -> DemoWarehouse:
    """Build (or rebuild) the demo warehouse in ``target_dir`` and describe it.

    ``scale`` multiplies every row count (at least 10 rows per table), e.g. 0.1
    for a quick look or 5 for a heavier benchmark.
    """
    if scale <= 0:
        raise ValueError("scale must be positive")
    target = Path(target_dir).resolve()
    target.mkdir(parents=True, exist_ok=True)
    for stale in target.glob(_TEMP_PREFIX + "*"):  # left by a build that was killed
        shutil.rmtree(stale, ignore_errors=True)
    tmp = Path(tempfile.mkdtemp(prefix=_TEMP_PREFIX, dir=target))
    try:
        sql_tables, lake_tables = _generate(seed, scale)
        _write_sqlite(tmp / DB_NAME, sql_tables)
        lake = tmp / LAKE_NAME
        counts = {t.name: len(t.rows) for t in sql_tables}
        counts.update(_write_lake(lake, lake_tables))
        _move_into_place(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    sqlite_path, parquet_dir = target / DB_NAME, target / LAKE_NAME
    return DemoWarehouse(sqlite_path, parquet_dir, [f"sqlite:///{sqlite_path}", str(parquet_dir)], counts)


def _move_into_place(tmp: Path, target: Path) -> None:
    old_lake = tmp / "previous-lake"
    if (target / LAKE_NAME).exists():
        os.replace(target / LAKE_NAME, old_lake)
    os.replace(tmp / LAKE_NAME, target / LAKE_NAME)
    os.replace(tmp / DB_NAME, target / DB_NAME)


# --- generation ---------------------------------------------------------------------------------------


def _rows(name: str, scale: float) -> int:
    return max(10, round(_BASE_ROWS[name] * scale))


def _rng(seed: int, table: str) -> random.Random:
    """One generator per table, so adding a column to one table leaves the others unchanged."""
    return random.Random(f"{seed}:{table}")


def _day(rng: random.Random, start: _dt.date, end: _dt.date) -> _dt.date:
    return start + _dt.timedelta(days=rng.randrange((end - start).days + 1))


def _age_on(birth: _dt.date, day: _dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _birth_for_age(rng: random.Random, lo: int, hi: int, on: _dt.date = REFERENCE_DATE) -> _dt.date:
    """A birth date making the person ``lo``..``hi`` years old on ``on``."""
    earliest = on.replace(year=on.year - hi - 1) + _dt.timedelta(days=1)
    return _day(rng, earliest, on.replace(year=on.year - lo))


def _order_no(moment: _dt.datetime, counter: int) -> str:
    """Order numbers as many ERPs make them: ``yyyyMMddHHmmss`` + a 4-digit counter (18 digits, no checksum)."""
    return f"{moment:%Y%m%d%H%M%S}{counter % 10_000:04d}"  # strftime drops the microseconds


def _epoch_ms(moment: _dt.datetime) -> int:
    return int(moment.replace(tzinfo=_dt.timezone(_dt.timedelta(hours=8))).timestamp() * 1000)


def _moment(rng: random.Random, start: _dt.date, end: _dt.date) -> _dt.datetime:
    d = _day(rng, start, end)
    return _dt.datetime(
        d.year,
        d.month,
        d.day,
        rng.randint(8, 19),
        rng.randrange(60),
        rng.randrange(60),
        rng.randrange(1000) * 1000,
    )


def _person(rng: random.Random, lo: int, hi: int, legacy_share: float = 0.0) -> dict:
    """A fictional adult or child: name, sex, birth date, resident ID (18-digit, some 15-digit legacy)."""
    sex = rng.choice("男女")
    birth = _birth_for_age(rng, lo, hi)
    division = ident.pick_division(rng)
    if birth.year < 1985 and rng.random() < legacy_share:
        rid = ident.make_legacy_resident_id(rng, division, birth, sex)
    else:
        rid = ident.make_resident_id(rng, division, birth, sex)
        if rid.endswith("X") and rng.random() < 0.3:
            rid = rid[:-1] + "x"
    return {
        "name": ident.person_name(rng, sex, birth),
        "sex": sex,
        "birth": birth,
        "id": rid,
        "mobile": ident.mobile_number(rng),
    }


def _generate(seed: int, scale: float) -> tuple[list[_Table], list[_Table]]:
    subjects = _trial_subjects(_rng(seed, "trial_subjects"), _rows("trial_subjects", scale))
    products = _products(_rng(seed, "products"))
    batches = _batches(_rng(seed, "batches"), _rows("batches", scale), products)
    sql = [
        subjects,
        _healthcare_professionals(
            _rng(seed, "healthcare_professionals"), _rows("healthcare_professionals", scale)
        ),
        products,
        batches,
        _inventory(_rng(seed, "inventory"), _rows("inventory", scale), batches),
        _device_after_sales(_rng(seed, "device_after_sales"), _rows("device_after_sales", scale)),
    ]
    lake = [
        _pharmacovigilance(_rng(seed, "pharmacovigilance_cases"), _rows("pharmacovigilance_cases", scale)),
        _gene_variant_calls(_rng(seed, "gene_variant_calls"), _rows("gene_variant_calls", scale), subjects),
        _telematics(_rng(seed, "telematics_vans"), _rows("telematics_vans", scale)),
    ]
    return sql, lake


def _trial_subjects(rng: random.Random, n: int) -> _Table:
    per_protocol: dict[str, int] = {}
    rows = []
    for _ in range(n):
        protocol, diagnoses, arms = rng.choices(vocab.PROTOCOLS, (5, 3, 4))[0]
        per_protocol[protocol] = per_protocol.get(protocol, 0) + 1
        p = _person(rng, 18, 75, legacy_share=0.04)
        site_no, hospital, _ = rng.choice(vocab.SITES)
        zdmc, icd, _ = rng.choices(diagnoses, [d[2] for d in diagnoses])[0]
        enrol = _day(rng, _dt.date(2025, 3, 1), REFERENCE_DATE - _dt.timedelta(days=14))
        rows.append(
            (
                f"{protocol}-{per_protocol[protocol]:04d}",
                protocol,
                site_no,
                hospital,
                p["name"],
                p["id"],
                ident.format_mobile(rng, p["mobile"]),
                p["birth"].isoformat(),
                p["sex"],
                rng.choices([e for e, _ in vocab.ETHNICITIES], [w for _, w in vocab.ETHNICITIES])[0],
                rng.choice(arms),
                enrol.isoformat(),
                zdmc,
                icd,
                round(rng.gauss(67 if p["sex"] == "男" else 58, 9), 1),
                rng.choice(("是", "是", "是", "否")),
            )
        )
    rows.sort(key=lambda r: r[0])
    return _Table(
        "trial_subjects",
        [
            ("subject_code", "TEXT", "受试者编号"),
            ("protocol_no", "TEXT", "方案编号"),
            ("site_no", "TEXT", "中心编号"),
            ("site_name", "TEXT", "研究中心"),
            ("xm", "TEXT", "姓名"),
            ("sfzh", "TEXT", "身份证号"),
            ("sjhm", "TEXT", "手机号码"),
            ("csrq", "TEXT", "出生日期"),
            ("xb", "TEXT", "性别"),
            ("mz", "TEXT", "民族"),
            ("arm", "TEXT", "试验组别"),
            ("enrol_date", "TEXT", "入组日期"),
            ("zdmc", "TEXT", "诊断名称"),
            ("icd10_code", "TEXT", "ICD-10编码(国家临床版2.0)"),
            ("weight_kg", "REAL", "体重"),
            ("consent_signed", "TEXT", "是否签署知情同意书"),
        ],
        rows,
        "临床试验受试者登记表",
    )


def _healthcare_professionals(rng: random.Random, n: int) -> _Table:
    rows = []
    for i in range(1, n + 1):
        p = _person(rng, 28, 65)
        card, bank, branch = ident.bank_card(rng)
        hospital = rng.choice(vocab.SITES)[1]
        department = rng.choice(vocab.DEPARTMENTS)
        titles = vocab.PHARMACIST_TITLES if department == "药剂科" else vocab.DOCTOR_TITLES
        rows.append(
            (
                f"HCP{i:05d}",
                p["name"],
                hospital,
                department,
                rng.choices([t for t, _ in titles], [w for _, w in titles])[0],
                p["id"],
                ident.format_mobile(rng, p["mobile"], 0.9),
                ident.email_for(rng, p["name"]),
                ident.group4(card) if rng.random() < 0.25 else card,
                bank,
                branch,
                round(rng.choice((1500, 2000, 3000, 5000, 8000)) * rng.choice((1, 1, 1, 0.8)), 2),
                _day(rng, _dt.date(2025, 7, 1), REFERENCE_DATE).isoformat(),
                f"CHB-HT-2025-{rng.randrange(1, 900):04d}",
            )
        )
    return _Table(
        "healthcare_professionals",
        [
            ("hcp_code", "TEXT", "专家编号"),
            ("full_name", "TEXT", "姓名"),
            ("hospital", "TEXT", "所在医院"),
            ("department", "TEXT", "科室"),
            ("title", "TEXT", "职称"),
            ("id_card_no", "TEXT", "身份证号"),
            ("mobile", "TEXT", "手机"),
            ("email", "TEXT", "邮箱"),
            ("bank_card_no", "TEXT", "银行卡号"),
            ("开户银行", "TEXT", "开户银行"),
            ("开户行", "TEXT", "开户行(支行)"),
            ("honorarium_cny", "REAL", "劳务费(元)"),
            ("paid_on", "TEXT", "支付日期"),
            ("contract_no", "TEXT", "合同编号"),
        ],
        rows,
        "合作专家及劳务费支付信息",
    )


def _ean13(rng: random.Random) -> str:
    body = "69" + "".join(rng.choice("0123456789") for _ in range(10))
    s = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(body))
    return body + str((10 - s % 10) % 10)


def _products(rng: random.Random) -> _Table:
    rows = []
    for i, (name, brand, spec, form, approval, price, atc) in enumerate(vocab.PRODUCTS, 1):
        created = _moment(rng, _dt.date(2023, 1, 1), _dt.date(2025, 12, 31))
        rows.append(
            (
                i,
                f"SKU-CHB-{i:04d}",
                name,
                brand + "®",
                spec,
                form,
                approval,
                _ean13(rng),
                price,
                rng.choice(vocab.STORAGE),
                atc or None,
                vocab.COMPANY,
                _epoch_ms(created),
                hashlib.sha1(f"{name}|{spec}".encode()).hexdigest(),
            )
        )
    return _Table(
        "products",
        [
            ("product_id", "INTEGER", "产品ID"),
            ("sku_code", "TEXT", "SKU编码"),
            ("generic_name", "TEXT", "通用名"),
            ("brand_name", "TEXT", "商品名"),
            ("specification", "TEXT", "规格"),
            ("dosage_form", "TEXT", "剂型"),
            ("approval_no", "TEXT", "批准文号"),
            ("barcode", "TEXT", "商品条码(EAN-13)"),
            ("list_price", "REAL", "零售价"),
            ("storage_condition", "TEXT", "贮藏"),
            ("atc_code", "TEXT", "ATC编码"),
            ("manufacturer", "TEXT", "生产企业"),
            ("created_at_ms", "INTEGER", "创建时间(毫秒时间戳)"),
            ("spec_sha1", "TEXT", "规格哈希"),
        ],
        rows,
        "产品主数据",
    )


def _batches(rng: random.Random, n: int, products: _Table) -> _Table:
    rows = []
    moments = sorted(
        _moment(rng, _dt.date(2025, 1, 2), REFERENCE_DATE - _dt.timedelta(days=7)) for _ in range(n)
    )
    for i, made in enumerate(moments, 1):
        product = rng.choice(products.rows)
        expiry = made.date().replace(year=made.year + rng.choice((2, 3))) - _dt.timedelta(days=1)
        batch_no = f"{made:%y%m%d}{rng.choice('ABC')}{i % 1000:03d}"
        rows.append(
            (
                batch_no,
                product[0],
                product[1],
                _order_no(made, i),
                made.date().isoformat(),
                expiry.isoformat(),
                rng.randrange(5, 200) * 1000,
                rng.choices(("放行", "待检", "不合格"), (18, 2, 0.3))[0],
                f"QA-{made:%y%m}-{i:04d}",
                _epoch_ms(made),
                hashlib.sha256(f"{batch_no}|{product[1]}|{made}".encode()).hexdigest(),
            )
        )
    return _Table(
        "batches",
        [
            ("batch_no", "TEXT", "生产批号"),
            ("product_id", "INTEGER", "产品ID"),
            ("sku_code", "TEXT", "SKU编码"),
            ("production_order_no", "TEXT", "生产订单号"),
            ("mfg_date", "TEXT", "生产日期"),
            ("expiry_date", "TEXT", "有效期至"),
            ("quantity", "INTEGER", "批量"),
            ("qc_status", "TEXT", "质量状态"),
            ("release_no", "TEXT", "放行单号"),
            ("created_at_ms", "INTEGER", "创建时间(毫秒时间戳)"),
            ("record_sha256", "TEXT", "批记录哈希"),
        ],
        rows,
        "生产批次",
    )


def _inventory(rng: random.Random, n: int, batches: _Table) -> _Table:
    rows = []
    moments = sorted(_moment(rng, _dt.date(2025, 6, 1), REFERENCE_DATE) for _ in range(n))
    made = [r[4] for r in batches.rows]  # mfg dates, ascending
    for i, moved in enumerate(moments, 1):
        batch = batches.rows[rng.randrange(max(1, bisect.bisect_right(made, moved.date().isoformat())))]
        warehouse = rng.choice(vocab.WAREHOUSES)[0]
        kind = rng.choices(("入库", "出库", "调拨", "盘点"), (3, 5, 1, 1))[0]
        rows.append(
            (
                i,
                warehouse,
                f"{rng.choice('ABCDE')}-{rng.randint(1, 24):02d}-{rng.randint(1, 40):02d}",
                batch[2],
                batch[0],
                _order_no(moved, i),
                kind,
                rng.randrange(1, 400) * 10,
                rng.choice(("盒", "瓶", "支", "袋")),
                "8" + "".join(rng.choice("0123456789") for _ in range(19)),
                _epoch_ms(moved),
                hashlib.md5(f"{i}|{batch[0]}|{moved}".encode()).hexdigest(),
            )
        )
    return _Table(
        "inventory",
        [
            ("movement_id", "INTEGER", "流水号"),
            ("warehouse_code", "TEXT", "仓库编码"),
            ("bin_location", "TEXT", "库位"),
            ("sku_code", "TEXT", "SKU编码"),
            ("batch_no", "TEXT", "批号"),
            ("order_no", "TEXT", "订单号"),
            ("movement_type", "TEXT", "业务类型"),
            ("quantity", "INTEGER", "数量"),
            ("unit", "TEXT", "单位"),
            ("trace_code", "TEXT", "药品追溯码"),
            ("moved_at_ms", "INTEGER", "发生时间(毫秒时间戳)"),
            ("row_md5", "TEXT", "校验值"),
        ],
        rows,
        "库存流水",
    )


def _device_after_sales(rng: random.Random, n: int) -> _Table:
    rows = []
    for i in range(1, n + 1):
        r = rng.random()
        if r < 0.10:  # a child with type 1 diabetes; a parent is the customer
            user, relation = _person(rng, 2, 10), "子女"
            customer = _person(rng, 30, 45)
            user["name"] = customer["name"][0] + user["name"][1:]
        elif r < 0.30:
            user, relation = _person(rng, 60, 85, legacy_share=0.1), "父母"
            customer = _person(rng, 30, 55)
        else:
            user = customer = _person(rng, 18, 80, legacy_share=0.03)
            relation = "本人"
        province, city, district, street = ident.address(rng)
        bought = _day(rng, _dt.date(2023, 6, 1), REFERENCE_DATE - _dt.timedelta(days=20))
        opened = _day(rng, bought + _dt.timedelta(days=7), REFERENCE_DATE)
        fault = rng.choice(
            vocab.CHILD_FAULTS if relation == "子女" and rng.random() < 0.5 else vocab.DEVICE_FAULTS
        )
        if rng.random() < 0.15:
            fault += f"客户要求回电：{customer['mobile']}。"
        model = rng.choice(("CH-G5", "CH-G5", "CH-G5 Pro"))
        rows.append(
            (
                f"SH{opened:%Y%m%d}{i:05d}",
                customer["name"],
                ident.format_mobile(rng, customer["mobile"], 0.85),
                province,
                city,
                district,
                street,
                model,
                f"CHG5{bought:%y%m}{rng.randrange(10**6):06d}",
                ident.imei(rng),
                bought.isoformat(),
                relation,
                user["name"],
                user["birth"].isoformat(),
                user["id"],
                fault,
                rng.choices([s for s, _ in vocab.SERVICE_STATUS], [w for _, w in vocab.SERVICE_STATUS])[0],
                opened.isoformat(),
            )
        )
    return _Table(
        "device_after_sales",
        [
            ("工单号", "TEXT", ""),
            ("客户姓名", "TEXT", ""),
            ("联系电话", "TEXT", ""),
            ("省份", "TEXT", ""),
            ("城市", "TEXT", ""),
            ("区县", "TEXT", ""),
            ("详细地址", "TEXT", ""),
            ("设备型号", "TEXT", ""),
            ("设备序列号", "TEXT", ""),
            ("IMEI", "TEXT", "4G模组IMEI"),
            ("购买日期", "TEXT", ""),
            ("使用人关系", "TEXT", ""),
            ("使用人姓名", "TEXT", ""),
            ("使用人出生日期", "TEXT", ""),
            ("使用人身份证号", "TEXT", ""),
            ("故障描述", "TEXT", ""),
            ("处理状态", "TEXT", ""),
            ("受理日期", "TEXT", ""),
        ],
        rows,
        "血糖仪售后服务工单",
    )


def _pharmacovigilance(rng: random.Random, n: int) -> _Table:
    rows = []
    for i in range(1, n + 1):
        reported = _day(rng, _dt.date(2025, 7, 1), REFERENCE_DATE)
        p = _person(rng, 25, 85)
        age = _age_on(p["birth"], reported)
        drug, indication, dose = rng.choice(vocab.SUSPECTED_DRUGS)
        event, serious_share = rng.choice(vocab.ADVERSE_EVENTS)
        serious = "严重" if rng.random() < serious_share else "非严重"
        outcome = rng.choices([o for o, _ in vocab.OUTCOMES], [w for _, w in vocab.OUTCOMES])[0]
        reporter = rng.choices(("患者", "医生", "药师"), (3, 5, 2))[0]
        hospital = rng.choice(vocab.SITES)[1]
        start = reported - _dt.timedelta(days=rng.randint(10, 120))
        onset = rng.randint(1, 60)
        action = rng.choice(vocab.ACTIONS)
        if action == vocab.ACTIONS[3]:  # not withdrawn, still there
            outcome = "未好转"
        if rng.random() < 0.4:
            record = f"（住院号ZY{start:%Y}{rng.randrange(10**5):05d}）" if rng.random() < 0.3 else ""
            narrative = (
                f"患者{p['name']}，{p['sex']}，{age}岁，身份证号{p['id']}，因{indication}于{start:%Y年%m月%d日}"
                f"在{hospital}就诊{record}，给予{drug}（{dose}）治疗。用药第{onset}天出现{event}，{action}。"
                f"转归：{outcome}。联系电话{ident.format_mobile(rng, p['mobile'], 0.7)}。"
            )
        elif rng.random() < 0.5:
            narrative = (
                f"{reporter}报告：一名{age}岁{p['sex']}性患者（{ident.initials(p['name'])}）因{indication}"
                f"服用{drug}，用药{onset}天后出现{event}。{action}。既往无药物过敏史，合并用药不详。"
            )
        else:
            narrative = (
                f"患者{p['name'][0]}某某，{age}岁，于{hospital}确诊{indication}，{start:%Y-%m-%d}起服用{drug}。"
                f"{onset}天后自觉{event}，来院就诊，{action}，目前{outcome}。"
            )
        rows.append(
            (
                f"CHB-PV-{reported:%Y}-{i:05d}",
                reported,
                reporter,
                ident.initials(p["name"]),
                age,
                p["sex"],
                drug,
                event,
                serious,
                outcome,
                narrative,
            )
        )
    return _Table(
        "pharmacovigilance_cases",
        [
            ("case_id", "string", "病例编号"),
            ("report_date", "date", "报告日期"),
            ("reporter_type", "string", "报告人类型"),
            ("patient_initials", "string", "患者姓名缩写"),
            ("age", "int16", "年龄"),
            ("sex", "string", "性别"),
            ("suspected_drug", "string", "怀疑药品"),
            ("adverse_event", "string", "不良反应名称"),
            ("seriousness", "string", "严重性"),
            ("outcome", "string", "转归"),
            ("narrative", "string", "病例描述"),
        ],
        rows,
        "药物警戒个例报告",
    )


_BASES = "ACGT"


def _read(rng: random.Random, ref: str, alt: str, carries_alt: bool) -> tuple[str, str]:
    length = rng.randint(100, 150)
    allele = alt if carries_alt else ref
    at = rng.randint(20, length - 20 - len(allele))
    seq = "".join(rng.choice(_BASES) for _ in range(at)) + allele
    seq += "".join(rng.choice(_BASES) for _ in range(length - len(seq)))
    qual = "".join(chr(33 + min(41, max(2, int(rng.gauss(36, 4))))) for _ in range(length))
    return seq, qual


def _gene_variant_calls(rng: random.Random, n: int, subjects: _Table) -> _Table:
    lung = [r[0] for r in subjects.rows if r[1] == "CHB-2025-002"] or [r[0] for r in subjects.rows]
    others = [r[0] for r in subjects.rows]
    somatic = [v for v in vocab.VARIANTS if v[0] not in vocab.GERMLINE_GENES]
    germline = [v for v in vocab.VARIANTS if v[0] in vocab.GERMLINE_GENES]
    rows: list[tuple] = []
    run = 0
    while len(rows) < n:
        run_date = GENE_RUN_DATES[min(len(GENE_RUN_DATES) - 1, len(rows) * len(GENE_RUN_DATES) // n)]
        run += 1
        subject = rng.choice(lung if rng.random() < 0.7 else others)
        sample = f"GS{run_date.replace('-', '')[2:]}{run:04d}"
        calls = rng.sample(germline, rng.randint(2, 4))
        if subject in lung:
            calls += rng.sample(somatic, rng.randint(1, 3))
        for gene, chrom, pos, ref, alt, rs, hgvs_c, hgvs_p in calls[: n - len(rows)]:
            genotype = rng.choices(("0/1", "1/1", "0/0"), (6, 2, 1))[0]
            seq, qual = _read(rng, ref, alt, genotype != "0/0")
            depth = rng.randint(40, 900)
            af = (
                0.0
                if genotype == "0/0"
                else round(rng.uniform(0.35, 0.6) if genotype == "0/1" else rng.uniform(0.9, 1), 3)
            )
            rows.append(
                (
                    run_date,
                    sample,
                    subject,
                    chrom,
                    pos,
                    ref,
                    alt,
                    rs,
                    gene,
                    hgvs_c,
                    hgvs_p,
                    genotype,
                    round(rng.uniform(30, 3000), 1),
                    depth,
                    af,
                    "PASS" if rng.random() < 0.93 else "LowQual",
                    seq,
                    qual,
                )
            )
    return _Table(
        "gene_variant_calls",
        [
            ("run_date", "partition", "测序批次日期"),
            ("sample_id", "string", "样本编号"),
            ("subject_code", "string", "受试者编号"),
            ("chrom", "string", "染色体"),
            ("pos", "int64", "位置(GRCh38)"),
            ("ref", "string", "参考碱基"),
            ("alt", "string", "变异碱基"),
            ("rs_id", "string", "dbSNP编号"),
            ("gene_symbol", "string", "基因"),
            ("hgvs_c", "string", "HGVS c."),
            ("hgvs_p", "string", "HGVS p."),
            ("genotype", "string", "基因型"),
            ("qual", "float64", "质量值"),
            ("depth", "int32", "测序深度"),
            ("allele_freq", "float64", "突变丰度"),
            ("filter", "string", "过滤状态"),
            ("read_seq", "string", "代表性读段"),
            ("read_qual", "string", "读段质量(Phred+33)"),
        ],
        rows,
        "受试者基因变异检测结果",
    )


_BOX = (31.2, 31.45, 120.5, 120.8)  # Suzhou urban area: lat min/max, lon min/max
_DEPOT = (31.3178, 120.7364)  # Suzhou Industrial Park


def _six_decimals(x: float) -> float:
    """Round to 6 decimals and keep the 6th non-zero, as a GNSS receiver's fixed-width output would be."""
    v = round(x, 6)
    return v if round(v * 1e6) % 10 else round(v + 1e-6, 6)


def _telematics(rng: random.Random, n: int) -> _Table:
    vans = []
    for v in range(1, max(2, n // 200) + 1):
        born = _birth_for_age(rng, 24, 55)
        vans.append(
            (
                f"VAN-{v:03d}",
                ident.plate_number(rng),
                ident.vehicle_vin(rng),
                ident.person_name(rng, "男" if rng.random() < 0.9 else "女", born),
            )
        )
    rows: list[tuple] = []
    per_van = -(-n // len(vans))
    for van_id, plate, vin, driver in vans:
        odometer = rng.uniform(8_000, 90_000)
        count = min(per_van, n - len(rows))
        day = _dt.date(2026, 6, 1)
        while count > 0:
            day += _dt.timedelta(days=rng.randint(1, 3))
            t = _dt.datetime(day.year, day.month, day.day, 8, rng.randrange(60), rng.randrange(60))
            lat, lon, heading = *_DEPOT, rng.uniform(0, 360)
            for _ in range(min(count, rng.randint(60, 120))):
                speed = max(0.0, rng.gauss(38, 15)) if rng.random() > 0.15 else 0.0
                heading = (heading + rng.gauss(0, 25)) % 360
                step = speed / 3600 * 30 / 111  # 30 s at this speed, in degrees
                lat = min(_BOX[1] - 1e-3, max(_BOX[0] + 1e-3, lat + step * _cos_sin(heading)[0]))
                lon = min(_BOX[3] - 1e-3, max(_BOX[2] + 1e-3, lon + step * _cos_sin(heading)[1] / 0.855))
                odometer += speed / 120
                t += _dt.timedelta(seconds=30)
                rows.append(
                    (
                        van_id,
                        plate,
                        vin,
                        driver,
                        t,
                        _six_decimals(lat),
                        _six_decimals(lon),
                        round(speed, 1),
                        round(heading),
                        round(odometer, 1),
                    )
                )
                count -= 1
    return _Table(
        "telematics_vans",
        [
            ("van_id", "string", "车辆编号"),
            ("plate_no", "string", "车牌号"),
            ("vin", "string", "车架号"),
            ("driver_name", "string", "司机"),
            ("event_time", "timestamp", "上报时间"),
            ("latitude", "float64", "纬度(WGS-84)"),
            ("longitude", "float64", "经度(WGS-84)"),
            ("speed_kmh", "float64", "速度"),
            ("heading_deg", "int16", "航向"),
            ("odometer_km", "float64", "里程"),
        ],
        rows,
        "配送车辆轨迹",
    )


def _cos_sin(degrees: float) -> tuple[float, float]:
    r = math.radians(degrees)
    return math.cos(r), math.sin(r)


# --- writers ------------------------------------------------------------------------------------------


def _write_sqlite(path: Path, tables: list[_Table]) -> None:
    """Write all tables in one transaction.

    SQLite has no COMMENT clause, so table and column comments go into the DDL as SQL comments:
    ``sqlite_master.sql`` keeps the text verbatim, where a connector or a person can read them.
    """
    con = sqlite3.connect(path)
    try:
        with con:
            for t in tables:
                con.execute(f'CREATE TABLE "{t.name}" ( -- {t.comment}\n{_ddl_body(t)}\n)')
                marks = ", ".join("?" * len(t.columns))
                con.executemany(f'INSERT INTO "{t.name}" VALUES ({marks})', t.rows)
    finally:
        con.close()


def _ddl_body(t: _Table) -> str:
    lines = []
    for i, (name, kind, comment) in enumerate(t.columns):
        sep = "," if i < len(t.columns) - 1 else ""
        key = " PRIMARY KEY" if i == 0 else ""
        lines.append(f'    "{name}" {kind}{key}{sep}' + (f"  -- {comment}" if comment else ""))
    return "\n".join(lines)


_ARROW: dict[str, Callable[[], pa.DataType]] = {
    "string": pa.string,
    "date": pa.date32,
    "int16": pa.int16,
    "int32": pa.int32,
    "int64": pa.int64,
    "float64": pa.float64,
    "timestamp": lambda: pa.timestamp("ms"),
}


def _arrow_table(
    t: _Table, columns: list[tuple[str, str, str]], rows: list[tuple], offset: int = 0
) -> pa.Table:
    fields = [
        pa.field(name, _ARROW[kind](), metadata={"comment": comment}) for name, kind, comment in columns
    ]
    data = {f.name: [r[i + offset] for r in rows] for i, f in enumerate(fields)}
    return pa.table(data, schema=pa.schema(fields, metadata={"comment": t.comment}))


def _write_lake(lake: Path, tables: list[_Table]) -> dict[str, int]:
    lake.mkdir()
    counts = {}
    for t in tables:
        counts[t.name] = len(t.rows)
        if t.columns[0][1] != "partition":
            pq.write_table(
                _arrow_table(t, t.columns, t.rows), lake / f"{t.name}.parquet", row_group_size=ROW_GROUP_SIZE
            )
            continue
        key = t.columns[0][0]
        for value in sorted({r[0] for r in t.rows}):
            part = lake / t.name / f"{key}={value}"
            part.mkdir(parents=True)
            rows = [r for r in t.rows if r[0] == value]
            pq.write_table(
                _arrow_table(t, t.columns[1:], rows, offset=1),
                part / "part-0.parquet",
                row_group_size=ROW_GROUP_SIZE,
            )
    return counts
