"""Fictional people, accounts, devices and vehicles for the embedded demo warehouse.

``chujing demo`` has to show the scanner on data that looks like a real Chinese
warehouse, so every identifier generated here carries the checksum the real
one carries (resident ID MOD 11-2 via :func:`recognizers.identity.check_char`,
Luhn for bank cards and IMEIs via python-stdnum, the ISO 3779 VIN check digit)
and names, divisions and streets are real-world *vocabulary* — but every person
is invented.  All randomness comes from the ``random.Random`` passed in, so a
seed reproduces the data exactly.

>>> import random
>>> from recognizers.identity import is_valid_resident_id
>>> rng = random.Random(1)
>>> rid = make_resident_id(rng, "320506", _dt.date(1958, 3, 12), "女")
>>> rid[:14], int(rid[16]) % 2 == 0, is_valid_resident_id(rid)
('32050619580312', True, True)
>>> vin_complete("1M8GDM9A", "KP042788")
'1M8GDM9AXKP042788'
>>> luhn.is_valid(luhn_complete(rng, "622848", 19))
True
"""

from __future__ import annotations

import datetime as _dt
import random

from stdnum import luhn

from recognizers.identity import check_char

__all__ = [
    "DIVISION_CODES",
    "address",
    "bank_card",
    "email_for",
    "format_mobile",
    "group4",
    "imei",
    "initials",
    "luhn_complete",
    "make_legacy_resident_id",
    "make_resident_id",
    "mobile_number",
    "person_name",
    "pick_division",
    "plate_number",
    "vehicle_vin",
    "vin_check_digit",
    "vin_complete",
]

# --- names ------------------------------------------------------------------------------------------

# Surname shares (percent) after the national surname statistics; Suzhou-typical 顾陆沈钱 slightly raised.
_SURNAMES = (
    ("王", 7.1),
    ("李", 7.2),
    ("张", 6.8),
    ("刘", 5.4),
    ("陈", 4.5),
    ("杨", 3.1),
    ("黄", 2.2),
    ("赵", 2.3),
    ("吴", 2.1),
    ("周", 2.0),
    ("徐", 1.7),
    ("孙", 1.5),
    ("马", 1.4),
    ("朱", 1.3),
    ("胡", 1.3),
    ("郭", 1.1),
    ("何", 1.2),
    ("高", 1.0),
    ("林", 1.1),
    ("罗", 0.9),
    ("郑", 0.8),
    ("梁", 0.7),
    ("谢", 0.6),
    ("宋", 0.6),
    ("唐", 0.6),
    ("许", 0.6),
    ("韩", 0.5),
    ("冯", 0.5),
    ("邓", 0.5),
    ("曹", 0.5),
    ("彭", 0.5),
    ("曾", 0.5),
    ("肖", 0.5),
    ("田", 0.5),
    ("董", 0.4),
    ("袁", 0.4),
    ("潘", 0.4),
    ("于", 0.4),
    ("蒋", 0.4),
    ("蔡", 0.4),
    ("余", 0.4),
    ("杜", 0.4),
    ("叶", 0.4),
    ("程", 0.4),
    ("苏", 0.4),
    ("魏", 0.3),
    ("吕", 0.3),
    ("丁", 0.3),
    ("任", 0.3),
    ("沈", 0.5),
    ("姚", 0.3),
    ("卢", 0.3),
    ("姜", 0.3),
    ("崔", 0.3),
    ("钟", 0.3),
    ("谭", 0.3),
    ("陆", 0.5),
    ("汪", 0.3),
    ("范", 0.3),
    ("金", 0.3),
    ("石", 0.2),
    ("廖", 0.2),
    ("贾", 0.2),
    ("夏", 0.2),
    ("韦", 0.2),
    ("顾", 0.5),
    ("钱", 0.3),
    ("缪", 0.1),
    ("浦", 0.05),
    ("欧阳", 0.05),
    ("司马", 0.01),
    ("上官", 0.01),
    ("诸葛", 0.01),
)
_SURNAME_CHOICES = tuple(s for s, _ in _SURNAMES)
_SURNAME_WEIGHTS = tuple(w for _, w in _SURNAMES)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Given names by generation: (born before 1970, 1970-1999, 2000 and later) x sex.
_GIVEN = {
    ("男", 0): _words("建国 国强 志明 德华 永新 海峰 建华 国华 春明 志强 文 明 华 平 刚 军 勇 成 德 新"),
    ("女", 0): _words("秀英 秀兰 桂英 玉兰 凤英 淑珍 美玉 春梅 玉珍 桂兰 红 芳 兰 珍 琴 英 萍 梅 荣 霞"),
    ("男", 1): _words(
        "伟 强 磊 军 勇 杰 涛 斌 超 明 辉 鹏 华 飞 波 峰 亮 浩 凯 健 俊 志伟 建军 海涛 晓明 宇 旭 龙"
    ),
    ("女", 1): _words(
        "芳 娜 敏 静 丽 艳 娟 霞 玲 丹 萍 红 婷 雪 琳 颖 倩 洁 燕 慧 晶 丽娟 雪梅 海燕 秀梅 佳 琴 瑶"
    ),
    ("男", 2): _words(
        "浩宇 子轩 宇轩 睿 梓涵 沐宸 一诺 浩然 博文 子涵 雨泽 俊杰 鑫 宇 晨 嘉铭 思远 泽宇 铭 诚"
    ),
    ("女", 2): _words("欣怡 梓萱 诗涵 雨桐 一诺 子涵 思涵 佳琪 雅 怡 欣 琪 晨曦 梓涵 雨 诗雅 嘉怡 悦 瑶 萱"),
}

