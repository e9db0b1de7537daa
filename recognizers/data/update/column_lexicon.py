"""Regenerate ``recognizers/data/column_lexicon.tsv``: the words column names and comments use for each entity.

Chinese schemas name columns in Chinese (``身份证号``), English (``id_card``,
``patientName``), full pinyin (``shenfenzheng``) or pinyin initials (``sfzh``).
The Chinese and English terms below are written by hand (chujing, Apache-2.0);
the pinyin and initials are generated from the Chinese terms with pypinyin, so
pypinyin is not needed at run time.

Term markers in ``TERMS``:

* ``?`` at the end — *weak*: the word supports the entity when the values
  agree, but the name alone proves nothing (``名称``, ``name``, ``code``);
  strong words also feed :func:`recognizers.columns.name_only_findings`;
* ``!`` at the end of a Chinese term — also keep its two-letter initials
  (``姓名!`` → ``xm``).  Two-letter initials are otherwise left out: ``hz`` is
  患者 and 护照, ``zh`` 账号 and the language code;
* initials that Chinese terms of two entities share are dropped (``jzh`` is
  就诊号 and 驾照号) unless listed in ``PINYIN_EXTRA``; the script prints them.

``NOT`` lists words that cancel an entity's hints for that column: ``ip_address``
is no postal address, ``company_name`` no person's name.

Usage::

    python recognizers/data/update/column_lexicon.py
"""

from __future__ import annotations

import os
import tempfile
from collections import defaultdict
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "column_lexicon.tsv"


def _split(text: str, sep: str | None = None) -> list[str]:
    """Words of a long literal (one string keeps the tables readable)."""
    return text.split(sep)


