"""The free-text path over a whole column: RE2 prefilters pick the rows each recognizer reads, and the spans
are exactly those of reading every cell."""

from __future__ import annotations

import csv
import gc
import io
import json
import random
import re
from pathlib import Path
from re import _parser

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from recognizers import free_text
from recognizers.addresses import AddressRecognizer
from recognizers.base import ValueRecognizer, context_hits
from recognizers.finance import BankCardRecognizer
from recognizers.free_text import (
    ColumnForms,
    candidate_rows,
    column_spans,
    context_words,
    nfkc_stable,
    prefilter,
    text_spans,
    unstable_branches,
)
from recognizers.genetics_genes import GeneSymbolRecognizer
from recognizers.health_diagnosis import DiagnosisRecognizer, SpecialDiseaseRecognizer
from recognizers.registry import value_recognizers
from recognizers.row_match import ascii_projection, rows_matching
from recognizers.shapes import reads_ascii_only
from recognizers.telecom import MobileRecognizer

EVAL_TEXT = Path(__file__).resolve().parents[1] / "eval" / "text.jsonl"


def _sentences() -> list[str]:
    lines = EVAL_TEXT.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["text"] for line in lines if line.strip()]


def _keys(spans) -> list[tuple[int, int, str]]:  # noqa: ANN001
    return sorted((s.start, s.end, s.entity) for s in spans)


def test_column_spans_equal_reading_every_cell() -> None:
    """Every built-in recognizer on the labelled sentences: the column path finds what per-cell reading finds."""
    recs = value_recognizers()
    texts = _sentences() + [
        "用户手机号是１３１８６８６８７６７（全角），备用Ｅｍａｉｌ：ｗａｎｇ＠ｅｘａｍｐｌｅ．ｃｎ"
    ]
    found = column_spans(pa.array(texts), recs)
    for i, text in enumerate(texts):
        assert _keys(sp for per_rec in found for sp in per_rec[i]) == _keys(text_spans(text, recs)), text


def test_a_column_of_repeated_matches_gives_each_text_the_spans_reading_it_alone_gives() -> None:
    """``find_spans_column`` works each distinct match out once: every field of every span (score, pattern,
    context words) is still the one per-cell reading gives, the text repeated or not."""
    texts = _sentences() * 2 + ["", "电话13912345678", "13912345678"]
    generic = [rec for rec in value_recognizers() if type(rec).find_spans is ValueRecognizer.find_spans]
    assert len(generic) >= 20
    for rec in generic:
        assert rec.find_spans_column(texts) == [rec.find_spans(t) for t in texts], rec.name


class CountingCards(BankCardRecognizer):
    """A real bank-card recognizer that counts the cells it is asked to read."""

    def __init__(self) -> None:
        super().__init__()
        self.read: list[str] = []

    def find_spans(self, text: str):  # noqa: ANN201
        self.read.append(text)
        return super().find_spans(text)


def test_a_recognizer_reads_only_the_rows_its_prefilter_admits() -> None:
    cards = CountingCards()
    assert prefilter(cards) is None  # an overriding find_spans declares no prefilter: every row is read
    texts = ["客户来电咨询退货流程。", "银行卡号6222021234567890128被冻结。", "今天天气很好。"]
    column_spans(pa.array(texts), [cards])
    assert len(cards.read) == 3
    mobile = MobileRecognizer()
    assert prefilter(mobile)  # the generic find_spans: its pattern cores
    texts = pa.array(["没有号码", "手机13912345678", "电话１３９１２３４５６７８"])
    admitted = candidate_rows(ColumnForms(texts), prefilter(mobile))
    assert admitted.tolist() == [
        1,
        2,
    ]  # full-width digits pass the prefilter (NFKC), as Python's \d reads them
    found = column_spans(texts, [mobile])
    assert [_keys(row) for row in found[0]] == [_keys(text_spans(t, [mobile])) for t in texts.to_pylist()]


def test_a_text_repeated_in_a_column_is_read_once_and_has_its_spans_in_every_row() -> None:
    """Rows that repeat a text (a note template, a patient's number in many rows) share one reading of it: the
    recognizer reads each distinct text once, and every row, repeated or not, has the spans reading it alone
    gives, overlaps resolved (a resident ID that passes Luhn stays a resident ID in each copy)."""
    sentences = _sentences()[:60] + ["员工郑晓燕的身份证号420111200107317796已核验"]
    rng = random.Random(5)
    texts = [rng.choice(sentences) for _ in range(400)] + sentences  # every sentence at least once
    rng.shuffle(texts)
    assert len(set(texts)) == len(sentences) < len(texts)
    recs = value_recognizers()
    found = column_spans(pa.array(texts), recs)
    for i, text in enumerate(texts):
        assert _keys(sp for per_rec in found for sp in per_rec[i]) == _keys(text_spans(text, recs)), text
    cards = CountingCards()
    column_spans(pa.array(texts), [cards])
    assert sorted(cards.read) == sorted(sentences)


