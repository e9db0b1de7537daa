"""Regenerate the person-name tables: surnames, given-name characters and pinyin syllables.

Sources (all installed from PyPI; nothing is fetched at run time):

* ``cn_surnames.tsv`` — the 399 single-character surnames with their share of
  the population from Faker's ``zh_CN`` person provider (MIT; Faker took the
  shares from the Wikipedia list 中国姓氏排名), plus the compound surnames of
  the 《百家姓》 (public domain) and a few modern ones, with hand-assigned small
  shares.  Pinyin readings come from pypinyin (MIT) with the customary
  surname readings put first (曾 zeng, 单 shan, 仇 qiu …).
* ``cn_given_name_chars.tsv`` — characters of given names with how often they
  occur in male and female names, from ngender's ``charfreq.csv`` (MIT,
  observerss/ngender, counted over about 16 million real names).
* ``pinyin_syllables.txt`` — every toneless pinyin syllable pypinyin knows.

Usage (Faker and ngender are needed only here)::

    pip install faker ngender
    python recognizers/data/update/person_names.py
"""

from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path

DATA = Path(__file__).resolve().parents[1]

#: Compound surnames of the 百家姓 and modern ones; share in percent (hand-assigned, approximate).
COMPOUND_SURNAMES = {
    "欧阳": 0.08,
    "上官": 0.004,
    "司马": 0.004,
    "诸葛": 0.003,
    "皇甫": 0.003,
    "令狐": 0.002,
    "慕容": 0.002,
    "尉迟": 0.001,
    "东方": 0.001,
    "公孙": 0.001,
    "长孙": 0.001,
    "宇文": 0.001,
    "司徒": 0.003,
    "夏侯": 0.002,
    "轩辕": 0.001,
    "端木": 0.001,
    "独孤": 0.001,
    "呼延": 0.001,
    "南宫": 0.001,
    "闻人": 0.001,
    "万俟": 0.0005,
    "赫连": 0.0005,
    "澹台": 0.0005,
    "公冶": 0.0005,
    "宗政": 0.0005,
    "濮阳": 0.0005,
    "淳于": 0.001,
    "单于": 0.0005,
    "太叔": 0.0005,
    "申屠": 0.001,
    "仲孙": 0.0005,
    "钟离": 0.0005,
    "鲜于": 0.0005,
    "闾丘": 0.0005,
    "司空": 0.0005,
    "亓官": 0.0005,
    "司寇": 0.0005,
    "子车": 0.0005,
    "颛孙": 0.0005,
    "巫马": 0.0005,
    "公西": 0.0005,
    "漆雕": 0.0005,
    "乐正": 0.0005,
    "壤驷": 0.0005,
    "公良": 0.0005,
    "拓跋": 0.0005,
    "夹谷": 0.0005,
    "宰父": 0.0005,
    "谷梁": 0.0005,
    "段干": 0.0005,
    "百里": 0.0005,
    "东郭": 0.0005,
    "南门": 0.0005,
    "羊舌": 0.0005,
    "微生": 0.0005,
    "梁丘": 0.0005,
    "左丘": 0.0005,
    "东门": 0.0005,
    "西门": 0.0005,
    "第五": 0.0005,
    "公羊": 0.0005,
    "仉督": 0.0005,
}

#: Single-character surnames missing from Faker's list (share in percent, approximate; Faker lists 萧 for 肖
#: and 阎 for 闫, but registries write both).
EXTRA_SURNAMES = {
    "肖": 0.5,
    "闫": 0.15,
    "付": 0.1,
    "覃": 0.05,
    "蒙": 0.03,
    "农": 0.02,
    "佘": 0.01,
    "禤": 0.002,
    "麦": 0.02,
    "冼": 0.005,
    "揭": 0.005,
}

