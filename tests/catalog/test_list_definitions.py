"""A list's own definitions of sensitive PI win over the generic class, within their scope (seed 001).

零售与现代服务业 items 2 and 5 define members' sensitive PI as including 「常用设备信息（仅MAC地址和设备序列号）」
although GB/T 35273-2020 Table B.1 files a MAC address under general PI; 人工智能训练数据 items 3 and 4 count
「内容中涉及5万人以上敏感个人信息的音频/图像数据」 — any sensitive PI, not only biometric data — and items 3/7
name 「音频标签数据（省份、民族、性别）」 as part of the audio data.
"""

from __future__ import annotations

import re

import pytest

from catalog import CatalogError, load_catalog
from tests.catalog.builders import evaluate_export, first_thresholded, user_catalog

RETAIL, AI = "multisector-2025-retail-services", "multisector-2025-ai-training-data"
SA, SCC, OUT = "security_assessment", "standard_contract_or_certification", "outside"


def _items(ev):
    return {h["item"] for h in ev.hits}


# --- retail: 常用设备信息（仅MAC地址和设备序列号） --------------------------------------------------------------


@pytest.mark.parametrize(
    ("entities", "n", "items", "route"),
    [
        # 「10万人以上且不满100万人的个人消费者会员敏感个人信息」…「包括…常用设备信息（仅MAC地址和设备序列号）」 → item 5
        (["MAC_ADDRESS"], 100_000, {5}, SCC),
        (["MAC_ADDRESS"], 999_999, {5}, SCC),
        # 「100万人以上的个人消费者会员敏感个人信息」 → item 2; with their names, their general PI is item 4's too
        (["MAC_ADDRESS"], 1_000_000, {2}, SA),
        (["MAC_ADDRESS", "CN_PERSON_NAME"], 1_000_000, {2, 4}, SA),
        # 仅: only MAC addresses and serial numbers — an IMEI stays general PI, and 100,000 members are below item 4
        (["IMEI"], 100_000, set(), OUT),
    ],
)
def test_member_mac_addresses_are_sensitive_in_membership_management(real_catalog, entities, n, items, route):
    ev = evaluate_export(
        real_catalog, RETAIL, entities, n, scenario="membership-management", subject="member"
    )
    assert _items(ev) == items and ev.route == route, [h["reason"] for h in ev.hits]


def test_the_definition_is_quoted_and_names_the_persons_counted(real_catalog):
    ev = evaluate_export(
        real_catalog, RETAIL, ["MAC_ADDRESS"], 100_000, scenario="membership-management", subject="member"
    )
    (h,) = ev.hits
    assert (
        "the list defines MAC_ADDRESS as sensitive PI here 「常用设备信息（仅MAC地址和设备序列号）」"
        in h["reason"]
    )
    assert "100,000 persons with sensitive PI (MAC_ADDRESS sensitive as the list defines)" in h["reason"]
    assert h["persons_query"]["kind"] == "sensitive" and h["persons_query"]["sensitive_elements"] == [
        "MAC_ADDRESS"
    ]
    assert h["persons"]["total"] == 100_000


def test_outside_the_items_scope_the_generic_class_stands(real_catalog):
    """Catch-all 6 (「除第4、5项涉及场景以外的其他场景」) is not in the definition's scope: 100,000 persons' MAC
    addresses elsewhere are general PI (「10万人以上且不满100万人的个人信息（不含敏感个人信息）」), not 1万人以上
    的敏感个人信息 of item 3."""
    ev = evaluate_export(real_catalog, RETAIL, ["MAC_ADDRESS"], 100_000, scenario="other")
    assert _items(ev) == {6} and ev.route == SCC


# --- AI training data: 内容中涉及…敏感个人信息的音频 / 图像数据 ----------------------------------------------------