def test_overlaps_are_resolved_per_row() -> None:
    """A resident ID whose 18 digits also pass Luhn with a card BIN is only a resident ID."""
    recs = value_recognizers()
    text = "员工郑晓燕的身份证号420111200107317796已核验"
    found = column_spans(pa.array([text]), recs)
    types = {sp.entity for per_rec in found for sp in per_rec[0]}
    assert "CN_RESIDENT_ID" in types and "CN_BANK_CARD" not in types


def test_nfkc_stable_patterns_skip_the_raw_form_only_where_nothing_can_differ() -> None:
    """Patterns of characters NFKC leaves alone are matched on the NFKC form alone; the others on both."""
    assert nfkc_stable(r"1[3-9]\d{9}") and nfkc_stable(r"(?i:mrn)\s*[:：]?") is False
    assert not nfkc_stable("Ⅱ型")  # a literal NFKC rewrites (to II型)
    assert not nfkc_stable("[^,]+") and not nfkc_stable("a.b") and not nfkc_stable(r"\D")
    assert not nfkc_stable(r"\x{4e00}")  # RE2 syntax Python's parser does not read: unsure
    assert nfkc_stable("[一-龥]{2,3}") and not nfkc_stable("[\uf900-\ufa0d]")  # compatibility ideographs


def test_a_plain_word_is_judged_by_its_characters_as_the_parse_would() -> None:
    """A pattern without metacharacters (a lexicon's branch) skips Python's regex parser: the same answer."""
    words = {
        w
        for rec in value_recognizers()
        for req in prefilter(rec) or ()
        for p in ([req] if isinstance(req, str) else req)
        for w in p.strip("(?:)").split("|")
    }
    words = {w for w in words if w and not free_text._METACHARACTERS.intersection(w)}
    words |= {"Ⅱ型", "ａｂ", "ﬁ", "㎎", "cafe\u0301", "，", "x y"}
    assert len(words) > 1000
    for w in words:
        assert free_text.nfkc_stable.__wrapped__(w) == free_text._stable_items(list(_parser.parse(w))), w


def test_raw_form_is_read_where_it_differs() -> None:
    """A negated class matches a full-width colon as written; a combining accent composes under NFKC."""
    texts = pa.array(["编号：12", "编号:12", "cafe\u0301", "没有"])
    forms = ColumnForms(texts)
    assert forms.composing.tolist() == [2]
    rows = np.arange(len(texts))
    assert forms.matches("号[^:]", rows).tolist() == [True, False, False, False]
    assert forms.matches("cafe", rows).tolist() == [False, False, True, False]


def test_raw_form_of_a_column_nfkc_changed_whole_is_read_as_it_is() -> None:
    """Every row holds a full-width comma: the raw form is searched over the column's own bytes, in every row
    and in the rows a first requirement left."""
    texts = pa.array(["第1次回访，编号：12", "第2次回访，满意", "第3次，编号:7", "第4次，编号：8"])
    forms = ColumnForms(texts)
    assert forms.changed.tolist() == [0, 1, 2, 3]
    assert forms.matches("号[^:]", np.arange(4)).tolist() == [True, False, False, True]
    assert forms.matches("号[^:]", np.array([1, 2, 3])).tolist() == [False, False, True]
    assert candidate_rows(forms, ("编号", "号[^:]")).tolist() == [0, 3]


def test_characters_python_reads_otherwise_than_re2_are_read_as_python_reads_them() -> None:
    """Python's re.I matches "i" to İ and ı and its \\s a line separator, RE2 neither: a recognizer's own regex
    finds the disease in "dıabetes" and the coordinates around U+2028, so its prefilter must admit the row."""
    texts = [
        "Past history: type 2 dıabetes mellıtus, hypertensıon.",
        "无",
        "İNFLUENZA A",
        "坐标 31.2304\u2028,121.4737",
    ]
    recs = value_recognizers()
    found = column_spans(pa.array(texts), recs)
    for i, text in enumerate(texts):
        assert _keys(sp for per_rec in found for sp in per_rec[i]) == _keys(text_spans(text, recs)), text
    (diagnoses,) = (row for rec, row in zip(recs, found, strict=True) if isinstance(rec, DiagnosisRecognizer))
    assert diagnoses[0] and diagnoses[2]
    assert any(sp.entity == "GEO_COORDINATE" for per_rec in found for sp in per_rec[3])
    assert ColumnForms(pa.array(texts)).python_read[0].tolist() == [0, 2, 3]