TERMS: dict[str, dict[str, list[str]]] = {
    "CN_RESIDENT_ID": {
        "zh": _split(
            "身份证 身份证号 身份证号码 公民身份号码 身份号码 居民身份证 证件号码? 证件号? 身份证件号码 患者身份证号 "
            "法人身份证号 持卡人身份证号 联系人身份证号 sfzjhm"
        ),
        "en": _split(
            "id card|id card no|id card number|idcard|idcardno|id number|id no?|idno?|citizen id|national id|"
            "identity card|identity number|resident id|certificate no?|cert no?|id num",
            "|",
        ),
    },
    "CN_PASSPORT": {
        "zh": _split("护照 护照号 护照号码 护照编号"),
        "en": _split("passport|passport no|passport number|passport id", "|"),
    },
    "CN_HMT_PERMIT": {
        "zh": _split(
            "通行证 港澳通行证 台湾通行证 回乡证 台胞证 港澳台居民居住证 居住证 来往内地通行证 往来港澳通行证"
        ),
        "en": _split(
            "hk macao permit|home return permit|mainland travel permit|taiwan compatriot|residence permit",
            "|",
        ),
    },
    "CN_FOREIGNER_PR": {
        "zh": _split("永久居留证 外国人永久居留身份证 永居证 绿卡"),
        "en": _split("permanent residence|permanent resident|green card", "|"),
    },
    "CN_USCC": {
        "zh": _split("统一社会信用代码 社会信用代码 信用代码 纳税人识别号 税号 营业执照号 组织机构代码"),
        "en": _split("uscc|credit code|social credit code|tax id|taxpayer id|tax no|business license", "|"),
    },
    "CN_MOBILE": {
        "zh": _split(
            "手机 手机号 手机号码 移动电话 联系电话? 联系方式? 电话? 电话号码? 患者电话 联系人电话 联系人手机 "
            "紧急联系人电话 手机号码1 本人电话"
        ),
        "en": _split(
            "mobile|mobile phone|mobile no|mobile number|cellphone|cell phone|phone?|phone number?|tel?|telephone?|"
            "contact number?|msisdn?",
            "|",
        ),
    },
    "CN_LANDLINE": {
        "zh": _split("固定电话 座机 办公电话 家庭电话 单位电话 传真 联系电话? 电话? 电话号码?"),
        "en": _split("landline|fixed line|office phone|home phone|fax|telephone?|tel?|phone?", "|"),
    },
    "EMAIL": {
        "zh": _split("邮箱 电子邮箱 电子邮件 邮件地址 邮箱地址"),
        "en": _split("email|e-mail|mail|email address|mail address", "|"),
    },
    "IP_ADDRESS": {
        "zh": _split("ip地址 登录ip 客户端ip 访问ip 来源ip"),
        "en": _split(
            "ip|ip address|ipaddr|ipv4|ipv6|client ip|remote addr|remote ip|login ip|src ip|dst ip|host ip",
            "|",
        ),
    },
    "MAC_ADDRESS": {
        "zh": _split("mac地址 物理地址 网卡地址"),
        "en": _split("mac|mac address|macaddr|hwaddr|hardware address|bssid|wifi mac", "|"),
    },
    "CN_BANK_CARD": {
        "zh": _split(
            "银行卡号 银行卡 卡号? 借记卡号 信用卡号 储蓄卡号 结算卡号 持卡人卡号 社保卡号? 医保卡号?"
        ),
        "en": _split(
            "bank card|bank card no|card no?|card number?|cardno?|credit card|debit card|pan?|card num?", "|"
        ),
    },
    "CN_BANK_ACCOUNT": {
        "zh": _split(
            "银行账号 银行账户 账号? 账户? 开户行账号 收款账号 付款账号 对公账号 结算账号 开户账号 开户行? 开户银行?"
        ),
        "en": _split("bank account|account no|account number|acct no|iban|bank acct", "|"),
    },
    "CN_PERSON_NAME": {
        "zh": _split(
            "姓名! 名字 真实姓名 患者姓名 病人姓名 就诊人姓名 客户姓名 用户姓名 员工姓名 学生姓名 教师姓名 医生姓名 "
            "护士姓名 联系人 联系人姓名 紧急联系人 持卡人 持卡人姓名 申请人 申请人姓名 经办人 负责人 法定代表人 法人代表 "
            "法人姓名 收件人 收货人 寄件人 发件人 户主 户主姓名 监护人 监护人姓名 家属姓名 被保险人 投保人 受益人 开户名 户名 "
            "账户名 账户名称? 签名 签字人 司机姓名 驾驶员 医师 主治医师 责任医生 录入人? 操作人? 创建人? 审核人? 名称? "
            "中文名 英文名"
        ),
        "en": _split(
            "name?|full name|real name|first name|last name|given name|surname|family name|patient name|"
            "customer name|contact name|contact person|cardholder|card holder|holder name|account name?|applicant|"
            "legal representative|legal person|recipient|receiver name|consignee|sender name|guardian|insured|"
            "beneficiary|doctor name|nurse name|driver name|user real name|employee name|student name|nickname?|"
            "chinese name|english name|contact?",
            "|",
        ),
    },
    "CN_ADDRESS": {
        "zh": _split(
            "地址! 住址! 家庭住址 家庭地址 现住址 现居住地 居住地址 常住地址 户籍地址 户籍地 户口所在地 通讯地址 联系地址 "
            "收货地址 收件地址 寄件地址 送货地址 配送地址 详细地址 单位地址 工作单位地址 公司地址 注册地址 经营地址 办公地址 "
            "籍贯? 出生地 所在地? 居住地 详细住址 门牌号 街道? 小区 楼栋 房间号? 省份? 城市? 区县? 省市区? 乡镇? 村?"
        ),
        "en": _split(
            "address|addr|home address|street address|residential address|mailing address|postal address|"
            "shipping address|delivery address|billing address|registered address|office address|street|"
            "address line|address1|address2|birthplace|place of birth|native place|domicile|hukou|city?|province?|"
            "district?|county?|village?|community?|building?|room?",
            "|",
        ),
    },
    "DATE_OF_BIRTH": {
        "zh": _split("出生日期 出生年月 出生年月日 生日 出生时间 出生年份 诞生日期 出生"),
        "en": _split(
            "birth|birthday|birth date|date of birth|dob|birthdate|born|birth day|bday|birth year", "|"
        ),
    },
    "AGE": {
        "zh": _split("年龄! 岁数 周岁 患者年龄 年纪 年龄段? 就诊年龄 实足年龄"),
        "en": _split("age|ages|patient age|age years|age in years|years old", "|"),
    },
    "GENDER": {
        "zh": _split("性别! 患者性别 男女 性别代码 性别名称"),
        "en": _split("gender|sex|gender code|sex code|gender name", "|"),
    },
    "ETHNICITY": {
        "zh": _split("民族! 民族代码 民族名称 族别 少数民族"),
        "en": _split("ethnicity|ethnic|ethnic group|nationality?|nation?|race", "|"),
    },
    "RELIGION": {
        "zh": _split("宗教 宗教信仰 信仰 信教情况 宗教名称"),
        "en": _split("religion|religious|faith|belief?|religious belief", "|"),
    },
    "GEO_COORDINATE": {
        "zh": _split("经度 纬度 经纬度 坐标 位置? 定位 gps坐标 地理位置 轨迹"),
        "en": _split(
            "lat|lng|lon|latitude|longitude|coordinate|coordinates|coord|geo|geom|geometry|location?|gps|"
            "position?|geohash|point?|track|trajectory|lnglat|latlng",
            "|",
        ),
    },
    "DNA_SEQUENCE": {
        "zh": _split("基因序列 序列? dna序列 核酸序列 测序数据 碱基序列 测序结果"),
        "en": _split("sequence?|dna|dna sequence|seq?|read?|reads|fasta|fastq|nucleotide|sequencing", "|"),
    },
    "GENETIC_VARIANT": {
        "zh": _split("突变 基因突变 变异 基因变异 位点? 突变位点 变异位点 基因型 snp 检测结果?"),
        "en": _split("variant|variants|mutation|mutations|snp|rsid|genotype|hgvs|allele|vcf|zygosity", "|"),
    },
    "GENE_SYMBOL": {
        "zh": _split("基因 基因名 基因名称 基因符号 靶基因 检测基因"),
        "en": _split("gene|gene symbol|gene name|hgnc|target gene", "|"),
    },
    "ICD10_CODE": {
        "zh": _split("诊断编码 疾病编码 诊断代码 疾病代码 icd编码 icd10 主诊断编码 出院诊断编码"),
        "en": _split("icd|icd10|icd code|icd10 code|diagnosis code|disease code|dx code", "|"),
    },
    "DIAGNOSIS": {
        "zh": _split(
            "诊断 诊断名称 疾病名称 主诊断 入院诊断 出院诊断 门诊诊断 临床诊断 病名 疾病 病种 既往史 现病史 主诉 病情"
        ),
        "en": _split(
            "diagnosis|diagnoses|disease|disease name|condition?|illness|dx|chief complaint|medical history",
            "|",
        ),
    },
    "SPECIAL_DISEASE": {
        "zh": _split("传染病 性病 艾滋病 hiv 乙肝 精神病 精神疾病 特殊病种 慢性病? 肿瘤"),
        "en": _split(
            "hiv|aids|std|hepatitis|mental illness|psychiatric|infectious disease|tumor|cancer", "|"
        ),
    },
    "MEDICATION": {
        "zh": _split("药品 药品名称 药物 药名 用药 处方 医嘱 药品通用名 通用名 商品名? 用药记录 处方药"),
        "en": _split("drug|drugs|medication|medicine|drug name|prescription|rx|dosage|generic name", "|"),
    },
    "LAB_RESULT": {
        "zh": _split(
            "检验结果 化验结果 检查结果 检验项目 检验值 结果值? 参考范围 检验指标 化验单 检查报告 血常规 尿常规"
        ),
        "en": _split(
            "lab result|lab test|test result|result value?|lab value|reference range|assay|specimen result",
            "|",
        ),
    },
    "MEDICAL_RECORD_NO": {
        "zh": _split(
            "病历号 病案号 住院号 门诊号 就诊号 就诊卡号 医保卡号? 病历编号 病案编号 患者编号 患者id 登记号 健康档案号"
        ),
        "en": _split(
            "mrn|medical record|medical record no|patient id|inpatient no|outpatient no|case no|visit no|"
            "admission no|chart no",
            "|",
        ),
    },
    "CN_LICENSE_PLATE": {
        "zh": _split("车牌 车牌号 车牌号码 号牌号码 号牌 车号 机动车号牌"),
        "en": _split("plate|plate no|plate number|license plate|licence plate|car no|vehicle plate", "|"),
    },
    "VIN": {
        "zh": _split("车架号 车辆识别代号 车辆识别码 vin码 底盘号"),
        "en": _split("vin|vin code|chassis no|vehicle identification|frame no", "|"),
    },
    "CN_DRIVER_FILE_NO": {
        "zh": _split("档案编号 驾驶证档案编号 驾驶证 驾驶证号 驾照 驾照号 准驾车型?"),
        "en": _split("driver license|driving licence|driving license|license no?|licence no?|file no?", "|"),
    },
    "IMEI": {
        "zh": _split("设备号? 设备识别码 串号 手机串号 国际移动设备识别码"),
        "en": _split("imei|meid|device id?|deviceid?|device imei", "|"),
    },
    "IMSI": {
        "zh": _split("国际移动用户识别码 用户识别码"),
        "en": _split("imsi|subscriber id", "|"),
    },
    "ICCID": {
        "zh": _split("sim卡号 集成电路卡识别码 sim卡"),
        "en": _split("iccid|sim?|sim no|sim card|sim serial", "|"),
    },
    "MSISDN": {
        "zh": _split("用户号码 计费号码 主叫号码 被叫号码"),
        "en": _split("msisdn|calling number|called number|caller|callee", "|"),
    },
    "BIOMETRIC": {
        "zh": _split(
            "人脸 人脸照片 人脸图像 人脸特征 面部特征 面部图像 人脸识别 人像 人像照片 头像? 照片? 证件照 指纹 指纹特征 "
            "指纹模板 指纹图像 声纹 声纹特征 虹膜 虹膜特征 虹膜图像 掌纹 静脉 指静脉 掌静脉 步态 生物特征 生物识别 人脸比对 活体检测 "
            "人脸编码 人脸底库"
        ),
        "en": _split(
            "face?|face feature|face features|face image|face img|face photo|face template|face embedding|face vector|"
            "face encoding|facial|facial feature|face id|faceid|portrait?|photo?|avatar?|fingerprint|finger print|"
            "fingerprint template|minutiae|voiceprint|voice print|speaker embedding|iris|iris template|palmprint|palm vein|"
            "finger vein|vein|gait|biometric|biometrics|liveness|face token|rlbm|rltz|zwtz|swtz",
            "|",
        ),
    },
    "CREDENTIAL": {
        "zh": _split(
            "密码! 登录密码 支付密码 交易密码 取款密码 用户密码 口令 密钥 私钥 秘钥 验证码 短信验证码 动态码 动态口令 令牌 "
            "安全码 校验码? 有效期? 卡有效期 信用卡有效期 密码哈希 密文? 盐值 密保 密保问题 密保答案 支付密钥"
        ),
        "en": _split(
            "password|passwd|pwd|pass?|passcode|pin?|pin code|secret|secret key|private key|api key|apikey|access key|"
            "access token|refresh token|auth token|token|session?|session id|sessionid|session token|jwt|cookie?|otp|"
            "verification code|verify code|sms code|captcha|cvv|cvv2|cvn|cvn2|cvc|cvc2|security code|card expiry|"
            "expiry?|expiry date?|exp date?|expiration?|valid thru|password hash|pwd hash|hash?|salt|credential|credentials|"
            "auth?|mima|yzm",
            "|",
        ),
    },
    "MINOR_UNDER_14": {
        "zh": _split("儿童 未成年人 未成年 学生? 幼儿 婴儿 新生儿 学龄前 儿童姓名 监护人 小学生"),
        "en": _split("child|children|kid|kids|minor|minors|infant|newborn|pupil|juvenile|guardian", "|"),
    },
}

