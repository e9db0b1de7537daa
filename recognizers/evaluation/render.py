"""Plain-text rendering of an evaluation result (the dict built by :mod:`recognizers.evaluate`).

Columns are padded by display width, so Chinese names line up in a terminal.
"""

from __future__ import annotations

import unicodedata


def width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def pad(s: object, n: int, right: bool = False) -> str:
    s = "-" if s is None else str(s)
    fill = " " * max(0, n - width(s))
    return fill + s if right else s + fill


def fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def _m(x: float | None) -> str:
    return "-" if x is None else f"{x:.3g}"


def _prf(d: dict) -> list[str]:
    return [fmt(d.get("precision")), fmt(d.get("recall")), fmt(d.get("f1"))]


def _table(header: list[str], rows: list[list[object]], right_from: int) -> list[str]:
    widths = [
        max(width(str(x if x is not None else "-")) for x in col) for col in zip(header, *rows, strict=True)
    ]
    lines = []
    for r in [header, *rows]:
        lines.append(
            "  ".join(
                pad(x, w, right=i >= right_from and i < len(r) - 1)
                for i, (x, w) in enumerate(zip(r, widths, strict=True))
            ).rstrip()
        )
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


def _avg_rows(label: str, avg: dict) -> list[list[object]]:
    m, a = avg["micro"], avg["macro"]
    return [
        [f"micro ({label})", "", m["support"], m["tp"], m["fp"], m["fn"], *_prf(m), ""],
        [f"macro ({label})", "", "", "", "", "", *_prf(a), ""],
    ]


def column_lines(res: dict) -> list[str]:
    col = res["column_level"]
    t = col["targets"]
    lines = [
        f"COLUMN LEVEL — analyze_table per table, {col['columns']} labelled columns; "
        f"target: precision >= {t['precision']}, recall >= {t['recall']} for every type with labelled columns"
    ]
    rows = []
    for etype, r in col["per_type"].items():
        rows.append([etype, r["name"], r["support"], r["tp"], r["fp"], r["fn"], *_prf(r), r["status"]])
    rows += _avg_rows(f"{len(res['implemented'])} implemented types", col)
    header = ["entity", "名称", "cols", "TP", "FP", "FN", "precision", "recall", "F1", "status"]
    lines += _table(header, rows, 2)
    if col["crashes"]:
        lines += ["", "analyze_table raised (every label of these tables counts as missed):"]
        lines += [f"  {c}" for c in col["crashes"]]
    neg = col["hard_negatives"]
    dirty = [k for k, v in neg.items() if not v["clean"]]
    lines += [
        "",
        f"Hard negatives: {len(neg)} kinds, {len(neg) - len(dirty)} clean"
        + (f"; with errors: {', '.join(dirty)}" if dirty else ""),
    ]
    if col["errors"]:
        lines += ["", "Column errors (table.column, type, what, first values):"]
        for e in col["errors"]:
            ex = ", ".join(v[:40] for v in e["examples"])
            neg_kind = f" [hard negative: {e['negative']}]" if e["negative"] else ""
            lines.append(f"  {e['kind']:<15} {e['table']}.{e['column']:<20} {e['type']:<18} {ex}{neg_kind}")
            if e["kind"] != "miss":
                lines.append(f"  {'':<15} {e['detail'][:160]}")
    return lines


def baseline_column_lines(res: dict) -> list[str]:
    b = res["column_baseline"]
    lines = [f"Comparison — {b['name']}, on the {len(b['types'])} types it can report:"]
    rows = []
    for etype, r in b["per_type"].items():
        rows.append([etype, "", r["support"], r["tp"], r["fp"], r["fn"], *_prf(r), ""])
    rows += _avg_rows("Presidio", b["presidio"]) + _avg_rows("chujing, same types", b["chujing_same_types"])
    return lines + _table(["entity", "", "cols", "TP", "FP", "FN", "precision", "recall", "F1", ""], rows, 2)


def span_lines(res: dict) -> list[str]:
    sp = res["span_level"]
    lines = [
        f"SPAN LEVEL — free text, {sp['texts']} sentences; path: {sp['path']}",
        f"headline: {sp['headline']} match (overlap beside it); target: F1 >= {sp['targets']['f1']} for "
        f"{', '.join(sp['targets']['types'])}",
    ]
    rows = []
    for etype, r in sp["per_type"].items():
        ex, ov = r["exact"], r["overlap"]
        rows.append(
            [etype, r["name"], ex["support"], ex["tp"], ex["fp"], ex["fn"], *_prf(ex), *_prf(ov), r["status"]]
        )
    for label, key in (("micro", "micro"), ("macro", "macro")):
        ex, ov = sp["exact"][key], sp["overlap"][key]
        rows.append(
            [
                f"{label} (implemented types)",
                "",
                ex.get("support", ""),
                ex.get("tp", ""),
                ex.get("fp", ""),
                ex.get("fn", ""),
                *_prf(ex),
                *_prf(ov),
                "",
            ]
        )
    fs = sp["find_spans_path"]
    rows.append(
        [
            "micro, find_spans path",
            "",
            "",
            fs["exact"]["micro"]["tp"],
            fs["exact"]["micro"]["fp"],
            fs["exact"]["micro"]["fn"],
            *_prf(fs["exact"]["micro"]),
            *_prf(fs["overlap"]["micro"]),
            "",
        ]
    )
    header = [
        "entity",
        "名称",
        "spans",
        "TP",
        "FP",
        "FN",
        "P exact",
        "R exact",
        "F1 exact",
        "P overlap",
        "R overlap",
        "F1 overlap",
        "status",
    ]
    lines += _table(header, rows, 2)
    if sp["outside_labels"]:
        lines += [
            "",
            "Predictions of types the text is not labelled for (not scored): "
            + ", ".join(f"{k} {v}" for k, v in sorted(sp["outside_labels"].items())),
        ]
    if sp["crashes"]:
        lines += ["", f"The analyzer raised on {len(sp['crashes'])} sentences, e.g. {sp['crashes'][0]}"]
    if sp["errors"]:
        lines += ["", "Span errors (up to 4 per type and kind; 【】 marks the span):"]
        for e in sp["errors"]:
            lines.append(f"  {e['kind']:<12} {e['type']:<18} {e['text_id']:<22} {e['context']}")
    return lines