def test_a_requirement_of_alternatives_admits_rows_any_of_them_matches() -> None:
    texts = pa.array(["甲乙", "丙丁", "戊己"])
    assert candidate_rows(ColumnForms(texts), (("甲", "丁"),)).tolist() == [0, 1]
    assert candidate_rows(ColumnForms(texts), ("[甲丙]", ("乙", "戊"))).tolist() == [0]


def test_addresses_are_read_only_where_a_detail_follows_a_place_or_a_detail() -> None:
    """住院号 and 社区医院 hold detail words but no address: the address model does not read them."""
    rec = AddressRecognizer()
    texts = [
        "住院号ZY2020158166",
        "患者住江苏省苏州市吴中区木渎镇金山路12号",
        "人民路88号3栋",
        "就诊于社区医院",
    ]
    admitted = candidate_rows(ColumnForms(pa.array(texts)), prefilter(rec)).tolist()
    assert admitted == [1, 2]
    assert [bool(rec.find_spans(t)) for t in texts] == [False, True, True, False]


def test_only_the_unstable_alternatives_are_matched_in_the_raw_form() -> None:
    """A lexicon prefilter of plain words and one Ⅱ型: rows NFKC changed are read as written for Ⅱ型 alone,
    and still admitted when only the raw form holds it."""
    pattern = "(?:肺炎|(?:Ⅱ型|糖尿))"
    assert unstable_branches(pattern) == "(?:Ⅱ型)"
    texts = pa.array(["Ⅱ型糖", "确诊：肺炎", "ⅡA", "无"])
    assert candidate_rows(ColumnForms(texts), (pattern,)).tolist() == [0, 1]


def test_special_disease_codes_admit_only_rows_with_a_special_category() -> None:
    """An ICD code of another category (J18.9, A15) holds no special disease: that row is not read."""
    rec = SpecialDiseaseRecognizer()
    texts = pa.array(
        ["诊断编码B20.000，复查", "诊断J18.9肺炎", "编码Ａ５１．０待查", "A15结核", "O98.1妊娠合并"]
    )
    assert candidate_rows(ColumnForms(texts), prefilter(rec)).tolist() == [0, 2, 4]
    found = column_spans(texts, [rec])
    assert [_keys(row) for row in found[0]] == [_keys(text_spans(t, [rec])) for t in texts.to_pylist()]
    assert [bool(row) for row in found[0]] == [True, False, False, False, True]


def test_context_word_prefilters_hold_for_words_split_around_a_span() -> None:
    """The context window joins the text before and after a span with a space: ``id card`` may be ``id`` before
    the number and ``card`` after it, so the prefilter asks for a part of the word only."""
    assert context_words(("id card", "电话")) == "(?i:card)|电话"
    assert context_words(("a", " ")) is None  # a word of spaces alone: every row is read


def test_gene_symbols_are_read_only_with_a_genetic_word_or_a_protein_change() -> None:
    rec = GeneSymbolRecognizer()
    texts = pa.array(["TP53基因突变", "EGFR L858R阳性", "患者TP53", "ALK"])
    assert candidate_rows(ColumnForms(texts), prefilter(rec)).tolist() == [0, 1]
    found = column_spans(texts, [rec])
    assert [_keys(row) for row in found[0]] == [_keys(text_spans(t, [rec])) for t in texts.to_pylist()]


def _real_texts(shared: Path) -> list[str]:
    """Real Chinese text of several kinds: EHR notes, patient questions and answers, reviews, news."""
    corpora = shared / "corpora"
    notes = [
        json.loads(line)["text"]
        for line in (corpora / "medical" / "cEHRNER_test.json").read_text(encoding="utf-8").splitlines()
    ]
    raw = (corpora / "text" / "medical_dialogue_gb18030.csv").read_bytes().decode("gb18030")
    dialogue = list(csv.DictReader(io.StringIO(raw)))[:150]
    reviews = list(csv.DictReader((corpora / "text" / "waimai_10k_reviews.csv").open(encoding="utf-8")))[:150]
    data, decoder, news, i = (
        (corpora / "ner" / "cluener.dev.json").read_text(encoding="utf-8"),
        json.JSONDecoder(),
        [],
        0,
    )
    while len(news) < 150:
        obj, i = decoder.raw_decode(data, i)
        news.append(obj["text"])
        while i < len(data) and data[i].isspace():
            i += 1
    texts = notes + [r["ask"] for r in dialogue] + [r["answer"] for r in dialogue] + news
    return [t for t in texts + [r["review"] for r in reviews] if t]


