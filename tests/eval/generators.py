"""Value generators for the labelled evaluation corpus (used by ``build_corpus.py``).

Every generator takes a ``random.Random`` and returns one value.  Identifiers are
computed from their standards (check digits, allocated prefixes, real division
codes), written here from the specifications in ``../shared/reference/identifiers.md``
and *not* with chujing's own validators, so that the evaluation does not grade the
recognizers against themselves.  Word lists (names, places, diseases, drugs …) are
written for this corpus and are deliberately not copied from ``recognizers/data``:
a term missing from a recognizer's lexicon must show up as a miss.
"""

from __future__ import annotations

import datetime as _dt
import random
import string

from pypinyin import lazy_pinyin

# -- places -------------------------------------------------------------------------------------------------

#: (province, city, district, six-digit division code, area code, latitude, longitude, real streets of the district).
PLACES = (
    (
        "北京市",
        "北京市",
        "朝阳区",
        "110105",
        "010",
        39.9219,
        116.4436,
        ("阜通东大街", "建国路", "朝阳北路", "望京街"),
    ),
    (
        "北京市",
        "北京市",
        "海淀区",
        "110108",
        "010",
        39.9593,
        116.2981,
        ("中关村大街", "学院路", "花园北路", "知春路"),
    ),
    (
        "上海市",
        "上海市",
        "浦东新区",
        "310115",
        "021",
        31.2212,
        121.5447,
        ("科苑路", "张江路", "世纪大道", "陆家嘴环路"),
    ),
    (
        "上海市",
        "上海市",
        "徐汇区",
        "310104",
        "021",
        31.1885,
        121.4365,
        ("漕溪北路", "肇嘉浜路", "虹桥路", "天钥桥路"),
    ),
    (
        "江苏省",
        "苏州市",
        "姑苏区",
        "320508",
        "0512",
        31.3116,
        120.6173,
        ("人民路", "干将西路", "十全街", "平江路"),
    ),
    (
        "江苏省",
        "苏州市",
        "吴中区",
        "320506",
        "0512",
        31.2703,
        120.6320,
        ("东吴北路", "宝带西路", "吴中大道", "越溪路"),
    ),
    (
        "江苏省",
        "苏州市",
        "相城区",
        "320507",
        "0512",
        31.3690,
        120.6420,
        ("阳澄湖东路", "相城大道", "华元路", "采莲路"),
    ),
    (
        "江苏省",
        "南京市",
        "鼓楼区",
        "320106",
        "025",
        32.0662,
        118.7697,
        ("中山北路", "北京西路", "汉中门大街", "湖南路"),
    ),
    (
        "江苏省",
        "南京市",
        "玄武区",
        "320102",
        "025",
        32.0485,
        118.7979,
        ("中山路", "珠江路", "北京东路", "龙蟠中路"),
    ),
    (
        "浙江省",
        "杭州市",
        "西湖区",
        "330106",
        "0571",
        30.2593,
        120.1300,
        ("文三路", "天目山路", "文二西路", "学院路"),
    ),
    (
        "广东省",
        "广州市",
        "天河区",
        "440106",
        "020",
        23.1247,
        113.3612,
        ("天河路", "体育西路", "中山大道", "黄埔大道"),
    ),
    (
        "广东省",
        "深圳市",
        "南山区",
        "440305",
        "0755",
        22.5333,
        113.9305,
        ("科苑路", "深南大道", "南海大道", "后海大道"),
    ),
    (
        "广东省",
        "深圳市",
        "福田区",
        "440304",
        "0755",
        22.5410,
        114.0550,
        ("深南中路", "福华路", "益田路", "彩田路"),
    ),
    (
        "四川省",
        "成都市",
        "武侯区",
        "510107",
        "028",
        30.6420,
        104.0430,
        ("天府大道", "人民南路", "武侯祠大街", "科华北路"),
    ),
    (
        "湖北省",
        "武汉市",
        "洪山区",
        "420111",
        "027",
        30.5000,
        114.3430,
        ("珞喻路", "雄楚大道", "光谷大道", "鲁磨路"),
    ),
    (
        "山东省",
        "济南市",
        "历下区",
        "370102",
        "0531",
        36.6660,
        117.0760,
        ("经十路", "泉城路", "解放路", "历山路"),
    ),
    (
        "河南省",
        "郑州市",
        "金水区",
        "410105",
        "0371",
        34.8000,
        113.6600,
        ("花园路", "金水路", "农业路", "经三路"),
    ),
    (
        "陕西省",
        "西安市",
        "雁塔区",
        "610113",
        "029",
        34.2230,
        108.9480,
        ("小寨东路", "长安南路", "雁塔路", "科技路"),
    ),
    (
        "辽宁省",
        "沈阳市",
        "和平区",
        "210102",
        "024",
        41.7890,
        123.4010,
        ("青年大街", "南京北街", "中华路", "太原街"),
    ),
    (
        "黑龙江省",
        "哈尔滨市",
        "南岗区",
        "230103",
        "0451",
        45.7600,
        126.6690,
        ("西大直街", "中山路", "红军街", "学府路"),
    ),
    (
        "福建省",
        "厦门市",
        "思明区",
        "350203",
        "0592",
        24.4460,
        118.0820,
        ("湖滨南路", "厦禾路", "中山路", "莲前西路"),
    ),
    (
        "云南省",
        "昆明市",
        "五华区",
        "530102",
        "0871",
        25.0430,
        102.7040,
        ("东风西路", "人民中路", "青年路", "学府路"),
    ),
    (
        "湖南省",
        "长沙市",
        "岳麓区",
        "430104",
        "0731",
        28.2350,
        112.9310,
        ("麓山南路", "岳麓大道", "枫林一路", "桐梓坡路"),
    ),
    (
        "安徽省",
        "合肥市",
        "蜀山区",
        "340104",
        "0551",
        31.8510,
        117.2600,
        ("长江西路", "黄山路", "潜山路", "望江西路"),
    ),
    (
        "重庆市",
        "重庆市",
        "渝中区",
        "500103",
        "023",
        29.5530,
        106.5690,
        ("民族路", "中山一路", "解放西路", "中山三路"),
    ),
    (
        "天津市",
        "天津市",
        "和平区",
        "120101",
        "022",
        39.1170,
        117.1950,
        ("南京路", "滨江道", "和平路", "成都道"),
    ),
)
#: Older or rural division codes that are valid in the code history (a resident keeps the code of first registration).
EXTRA_DIVISIONS = (
    "320502",
    "320503",
    "320504",
    "320583",
    "320584",
    "110102",
    "130503",
    "441302",
    "360102",
    "522401",
)

