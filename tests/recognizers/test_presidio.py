"""chujing's recognizers inside Microsoft Presidio: an AnalyzerEngine, a shared registry, the batch engine."""

from __future__ import annotations

import pytest
from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine, RecognizerRegistry
from presidio_analyzer.predefined_recognizers import EmailRecognizer

from recognizers.identity import check_char
from recognizers.presidio_support import BlankChineseNlpEngine, build_analyzer, presidio_recognizers

ID_BODY = "32050519870312451"
ID_OK = ID_BODY + check_char(ID_BODY)
ID_BAD = ID_BODY + ("0" if check_char(ID_BODY) != "0" else "1")  # wrong ISO 7064 check character


@pytest.fixture(scope="module")
def analyzer() -> AnalyzerEngine:
    return build_analyzer()


def _found(results, text: str) -> set[tuple[str, str]]:
    return {(r.entity_type, text[r.start : r.end]) for r in results}


def test_spans_in_chinese_text(analyzer: AnalyzerEngine) -> None:
    text = f"患者王秀英，身份证号{ID_OK}，手机13912345678，邮箱wang.xy@example.cn。"
    found = _found(analyzer.analyze(text, language="zh"), text)
    assert {
        ("CN_PERSON_NAME", "王秀英"),
        ("CN_RESIDENT_ID", ID_OK),
        ("CN_MOBILE", "13912345678"),
        ("EMAIL", "wang.xy@example.cn"),
    } <= found


def test_validators_run_inside_presidio(analyzer: AnalyzerEngine) -> None:
    """A number shaped like an ID whose check character is wrong is not an ID number."""
    text = f"身份证号{ID_BAD}"
    assert "CN_RESIDENT_ID" not in {r.entity_type for r in analyzer.analyze(text, language="zh")}


def test_results_explain_themselves(analyzer: AnalyzerEngine) -> None:
    text = f"身份证号{ID_OK}"
    (result,) = [
        r
        for r in analyzer.analyze(text, language="zh", return_decision_process=True)
        if r.entity_type == "CN_RESIDENT_ID"
    ]
    assert result.analysis_explanation is not None
    assert result.recognition_metadata["recognizer_name"]
    assert 0 < result.score <= 1


def test_entities_filter_and_a_shared_registry() -> None:
    """chujing's recognizers sit beside Presidio's own in one registry."""
    registry = RecognizerRegistry(supported_languages=["zh"])
    registry.add_recognizer(EmailRecognizer(supported_language="zh"))
    for rec in presidio_recognizers():
        registry.add_recognizer(rec)
    engine = AnalyzerEngine(registry=registry, nlp_engine=BlankChineseNlpEngine(), supported_languages=["zh"])
    text = f"联系电话13912345678，证件{ID_OK}，邮箱: li@example.cn"
    both = _found(engine.analyze(text, language="zh"), text)
    assert {
        ("EMAIL", "li@example.cn"),
        ("EMAIL_ADDRESS", "li@example.cn"),
        ("CN_MOBILE", "13912345678"),
    } <= both
    only_phones = engine.analyze(text, language="zh", entities=["CN_MOBILE"])
    assert _found(only_phones, text) == {("CN_MOBILE", "13912345678")}


def test_batch_analyzer_over_a_column(analyzer: AnalyzerEngine) -> None:
    batch = BatchAnalyzerEngine(analyzer_engine=analyzer)
    values = [ID_OK, "13912345678", "无", ID_BAD]
    results = batch.analyze_iterator(values, language="zh")
    types = [{r.entity_type for r in rs} for rs in results]
    assert "CN_RESIDENT_ID" in types[0] and "CN_MOBILE" in types[1]
    assert types[2] == set() and "CN_RESIDENT_ID" not in types[3]
