"""Column-name and comment hints: the lexicon, tokenising, whole-token rules, cancelling words, name-only findings."""

from __future__ import annotations

import pytest

from recognizers.columns import (
    NAME_ONLY_SCORE,
    column_entity_hints,
    entity_words,
    lexicon,
    name_only_findings,
    name_tokens,
)

_VOCABULARY = (
    "CN_RESIDENT_ID CN_PASSPORT CN_HMT_PERMIT CN_FOREIGNER_PR CN_USCC CN_MOBILE CN_LANDLINE EMAIL IP_ADDRESS MAC_ADDRESS "
    "CN_BANK_CARD CN_BANK_ACCOUNT CN_PERSON_NAME CN_ADDRESS DATE_OF_BIRTH AGE GENDER ETHNICITY RELIGION GEO_COORDINATE "
    "DNA_SEQUENCE GENETIC_VARIANT GENE_SYMBOL ICD10_CODE DIAGNOSIS SPECIAL_DISEASE MEDICATION LAB_RESULT MEDICAL_RECORD_NO "
    "CN_LICENSE_PLATE VIN CN_DRIVER_FILE_NO IMEI IMSI ICCID MSISDN BIOMETRIC CREDENTIAL MINOR_UNDER_14"
)
VOCABULARY = _VOCABULARY.split()


def test_lexicon_covers_the_whole_vocabulary_in_every_script():
    words = entity_words()
    assert set(words) == set(VOCABULARY)
    kinds = {(t.entity, t.kind) for t in lexicon()}
    for entity in VOCABULARY:
        assert (entity, "zh") in kinds and (entity, "en") in kinds, entity
    for entity in (
        "CN_RESIDENT_ID",
        "CN_PERSON_NAME",
        "CN_ADDRESS",
        "CN_MOBILE",
        "DATE_OF_BIRTH",
        "GENDER",
        "ETHNICITY",
        "AGE",
        "CREDENTIAL",
        "BIOMETRIC",
        "DIAGNOSIS",
        "CN_BANK_CARD",
    ):
        assert (entity, "pinyin") in kinds and (entity, "initials") in kinds, entity


@pytest.mark.parametrize(
    "name, tokens",
    [
        ("patient_name", ["patient", "name"]),
        ("patientName", ["patient", "name"]),
        ("IDCard", ["id", "card"]),
        ("患者ip地址", ["患者", "ip", "地址"]),
        ("address_1", ["address"]),
        ("ZJHM", ["zjhm"]),
        ("", []),
    ],
)
def test_name_tokens(name, tokens):
    assert name_tokens(name) == tokens


