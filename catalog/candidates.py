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

The identification rule's candidates follow the list items, each with its reason.
"""

from __future__ import annotations

from catalog.report import ImportantData, ListCandidate, ListItems, RuleCandidate


def candidate_important_data(
    list_items: ListItems | None, identification: ImportantData | None
) -> list[ListCandidate | RuleCandidate]:
    """List items of important data hit, then the identification rule's candidates (each with its reason)."""
    out: list[ListCandidate | RuleCandidate] = [
        ListCandidate(
            source="negative_list",
            list=i.list_,
            item=i.item,
            route=i.route,
            name=i.name,
            name_en=i.name_en,
            reason=i.reason,
        )
        for i in (list_items.items if list_items else [])
        if i.candidate or i.data_kind == "important_data"
    ]
    if identification is not None:
        out += [
            RuleCandidate(
                source="identification_rule",
                rule=identification.rule.id,
                clause=c.clause,
                measure=c.measure,
                threshold=c.threshold,
                reason=c.reason,
            )
            for c in identification.candidates
        ]
    return out