@pytest.mark.parametrize(("modality", "item"), [("audio", 3), ("image", 4)])
def test_any_sensitive_pi_in_the_content_counts_not_only_biometric(real_catalog, modality, item):
    """「内容中涉及5万人以上敏感个人信息的音频数据」: audio with 50,000 persons' ID numbers is item 3 (exit 20);
    the old evidence (BIOMETRIC only) left it outside the list."""
    ev = evaluate_export(
        real_catalog, AI, ["CN_RESIDENT_ID"], 50_000, scenario="model-training", modality=modality
    )
    assert _items(ev) == {item} and ev.route == SA and ev.exit_status == 20
    ev = evaluate_export(
        real_catalog, AI, ["CN_RESIDENT_ID"], 49_999, scenario="model-training", modality=modality
    )
    assert _items(ev) == {7} and ev.route == SCC  # 1万人以上且不满5万人敏感个人信息的音频、图像数据


def test_audio_labels_are_sensitive_for_audio_only(real_catalog):
    """「音频数据包括音频内容数据、音频标签数据（省份、民族、性别）等」: the labels count as the audio's sensitive PI
    (a working reading for counsel); in text data 民族 and 性别 stay general PI (GB/T 35273-2020 Table B.1)."""
    ev = evaluate_export(
        real_catalog, AI, ["ETHNICITY", "GENDER"], 50_000, scenario="model-training", modality="audio"
    )
    (h,) = ev.hits
    assert h["item"] == 3 and ev.route == SA
    assert "「音频标签数据（省份、民族、性别）」" in h["reason"] and "counsel to confirm" in h["reason"]
    ev = evaluate_export(
        real_catalog, AI, ["ETHNICITY", "GENDER"], 50_000, scenario="model-training", modality="text"
    )
    assert ev.hits == [] and ev.route == OUT
    ev = evaluate_export(real_catalog, AI, ["ETHNICITY", "GENDER"], 50_000, scenario="model-training")
    assert {r["item"] for r in ev.manual_review} == {3, 7}  # the modality decides: declare it or review


def test_definitions_are_recorded_beside_the_words(real_catalog):
    retail = real_catalog.negative_list(RETAIL)
    (d,) = retail.sensitive_elements
    assert d.entities == ["MAC_ADDRESS"] and d.items == [2, 5] and d.status == "literal"
    assert all(d.source_text in retail.item(n).source_text for n in d.items)
    ai = real_catalog.negative_list(AI)
    (a,) = ai.sensitive_elements
    assert a.items == [3, 7] and a.modalities == ["audio"] and a.status == "working_reading"
    assert a.confirm_with == "counsel" and {"ETHNICITY", "GENDER"} <= set(a.entities)
    assert [x.entities for x in ai.sensitive_definitions(ai.item(3))] == [a.entities]
    assert ai.sensitive_definitions(ai.item(5)) == []


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda doc: doc.update(sensitive_elements=[{"entities": ["MAC_ADRESS"], "source_text": "x"}]),
            "unknown entity id 'MAC_ADRESS'",
        ),
        (
            lambda doc: doc.update(
                sensitive_elements=[{"entities": ["MAC_ADDRESS"], "source_text": "不在清单中的话"}]
            ),
            "sensitive_elements[0].source_text: not found in the source_text of the items it is for",
        ),
        (
            lambda doc: doc.update(
                sensitive_elements=[{"entities": ["MAC_ADDRESS"], "source_text": "x", "items": [99]}]
            ),
            "99 is not an item of this list",
        ),
        (
            lambda doc: first_thresholded(doc).update(
                sensitive_elements=[{"entities": ["MAC_ADDRESS"], "source_text": "x", "items": [1]}]
            ),
            "sensitive_elements on an item are for that item",
        ),
        (
            lambda doc: doc.update(
                sensitive_elements=[
                    {"entities": ["MAC_ADDRESS"], "source_text": "x", "status": "working_reading"}
                ]
            ),
            "status 'working_reading' needs the reading it qualifies",
        ),
    ],
)
def test_the_loader_checks_definitions(tmp_path, edit, message):
    with pytest.raises(CatalogError, match=re.escape(message)):
        load_catalog([user_catalog(tmp_path, edit)], include_builtin=False)
