"""One id per scenario across lists: an id that stands for other words than the item's leaves the item unreachable.

Trade-logistics items 8 and 11 read 「仅限于：客服服务场景」, and the civil-aviation list names 客服服务 among its
客户服务 sub-scenarios: both must use the one id (``customer-support``), not ``customer-service`` (客户服务).
"""

from __future__ import annotations

from collections import defaultdict

from catalog.vocabulary import canonical_vocabulary
from tests.catalog.builders import evaluate_export

TRADE, AVIA = "multisector-2025-trade-logistics", "multisector-2025-civil-aviation"


def _squash(text: str) -> str:
    return "".join(text.split())


def test_no_two_scenario_ids_share_a_chinese_label(real_catalog):
    ids_by_label: dict[str, set[str]] = defaultdict(set)
    for sid, term in canonical_vocabulary().scenarios.items():
        ids_by_label[term.name].add(sid)
    for d in real_catalog.lists():
        for sid, term in d.doc.vocabulary.scenarios.items():
            ids_by_label[term.name].add(sid)
    shared = {label: ids for label, ids in ids_by_label.items() if len(ids) > 1}
    assert shared == {}
    assert len({t.name for t in real_catalog.vocabulary.scenarios.values()}) == len(
        real_catalog.vocabulary.scenarios
    )


def test_every_exclusive_scenario_id_is_named_by_the_items_words(real_catalog):
    """An id in 仅限于：… must be one of the scenarios the words name, or a recorded reading maps the words to it."""
    wrong = []
    for d in real_catalog.lists():
        for it in d.doc.items:
            if it.scenarios.mode != "exclusive":
                continue
            words = _squash(it.scenarios.source_text or "")
            read = {sid for ip in it.interpretations for sid in ip.scenario_ids}
            for sid in it.scenarios.ids:
                if real_catalog.vocabulary.scenarios[sid].name not in words and sid not in read:
                    wrong.append((d.id, it.item, sid, real_catalog.vocabulary.scenarios[sid].name, words))
    assert wrong == []


def test_customer_support_reaches_the_logistics_and_aviation_items(real_catalog):
    """「10万人以上且不满200万人的客户个人基本资料、通信记录和内容」 (trade logistics 11) in 客服服务; aviation item 6
    (仅限于：客户服务场景。包括…客服服务…) takes the same id."""
    ev = evaluate_export(
        real_catalog,
        TRADE,
        ["CN_PERSON_NAME", "CN_MOBILE"],
        100_000,
        scenario="customer-support",
        subject="customer",
    )
    assert {h["item"] for h in ev.hits} == {11}
    assert "customer-support" in real_catalog.negative_list(AVIA).item(6).scenarios.ids
    assert canonical_vocabulary().scenarios["customer-support"].name == "客服服务"