COMPOUNDS = (
    "阳光花园",
    "东吴花园",
    "翠苑小区",
    "锦绣江南",
    "万科城",
    "碧桂园",
    "幸福里",
    "金色家园",
    "绿地世纪城",
    "华润二十四城",
)
#: Real villages with their province, city and district.
VILLAGES = (
    "江苏省苏州市吴中区临湖镇湖桥村",
    "江苏省苏州市吴中区东山镇陆巷村",
    "北京市平谷区马坊镇石佛寺村",
    "四川省成都市龙泉驿区洛带镇宝胜村",
    "江苏省苏州市相城区黄桥街道张庄村",
    "浙江省杭州市西湖区转塘街道龙坞村",
)


def address(rng: random.Random, style: str | None = None) -> str:
    """A Chinese postal address of one of several common shapes, on a real street of a real district."""
    prov, city, dist, *_, streets = rng.choice(PLACES)
    street = rng.choice(streets)
    style = style or rng.choice(("full", "full", "compound", "no_province", "short", "village"))
    head = prov if prov == city else prov + city
    no = rng.randint(1, 1999)
    if style == "full":
        return f"{head}{dist}{street}{no}号{rng.randint(1, 30)}幢{rng.randint(1, 28)}0{rng.randint(1, 4)}室"
    if style == "compound":
        return f"{head}{dist}{street}{no}号{rng.choice(COMPOUNDS)}{rng.randint(1, 40)}栋{rng.randint(1, 3)}单元{rng.randint(1, 30)}0{rng.randint(1, 4)}"
    if style == "no_province":
        return f"{city}{dist}{street}{no}号"
    if style == "short":
        return f"{dist}{street}{no}号{rng.randint(1, 20)}0{rng.randint(1, 6)}室"
    return f"{rng.choice(VILLAGES)}{rng.randint(1, 16)}组{rng.randint(1, 80)}号"


