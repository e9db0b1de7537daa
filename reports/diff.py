"""What changed between two scans: the check a scheduled scan alerts on.

``chujing diff OLD.json NEW.json`` matches tables by (source URI, schema,
table) and columns by name, and lists every change: sources, tables and
columns that appeared or went away, entities that appeared or vanished in a
column (and score or match-ratio moves beyond a tolerance), PI-class and
category changes, negative-list items and the route, the important-data
status, tables that failed, and changed catalogue texts or sampling
parameters (those explain other changes).

A change is an **alert** when it brings new sensitive findings: a new entity
on a column whose PI class is sensitive, a column that became sensitive (or a
new sensitive column), a new table with sensitive columns, a stricter route,
or candidate important data that was not indicated before.  ``chujing diff``
exits 1 when there is an alert, 0 otherwise, 2 when an input cannot be read.

Either report may be a ``chujing check`` decision; its scan is compared, and
its route.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from connectors.errors import ChujingError
from reports.html import badge, card, esc, grid, masthead, page, section
from reports.integrity import digest
from reports.view import (
    category_key,
    category_label,
    list_hits,
    overall_route,
    pi_class_label,
    route_label,
    split_report,
    stricter,
    table_name,
)

DIFF_SCHEMA = "chujing.diff/1"
DEFAULT_TOLERANCE = 0.05


class DiffError(ChujingError, ValueError):
    """An input that is not a chujing report."""


@dataclass(frozen=True)
class Change:
    kind: str
    where: str
    detail: str
    alert: bool = False
    old: Any = None
    new: Any = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ReportDiff:
    old: dict[str, Any]
    new: dict[str, Any]
    tolerance: float
    changes: list[Change] = field(default_factory=list)

    @property
    def alert(self) -> bool:
        return any(c.alert for c in self.changes)

    @property
    def exit_status(self) -> int:
        return 1 if self.alert else 0

    def counts(self) -> dict[str, int]:
        return dict(sorted(Counter(c.kind for c in self.changes).items()))

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": DIFF_SCHEMA,
            "old": self.old,
            "new": self.new,
            "tolerance": self.tolerance,
            "alert": self.alert,
            "alerts": sum(c.alert for c in self.changes),
            "counts": self.counts(),
            "changes": [c.to_dict() for c in self.changes],
        }


def _meta(report: dict[str, Any]) -> dict[str, Any]:
    _, scan = split_report(report)
    return {
        "started_at": scan.get("started_at"),
        "finished_at": scan.get("finished_at"),
        "tool_version": (scan.get("tool") or {}).get("version"),
        "sha256": digest(report),
        "route": overall_route(report),
    }


def check_report(obj: Any, name: str) -> dict[str, Any]:
    """``obj`` if it looks like a chujing report, else :class:`DiffError` naming ``name``."""
    if not isinstance(obj, dict):
        raise DiffError(f"{name}: not a chujing report (the top level is not a JSON object)")
    _, scan = split_report(obj)
    if not isinstance(scan.get("tables"), list) or not isinstance(scan.get("sources", []), list):
        raise DiffError(
            f"{name}: not a chujing report (no 'tables' list); pass the JSON written by chujing scan"
        )
    return obj


def load(path: str) -> dict[str, Any]:
    """Read a report file; :class:`DiffError` with one line on any problem."""
    try:
        with open(path, "rb") as fh:
            obj = json.loads(fh.read())
    except OSError as exc:
        raise DiffError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise DiffError(f"{path}: not valid JSON ({exc})") from None
    return check_report(obj, path)


def _tkey(t: dict[str, Any]) -> tuple[str, str, str]:
    return (str(t.get("source", "")), str(t.get("schema") or ""), str(t.get("table", "")))


def _where(t: dict[str, Any], column: str | None = None) -> str:
    name = table_name(t) + (f".{column}" if column is not None else "")
    return f"{t.get('source', '')} · {name}"


def _sensitive(t: dict[str, Any]) -> list[str]:
    return [c.get("name", "") for c in t.get("columns", []) if c.get("pi_class") == "sensitive"]


def _entity_words(e: dict[str, Any]) -> str:
    ratio = e.get("match_ratio")
    pct = f", {ratio * 100:.0f}% of sampled values" if isinstance(ratio, (int, float)) else ""
    return f"{e.get('type')} (score {e.get('score')}{pct})"


def diff_reports(
    old: dict[str, Any], new: dict[str, Any], *, tolerance: float = DEFAULT_TOLERANCE
) -> ReportDiff:
    """Compare two reports (scan reports or check decisions); ``new`` is the later one."""
    check_report(old, "OLD")
    check_report(new, "NEW")
    d = ReportDiff(_meta(old), _meta(new), tolerance)
    _, o = split_report(old)
    _, n = split_report(new)
    d.changes += _sources(o, n)
    d.changes += _tables(o, n, tolerance)
    d.changes += _lists(old, new)
    d.changes += _important(o, n)
    d.changes += _context(o, n)
    return d


def _sources(o: dict[str, Any], n: dict[str, Any]) -> list[Change]:
    out = []
    old = {s.get("uri"): s for s in o.get("sources", [])}
    new = {s.get("uri"): s for s in n.get("sources", [])}
    for uri in new.keys() - old.keys():
        out.append(Change("source_added", str(uri), "new source"))
    for uri in old.keys() - new.keys():
        out.append(Change("source_removed", str(uri), "source no longer scanned"))
    for uri in old.keys() & new.keys():
        a, b = old[uri].get("status"), new[uri].get("status")
        if a == "ok" and b != "ok":
            out.append(
                Change(
                    "source_failed", str(uri), f"source failed: {new[uri].get('error') or ''}", new=b, old=a
                )
            )
        elif a != "ok" and b == "ok":
            out.append(Change("source_recovered", str(uri), "source scanned again", old=a, new=b))
    return sorted(out, key=lambda c: (c.kind, c.where))


def _tables(o: dict[str, Any], n: dict[str, Any], tol: float) -> list[Change]:
    out: list[Change] = []
    old = {_tkey(t): t for t in o.get("tables", [])}
    new = {_tkey(t): t for t in n.get("tables", [])}
    for key in sorted(new.keys() - old.keys()):
        t = new[key]
        sens = _sensitive(t)
        found = [c.get("name", "") for c in t.get("columns", []) if c.get("entities")]
        detail = f"new table, {len(t.get('columns', []))} column(s), {len(found)} with findings"
        if sens:
            detail += f", {len(sens)} sensitive: {', '.join(sens)}"
        if t.get("status") != "ok":
            detail += f"; it failed: {t.get('error') or ''}"
        out.append(Change("table_added", _where(t), detail, alert=bool(sens), new=found))
    for key in sorted(old.keys() - new.keys()):
        out.append(Change("table_removed", _where(old[key]), "table no longer scanned"))
    for key in sorted(old.keys() & new.keys()):
        a, b = old[key], new[key]
        if a.get("status") == "ok" and b.get("status") != "ok":
            out.append(
                Change(
                    "table_failed",
                    _where(b),
                    f"table failed: {b.get('error') or ''}; its columns were not compared",
                    old="ok",
                    new=b.get("status"),
                )
            )
            continue
        if a.get("status") != "ok" and b.get("status") == "ok":
            out.append(
                Change(
                    "table_recovered",
                    _where(b),
                    "table scanned again (it failed before)",
                    old=a.get("status"),
                    new="ok",
                )
            )
        if a.get("status") != "ok" or b.get("status") != "ok":
            continue
        out += _columns(a, b, tol)
    return out


def _columns(a: dict[str, Any], b: dict[str, Any], tol: float) -> list[Change]:
    out: list[Change] = []
    old = {c.get("name"): c for c in a.get("columns", [])}
    new = {c.get("name"): c for c in b.get("columns", [])}
    for name in [c.get("name") for c in b.get("columns", []) if c.get("name") not in old]:
        c = new[name]
        sens = c.get("pi_class") == "sensitive"
        ents = ", ".join(_entity_words(e) for e in c.get("entities", []))
        out.append(
            Change(
                "column_added",
                _where(b, name),
                f"new column ({pi_class_label(c.get('pi_class'))})" + (f": {ents}" if ents else ""),
                alert=sens,
                new=c.get("pi_class"),
            )
        )
    for name in [c.get("name") for c in a.get("columns", []) if c.get("name") not in new]:
        out.append(
            Change(
                "column_removed", _where(a, name), "column no longer present", old=old[name].get("pi_class")
            )
        )
    for name in [c.get("name") for c in b.get("columns", []) if c.get("name") in old]:
        out += _column(b, name, old[name], new[name], tol)
    return out


def _column(t: dict[str, Any], name: str, a: dict[str, Any], b: dict[str, Any], tol: float) -> list[Change]:
    out: list[Change] = []
    where = _where(t, name)
    pa, pb = a.get("pi_class"), b.get("pi_class")
    ea = {e.get("type"): e for e in a.get("entities", [])}
    eb = {e.get("type"): e for e in b.get("entities", [])}
    for et in [e.get("type") for e in b.get("entities", []) if e.get("type") not in ea]:
        out.append(
            Change(
                "entity_appeared",
                where,
                f"{_entity_words(eb[et])} now found; column is {pi_class_label(pb)}",
                alert=pb == "sensitive",
                new=et,
            )
        )
    for et in [e.get("type") for e in a.get("entities", []) if e.get("type") not in eb]:
        out.append(Change("entity_vanished", where, f"{_entity_words(ea[et])} no longer found", old=et))
    for et in [e.get("type") for e in b.get("entities", []) if e.get("type") in ea]:
        moved = []
        for k in ("score", "match_ratio"):
            x, y = ea[et].get(k), eb[et].get(k)
            if isinstance(x, (int, float)) and isinstance(y, (int, float)) and abs(y - x) > tol:
                moved.append(f"{k} {x:g} → {y:g}")
        if moved:
            out.append(
                Change(
                    "entity_changed",
                    where,
                    f"{et}: {', '.join(moved)}",
                    old=ea[et].get("score"),
                    new=eb[et].get("score"),
                )
            )
    if pa != pb:
        out.append(
            Change(
                "pi_class_changed",
                where,
                f"{pi_class_label(pa)} → {pi_class_label(pb)}",
                alert=pb == "sensitive",
                old=pa,
                new=pb,
            )
        )
    ca = {category_key(c): c for c in a.get("categories", [])}
    cb = {category_key(c): c for c in b.get("categories", [])}
    for k in sorted(cb.keys() - ca.keys()):
        out.append(Change("category_added", where, f"now in category {category_label(cb[k])}", new=list(k)))
    for k in sorted(ca.keys() - cb.keys()):
        out.append(
            Change("category_removed", where, f"no longer in category {category_label(ca[k])}", old=list(k))
        )
    return out


def _lists(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    out = []
    ia = {(h.get("list"), h.get("item")): h for h in list_hits(old)}
    ib = {(h.get("list"), h.get("item")): h for h in list_hits(new)}
    for k in sorted(ib.keys() - ia.keys(), key=str):
        h = ib[k]
        out.append(
            Change(
                "list_item_added",
                f"{k[0]} item {k[1]}",
                f"now hit → {route_label(h.get('route'))}: {h.get('name', '')}",
                new=h.get("route"),
            )
        )
    for k in sorted(ia.keys() - ib.keys(), key=str):
        out.append(
            Change("list_item_removed", f"{k[0]} item {k[1]}", "no longer hit", old=ia[k].get("route"))
        )
    ra, rb = overall_route(old), overall_route(new)
    if ra != rb:
        out.append(
            Change(
                "route_changed",
                "route 出境路径",
                f"{route_label(ra)} → {route_label(rb)}" + (" (stricter)" if stricter(ra, rb) else ""),
                alert=stricter(ra, rb),
                old=ra,
                new=rb,
            )
        )
    return out


def _important(o: dict[str, Any], n: dict[str, Any]) -> list[Change]:
    a = (o.get("important_data") or {}).get("status") if isinstance(o.get("important_data"), dict) else None
    b = (n.get("important_data") or {}).get("status") if isinstance(n.get("important_data"), dict) else None
    if a == b or b is None:
        return []
    return [
        Change(
            "important_data_changed",
            "important data 重要数据",
            f"{a} → {b}",
            alert=b == "candidate",
            old=a,
            new=b,
        )
    ]


def _context(o: dict[str, Any], n: dict[str, Any]) -> list[Change]:
    out = []
    ca, cb = o.get("catalog") or {}, n.get("catalog") or {}
    texts_a = {
        x.get("id"): x.get("sha256") for x in [ca.get("reference_rule") or {}, *(ca.get("lists") or [])] if x
    }
    texts_b = {
        x.get("id"): x.get("sha256") for x in [cb.get("reference_rule") or {}, *(cb.get("lists") or [])] if x
    }
    for tid in sorted(set(texts_a) | set(texts_b), key=str):
        if texts_a.get(tid) != texts_b.get(tid):
            out.append(
                Change(
                    "catalog_changed",
                    f"catalogue {tid}",
                    "catalogue text added, removed or changed "
                    "(SHA-256 differs): category and route changes may come from it",
                    old=texts_a.get(tid),
                    new=texts_b.get(tid),
                )
            )
    pa, pb = o.get("parameters") or {}, n.get("parameters") or {}
    keys = sorted((set(pa) | set(pb)) - {"scan_date"})
    moved = [f"{k}: {pa.get(k)!r} → {pb.get(k)!r}" for k in keys if pa.get(k) != pb.get(k)]
    if moved:
        out.append(Change("parameters_changed", "sampling parameters", "; ".join(moved), old=pa, new=pb))
    return out


# --- rendering -----------------------------------------------------------------------------------------

_MARK = {"added": "+", "appeared": "+", "removed": "-", "vanished": "-", "failed": "!", "recovered": "+"}


def _mark(kind: str) -> str:
    return _MARK.get(kind.rsplit("_", 1)[-1], "~")


def render_diff_text(d: ReportDiff) -> str:
    lines = [
        f"chujing diff — OLD {d.old.get('started_at')} ({str(d.old.get('sha256'))[:12]}) → "
        f"NEW {d.new.get('started_at')} ({str(d.new.get('sha256'))[:12]})"
    ]
    n_alert = sum(c.alert for c in d.changes)
    lines.append(f"ALERT: {n_alert} new sensitive finding(s)" if n_alert else "no new sensitive findings")
    if not d.changes:
        lines.append("no changes")
    for c in d.changes:
        flag = "[ALERT] " if c.alert else ""
        lines.append(f"  {_mark(c.kind)} {flag}{c.kind}  {c.where}: {c.detail}")
    if d.changes:
        lines.append(f"{len(d.changes)} change(s): " + ", ".join(f"{k} {v}" for k, v in d.counts().items()))
    return "\n".join(lines) + "\n"


def render_diff_json(d: ReportDiff) -> str:
    return json.dumps(d.to_dict(), ensure_ascii=False, indent=2, default=str) + "\n"


def render_diff_html(d: ReportDiff) -> str:
    n_alert = sum(c.alert for c in d.changes)
    cards = "".join(
        [
            card(len(d.changes), "变化", "Changes"),
            card(n_alert, "新增敏感发现", "New sensitive findings", cls="sens" if n_alert else ""),
            card(route_label(d.old.get("route")), "原出境路径", "Old route"),
            card(route_label(d.new.get("route")), "新出境路径", "New route"),
        ]
    )
    rows = [
        [
            esc(_mark(c.kind)),
            esc(c.kind),
            f'<span class="mono">{esc(c.where)}</span>',
            esc(c.detail),
            badge("ALERT", "#c62828") if c.alert else "",
        ]
        for c in d.changes
    ]
    table = (
        grid([("", ""), ("类型", "Kind"), ("位置", "Where"), ("说明", "Detail"), ("警报", "Alert")], rows)
        if rows
        else '<p class="muted">No changes.</p>'
    )
    head = masthead(
        "扫描差异",
        "Scan diff",
        [("OLD", d.old.get("started_at")), ("NEW", d.new.get("started_at")), ("tolerance", d.tolerance)],
    )
    foot = (
        f'<div>OLD SHA-256 <span class="mono digest">{esc(d.old.get("sha256"))}</span></div>'
        f'<div>NEW SHA-256 <span class="mono digest">{esc(d.new.get("sha256"))}</span></div>'
    )
    body = section("summary", "摘要", "Summary", f'<div class="cards">{cards}</div>') + section(
        "changes", "变化明细", "Changes", table
    )
    return page("chujing — 扫描差异 (Scan diff)", body, masthead=head, footer=foot)


def render_diff(d: ReportDiff, fmt: str) -> bytes:
    """``table``, ``json`` or ``html`` bytes."""
    if fmt == "json":
        return render_diff_json(d).encode("utf-8")
    if fmt == "html":
        return render_diff_html(d).encode("utf-8")
    if fmt == "table":
        return render_diff_text(d).encode("utf-8")
    raise ValueError(f"unknown diff format {fmt!r} (known: table, json, html)")
