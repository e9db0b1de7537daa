"""Data a list does not cover: the general rules apply, and a person must say so.

Some lists say, in a note, which data they apply to at all:

* AI training data, note 1: 「本清单适用于人工智能领域相关企业训练数据出境场景，包括文本、语音、图像模态的训练数据，
  不包括视频等上述未明确列出的其他模态的训练数据。」 — video training data is not covered;
* retail and modern services, note 2: 「本清单仅适用于零售与现代服务业中会员管理场景下涉及的个人信息。」 — data of
  other scenarios is not covered.

Data outside a list is not "outside the list" in the sense of Art. 10 (free to
leave): the list simply does not speak to it, and the general rules — the CBDF
Provisions (《促进和规范数据跨境流动规定》) and PIPL — decide its route.  A gate must
not clear it, so :func:`scope_reviews` turns it into a manual-review entry with
the note's own words.  The readings are generic, from the list's own data: a
``scope`` note that limits the list to scenarios (仅适用于…场景) covers the
scenarios its items name; one that lists modalities (模态) covers the modalities
its items name.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from catalog.loader import Catalog
from catalog.models import NegativeList

GENERAL_RULES = "the general rules (CBDF Provisions 《促进和规范数据跨境流动规定》, PIPL) apply"


def _item_modalities(nl: NegativeList) -> set[str]:
    return {
        str(m)
        for it in nl.items
        for m in [
            *(it.parameters.get("modalities") or []),
            *(m for th in it.thresholds for m in th.modalities),
        ]
    }


def scope_reviews(
    catalog: Catalog, lists: Sequence[str], *, scenario: str | None, modality: str | None
) -> list[dict[str, Any]]:
    """Manual-review entries for data the chosen lists' scope notes leave out (see the module docstring)."""
    out: list[dict[str, Any]] = []
    for list_id in lists:
        nl = catalog.negative_list(list_id)
        for note in nl.notes:
            if note.applies != "scope":
                continue
            text = note.source_text
            why = ""
            if "仅适用于" in text and "场景" in text and scenario is not None:
                covered = {s for it in nl.items for s in it.scenarios.ids}
                if covered and scenario not in covered:
                    label = catalog.vocabulary.scenario_label(scenario)
                    why = f"scenario {label} is not one this list covers"
            if "模态" in text and modality is not None:
                covered = _item_modalities(nl)
                if covered and modality not in covered:
                    why = f"{modality} data is not a modality this list covers ({'/'.join(sorted(covered))})"
            if why:
                out.append(
                    {
                        "list": nl.id,
                        "item": None,
                        "note": note.note,
                        "outcome": "needs_review",
                        "review": "scope",
                        "route": None,
                        "reason": f"not covered by this list — {GENERAL_RULES}: {why} 「{text.strip()}」",
                        "source_text": text,
                    }
                )
    return out
