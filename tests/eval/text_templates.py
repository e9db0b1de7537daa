"""Sentence templates and slot fillers for the free-text part of the evaluation corpus.

A template is Chinese text with ``{slot}`` markers.  Each slot filler returns
``(surface, types)``: the text put into the sentence and the entity types it is
labelled with (empty for slots that must *not* be reported: event dates, order
numbers, prices, company and city names …).  Labelling rules are in README.md.
"""

from __future__ import annotations

import datetime as _dt
import random
import string
from collections.abc import Callable

import generators as g

Filler = Callable[[random.Random], tuple[str, tuple[str, ...]]]


def _t(types: str) -> tuple[str, ...]:
    return tuple(types.split()) if types else ()


def _id(rng: random.Random) -> str:
    v = g.resident_id(rng, ending_x=rng.random() < 0.15)
    r = rng.random()
    if r < 0.1:
        return v.lower()
    if r < 0.15:
        return g.to_fullwidth(v)
    return v


def _mobile(rng: random.Random) -> str:
    return g.format_mobile(rng, g.mobile(rng), ("plain",) * 7 + ("plus86", "dash", "space"))


def _card(rng: random.Random) -> str:
    c = g.bank_card(rng)
    return g.group4(c) if rng.random() < 0.25 else c


def _icd(rng: random.Random) -> tuple[str, tuple[str, ...]]:
    code = rng.choice(g.ICD10_CODES)
    return code, _t("ICD10_CODE SPECIAL_DISEASE" if g.is_special_icd(code) else "ICD10_CODE")


def _age(rng: random.Random) -> str:
    return f"{rng.randint(2, 92)}岁"


def _dob(rng: random.Random) -> str:
    d = g.date_between(rng, _dt.date(1950, 1, 1), _dt.date(2005, 12, 31))
    return g.date_text(d, rng.choice(("zh", "zh", "iso")))


def _event_date(rng: random.Random) -> str:
    d = g.date_between(rng, _dt.date(2025, 1, 1), _dt.date(2026, 11, 1))
    return g.date_text(d, rng.choice(("zh", "iso")))


def _coord(rng: random.Random) -> str:
    *_, lat, lng, _streets = rng.choice(g.PLACES)
    sep = rng.choice((",", ", ", "，"))
    return f"{lat + rng.uniform(-0.05, 0.05):.6f}{sep}{lng + rng.uniform(-0.05, 0.05):.6f}"


def _order_no(rng: random.Random) -> str:
    t = _dt.datetime(2026, 1, 1) + _dt.timedelta(seconds=rng.randint(0, 300 * 86400))
    return t.strftime("%Y%m%d%H%M%S") + f"{rng.randint(0, 9999):04d}"


def _price(rng: random.Random) -> str:
    return f"{rng.uniform(5, 3000):.2f}"


def _time(rng: random.Random) -> str:
    return f"{rng.randint(7, 22)}:{rng.choice(('00', '15', '30', '45'))}"