# -- people -------------------------------------------------------------------------------------------------

SURNAMES = (
    "王",
    "李",
    "张",
    "刘",
    "陈",
    "杨",
    "黄",
    "赵",
    "吴",
    "周",
    "徐",
    "孙",
    "马",
    "朱",
    "胡",
    "郭",
    "何",
    "高",
    "林",
    "罗",
    "郑",
    "梁",
    "谢",
    "宋",
    "唐",
    "许",
    "韩",
    "冯",
    "邓",
    "曹",
    "彭",
    "曾",
    "肖",
    "田",
    "董",
    "袁",
    "潘",
    "于",
    "蒋",
    "蔡",
    "余",
    "杜",
    "叶",
    "程",
    "苏",
    "魏",
    "吕",
    "丁",
    "任",
    "沈",
    "姚",
    "卢",
    "姜",
    "崔",
    "钟",
    "谭",
    "陆",
    "汪",
    "范",
    "金",
    "石",
    "廖",
    "贾",
    "夏",
    "韦",
    "付",
    "方",
    "白",
    "邹",
    "孟",
    "熊",
    "秦",
    "邱",
    "江",
    "尹",
    "薛",
    "闫",
    "段",
    "雷",
    "侯",
    "龙",
    "史",
    "陶",
    "黎",
    "贺",
    "顾",
    "毛",
    "郝",
    "龚",
    "邵",
    "万",
    "钱",
    "严",
    "覃",
    "武",
    "戴",
    "莫",
    "孔",
    "向",
    "汤",
)
COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "慕容", "令狐")
GIVEN_CHARS = (
    "伟",
    "芳",
    "娜",
    "秀",
    "英",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "霞",
    "平",
    "刚",
    "桂",
    "兰",
    "辉",
    "玲",
    "建",
    "华",
    "国",
    "红",
    "文",
    "志",
    "宇",
    "浩",
    "欣",
    "怡",
    "子",
    "涵",
    "梓",
    "轩",
    "思",
    "雨",
    "嘉",
    "博",
    "俊",
    "晨",
    "佳",
    "琪",
    "瑶",
    "婷",
    "鹏",
    "飞",
    "斌",
    "波",
    "峰",
    "鑫",
    "颖",
    "倩",
    "晓",
    "雪",
    "海",
    "林",
    "宁",
    "凯",
    "彬",
    "慧",
    "琳",
    "萍",
    "亮",
    "成",
    "春",
    "梅",
    "一",
    "诺",
    "沐",
    "晗",
    "睿",
    "泽",
    "昊",
    "然",
)
#: Uyghur and other transliterated names written with the middle dot, as on ID cards.
DOTTED_NAMES = ("阿卜杜拉·买买提", "古丽米拉·艾买提", "迪丽娜尔·吐尔逊", "艾力·买合木提", "努尔兰·哈力木")


def person_name(rng: random.Random) -> str:
    """A Chinese personal name: mostly surname + one or two characters, some compound surnames."""
    r = rng.random()
    if r < 0.02:
        return rng.choice(DOTTED_NAMES)
    surname = rng.choice(COMPOUND_SURNAMES) if r < 0.07 else rng.choice(SURNAMES)
    n = 1 if rng.random() < 0.4 else 2
    return surname + "".join(rng.choice(GIVEN_CHARS) for _ in range(n))


def pinyin_of(name: str) -> str:
    return "".join(lazy_pinyin(name.replace("·", "")))


# -- dates --------------------------------------------------------------------------------------------------


def date_between(rng: random.Random, start: _dt.date, end: _dt.date) -> _dt.date:
    return start + _dt.timedelta(days=rng.randint(0, (end - start).days))


def date_text(d: _dt.date, style: str) -> str:
    return {
        "iso": d.isoformat(),
        "slash": f"{d.year}/{d.month}/{d.day}",
        "compact": d.strftime("%Y%m%d"),
        "zh": f"{d.year}年{d.month}月{d.day}日",
        "dot": f"{d.year}.{d.month:02d}.{d.day:02d}",
    }[style]