#: Words that cancel an entity's hints when they occur in the same column name or comment.
NOT: dict[str, list[str]] = {
    "CN_ADDRESS": _split(
        "ip|mac|email|mail|e-mail|url|uri|web|website|server|host|wallet|link|邮箱|网址|ip地址|mac地址|邮件|链接|网站|"
        "服务器|钱包|物理地址",
        "|",
    ),
    "CN_PERSON_NAME": _split(
        "company|corp|corporation|org|organization|organisation|dept|department|product|goods|item|sku|file|"
        "filename|table|column|field|host|hostname|server|drug|medicine|disease|diagnosis|hospital|bank|branch|brand|shop|store|"
        "project|course|city|province|country|region|area|street|building|category|type|tag|label|app|device|model|"
        "公司|单位|企业|机构|产品|商品|科室|部门|药品|药物|疾病|诊断|医院|银行|支行|文件|项目|课程|品牌|门店|城市|省份|地区|"
        "类别|类型|标签|设备|型号|学校|班级|名称",
        "|",
    ),
    "DATE_OF_BIRTH": _split("place|地|地点|籍", "|"),
    "CN_MOBILE": _split("ip|mac|imei|型号|model|brand|品牌|os|系统", "|"),
    "BIOMETRIC": _split(
        "count|num|flag|status|time|date|result|score|value|amount|状态|时间|次数|结果|标志|是否|面值|金额",
        "|",
    ),
    "CREDENTIAL": _split(
        "policy|rule|length|expire time|reset|count|fail|status|flag|strength|时间|次数|策略|规则|状态|是否|长度",
        "|",
    ),
}