# Pinyin of every character above (generated once with pypinyin; surnames read as surnames: 曾 zeng, 缪 miao).
_PINYIN = dict(
    (p[0], p[1:])
    for p in _words("""
一yi 丁ding 丹dan 丽li 于yu 云yun 亮liang 任ren 伟wei 何he 余yu 佳jia 俊jun 倩qian 健jian 兰lan 军jun 冯feng 凤feng
凯kai 刘liu 刚gang 勇yong 华hua 博bo 卢lu 叶ye 吕lv 吴wu 周zhou 唐tang 嘉jia 国guo 夏xia 姚yao 姜jiang 娜na 娟juan
婷ting 子zi 孙sun 宁ning 宇yu 宋song 宸chen 峰feng 崔cui 帆fan 平ping 廖liao 建jian 张zhang 强qiang 彭peng 徐xu 德de
志zhi 思si 怡yi 慧hui 成cheng 敏min 文wen 斌bin 新xin 旭xu 明ming 春chun 晨chen 晶jing 曹cao 曾zeng 朱zhu 李li 杜du
杨yang 杰jie 林lin 桂gui 桐tong 梁liang 梅mei 梓zi 欣xin 永yong 汪wang 沈shen 沐mu 波bo 泽ze 洁jie 浦pu 浩hao 海hai
涛tao 涵han 淑shu 潘pan 燕yan 玉yu 王wang 玲ling 珍zhen 琪qi 琳lin 琴qin 瑶yao 田tian 睿rui 石shi 磊lei 秀xiu 程cheng
红hong 缪miao 罗luo 美mei 肖xiao 胡hu 艳yan 芳fang 苏su 英ying 范fan 荣rong 萍ping 萱xuan 董dong 蒋jiang 蔡cai 袁yuan
许xu 诗shi 诚cheng 诺nuo 谢xie 谭tan 贾jia 赵zhao 超chao 轩xuan 辉hui 邓deng 郑zheng 郭guo 金jin 鑫xin 钟zhong 钱qian
铭ming 阳yang 陆lu 陈chen 雅ya 雨yu 雪xue 霞xia 静jing 韦wei 韩han 顾gu 颖ying 飞fei 马ma 高gao 魏wei 鹏peng 黄huang
龙long 欧ou 上shang 官guan 司si 诸zhu 葛ge 晓xiao 远yuan 然ran 曦xi 悦yue
""")
)


def person_name(rng: random.Random, sex: str, born: _dt.date) -> str:
    """A fictional Chinese name whose given name fits the sex and the birth generation."""
    generation = 0 if born.year < 1970 else 1 if born.year < 2000 else 2
    return rng.choices(_SURNAME_CHOICES, _SURNAME_WEIGHTS)[0] + rng.choice(_GIVEN[(sex, generation)])


def _surname_length(name: str) -> int:
    return 2 if name[:2] in {"欧阳", "司马", "上官", "诸葛"} else 1


