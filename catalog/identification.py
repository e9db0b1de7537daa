"""The unified important-data identification rule (重要数据统一识别参考规则), applied to a scan.

The Jiangsu and Shanghai reference rules open with the same quantitative tests
(clause 2 and 3 of the Jiangsu rule, seed 003):

* personal information of 10 million persons or more (不含敏感个人信息);
* sensitive personal information of 1 million persons or more;
* sensitive personal information of 100,000 persons or more that includes
  personal bank, insurance or registered accounts or diagnosis data (the
  persons counted are those whose sensitive PI includes such data);
* for an operator recognised as critical information infrastructure (CIIO):
  personal information of 100,000 persons or more.

The thresholds come from the rule file (``criteria``: ``min`` is 以上, inclusive;
``above`` is 超过, strict).  A scan can only show *candidate* important data:
under Jiangsu Art. 17 a handler must declare as important data only what the
authorities notified or published as such, and the report quotes that article.
Where technology-catalogue codes appear (e.g. ``082701J``), the export-control
carve-out (Jiangsu Art. 23) is quoted too.

The rule measures data an enterprise holds (企业掌握的); chujing measures the
scanned data set: ``this_export`` of the person counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from catalog.findings import Findings, PersonCounts, PersonQuery
from catalog.models import Article, Criterion, ReferenceRule

#: The measure of clause 2's third test: sensitive PI that includes accounts or diagnosis data.
WITH_ACCOUNTS = "persons_sensitive_pi_with_accounts_or_diagnosis"
#: Which persons a measure counts when the criterion does not say.
DEFAULT_PI_KIND = {
    "persons_pi": "any",
    "persons_sensitive_pi": "sensitive",
    "persons_sensitive_pi_with_accounts_or_diagnosis": "sensitive",
}
CANDIDATE_NOTE = (
    "candidate only: a scan cannot decide that data is important data; data must be declared as "
    "important data when the authorities have notified or published it as such"
)


def _quote(a: Article | None) -> dict[str, Any] | None:
    return None if a is None else {"article": a.article, "source_text": a.source_text, "text_en": a.text_en}


def identify(
    findings: Findings,
    persons: PersonCounts,
    *,
    rule: ReferenceRule,
    rule_evidence: dict[str, Any] | None = None,
    ciio: bool = False,
    accounts_or_diagnosis_entities: Sequence[str] = (),
) -> dict[str, Any]:
    """Candidate important data under ``rule``'s identification clauses, with reasons and quotes
    (``important_data`` of a report: :class:`catalog.report.ImportantData` reads it)."""
    candidates: list[dict[str, Any]] = []
    checked: list[dict[str, Any]] = []
    manual: list[dict[str, Any]] = []
    for clause in rule.identification_rule.clauses:
        if not clause.criteria:
            if clause.applies in ("qualitative", None, "other") and clause.clause != 1:
                manual.append(
                    {"clause": clause.clause, "source_text": clause.source_text, "text_en": clause.text_en}
                )
            continue
        for crit in clause.criteria:
            result = _criterion(crit, findings, persons, ciio, accounts_or_diagnosis_entities)
            entry = {
                "clause": clause.clause,
                "measure": crit.measure,
                "threshold": crit.bound_text(),
                "operator_type": crit.operator_type,
                **result,
                "source_text": crit.source_text or clause.source_text,
            }
            (candidates if result["met"] else checked).append(entry)
    out: dict[str, Any] = {
        "rule": rule_evidence or {"id": rule.id, "version": rule.version},
        "status": "candidate" if candidates else "not_indicated",
        "persons_basis": persons.basis,
        "ciio": ciio,
        "candidates": candidates,
        "not_met": checked,
        "manual_review": manual,
        "note": CANDIDATE_NOTE,
        "declaration": _quote(rule.article_on("important_data_declaration", "告知或者公开发布")),
    }
    codes = findings.export_control_codes
    out["export_control"] = (
        None
        if not codes
        else {
            "codes": {k: list(v) for k, v in sorted(codes.items())},
            "note": (
                "technology-catalogue codes appear in the data: export-controlled technical data and "
                "technology-export matters follow the Export Control Law and the Foreign Trade Law, not the list"
            ),
            "article": _quote(rule.article_on("export_control")),
        }
    )
    return out


def _criterion(
    crit: Criterion, f: Findings, persons: PersonCounts, ciio: bool, fallback_entities: Sequence[str]
) -> dict[str, Any]:
    """One criterion against the persons of the scanned data set.

    Clause 2's third test (10万人以上且包含个人银行账户、个人保险账户、个人注册账户、个人诊疗数据等的敏感个人信息)
    counts the persons whose sensitive PI includes such data — not everyone with
    any sensitive PI as soon as one account number appears somewhere.  A CIIO
    criterion (被国家认定为关键信息基础设施的运营者掌握的…) applies only when the
    export is declared a CIIO's (``ciio``).
    """
    kind = crit.pi or DEFAULT_PI_KIND[crit.measure]
    wanted = (list(crit.entities) or list(fallback_entities)) if crit.measure == WITH_ACCOUNTS else []
    q = PersonQuery(kind, elements=frozenset(wanted))
    n = persons.count(q).this_export
    who = _who(q)
    if crit.operator_type == "ciio" and not ciio:
        return {
            "met": False,
            "count": n,
            "persons_counted": who,
            "reason": "applies to critical-information-infrastructure operators (the export was not declared a "
            "CIIO's)",
        }
    if kind == "sensitive" and not f.has_pi("sensitive"):
        return {
            "met": False,
            "count": 0,
            "persons_counted": who,
            "reason": "no sensitive personal information found",
        }
    words = f"{n:,} {who} ({persons.basis})"
    if wanted:
        seen = [h.describe() for e in wanted for h in f.hits(e) if h.pi_class == "sensitive"]
        if not seen:
            return {
                "met": False,
                "count": n,
                "persons_counted": who,
                "reason": f"{words}: no account or diagnosis "
                f"data ({', '.join(wanted)}) among the sensitive PI",
            }
        words += f"; found: {'; '.join(seen)}"
    met = crit.met_by(n)
    return {
        "met": met,
        "count": n,
        "persons_counted": who,
        "reason": f"{words} {'meets' if met else 'below'} {crit.bound_text()}"
        + (f": {CANDIDATE_NOTE}" if met else ""),
    }


def _who(q: PersonQuery) -> str:
    """Which persons a criterion counts, in words.

    >>> _who(PersonQuery("sensitive", elements=frozenset({"CN_BANK_CARD", "DIAGNOSIS"})))
    'persons whose sensitive PI includes CN_BANK_CARD, DIAGNOSIS'
    """
    if q.elements:
        return f"persons whose sensitive PI includes {', '.join(sorted(q.elements))}"
    return {
        "any": "persons",
        "general": "persons whose general PI leaves (those with sensitive PI too)",
        "sensitive": "persons with sensitive PI",
    }[q.kind]
