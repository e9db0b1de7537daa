"""Candidate important data: every reason a report has to call its data candidate important data.

Two texts can say so, and a report must list both or it contradicts itself (a
route decided by 遗传信息…基因数据, item 21 of the Jiangsu biopharma list, beside
"0 candidate important data"):

* negative-list items whose data kind is important data (``candidate`` in the
  evaluation's hits);
* the unified identification rule's clauses that the data meets.

Both stay candidates (Jiangsu Art. 17: only data the authorities notified or
published as important must be declared as such).  ``chujing scan`` stores the
list as ``report["candidate_important_data"]``, in the same shape as the
``chujing check`` decision's.

>>> items = {"items": [{"list": "l", "item": 21, "route": "other_lawful_route", "data_kind": "important_data",
...                     "candidate": True, "reason": "gene data"},
...                    {"list": "l", "item": 20, "route": "x", "data_kind": "personal_information", "reason": "PI"}]}
>>> [(c["source"], c.get("item")) for c in candidate_important_data(items, {"candidates": []})]
[('negative_list', 21)]
"""

from __future__ import annotations

from typing import Any


def _is_candidate(hit: dict[str, Any]) -> bool:
    return bool(hit.get("candidate")) or hit.get("data_kind") == "important_data"


def candidate_important_data(
    list_items: dict[str, Any] | None, identification: dict[str, Any] | None
) -> list[dict]:
    """List items of important data hit, then the identification rule's candidates (each with its reason)."""
    hits = [i for i in (list_items or {}).get("items") or [] if isinstance(i, dict) and _is_candidate(i)]
    out = [
        {
            "source": "negative_list",
            "list": i.get("list"),
            "item": i.get("item"),
            "route": i.get("route"),
            "name": i.get("name"),
            "name_en": i.get("name_en"),
            "reason": i.get("reason"),
        }
        for i in hits
    ]
    rule = (identification or {}).get("rule") or {}
    out += [
        {
            "source": "identification_rule",
            "rule": rule.get("id"),
            "clause": c.get("clause"),
            "measure": c.get("measure"),
            "threshold": c.get("threshold"),
            "reason": c.get("reason"),
        }
        for c in (identification or {}).get("candidates") or []
        if isinstance(c, dict)
    ]
    return out