def initials(name: str) -> str:
    """Pinyin initials as pharmacovigilance forms write them: 王秀英 → ``W.X.Y.``."""
    return "".join(_PINYIN[c][0].upper() + "." for c in name)


def email_for(rng: random.Random, name: str, domain: str | None = None) -> str:
    """A plausible address: ``wangxiuying@163.com``, ``xy.wang88@sina.com`` or a numeric QQ mailbox."""
    n = _surname_length(name)
    sur = "".join(_PINYIN[c] for c in name[:n])
    given = "".join(_PINYIN[c] for c in name[n:])
    style = rng.random()
    if domain is None:
        if style < 0.25:
            return f"{rng.randint(10_000_000, 3_999_999_999)}@qq.com"
        domain = rng.choice(("163.com", "126.com", "sina.com", "foxmail.com", "139.com", "outlook.com"))
    if style < 0.55:
        return f"{sur}{given}@{domain}"
    if style < 0.8:
        return f"{given}.{sur}{rng.randint(1, 99)}@{domain}"
    return f"{''.join(_PINYIN[c][0] for c in name[n:])}{sur}@{domain}"


# --- resident ID numbers ----------------------------------------------------------------------------

# Division codes of first registration (GB/T 2260, all present in the historic code table).  Suzhou's
# districts and county-level cities dominate, then the rest of Jiangsu, then the whole country.
# 320571 (苏州工业园区) is an NBS statistical code, not in GB/T 2260's history, so it is left out here.
_DIVISIONS = (
    ("320505", 8),
    ("320506", 10),
    ("320507", 7),
    ("320508", 10),
    ("320509", 8),
    ("320581", 5),
    ("320582", 5),
    ("320583", 6),
    ("320585", 3),
    ("320502", 2),
    ("320503", 2),
    ("320504", 2),
    ("320524", 2),
    ("320102", 2),
    ("320106", 2),
    ("320211", 2),
    ("320213", 1),
    ("320402", 2),
    ("320412", 1),
    ("320602", 2),
    ("320612", 1),
    ("321002", 1),
    ("320303", 1),
    ("321102", 1),
    ("320830", 1),
    ("310104", 2),
    ("310115", 2),
    ("330106", 1),
    ("340104", 2),
    ("370102", 1),
    ("410105", 2),
    ("420106", 1),
    ("430104", 1),
    ("440106", 1),
    ("440305", 1),
    ("510107", 1),
    ("110105", 1),
    ("120101", 1),
    ("500103", 1),
    ("610113", 1),
    ("210102", 1),
    ("230103", 1),
    ("350203", 1),
    ("360102", 1),
    ("450103", 1),
    ("530102", 1),
    ("620102", 1),
    ("650102", 1),
    ("540102", 1),
    ("150102", 1),
    ("640104", 1),
    ("130503", 1),
)
DIVISION_CODES = tuple(c for c, _ in _DIVISIONS)
_DIVISION_WEIGHTS = tuple(w for _, w in _DIVISIONS)


def pick_division(rng: random.Random) -> str:
    return rng.choices(DIVISION_CODES, _DIVISION_WEIGHTS)[0]


def _sequence(rng: random.Random, sex: str) -> str:
    """Three-digit order code: odd for men, even for women (GB 11643)."""
    return f"{rng.randrange(1, 500) * 2 + (1 if sex == '男' else 0):03d}"


def make_resident_id(rng: random.Random, division: str, birth: _dt.date, sex: str) -> str:
    """An 18-character resident ID with a correct MOD 11-2 check character."""
    first17 = f"{division}{birth:%Y%m%d}{_sequence(rng, sex)}"
    return first17 + check_char(first17)


def make_legacy_resident_id(rng: random.Random, division: str, birth: _dt.date, sex: str) -> str:
    """A 15-digit number as issued before 1999 (two-digit year, no check character)."""
    if not 1900 <= birth.year <= 1999:
        raise ValueError("15-digit numbers only exist for people born in the 1900s")
    return f"{division}{birth:%y%m%d}{_sequence(rng, sex)}"


# --- telephones -------------------------------------------------------------------------------------

_MOBILE_PREFIXES = (
    "134",
    "135",
    "136",
    "137",
    "138",
    "139",
    "147",
    "150",
    "151",
    "152",
    "157",
    "158",
    "159",
    "178",
    "182",
    "183",
    "187",
    "188",
    "198",
    "130",
    "131",
    "132",
    "155",
    "156",
    "166",
    "175",
    "176",
    "185",
    "186",
    "133",
    "153",
    "173",
    "177",
    "180",
    "181",
    "189",
    "191",
    "199",
)