PINYIN_EXTRA: dict[
    str, list[str]
] = {  # customary abbreviations pypinyin does not produce from the terms above
    "CN_PERSON_NAME": [
        "xm",
        "xingming",
        "hzxm",
        "brxm",
        "khxm",
        "lxr",
        "lxrxm",
        "sqr",
        "sqrxm",
        "jbr",
        "fzr",
        "fddbr",
    ],
    "CN_ADDRESS": [
        "dz",
        "zz",
        "jtzz",
        "jtdz",
        "xzz",
        "xzdz",
        "hjdz",
        "txdz",
        "lxdz",
        "shdz",
        "dwdz",
        "zcdz",
        "jydz",
    ],
    "CN_MOBILE": ["sjh", "sjhm", "lxdh", "yddh", "shouji", "shoujihao"],
    "CN_RESIDENT_ID": ["sfzh", "sfzhm", "sfz", "sfzjhm", "zjhm", "shenfenzheng", "shenfenzhenghao"],
    "CN_BANK_CARD": ["yhkh", "yinhangka", "yinhangkahao"],
    "DATE_OF_BIRTH": ["csrq", "csny", "shengri", "chushengriqi"],
    "AGE": ["nl", "nianling"],
    "GENDER": ["xb", "xingbie"],
    "ETHNICITY": ["mz", "minzu"],
    "RELIGION": ["zjxy", "zongjiao", "xinyang"],
    "CREDENTIAL": ["mm", "mima", "yzm", "dlmm", "zfmm", "jymm", "qkmm"],
    "BIOMETRIC": ["rlbm", "rltz", "rlzp", "zwtz", "swtz", "hmtz", "renlian", "zhiwen", "shengwen", "hongmo"],
    "DIAGNOSIS": ["zdmc", "jbmc", "zhenduan"],
    "ICD10_CODE": ["zdbm", "jbbm", "zddm", "jbdm"],
    "MEDICAL_RECORD_NO": ["blh", "bah", "zyh", "mzh", "jzh", "jzkh"],
    "CN_LICENSE_PLATE": ["cph", "hphm", "chepai"],
    "VIN": ["cjh", "clsbdh"],
    "MEDICATION": ["ypmc", "ypm"],
    "GEO_COORDINATE": ["jd", "wd", "jwd", "zb"],
    "EMAIL": ["dzyx", "youxiang"],
    "CN_LANDLINE": ["gddh", "bgdh", "jtdh"],
    "CN_BANK_ACCOUNT": ["yhzh", "khh", "skzh", "fkzh"],
    "CN_USCC": ["tyshxydm", "shxydm", "xydm", "nsrsbh"],
    "CN_PASSPORT": ["hzh", "huzhao"],
    "CN_DRIVER_FILE_NO": ["dabh", "jszh"],
}