SLOTS: dict[str, Filler] = {
    "name": lambda r: (g.person_name(r), _t("CN_PERSON_NAME")),
    "name2": lambda r: (g.person_name(r), _t("CN_PERSON_NAME")),
    "id": lambda r: (_id(r), _t("CN_RESIDENT_ID")),
    "mobile": lambda r: (_mobile(r), _t("CN_MOBILE")),
    "landline": lambda r: (g.landline(r), _t("CN_LANDLINE")),
    "address": lambda r: (g.address(r), _t("CN_ADDRESS")),
    "email": lambda r: (g.email(r), _t("EMAIL")),
    "card": lambda r: (_card(r), _t("CN_BANK_CARD")),
    "account": lambda r: (g.bank_account(r), _t("CN_BANK_ACCOUNT")),
    "plate": lambda r: (g.plate(r, dot=r.random() < 0.2), _t("CN_LICENSE_PLATE")),
    "vin": lambda r: (g.vin(r), _t("VIN")),
    "passport": lambda r: (g.passport(r), _t("CN_PASSPORT")),
    "hkpermit": lambda r: (g.hk_macao_permit(r), _t("CN_HMT_PERMIT")),
    "diagnosis": lambda r: (r.choice(g.DIAGNOSES), _t("DIAGNOSIS")),
    "special": lambda r: (r.choice(g.SPECIAL_DISEASES), _t("DIAGNOSIS SPECIAL_DISEASE")),
    "medication": lambda r: (r.choice(g.MEDICATIONS), _t("MEDICATION")),
    "icd": lambda r: _icd(r),
    "mrn": lambda r: (g.medical_record_no(r), _t("MEDICAL_RECORD_NO")),
    "lab": lambda r: (g.lab_result(r), _t("LAB_RESULT")),
    "age": lambda r: (_age(r), _t("AGE")),
    "gender": lambda r: (r.choice("男女"), _t("GENDER")),
    "ethnicity": lambda r: (r.choice(g.ETHNICITIES), _t("ETHNICITY")),
    "religion": lambda r: (r.choice(g.RELIGIONS[:5]), _t("RELIGION")),
    "dob": lambda r: (_dob(r), _t("DATE_OF_BIRTH")),
    "coord": lambda r: (_coord(r), _t("GEO_COORDINATE")),
    "ip": lambda r: (g.ipv4(r), _t("IP_ADDRESS")),
    "imei": lambda r: (g.imei(r), _t("IMEI")),
    "gene": lambda r: (r.choice(g.GENES), _t("GENE_SYMBOL")),
    "variant": lambda r: (r.choice(g.VARIANTS), _t("GENETIC_VARIANT")),
    # slots that are not personal information and must stay unreported
    "date": lambda r: (_event_date(r), ()),
    "time": lambda r: (_time(r), ()),
    "orderno": lambda r: (_order_no(r), ()),
    "price": lambda r: (_price(r), ()),
    "company": lambda r: (g.company_name(r), ()),
    "dose": lambda r: (r.choice(g.DOSES), ()),
    "dept": lambda r: (r.choice(("研发部", "财务部", "人力资源部", "市场部", "质量部", "物流中心")), ()),
    "bank": lambda r: (
        r.choice(
            ("中国工商银行苏州分行", "招商银行上海分行", "中国建设银行北京海淀支行", "交通银行深圳分行")
        ),
        (),
    ),
    "city": lambda r: (r.choice(("苏州", "上海", "杭州", "成都", "武汉", "广州", "北京", "南京")), ()),
    "empno": lambda r: (f"E{r.randint(10000, 99999)}", ()),
    "batch": lambda r: (f"{r.randint(2024, 2026)}{r.randint(1, 12):02d}{r.randint(1, 999):03d}", ()),
    "qty": lambda r: (str(r.randint(2, 5000)), ()),
    "pct": lambda r: (f"{r.uniform(0.1, 30):.1f}", ()),
    "version": lambda r: (f"{r.randint(1, 9)}.{r.randint(0, 20)}.{r.randint(0, 99)}", ()),
    "sku": lambda r: (f"SKU-{r.choice(string.ascii_uppercase)}{r.randint(0, 99999):05d}", ()),
    "last4": lambda r: (f"{r.randint(0, 9999):04d}", ()),
    "temp": lambda r: (str(r.randint(-5, 38)), ()),
}

