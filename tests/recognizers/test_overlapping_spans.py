"""Spans competing for the same characters in free text: the stronger validation wins.

An 18-digit resident ID passes the Luhn check one time in ten and, more rarely, the USCC check: its
digits are then found by the bank-card and USCC recognizers too.  Within one note the resident-ID
reading (MOD 11-2 check, real division code, real birth date) suppresses them, and a free-text column
is reported for a type only from the spans that survive.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import pyarrow as pa
import pytest
from presidio_analyzer import BatchAnalyzerEngine, RecognizerResult

from recognizers.base import Span
from recognizers.decision import resolve_overlaps
from recognizers.engine import analyze_table
from recognizers.finance import BankCardRecognizer
from recognizers.identity_uscc import UsccRecognizer
from recognizers.presidio_support import build_analyzer, resolve_result_overlaps
from tests.recognizers import id_samples as S

NOTE = "患者{name}，女，67岁，身份证号{id}，主诉胸痛三天，已办理入院。"
NAMES = ("王秀英", "李桂兰", "张建国", "刘淑珍", "陈志强", "杨丽娟")


def _luhn_ok(number: str) -> bool:
    return number.isdigit() and S.luhn_complete(number[:-1]) == number


def _ids_also_read_as(found_by: Callable[[str], list[Span]], n: int, seed: int) -> list[str]:
    """Real-format resident IDs whose note the other recognizer also finds a span in (generated until it does)."""
    rng = random.Random(seed)
    out: list[str] = []
    while len(out) < n:
        rid = S.resident_id(rng)
        if found_by(NOTE.format(name="王秀英", id=rid)):
            out.append(rid)
    return out


def _notes(ids: list[str]) -> list[str]:
    return [NOTE.format(name=NAMES[i % len(NAMES)], id=rid) for i, rid in enumerate(ids)]


def _types(notes: list[str], column: str = "note") -> dict[str, int]:
    """Reported entity type → number of notes matched, for a one-column table of ``notes``."""
    found = analyze_table(pa.table({column: notes}), table_name="visits")[column]
    return {f.type: f.matched for f in found}


def test_resident_ids_that_pass_luhn_are_not_bank_cards() -> None:
    card = BankCardRecognizer()
    ids = _ids_also_read_as(card.find_spans, 5, seed=11)
    assert all(_luhn_ok(rid) for rid in ids)  # the trap is real: the card recognizer alone finds every one
    types = _types(_notes(ids))
    assert types.get("CN_RESIDENT_ID") == 5
    assert "CN_BANK_CARD" not in types


def test_resident_ids_that_pass_the_uscc_check_are_not_uscc() -> None:
    ids = _ids_also_read_as(UsccRecognizer().find_spans, 3, seed=12)
    types = _types(_notes(ids))
    assert types.get("CN_RESIDENT_ID") == 3
    assert "CN_USCC" not in types


def test_a_note_with_a_bank_card_and_an_id_keeps_both() -> None:
    rng = random.Random(13)
    ids = [S.resident_id(rng) for _ in range(4)]
    cards = [S.bank_card(rng) for _ in range(4)]
    notes = [
        f"员工{NAMES[i]}，身份证号{rid}，工资卡号{card}，开户行中国工商银行苏州分行。"
        for i, (rid, card) in enumerate(zip(ids, cards, strict=True))
    ]
    types = _types(notes)
    assert types.get("CN_RESIDENT_ID") == 4
    assert types.get("CN_BANK_CARD") == 4


def test_only_the_luhn_passing_ids_are_withheld_from_the_bank_card_count() -> None:
    """A column with real cards in some notes and Luhn-passing IDs in others counts only the cards."""
    rng = random.Random(14)
    card_ids = _ids_also_read_as(BankCardRecognizer().find_spans, 3, seed=15)
    cards = [S.bank_card(rng) for _ in range(2)]
    notes = _notes(card_ids) + [
        f"客户{NAMES[i]}来电，银行卡号{c}被冻结，请核实。" for i, c in enumerate(cards)
    ]
    types = _types(notes)
    assert types.get("CN_BANK_CARD") == 2
    assert types.get("CN_RESIDENT_ID") == 3


def _span(entity: str, start: int, end: int) -> Span:
    return Span(entity=entity, start=start, end=end, text="x" * (end - start), score=0.9, pattern="p")


def test_precedence_on_the_same_characters() -> None:
    rid, card, uscc, account = (
        _span("CN_RESIDENT_ID", 3, 21),
        _span("CN_BANK_CARD", 3, 21),
        _span("CN_USCC", 3, 21),
        _span("CN_BANK_ACCOUNT", 3, 21),
    )
    assert resolve_overlaps([card, uscc, rid]) == [rid]
    assert resolve_overlaps([account, card]) == [card]  # Luhn and an issuer prefix beat a bare digit run


def test_a_longer_validated_span_beats_its_sub_span() -> None:
    mobile_plus = _span("CN_MOBILE", 0, 15)
    msisdn_inside = _span("MSISDN", 2, 15)
    assert resolve_overlaps([msisdn_inside, mobile_plus]) == [mobile_plus]


def test_two_true_readings_of_the_same_words_both_survive() -> None:
    """Types outside the identifier precedence never compete: 艾滋病 is a diagnosis and a special disease."""
    spans = [_span("DIAGNOSIS", 0, 3), _span("SPECIAL_DISEASE", 0, 3), _span("CN_RESIDENT_ID", 10, 28)]
    assert resolve_overlaps(spans) == spans


def test_spans_apart_or_of_equal_precedence_are_kept() -> None:
    apart = [_span("CN_RESIDENT_ID", 0, 18), _span("CN_BANK_CARD", 20, 39)]
    assert resolve_overlaps(apart) == apart
    same_rank = [_span("CN_MOBILE", 0, 11), _span("MSISDN", 0, 11)]
    assert resolve_overlaps(same_rank) == same_rank


@pytest.fixture(scope="module")
def analyzer():  # noqa: ANN201 - presidio AnalyzerEngine
    return build_analyzer()


def test_presidio_analyzer_resolves_the_same_overlaps(analyzer) -> None:  # noqa: ANN001
    """chujing's recognizers inside Presidio: a Luhn-passing ID comes back as a resident ID only."""
    ids = _ids_also_read_as(BankCardRecognizer().find_spans, 3, seed=16) + _ids_also_read_as(
        UsccRecognizer().find_spans, 2, seed=17
    )
    for note in _notes(ids):
        found = {r.entity_type for r in analyzer.analyze(note, language="zh")}
        assert "CN_RESIDENT_ID" in found
        assert not found & {"CN_BANK_CARD", "CN_USCC", "CN_BANK_ACCOUNT"}, note