def _pinyin(term: str) -> tuple[str, str]:
    from pypinyin import Style, lazy_pinyin

    full = "".join(lazy_pinyin(term, style=Style.NORMAL)).lower()
    initials = "".join(p[0] for p in lazy_pinyin(term, style=Style.FIRST_LETTER) if p).lower()
    return full, initials


def build() -> list[tuple[str, str, str, str]]:
    rows: list[tuple[str, str, str, str]] = []
    initials_of: dict[str, set[tuple[str, str]]] = defaultdict(set)
    pending: list[tuple[str, str, str, bool]] = []
    for entity, kinds in TERMS.items():
        for raw in kinds["zh"]:
            weak = raw.endswith("?")
            keep2 = raw.endswith("!")
            term = raw.rstrip("?!")
            strength = "weak" if weak else "strong"
            rows.append((entity, "zh" if not term.isascii() else "en", term, strength))
            if term.isascii():
                continue
            if any(c.isascii() for c in term):
                continue  # mixed terms (ip地址, vin码): no pinyin of the ASCII part
            full, initials = _pinyin(term)
            if full.isascii() and full.isalpha():
                rows.append((entity, "pinyin", full, strength if len(full) >= 5 or keep2 else "weak"))
            if initials.isalpha() and (len(initials) >= 3 or keep2):
                initials_of[initials].add((entity, term))
                pending.append((entity, initials, strength if len(initials) >= 4 or keep2 else "weak", keep2))
        for raw in kinds["en"]:
            term = raw.rstrip("?")
            rows.append((entity, "en", term, "weak" if raw.endswith("?") else "strong"))
    for entity, extra in PINYIN_EXTRA.items():
        for ab in extra:
            pending.append((entity, ab, "strong" if len(ab) >= 4 else "weak", True))
    for entity, initials, strength, forced in pending:
        sources = initials_of[initials]
        if len({e for e, _ in sources}) > 1 and len({t for _, t in sources}) > 1 and not forced:
            print(
                f"dropped ambiguous initials {initials!r} of {entity}: from {sorted(t for _, t in sources)}"
            )
            continue
        rows.append((entity, "initials", initials, strength))
    for entity, words in NOT.items():
        rows.extend((entity, "not", w, "") for w in words)
    seen: set[tuple[str, str, str]] = set()
    out = []
    for r in rows:
        if (r[0], r[1], r[2]) not in seen:
            seen.add((r[0], r[1], r[2]))
            out.append(r)
    return out


def main() -> None:
    import pypinyin

    rows = build()
    lines = [
        "# Column-name lexicon: entity<TAB>kind (zh|en|pinyin|initials|not)<TAB>term<TAB>strength (strong|weak).",
        "# Chinese and English terms hand-written for chujing (Apache-2.0); pinyin and initials generated from the",
        f"# Chinese terms with pypinyin {pypinyin.__version__} (MIT). 'not' terms cancel the entity's hints.",
        "# Regenerate: python recognizers/data/update/column_lexicon.py",
    ] + ["\t".join(r) for r in rows]
    fd, tmp = tempfile.mkstemp(dir=OUT.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    os.replace(tmp, OUT)
    print(f"{OUT}: {len(rows)} terms for {len(TERMS)} entities")


if __name__ == "__main__":
    main()