DOMAINS: dict[str, tuple[str, ...]] = {
    "patient": (
        "患者{name}，{gender}，{age}，{ethnicity}，因“{diagnosis}”于{date}入院，住院号{mrn}。",
        "{name}，{gender}，{age}，身份证号{id}，联系电话{mobile}，现住{address}。",
        "患者既往{diagnosis}病史10年，长期口服{medication}{dose}，血糖控制可。",
        "入院诊断：1.{diagnosis}（{icd}）；2.{diagnosis}。",
        "复查{lab}，较前明显升高，加用{medication}。",
        "家属{name}（患者之女），电话{mobile}，已签署知情同意书。",
        "患者{name}于{date}在我院确诊{special}，已按规定上报，住院号{mrn}。",
        "门诊号{mrn}，{name}，{gender}，出生日期{dob}，主诉反复胸闷3天。",
        "患者{name}，{age}，因{diagnosis}行手术治疗，术后予{medication}抗感染。",
        "基因检测示{gene}基因{variant}突变，建议使用{medication}靶向治疗。",
        "急救地点坐标{coord}，120救护车于{time}到达现场，患者{name}意识清楚。",
        "出院医嘱：继续服用{medication}，{dose}，两周后门诊复查，如有不适请拨打{landline}。",
    ),
    "customer_service": (
        "客户{name}来电反映订单{orderno}未收到货，联系电话{mobile}，已登记。",
        "用户称其银行卡{card}被重复扣款{price}元，请财务核实。",
        "客户要求修改收货地址为{address}，收货人{name}，电话{mobile}。",
        "用户邮箱{email}无法接收验证码，已提交技术排查。",
        "来电号码{landline}，客户{name}咨询发票抬头{company}的开票事宜。",
        "客户{name}（身份证{id}）申请实名认证失败，提示证件信息不一致。",
        "用户反馈登录IP {ip} 被判定为异地登录，已解除限制。",
        "请将退款{price}元退回尾号{last4}的银行卡，客户{name}已确认。",
        "客户{name}的手机{mobile}丢失，申请冻结账户，设备IMEI为{imei}。",
        "投诉人{name}称快递员态度恶劣，投诉单号{orderno}，回访电话{mobile}。",
        "用户{email}开通了年度会员，订单号{orderno}，金额{price}元。",
        "客户{name}的车辆{plate}在停车场被刮擦，联系电话{mobile}。",
    ),
    "hr": (
        "新员工{name}，{gender}，{ethnicity}，{dob}出生，身份证号码{id}，入职{dept}。",
        "{name}的工资卡号为{card}，开户行{bank}。",
        "员工{name}的紧急联系人为{name2}，联系电话{mobile}。",
        "{name}家庭住址变更为{address}，请人事部更新档案。",
        "应聘者{name}，{age}，邮箱{email}，手机{mobile}，拟面试时间{date}。",
        "员工{name}因{diagnosis}申请病假两周，已提交诊断证明。",
        "外派员工{name}的护照号码{passport}将于明年到期，请提前续办。",
        "{name}，宗教信仰{religion}，已按其要求调整餐食。",
        "公司对公账户账号{account}已变更，开户行{bank}，户名{company}。",
        "员工{name}出差车辆{plate}，车架号{vin}，请行政部报销油费。",
        "港籍员工{name}的港澳居民来往内地通行证号码为{hkpermit}。",
        "{name}于{date}离职，工号{empno}，已办结社保转移。",
    ),
    "pharmacovigilance": (
        "报告编号{orderno}：患者{name}，{gender}，{age}，服用{medication}后出现皮疹，停药后好转。",
        "患者因{diagnosis}使用{medication}{dose}，用药第3天出现恶心、乏力，{lab}。",
        "报告人{name}，{company}药物警戒专员，电话{landline}，邮箱{email}。",
        "患者既往有{special}病史，合并使用{medication}。",
        "不良事件：{diagnosis}，严重程度3级，与{medication}可能相关。",
        "患者身份证号{id}，住院号{mrn}，联系地址{address}。",
        "实验室检查：{lab}，{lab}。",
        "{gene}基因检测结果为{variant}，患者为慢代谢型，{medication}剂量下调。",
        "患者出生日期{dob}，{ethnicity}，体重65kg，所用药品批号{batch}。",
        "随访电话{mobile}无人接听，已发送邮件至{email}。",
        "诊断编码{icd}，诊断名称{diagnosis}，合并用药{medication}。",
        "患者{name}的家属{name2}（电话{mobile}）报告患者于{date}死亡。",
    ),
    "delivery": (
        "收件人：{name}，电话：{mobile}，地址：{address}。",
        "快递单号{orderno}已签收，签收人{name}。",
        "请送至{address}，到了打{mobile}，放门卫也可以。",
        "骑手{name}（{plate}）已取餐，预计{time}送达。",
        "配送坐标{coord}，距离门店2.3公里。",
        "寄件人{name}，{landline}，{company}，{address}。",
        "收货人{name}电话{mobile}地址{address}备注不要辣",
        "退货地址：{address}，联系人{name}，{mobile}。",
        "订单{orderno}配送失败，客户电话{mobile}已停机。",
        "海关清关需要收件人{name}的身份证号{id}，请在小程序上传。",
        "代收点：{address}，营业时间9:00-21:00，电话{landline}。",
        "包裹已到达{city}转运中心，收件人{name}，手机尾号{last4}。",
    ),
}

#: Sentences without personal information, with the look-alikes that should stay unreported.
NO_PI_TEMPLATES: tuple[str, ...] = (
    "订单{orderno}已于{date}发货，运费{price}元。",
    "包裹已到达{city}转运中心，下一站{city}。",
    "系统版本{version}已于{date}发布，修复了若干问题。",
    "请在{date}前提交{sku}的库存报表，本周共完成订单{qty}笔。",
    "本月退款率{pct}%，较上月下降，{company}的供货已恢复。",
    "今天{city}天气晴，最高气温{temp}度，适合出行。",
    "会议定于{date}{time}在三楼会议室召开，请各部门准时参加。",
    "本店新品上架：原味薯片、咖啡胶囊，满{qty}元包邮。",
    "药品说明书：每次1片，每日3次，饭后服用，儿童用量请咨询医生。",
    "The CAT assay was SET to MAX sensitivity; see batch {batch} for details.",
    "固件版本号 2.10.3.4 已推送到所有设备，端口8080不对外开放。",
    "库位B12和A01的货物已盘点完毕，差异{qty}件。",
    "本次活动价格为{price}元，活动时间截至{date}。",
    "快递柜取件码{last4}，请于24小时内取件。",
    "本产品批准文号国药准字H20003263，生产企业{company}。",
)