def test_column_spans_equal_reading_every_cell_on_real_text(shared_dir: Path) -> None:
    """600 real texts no one here wrote: every recognizer's spans by the column path equal reading each cell."""
    recs = value_recognizers()
    texts = _real_texts(shared_dir)
    assert len(texts) > 600
    found = column_spans(pa.array(texts), recs)
    for i, text in enumerate(texts):
        assert _keys(sp for per_rec in found for sp in per_rec[i]) == _keys(text_spans(text, recs)), text[:60]


def test_reading_a_column_leaves_the_cycle_collector_as_it_was() -> None:
    """The collector is off while a column is read (a sixth of its time) and as it was afterwards."""
    texts = pa.array(["手机13912345678", "没有号码"])
    assert gc.isenabled()
    column_spans(texts, [MobileRecognizer()])
    assert gc.isenabled()
    gc.disable()
    try:
        column_spans(texts, [MobileRecognizer()])
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_context_hits_are_the_words_in_the_window_word_by_word() -> None:
    """``context_hits`` finds every position where a word starts in one regex pass; it gives what testing each
    word on its own gives (Chinese anywhere, ASCII as whole words), for words that overlap, nest, repeat or
    share a start, in every recognizer's list."""

    def word_by_word(words: tuple[str, ...], text: str) -> list[str]:
        low = text.lower()
        return [
            w
            for w in words
            if w.lower() in low
            and (not w.isascii() or re.search(rf"(?<![a-z]){re.escape(w.lower())}(?![a-z])", low))
        ]

    rng = random.Random(6)
    lists = [tuple(r.context) for r in value_recognizers() if r.context]
    lists += [
        ("ab", "bc", "abc", "b"),
        ("电话", "联系电话", "话号", "电话号码"),
        ("tel", "tel", "TEL no"),
        ("", "x"),
    ]
    for words in lists:
        alphabet = [*words, "a", "c", " ", "_", "İ", "1"] + [w[: len(w) // 2] for w in words if len(w) > 1]
        for _ in range(300):
            text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 7)))
            assert context_hits(words, text) == word_by_word(words, text), (words, text)


def test_patterns_reading_ascii_alone_match_the_same_rows_in_the_ascii_projection(shared_dir: Path) -> None:
    """Every prefilter that reads ASCII characters alone matches the same rows of real text and of noised copies
    (full-width and Arabic digits, line feeds, astral characters, DEL, single Chinese characters between
    numbers) in the NFKC form and in its ASCII projection.  Patterns that read a Chinese character, any
    character (``.``, ``[^…]``) or DEL match other rows of the projection: ``reads_ascii_only`` must refuse them."""
    rng = random.Random(13)
    texts = _real_texts(shared_dir) + _sentences()
    pieces = ["１２３", "\n", "𠀀", "é", "ab12", " ", "-", "٣", "\x7f", "中", "个月", "3", "x", ",", "\u2028"]
    noisy = []
    for text in texts:
        chars = list(text)
        for _ in range(rng.randrange(1, 6)):
            chars.insert(rng.randrange(len(chars) + 1), rng.choice(pieces))
        noisy.append("".join(chars))
    nfkc = pc.utf8_normalize(pa.array(texts + noisy + ["第3个月5日", "", "中", "12"]), "NFKC")
    projected = ascii_projection(nfkc)
    assert len(projected.buffers()[2]) < len(nfkc.buffers()[2]) / 4
    patterns = {
        p for rec in value_recognizers() for req in prefilter(rec) or () for p in free_text._alternatives(req)
    }
    ascii_only = sorted(p for p in patterns if reads_ascii_only(p))
    assert len(ascii_only) >= 20
    for pattern in [*ascii_only, r"\b\d{3}\b", r"^\d", r"\d$", r"\s\d"]:
        assert reads_ascii_only(pattern), pattern
        assert np.array_equal(rows_matching(nfkc, pattern), rows_matching(projected, pattern)), pattern
    for pattern in [r"\d[^\d]\d", r"\d.\d", "[0-9\x7f]{3}", r"\d个"]:
        assert not reads_ascii_only(pattern), pattern
        assert not np.array_equal(rows_matching(nfkc, pattern), rows_matching(projected, pattern)), pattern