def mobile_number(rng: random.Random) -> str:
    """An 11-digit mainland mobile number in an allocated range."""
    return rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def format_mobile(rng: random.Random, number: str, plain_share: float = 0.8) -> str:
    """Most numbers bare, the rest as people type them: ``+86 139 1234 5678``, ``139-1234-5678``."""
    if rng.random() < plain_share:
        return number
    a, b, c = number[:3], number[3:7], number[7:]
    return rng.choice((f"+86 {a} {b} {c}", f"+86-{number}", f"{a}-{b}-{c}", f"{a} {b} {c}", f"+86{number}"))


# --- bank cards -------------------------------------------------------------------------------------

# UnionPay debit BINs (62xxxx) as printed by the issuing banks, with the card length they use.
_CARD_BINS = (
    ("622848", "中国农业银行", 19, 5),
    ("622202", "中国工商银行", 19, 6),
    ("621700", "中国建设银行", 19, 5),
    ("621661", "中国银行", 19, 4),
    ("622262", "交通银行", 19, 3),
    ("622588", "招商银行", 16, 3),
    ("621483", "招商银行", 16, 2),
    ("622908", "兴业银行", 18, 2),
    ("621799", "中国邮政储蓄银行", 19, 2),
    ("623061", "江苏银行", 19, 2),
    ("621626", "平安银行", 19, 1),
    ("622630", "华夏银行", 16, 1),
)
_BRANCH_AREAS = (
    "苏州分行营业部",
    "苏州工业园区支行",
    "苏州姑苏支行",
    "苏州吴中支行",
    "苏州高新区支行",
    "昆山支行",
    "常熟支行",
    "苏州相城支行",
    "南京鼓楼支行",
    "上海徐汇支行",
)


def luhn_complete(rng: random.Random, prefix: str, length: int) -> str:
    """``prefix`` + random digits + the Luhn check digit, ``length`` digits in all."""
    body = prefix + "".join(rng.choice("0123456789") for _ in range(length - len(prefix) - 1))
    return body + luhn.calc_check_digit(body)


def group4(number: str) -> str:
    """Groups of four separated by spaces, as card numbers are printed: ``6228 4804 …``."""
    return " ".join(number[i : i + 4] for i in range(0, len(number), 4))


def bank_card(rng: random.Random) -> tuple[str, str, str]:
    """(card number, bank, branch 开户行) for a UnionPay debit card."""
    bin_, bank, length, _ = rng.choices(_CARD_BINS, [b[3] for b in _CARD_BINS])[0]
    return luhn_complete(rng, bin_, length), bank, bank + rng.choice(_BRANCH_AREAS)


# --- devices and vehicles ---------------------------------------------------------------------------

# Type allocation codes of Chinese module makers' cellular IoT modules (8 digits, fictional within 86xxxxxx).
_TACS = ("86891403", "86475105", "86092006", "86723804")


def imei(rng: random.Random) -> str:
    """A 15-digit IMEI: 8-digit TAC, 6-digit serial, Luhn check digit."""
    return luhn_complete(rng, rng.choice(_TACS), 15)


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


def vin_check_digit(vin: str) -> str:
    """ISO 3779 / GB 16735 check digit (position 9) of a 17-character VIN."""
    total = sum(_VIN_VALUES[c] * w for c, w in zip(vin.upper(), _VIN_WEIGHTS, strict=True))
    return "X" if total % 11 == 10 else str(total % 11)


def vin_complete(first8: str, last8: str) -> str:
    """WMI + VDS (8 characters) and VIS (8 characters) joined by their check digit."""
    draft = first8 + "0" + last8
    return first8 + vin_check_digit(draft) + last8


# Chinese WMIs of light-commercial / electric van makers.
_WMIS = ("LZW", "LGX", "LEF", "LSK", "LVB", "LC0")
_MODEL_YEARS = "LMNPRS"  # 2020-2025


def vehicle_vin(rng: random.Random) -> str:
    vds = "".join(rng.choice(_VIN_CHARS) for _ in range(5))
    vis = rng.choice(_MODEL_YEARS) + rng.choice("ABCDEFGH") + f"{rng.randrange(10**6):06d}"
    return vin_complete(rng.choice(_WMIS) + vds, vis)


_PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_PLATE_MIX = _PLATE_LETTERS + "0123456789"


def plate_number(rng: random.Random, city: str = "E") -> str:
    """A Suzhou plate (苏E/苏U): ordinary ``苏E·3K7Q2``, small new-energy ``苏ED12345`` or large ``苏E12345D``."""
    r = rng.random()
    if r < 0.45:
        tail = "".join(rng.choice("0123456789") for _ in range(3)) + "".join(
            rng.choice(_PLATE_MIX) for _ in range(2)
        )
        tail = "".join(rng.sample(tail, len(tail)))
        return f"苏{city}{rng.choice(('·', '', '·'))}{tail}"
    if r < 0.8:
        return f"苏{city}{rng.choice('DF')}{rng.choice(_PLATE_MIX)}{rng.randrange(10**4):04d}"
    return f"苏{city}{rng.randrange(10**5):05d}{rng.choice('DF')}"


# --- addresses --------------------------------------------------------------------------------------

# (province, city, district, streets) — real place names, invented house numbers.
_PLACES = (
    ("江苏省", "苏州市", "姑苏区", ("人民路", "干将西路", "十全街", "平江路", "山塘街", "三香路", "东环路")),
    (
        "江苏省",
        "苏州市",
        "吴中区",
        ("东吴北路", "宝带西路", "越溪街道吴中大道", "木渎镇中山东路", "长桥街道迎春路"),
    ),
    ("江苏省", "苏州市", "相城区", ("阳澄湖东路", "相城大道", "元和街道御窑路", "黄桥街道春申路")),
    ("江苏省", "苏州市", "吴江区", ("中山南路", "鲈乡北路", "松陵街道开平路", "盛泽镇舜湖西路")),
    (
        "江苏省",
        "苏州市",
        "苏州工业园区",
        ("星湖街", "现代大道", "金鸡湖大道", "苏州大道东", "星海街", "娄葑街道东环路"),
    ),
    ("江苏省", "苏州市", "虎丘区", ("狮山路", "长江路", "塔园路", "竹园路", "枫桥街道金山路")),
    ("江苏省", "苏州市", "昆山市", ("前进中路", "人民南路", "玉山镇马鞍山路", "花桥镇徐公桥路")),
    ("江苏省", "苏州市", "常熟市", ("海虞北路", "黄河路", "琴川街道枫林路")),
    ("江苏省", "苏州市", "张家港市", ("杨舍镇沙洲中路", "暨阳中路", "长安南路")),
    ("江苏省", "苏州市", "太仓市", ("上海东路", "郑和中路", "城厢镇县府街")),
    ("江苏省", "南京市", "鼓楼区", ("中山北路", "汉中路", "广州路")),
    ("江苏省", "无锡市", "梁溪区", ("中山路", "解放南路", "人民中路")),
    ("江苏省", "南通市", "崇川区", ("工农路", "人民中路")),
    ("上海市", "上海市", "徐汇区", ("漕溪北路", "肇嘉浜路", "天钥桥路")),
    ("浙江省", "嘉兴市", "南湖区", ("中山东路", "禾兴南路")),
    ("安徽省", "合肥市", "蜀山区", ("长江西路", "黄山路")),
)
_PLACE_WEIGHTS = (12, 10, 7, 6, 10, 8, 6, 4, 3, 3, 2, 2, 1, 3, 1, 1)
_ESTATES = (
    "金鸡湖花园",
    "新湖花园",
    "丽景苑",
    "翰林缘",
    "东湖大郡",
    "锦绣江南",
    "湖畔天城",
    "桐泾新村",
    "三元二村",
)


def address(rng: random.Random) -> tuple[str, str, str, str]:
    """(province, city, district, street address) with a house or flat number."""
    province, city, district, streets = rng.choices(_PLACES, _PLACE_WEIGHTS)[0]
    street = f"{rng.choice(streets)}{rng.randint(1, 999)}号"
    if rng.random() < 0.6:
        street = f"{rng.choice(streets)}{rng.choice(_ESTATES)}{rng.randint(1, 40)}幢{rng.randint(1, 18)}0{rng.randint(1, 4)}室"
    return province, city, district, street