def baseline_span_lines(res: dict) -> list[str]:
    b = res["span_baseline"]
    lines = [f"Comparison — {b['name']}, on the {len(b['types'])} types it can report:"]
    rows = []
    for etype, r in b["per_type"].items():
        ex, ov = r["exact"], r["overlap"]
        rows.append([etype, ex["support"], ex["tp"], ex["fp"], ex["fn"], *_prf(ex), *_prf(ov)])
    for label, avg in (("Presidio", b["presidio"]), ("chujing, same types", b["chujing_same_types"])):
        ex, ov = avg["exact"]["micro"], avg["overlap"]["micro"]
        rows.append([f"micro ({label})", ex["support"], ex["tp"], ex["fp"], ex["fn"], *_prf(ex), *_prf(ov)])
    header = [
        "entity",
        "spans",
        "TP",
        "FP",
        "FN",
        "P exact",
        "R exact",
        "F1 exact",
        "P overlap",
        "R overlap",
        "F1 overlap",
    ]
    return lines + _table(header + [""], [r + [""] for r in rows], 1)


def real_lines(real: dict) -> list[str]:
    lines = [
        f"REAL PUBLIC CORPORA (../shared/corpora, read in place; fixed-seed samples; {real['seconds']} s)"
    ]
    rows = []
    for r in [*real["names"], real["diagnoses"]]:
        ex, ov = r["exact"], r["overlap"]
        rows.append([r["corpus"], f"{r['sentences']}/{r['of']}", r["gold_spans"], *_prf(ex), *_prf(ov)])
    header = [
        "corpus (CN_PERSON_NAME; DIAGNOSIS)",
        "sentences",
        "gold",
        "P exact",
        "R exact",
        "F1 exact",
        "P overlap",
        "R overlap",
        "F1 overlap",
    ]
    lines += _table(header + [""], [r + [""] for r in rows], 1)
    geo = real["coordinates"]
    lines += [
        "",
        f"GeoLife: {geo['rows_analysed']} of {geo['rows_of_sample_file']} points (lat, lng, datetime, uid) "
        f"and {geo['plt_rows_analysed']} raw .plt rows through analyze_table:",
    ]
    for name in ("sample_table", "plt_table"):
        for column, found in geo[name].items():
            desc = (
                "; ".join(f"{f['type']} score {f['score']} precision_m {_m(f['precision_m'])}" for f in found)
                or "nothing"
            )
            lines.append(f"  {name}.{column}: {desc}")
    md = real["medical_dialogue"]
    lines += [
        "",
        f"Medical dialogue (GB18030): {md['texts']} of {md['of']} patient questions, {md['findings']} findings; "
        f"spot check judged by hand (tests/eval/real_spotcheck.json): every finding in {md['spot_check_texts']} of them "
        "and the first 10 findings of each type",
    ]
    for etype, r in md["per_type"].items():
        est = "-" if r["estimated_precision"] is None else f"{r['estimated_precision']:.2f}"
        lines.append(
            f"  {etype:<18} findings {r['findings']:>4} in {r['texts_with_finding']:>4} texts; spot check "
            f"{r['judged_correct']}/{r['judged']} correct (est. precision {est}); e.g. {' | '.join(r['sample'])}"
        )
        for w in r["wrong"][:3]:
            lines.append(f"  {'':<18} wrong: {w}")
    if md["unjudged"]:
        lines.append(
            f"  {len(md['unjudged'])} spot-check findings are not judged yet (recognizers changed since the judgment)"
        )
    wm = real["waimai_reviews"]
    lines += [
        "",
        f"Food-delivery reviews: {wm['reviews']} of {wm['of']}; share with any finding "
        f"{wm['share_with_any_finding']:.2%} — an upper bound on the false-positive rate on ordinary text "
        "(a few reviews do quote a phone number)",
    ]
    for etype, share in wm["share_by_type"].items():
        lines.append(f"  {etype:<18} {share:.2%}  e.g. {' | '.join(wm['examples'].get(etype, []))}")
    return lines


def render_table(res: dict) -> str:
    c = res["corpus"]
    lines = [
        f"chujing recognizer evaluation — corpus {c['path']}: {c['tables']} tables, {c['columns']} columns, "
        f"{c['hard_negative_kinds']} hard-negative kinds; {c['texts']} sentences, {c['spans']} spans",
        f"implemented: {len(res['implemented'])} of {len(res['implemented']) + len(res['not_implemented'])} "
        f"vocabulary types"
        + (f"; not implemented: {', '.join(res['not_implemented'])}" if res["not_implemented"] else ""),
        "",
    ]
    lines += column_lines(res)
    if "column_baseline" in res:
        lines += [""] + baseline_column_lines(res)
    lines += [""] + span_lines(res)
    if "span_baseline" in res:
        lines += [""] + baseline_span_lines(res)
    if "real" in res:
        lines += [""] + real_lines(res["real"])
    lines += ["", f"({res['seconds']} s)"]
    return "\n".join(lines)
