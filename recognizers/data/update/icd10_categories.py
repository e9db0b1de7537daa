"""Regenerate ``recognizers/data/icd10_categories.tsv`` (ICD-10 three-character categories, Chinese names).

Chapters I–XIX (A00–T98) come from chaseliu/ICD-10-CN (``icd10cn_disease.tsv``,
MIT licence, Copyright (c) 2017 Chase Liu), which carries the category names of
the Chinese ICD-10 (GB/T 14396) but stops before the external causes (V–Y), the
factors influencing health status (Z) and the codes for special purposes (U).
Those are added from the WHO ICD-10 2019 tabular list (category codes are
facts; the Chinese block names are chujing's working translation), because the
national clinical edition 2.0 uses them (``Z21`` asymptomatic HIV infection is a
special disease, ``U07.100`` COVID-19).  A few obvious OCR typos in the source
names are corrected (see ``FIXES``).

Usage::

    python recognizers/data/update/icd10_categories.py ../shared/corpora/medical/icd10cn_disease.tsv
"""

from __future__ import annotations

import csv
import os
import sys
import tempfile
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "icd10_categories.tsv"
LICENCE_OUT = OUT.with_name("icd10_categories_LICENSE.txt")

#: Typos in the source names (letter l for Roman numeral / Latin I, look-alike characters).
FIXES = {"[HlV]": "[HIV]", "结肠贺": "结肠炎", "肫瘤": "肿瘤", "lX": "IX", "流行牲": "流行性"}

#: WHO ICD-10 (2019) categories missing from the source: (first, last, gaps, Chinese block name).
SUPPLEMENT = (
    ("V01", "V99", {"V07", "V08"}, "运输事故"),
    (
        "W00",
        "W99",
        {"W47", "W48", "W61", "W62", "W63", "W71", "W72", "W82", "W95", "W96", "W97", "W98"},
        "意外损伤的其他外因",
    ),
    ("X00", "X59", {"X07", "X55", "X56"}, "意外损伤的其他外因"),
    ("X60", "X84", set(), "故意自害"),
    ("X85", "Y09", set(), "加害"),
    ("Y10", "Y34", set(), "意图不确定的事件"),
    ("Y35", "Y36", set(), "依法处置和作战行动"),
    ("Y40", "Y84", set(), "医疗和手术的并发症"),
    ("Y85", "Y89", set(), "外因的后遗症"),
    ("Y90", "Y98", set(), "与分类于他处的疾病原因有关的补充因素"),
    ("Z00", "Z13", set(), "为检查和调查而与保健机构接触"),
    ("Z20", "Z29", set(), "与传染病有关的健康危害"),
    ("Z30", "Z39", set(), "与生殖有关情况而与保健机构接触"),
    ("Z40", "Z54", set(), "为特殊操作和卫生保健而与保健机构接触"),
    ("Z55", "Z65", set(), "与社会经济和心理社会情况有关的潜在健康危害"),
    ("Z70", "Z76", set(), "因其他情况与保健机构接触"),
    ("Z80", "Z99", set(), "与家族史和个人史以及影响健康状态的某些情况有关的潜在健康危害"),
    ("U00", "U49", set(), "特殊目的编码(暂时分配的新疾病)"),
    ("U82", "U85", set(), "对抗微生物药和抗肿瘤药的耐药性"),
)
#: Category names that matter to the recognizers (special diseases) instead of the block name.
NAMES = {"Z21": "无症状性人类免疫缺陷病毒[HIV]感染状态", "U07": "紧急使用(2019冠状病毒病等)"}


def _codes(first: str, last: str) -> list[str]:
    out = []
    letter, n = first[0], int(first[1:])
    while True:
        code = f"{letter}{n:02d}"
        out.append(code)
        if code == last:
            return out
        n += 1
        if n == 100:
            letter, n = chr(ord(letter) + 1), 0


def main(argv: list[str]) -> None:
    src = Path(argv[1] if len(argv) > 1 else "../shared/corpora/medical/icd10cn_disease.tsv")
    rows: dict[str, tuple[str, str, str]] = {}
    with src.open(encoding="utf-8") as fh:
        for rec in csv.DictReader(fh, delimiter="\t"):
            raw, name = rec["code"].strip(), rec["disease"].strip()
            mark = "dagger" if raw.endswith("+") else "asterisk" if raw.endswith("*") else ""
            for bad, good in FIXES.items():
                name = name.replace(bad, good)
            rows[raw[:3]] = (raw[:3], name, mark)
    for first, last, gaps, block in SUPPLEMENT:
        for code in _codes(first, last):
            if code not in gaps and code not in rows:
                rows[code] = (code, NAMES.get(code, block), "who-supplement")
    lines = [
        "# ICD-10 three-character categories: code<TAB>Chinese name<TAB>mark (dagger | asterisk | who-supplement | empty).",
        "# Source A00-T98: chaseliu/ICD-10-CN icd10cn_disease.tsv (commit a12ed01), MIT licence,",
        "#   Copyright (c) 2017 Chase Liu (licence text: icd10_categories_LICENSE.txt); typos corrected. V01-Z99 and U: WHO ICD-10 2019 category codes",
        "#   with chujing's Chinese block names. Regenerate: python recognizers/data/update/icd10_categories.py <tsv>",
    ]
    lines += ["\t".join(r) for r in sorted(rows.values())]
    fd, tmp = tempfile.mkstemp(dir=OUT.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    os.chmod(tmp, 0o644)  # mkstemp creates 0600; the file ships in the package
    os.replace(tmp, OUT)
    licence = src.with_name("icd10cn_LICENSE")
    if licence.exists():  # the MIT licence asks that its notice travel with every copy
        LICENCE_OUT.write_text(licence.read_text(encoding="utf-8"), encoding="utf-8")
    print(f"{OUT}: {len(rows)} categories")


if __name__ == "__main__":
    main(sys.argv)