def test_presidio_batches_are_resolved_too(analyzer) -> None:  # noqa: ANN001
    ids = _ids_also_read_as(BankCardRecognizer().find_spans, 2, seed=18)
    card = S.bank_card(random.Random(19))
    notes = [*_notes(ids), f"客户王秀英来电，银行卡号{card}被冻结。"]
    batch = BatchAnalyzerEngine(analyzer_engine=analyzer)
    per_note = [{r.entity_type for r in rs} for rs in batch.analyze_iterator(notes, language="zh")]
    assert ["CN_BANK_CARD" in types for types in per_note] == [False, False, True]


def test_results_of_another_analyzer_can_be_resolved() -> None:
    """Users with their own AnalyzerEngine resolve its results with resolve_result_overlaps."""
    text = "身份证号420111200107317796"
    results = [
        RecognizerResult("CN_BANK_CARD", 4, 22, 0.6),
        RecognizerResult("CN_RESIDENT_ID", 4, 22, 0.9),
        RecognizerResult("EMAIL", 0, 2, 0.5),
    ]
    kept = resolve_result_overlaps(results)
    assert [(r.entity_type, text[r.start : r.end]) for r in kept] == [
        ("CN_RESIDENT_ID", "420111200107317796"),
        ("EMAIL", "身份"),
    ]