#: Customary surname readings that differ from the character's common reading.
SURNAME_READINGS = {
    "曾": "zeng",
    "单": "shan",
    "仇": "qiu",
    "区": "ou",
    "朴": "piao",
    "查": "zha",
    "覃": "qin",
    "解": "xie",
    "盖": "ge",
    "乐": "yue",
    "缪": "miao",
    "翟": "zhai",
    "种": "chong",
    "员": "yun",
    "召": "shao",
    "秘": "bi",
    "纪": "ji",
    "任": "ren",
    "燕": "yan",
    "葛": "ge",
    "尉迟": "yuchi",
    "万俟": "moqi",
    "长孙": "zhangsun",
    "单于": "chanyu",
    "澹台": "tantai",
    "亓官": "qiguan",
    "祭": "zhai",
    "繁": "po",
    "相": "xiang",
    "洗": "xian",
    "冼": "xian",
    "隗": "wei",
    "郇": "huan",
    "尉": "yu",
    "阚": "kan",
}

MIN_GIVEN_COUNT = 5


def _readings(text: str) -> list[str]:
    from pypinyin import Style, pinyin

    first = SURNAME_READINGS.get(text)
    if len(text) == 1:
        found = pinyin(text, style=Style.NORMAL, heteronym=True)[0]
    else:
        found = ["".join(p[0] for p in pinyin(text, style=Style.NORMAL))]
    out = [first] if first else []
    return out + [r for r in found if r not in out]


def surnames() -> tuple[list[str], str]:
    import faker
    from faker.providers.person.zh_CN import Provider

    rows = dict(Provider.last_names)
    for table in (EXTRA_SURNAMES, COMPOUND_SURNAMES):
        for s, share in table.items():
            rows.setdefault(s, share)
    lines = [
        f"{s}\t{share:g}\t{' '.join(_readings(s))}"
        for s, share in sorted(rows.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    return lines, faker.VERSION


def given_chars() -> list[str]:
    import ngender

    path = Path(ngender.__file__).resolve().parent / "charfreq.csv"
    with open(path, encoding="utf-8") as fh:
        rows = [(c, int(m), int(f)) for c, m, f in list(csv.reader(fh))[1:]]
    rows = [r for r in rows if r[1] + r[2] >= MIN_GIVEN_COUNT and len(r[0]) == 1]
    rows.sort(key=lambda r: (-(r[1] + r[2]), r[0]))
    return [f"{c}\t{m}\t{f}" for c, m, f in rows]


def syllables() -> list[str]:
    from pypinyin import Style, lazy_pinyin
    from pypinyin.pinyin_dict import pinyin_dict

    out = set()
    for cp in pinyin_dict:
        for s in lazy_pinyin(chr(cp), style=Style.NORMAL, errors="ignore"):
            if s.isascii() and s.isalpha():
                out.add(s.lower())
    out |= {"lyu", "nyu", "lue", "nue"}  # passport spellings of lü/nü (GB/T 28039-2011)
    return sorted(out)


def _write(path: Path, header: list[str], lines: list[str]) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("\n".join(header + lines) + "\n")
    os.replace(tmp, path)
    print(f"{path}: {len(lines)} rows")


def main() -> None:
    import pypinyin

    regen = "# Regenerate: python recognizers/data/update/person_names.py"
    lines, faker_version = surnames()
    _write(
        DATA / "cn_surnames.tsv",
        [
            "# Chinese surnames: surname<TAB>share of the population (percent)<TAB>pinyin readings (customary first).",
            f"# Source: Faker {faker_version} zh_CN person provider (MIT), shares after zh.wikipedia.org/wiki/中国姓氏排名;",
            "# compound surnames from the 百家姓 (public domain) with hand-assigned shares;",
            f"# readings from pypinyin {pypinyin.__version__} (MIT) with customary surname readings.",
            regen,
        ],
        lines,
    )
    _write(
        DATA / "cn_given_name_chars.tsv",
        [
            "# Characters of Chinese given names: char<TAB>count in male names<TAB>count in female names.",
            "# Source: ngender 0.1.1 charfreq.csv (MIT, Copyright (c) 2015 Jingchao Hu), counted over real names;",
            f"# characters seen fewer than {MIN_GIVEN_COUNT} times are left out.",
            regen,
        ],
        given_chars(),
    )
    _write(
        DATA / "pinyin_syllables.txt",
        [
            "# Toneless Hanyu Pinyin syllables (v for ü), one a line.",
            f"# Source: pypinyin {pypinyin.__version__} (MIT) character dictionary; lyu/nyu/lue/nue added (GB/T 28039-2011).",
            regen,
        ],
        syllables(),
    )


if __name__ == "__main__":
    main()