# -- identity documents -------------------------------------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def mod11_2(first17: str) -> str:
    return "10X98765432"[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def resident_id(
    rng: random.Random,
    born: tuple[int, int] = (1945, 2006),
    *,
    code: str | None = None,
    ending_x: bool = False,
) -> str:
    """A valid 18-character resident ID (GB 11643-1999)."""
    while True:
        code_ = code or (rng.choice(PLACES)[3] if rng.random() < 0.8 else rng.choice(EXTRA_DIVISIONS))
        d = date_between(rng, _dt.date(born[0], 1, 1), _dt.date(born[1], 12, 31))
        first17 = code_ + d.strftime("%Y%m%d") + f"{rng.randint(0, 999):03d}"
        check = mod11_2(first17)
        if not ending_x or check == "X":
            return first17 + check


def legacy_id15(rng: random.Random) -> str:
    """A 15-digit first-generation ID number (YYMMDD, 19xx, no check digit)."""
    code = rng.choice(PLACES)[3]
    d = date_between(rng, _dt.date(1930, 1, 1), _dt.date(1980, 12, 31))
    return code + d.strftime("%y%m%d") + f"{rng.randint(0, 999):03d}"


def bad_check_id(rng: random.Random) -> str:
    """ID-shaped (real division code and date) with a wrong check character."""
    good = resident_id(rng)
    wrong = [c for c in "0123456789X" if c != good[17]]
    return good[:17] + rng.choice(wrong)


def hmt_residence_permit(rng: random.Random) -> str:
    prefix = rng.choice(("810000", "820000", "830000"))
    return resident_id(rng, (1950, 2004), code=prefix)


def hk_macao_permit(rng: random.Random) -> str:
    kind = rng.choice("HHMC")
    return kind + f"{rng.randint(0, 99_999_999):08d}"


def taiwan_permit(rng: random.Random) -> str:
    return f"{rng.randint(1_000_000, 99_999_999):08d}"


def passport(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.6:
        return "E" + f"{rng.randint(10_000_000, 99_999_999)}"
    if r < 0.85:
        return "E" + rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") + f"{rng.randint(0, 9_999_999):07d}"
    if r < 0.95:
        return "G" + f"{rng.randint(10_000_000, 99_999_999)}"
    return rng.choice(("DE", "SE", "PE")) + f"{rng.randint(0, 9_999_999):07d}"


#: ISO 3166-1 numeric and alpha-3 codes of common nationalities.
NATIONALITIES = (
    ("840", "USA"),
    ("392", "JPN"),
    ("410", "KOR"),
    ("276", "DEU"),
    ("250", "FRA"),
    ("826", "GBR"),
    ("643", "RUS"),
    ("036", "AUS"),
    ("124", "CAN"),
    ("702", "SGP"),
)
PROVINCE_CODES = ("11", "31", "32", "33", "44", "51", "21", "35")


def foreigner_pr(rng: random.Random) -> str:
    """Foreigner permanent residence ID: new 9 + province + nationality + birth date + seq + check, or old 3 letters + 12 digits."""
    num, alpha = rng.choice(NATIONALITIES)
    if rng.random() < 0.75:
        d = date_between(rng, _dt.date(1950, 1, 1), _dt.date(2004, 12, 31))
        first17 = "9" + rng.choice(PROVINCE_CODES) + num + d.strftime("%Y%m%d") + f"{rng.randint(0, 999):03d}"
        return first17 + mod11_2(first17)
    return alpha + rng.choice(PROVINCE_CODES) + f"{rng.randint(0, 9_999_999_999):010d}"


_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc(rng: random.Random) -> str:
    """Unified social credit code (GB 32100-2015) with a valid GB 11714 organisation code inside."""
    head = rng.choice(("91", "91", "91", "92", "93", "12", "52", "N2", "Y1")) + rng.choice(PLACES)[3]
    org8 = "".join(rng.choice(string.digits + "ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
    total = sum(
        (int(c) if c.isdigit() else ord(c) - 55) * w
        for c, w in zip(org8, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)
    )
    check = 11 - total % 11
    org9 = org8 + {10: "X", 11: "0"}.get(check, str(check))
    if any(c not in _USCC_ALPHABET for c in org9):
        return uscc(rng)
    first17 = head + org9
    s = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return first17 + _USCC_ALPHABET[(31 - s % 31) % 31]


# -- phones and devices -------------------------------------------------------------------------------------

MOBILE_PREFIXES = (
    "139",
    "138",
    "137",
    "136",
    "135",
    "150",
    "151",
    "152",
    "157",
    "158",
    "159",
    "182",
    "183",
    "187",
    "188",
    "130",
    "131",
    "132",
    "155",
    "156",
    "185",
    "186",
    "176",
    "133",
    "153",
    "177",
    "180",
    "181",
    "189",
    "199",
    "191",
    "166",
    "173",
    "198",
)


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randint(0, 99_999_999):08d}"


def format_mobile(rng: random.Random, m: str, styles: tuple[str, ...] = ("plain",)) -> str:
    style = rng.choice(styles)
    return {
        "plain": m,
        "plus86": "+86" + m,
        "plus86_space": f"+86 {m[:3]} {m[3:7]} {m[7:]}",
        "dash": f"{m[:3]}-{m[3:7]}-{m[7:]}",
        "space": f"{m[:3]} {m[3:7]} {m[7:]}",
        "fullwidth": to_fullwidth(m),
    }[style]


def landline(rng: random.Random) -> str:
    """Area code + subscriber number with a separator (sometimes an extension)."""
    area = rng.choice(PLACES)[4]
    digits = 8 if len(area) == 3 else rng.choice((7, 8))
    sub = str(rng.randint(2, 8)) + "".join(rng.choice(string.digits) for _ in range(digits - 1))
    r = rng.random()
    if r < 0.6:
        out = f"{area}-{sub}"
    elif r < 0.8:
        out = f"({area}){sub}"
    else:
        out = f"{area} {sub}"
    if rng.random() < 0.1:
        out += f"转{rng.randint(100, 8999)}"
    return out


def luhn_complete(partial: str) -> str:
    """Append the Luhn check digit."""
    total = 0
    for i, c in enumerate(reversed(partial)):
        d = int(c)
        if i % 2 == 0:
            d *= 2
            d -= 9 if d > 9 else 0
        total += d
    return partial + str((10 - total % 10) % 10)


def luhn_ok(number: str) -> bool:
    return luhn_complete(number[:-1]) == number


#: Real BINs of Chinese banks (ABC, ICBC, CCB, CMB, BOCOM, BOC, PSBC, CITIC, Visa/Mastercard co-brands).
CARD_BINS = (
    ("622848", 19),
    ("622202", 19),
    ("621700", 19),
    ("622588", 16),
    ("622262", 19),
    ("621661", 19),
    ("621799", 19),
    ("622700", 19),
    ("621226", 19),
    ("436742", 16),
    ("518710", 16),
    ("625965", 16),
)


def bank_card(rng: random.Random) -> str:
    bin_, length = rng.choice(CARD_BINS)
    return luhn_complete(bin_ + "".join(rng.choice(string.digits) for _ in range(length - len(bin_) - 1)))


def group4(s: str, sep: str = " ") -> str:
    return sep.join(s[i : i + 4] for i in range(0, len(s), 4))


def bank_account(rng: random.Random) -> str:
    """A corporate account number: bank-specific lengths, no check digit."""
    return "".join(rng.choice(string.digits) for _ in range(rng.choice((12, 14, 17, 19, 20, 22))))


def imei(rng: random.Random) -> str:
    tac = rng.choice(("86", "35", "86", "99")) + f"{rng.randint(0, 999_999):06d}"
    return luhn_complete(tac + f"{rng.randint(0, 999_999):06d}")


def imsi(rng: random.Random) -> str:
    return "460" + rng.choice(("00", "01", "02", "03", "07", "11")) + f"{rng.randint(0, 9_999_999_999):010d}"


def iccid(rng: random.Random) -> str:
    return luhn_complete("8986" + rng.choice(("00", "01", "03", "11")) + f"{rng.randint(0, 10**13 - 1):013d}")


def msisdn(rng: random.Random) -> str:
    return "86" + mobile(rng)


#: OUIs of vendors common in China (Huawei, Xiaomi, Apple, Dell, Intel, VMware, Raspberry Pi).
OUIS = (
    "28:6E:D4",
    "00:E0:FC",
    "64:09:80",
    "3C:22:FB",
    "F4:8E:38",
    "00:1B:21",
    "00:50:56",
    "B8:27:EB",
    "AC:BC:32",
)


def mac(rng: random.Random, sep: str = ":", lower: bool = False) -> str:
    octets = rng.choice(OUIS).split(":") + [f"{rng.randint(0, 255):02X}" for _ in range(3)]
    out = sep.join(octets)
    return out.lower() if lower else out


def ipv4(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.3:
        return f"192.168.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    if r < 0.45:
        return f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    return f"{rng.choice((58, 61, 101, 112, 114, 117, 121, 180, 183, 202, 218, 222))}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def ipv6(rng: random.Random) -> str:
    return "240e:" + ":".join(f"{rng.randint(0, 0xFFFF):x}" for _ in range(7))


def email(rng: random.Random, name: str | None = None) -> str:
    r = rng.random()
    if r < 0.3:
        return f"{rng.randint(10_000, 3_999_999_999)}@qq.com"
    local = pinyin_of(name or person_name(rng))
    if rng.random() < 0.5:
        local += str(rng.randint(1, 2005))
    domain = rng.choice(
        (
            "163.com",
            "126.com",
            "sina.com",
            "gmail.com",
            "foxmail.com",
            "outlook.com",
            "sohu.com",
            "example.com.cn",
            "corp.chujing-demo.cn",
            "hospital.org.cn",
        )
    )
    return f"{local}@{domain}"


# -- vehicles -----------------------------------------------------------------------------------------------

PROVINCE_CHARS = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


def plate(rng: random.Random, dot: bool = False) -> str:
    """A GA 36-2018 plate: ordinary (at most two letters among five), new-energy, or learner (学)."""
    head = rng.choice(PROVINCE_CHARS) + rng.choice(PLATE_LETTERS[:12])
    r = rng.random()
    if r < 0.75:
        body = [rng.choice(string.digits) for _ in range(5)]
        for pos in rng.sample(range(5), rng.choice((0, 1, 1, 2))):
            body[pos] = rng.choice(PLATE_LETTERS)
        tail = "".join(body)
    elif r < 0.95:
        tail = rng.choice("DF") + rng.choice(PLATE_LETTERS + string.digits) + f"{rng.randint(0, 9999):04d}"
    else:
        tail = f"{rng.randint(0, 9999):04d}学"
    return head + ("·" if dot else "") + tail


_VIN_VALUES = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
_VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
WMIS = ("LSV", "LFV", "LVS", "LGB", "LHG", "LBV", "LSG", "LVV", "LGX", "LRW", "LDC", "LZW")


def vin(rng: random.Random) -> str:
    """A VIN with a Chinese WMI and the ISO 3779 / GB 16735 check digit in position 9."""
    body = rng.choice(WMIS) + "".join(rng.choice(_VIN_CHARS) for _ in range(5))
    tail = rng.choice("EFGHJKLMNPRS") + rng.choice(_VIN_CHARS) + f"{rng.randint(0, 999_999):06d}"
    raw = body + "0" + tail
    total = sum(_VIN_VALUES[c] * w for c, w in zip(raw, _VIN_WEIGHTS, strict=True))
    check = total % 11
    return body + ("X" if check == 10 else str(check)) + tail


def driver_file_no(rng: random.Random) -> str:
    return rng.choice(("3205", "1101", "3101", "4403")) + f"{rng.randint(0, 99_999_999):08d}"


# -- health and genetics ------------------------------------------------------------------------------------

DIAGNOSES = (
    "2型糖尿病",
    "原发性高血压",
    "高血压3级",
    "社区获得性肺炎",
    "慢性胃炎",
    "急性阑尾炎",
    "冠状动脉粥样硬化性心脏病",
    "脑梗死",
    "慢性阻塞性肺疾病",
    "支气管哮喘",
    "肺恶性肿瘤",
    "乳腺恶性肿瘤",
    "胃恶性肿瘤",
    "肝硬化",
    "慢性肾脏病5期",
    "急性心肌梗死",
    "心房颤动",
    "甲状腺功能亢进症",
    "类风湿关节炎",
    "系统性红斑狼疮",
    "帕金森病",
    "阿尔茨海默病",
    "抑郁症",
    "精神分裂症",
    "缺铁性贫血",
    "腰椎间盘突出症",
    "胆囊结石",
    "急性胰腺炎",
    "慢性乙型病毒性肝炎",
    "肺结核",
    "骨质疏松",
    "痛风",
    "白内障",
    "青光眼",
    "慢性心力衰竭",
    "病毒性心肌炎",
    "急性上呼吸道感染",
    "过敏性鼻炎",
)
SPECIAL_DISEASES = (
    "艾滋病",
    "HIV感染",
    "梅毒",
    "淋病",
    "尖锐湿疣",
    "生殖器疱疹",
    "二期梅毒",
    "获得性免疫缺陷综合征",
)
#: ICD-10 codes with the Chinese clinical-edition extensions, matching the diagnoses above loosely.
ICD10_CODES = (
    "E11.900",
    "I10.x00",
    "I10.x00x003",
    "J18.900",
    "K29.500",
    "K35.800",
    "I25.103",
    "I63.900",
    "J44.900",
    "J45.900",
    "C34.900",
    "C50.900",
    "C16.900",
    "K74.600",
    "N18.500",
    "I21.900",
    "I48.900",
    "E05.900",
    "M06.900",
    "M32.900",
    "G20.x00",
    "G30.900",
    "F32.900",
    "F20.900",
    "D50.900",
    "M51.202",
    "K80.200",
    "K85.900",
    "B18.100",
    "A15.000x002",
    "M81.900",
    "M10.900",
    "H26.900",
    "H40.900",
    "I50.900",
    "A38xx01",
    "B20.000",
    "A51.300",
)


#: ICD-10 ranges of the special diseases: HIV disease (B20-B24), asymptomatic HIV (Z21), sexually transmitted
#: infections (A50-A64).  A code in these ranges says the person has a special disease.
def is_special_icd(code: str) -> bool:
    head = code[:3]
    return head[:2] == "A5" or ("A60" <= head <= "A64") or ("B20" <= head <= "B24") or head == "Z21"


MEDICATIONS = (
    "阿莫西林胶囊",
    "盐酸二甲双胍片",
    "阿托伐他汀钙片",
    "苯磺酸氨氯地平片",
    "布洛芬缓释胶囊",
    "头孢克肟分散片",
    "奥美拉唑肠溶胶囊",
    "门冬胰岛素注射液",
    "阿司匹林肠溶片",
    "硝苯地平控释片",
    "氯吡格雷",
    "左氧氟沙星片",
    "甲硝唑",
    "二甲双胍",
    "厄贝沙坦",
    "瑞舒伐他汀",
    "美托洛尔缓释片",
    "利伐沙班",
    "恩替卡韦片",
    "替诺福韦",
    "帕罗西汀",
    "奥氮平",
    "吉非替尼",
    "奥希替尼",
    "卡培他滨",
    "注射用紫杉醇",
    "地塞米松",
    "泼尼松片",
    "甲氨蝶呤",
    "华法林钠片",
)
DOSES = ("0.5g tid", "500mg bid", "20mg qd", "5mg qd", "0.3g bid", "10mg qn", "75mg qd", "1片 tid")
#: (test name, unit, low, high) for lab results written as name + value + unit.
LAB_TESTS = (
    ("空腹血糖", "mmol/L", 3.5, 16.0),
    ("糖化血红蛋白", "%", 4.5, 11.0),
    ("血红蛋白", "g/L", 80, 170),
    ("白细胞计数", "×10^9/L", 2.5, 18.0),
    ("谷丙转氨酶", "U/L", 8, 260),
    ("肌酐", "μmol/L", 40, 600),
    ("总胆固醇", "mmol/L", 2.8, 8.5),
    ("甘油三酯", "mmol/L", 0.4, 6.0),
    ("尿酸", "μmol/L", 150, 620),
    ("C反应蛋白", "mg/L", 0.5, 120.0),
    ("血小板计数", "×10^9/L", 60, 450),
    ("促甲状腺激素", "mIU/L", 0.1, 9.0),
)


def lab_result(rng: random.Random, sep: str = " ") -> str:
    name, unit, lo, hi = rng.choice(LAB_TESTS)
    value = rng.uniform(lo, hi)
    num = f"{value:.1f}" if hi < 50 else f"{value:.0f}"
    return f"{name}{sep}{num}{unit}"


def medical_record_no(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.5:
        return "ZY" + f"{rng.randint(2015, 2026)}{rng.randint(0, 999_999):06d}"
    if r < 0.8:
        return f"{rng.randint(0, 9_999_999):08d}"
    return "MZ" + f"{rng.randint(10_000_000, 99_999_999)}"


GENES = (
    "BRCA1",
    "BRCA2",
    "TP53",
    "EGFR",
    "KRAS",
    "ALK",
    "BRAF",
    "PIK3CA",
    "MTHFR",
    "CYP2C19",
    "CYP2D6",
    "APOE",
    "HLA-B",
    "ERBB2",
    "PTEN",
    "RET",
    "ROS1",
    "MLH1",
    "MSH2",
    "APC",
    "CFTR",
    "DMD",
    "SMN1",
    "FBN1",
    "LDLR",
    "PCSK9",
    "TPMT",
    "DPYD",
    "UGT1A1",
    "VKORC1",
    "NTRK1",
    "IDH1",
    "JAK2",
    "FLT3",
    "NPM1",
    "CDH1",
    "ATP7B",
    "GJB2",
)
VARIANTS = (
    "rs1801133",
    "rs4244285",
    "rs12248560",
    "rs429358",
    "rs7412",
    "rs3892097",
    "rs1057910",
    "rs9923231",
    "NM_004333.4:c.1799T>A",
    "NM_005228.5:c.2573T>G",
    "NM_000546.6:c.743G>A",
    "NM_007294.4:c.68_69del",
    "NM_000059.4:c.5946del",
    "NM_004006.2:c.4375C>T",
    "c.35delG",
    "c.235delC",
    "p.Val600Glu",
    "p.(Arg97Gly)",
    "p.Leu858Arg",
    "p.Gly12Asp",
    "chr7:g.140453136A>T",
    "chr17:g.7675088C>T",
)


def dna_sequence(rng: random.Random, lo: int = 30, hi: int = 150) -> str:
    return "".join(rng.choice("ACGT") for _ in range(rng.randint(lo, hi)))


# -- demographics -------------------------------------------------------------------------------------------

ETHNICITIES = (
    "汉族",
    "汉族",
    "汉族",
    "汉族",
    "回族",
    "满族",
    "壮族",
    "维吾尔族",
    "蒙古族",
    "藏族",
    "苗族",
    "彝族",
    "土家族",
    "朝鲜族",
    "侗族",
    "瑶族",
    "白族",
    "哈萨克族",
)
RELIGIONS = ("佛教", "道教", "伊斯兰教", "天主教", "基督教", "无宗教信仰", "佛教", "基督教")


# -- credentials and biometrics -----------------------------------------------------------------------------

_B64 = string.ascii_letters + string.digits + "+/"
_BCRYPT = string.ascii_letters + string.digits + "./"


def bcrypt_hash(rng: random.Random) -> str:
    return f"$2b${rng.choice(('10', '12'))}$" + "".join(rng.choice(_BCRYPT) for _ in range(53))


def api_secret(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.3:
        return "AKIA" + "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(16))
    if r < 0.6:
        return "ghp_" + "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(36))
    return "sk-" + "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(48))


def face_template(rng: random.Random, nbytes: int = 96) -> str:
    """A base64 face-feature vector as face-recognition systems store it."""
    return "".join(rng.choice(_B64) for _ in range(nbytes * 4 // 3)) + "=="


def hex_string(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


# -- text helpers -------------------------------------------------------------------------------------------

_FULLWIDTH = {ord(c): ord(c) + 0xFEE0 for c in string.digits + string.ascii_letters}


def to_fullwidth(s: str) -> str:
    return s.translate(_FULLWIDTH)


def company_name(rng: random.Random) -> str:
    city = rng.choice(("苏州", "上海", "北京", "深圳", "杭州", "南京", "成都"))
    core = rng.choice(
        ("恒瑞", "华兴", "金桥", "张江", "天成", "博远", "宏达", "信诚", "王府", "李宁", "海澜", "长城")
    )
    kind = rng.choice(("生物医药", "科技", "物流", "电子商务", "食品", "机械制造", "信息技术"))
    form = rng.choice(("有限公司", "股份有限公司", "有限责任公司"))
    return f"{city}{core}{kind}{form}"