@pytest.mark.parametrize(
    "name, comment, entity",
    [
        ("身份证号", None, "CN_RESIDENT_ID"),
        ("id_card", None, "CN_RESIDENT_ID"),
        ("shenfenzheng", None, "CN_RESIDENT_ID"),
        ("sfzh", None, "CN_RESIDENT_ID"),
        ("c7", "患者身份证号码", "CN_RESIDENT_ID"),
        ("patientIdCard", None, "CN_RESIDENT_ID"),
        ("患者姓名", None, "CN_PERSON_NAME"),
        ("patient_name", None, "CN_PERSON_NAME"),
        ("patientName", None, "CN_PERSON_NAME"),
        ("xingming", None, "CN_PERSON_NAME"),
        ("xm", None, "CN_PERSON_NAME"),
        ("hzxm", None, "CN_PERSON_NAME"),
        ("shoujihao", None, "CN_MOBILE"),
        ("sjhm", None, "CN_MOBILE"),
        ("lxdh", None, "CN_MOBILE"),
        ("lxdh", None, "CN_LANDLINE"),
        ("csrq", None, "DATE_OF_BIRTH"),
        ("birthday", None, "DATE_OF_BIRTH"),
        ("dob", None, "DATE_OF_BIRTH"),
        ("zdmc", None, "DIAGNOSIS"),
        ("jtzz", None, "CN_ADDRESS"),
        ("dz", None, "CN_ADDRESS"),
        ("home_address", None, "CN_ADDRESS"),
        ("mz", None, "ETHNICITY"),
        ("xb", None, "GENDER"),
        ("sex", None, "GENDER"),
        ("nl", None, "AGE"),
        ("age", None, "AGE"),
        ("yhkh", None, "CN_BANK_CARD"),
        ("zjxy", None, "RELIGION"),
        ("face_feature", None, "BIOMETRIC"),
        ("rlbm", None, "BIOMETRIC"),
        ("指纹模板", None, "BIOMETRIC"),
        ("mima", None, "CREDENTIAL"),
        ("user_pwd", None, "CREDENTIAL"),
        ("cvv2", None, "CREDENTIAL"),
        ("yzm", None, "CREDENTIAL"),
        ("lng", None, "GEO_COORDINATE"),
        ("cph", None, "CN_LICENSE_PLATE"),
        ("vin", None, "VIN"),
        ("imei", None, "IMEI"),
        ("iccid", None, "ICCID"),
        ("mrn", None, "MEDICAL_RECORD_NO"),
        ("zyh", None, "MEDICAL_RECORD_NO"),
        ("icd10_code", None, "ICD10_CODE"),
        ("drug_name", None, "MEDICATION"),
        ("gene_symbol", None, "GENE_SYMBOL"),
        ("rsid", None, "GENETIC_VARIANT"),
        ("dna_seq", None, "DNA_SEQUENCE"),
        ("email", None, "EMAIL"),
        ("client_ip", None, "IP_ADDRESS"),
        ("mac_addr", None, "MAC_ADDRESS"),
        ("tyshxydm", None, "CN_USCC"),
        ("passport_no", None, "CN_PASSPORT"),
        ("guardian_name", None, "MINOR_UNDER_14"),
    ],
)
def test_hints(name, comment, entity):
    assert entity in column_entity_hints(name, comment), column_entity_hints(name, comment)


@pytest.mark.parametrize(
    "name, comment, entity",
    [
        ("xml_payload", None, "CN_PERSON_NAME"),
        ("dzfp_no", None, "CN_ADDRESS"),
        ("ip_address", None, "CN_ADDRESS"),
        ("email_address", None, "CN_ADDRESS"),
        ("mac_address", None, "CN_ADDRESS"),
        ("邮箱地址", None, "CN_ADDRESS"),
        ("company_name", None, "CN_PERSON_NAME"),
        ("product_name", None, "CN_PERSON_NAME"),
        ("dept_name", None, "CN_PERSON_NAME"),
        ("c3", "药品名称", "CN_PERSON_NAME"),
        ("birth_place", None, "DATE_OF_BIRTH"),
        ("出生地", None, "DATE_OF_BIRTH"),
        ("pwd_fail_count", None, "CREDENTIAL"),
        ("face_value", None, "BIOMETRIC"),
        ("created_at", None, "DATE_OF_BIRTH"),
        ("page", None, "AGE"),
        ("usage", None, "AGE"),
        ("sextant", None, "GENDER"),
        ("patientIdCard", None, "MEDICAL_RECORD_NO"),
        ("就诊卡号", None, "CN_BANK_CARD"),
    ],
)
def test_no_hint(name, comment, entity):
    assert entity not in column_entity_hints(name, comment), column_entity_hints(name, comment)


def test_hints_list_the_words_found():
    assert column_entity_hints("hzxm", "患者姓名") == {"CN_PERSON_NAME": ["姓名", "患者姓名", "hzxm"]}


@pytest.mark.parametrize(
    "name, comment, entity",
    [
        ("face_feature", None, "BIOMETRIC"),
        ("mima", None, "CREDENTIAL"),
        ("col9", "人脸特征值", "BIOMETRIC"),
        ("voiceprint", None, "BIOMETRIC"),
        ("sfzh", None, "CN_RESIDENT_ID"),
        ("password_hash", None, "CREDENTIAL"),
    ],
)
def test_name_only_findings(name, comment, entity):
    found = {h.entity: h for h in name_only_findings(name, comment)}
    assert entity in found and found[entity].score == NAME_ONLY_SCORE and found[entity].words


@pytest.mark.parametrize(
    "name", ["name", "remark", "status", "photo", "code", "hash", "expiry_date", "pass_flag", "lxdh"]
)
def test_weak_names_alone_prove_nothing(name):
    assert name_only_findings(name) == []
