"""The page shell and stylesheet of chujing's HTML documents (scan report, check, diff, spot-check).

One self-contained file: the stylesheet is inline, fonts are the reader's
system fonts (with the common CJK faces named), there is no script, and a
Content-Security-Policy forbids the page from loading anything at all — even
if a table name smuggled markup past the escaping, the browser would fetch
nothing.  The print stylesheet keeps colour-coded badges, drops the
background bands and avoids splitting a table's block across pages.
"""

from __future__ import annotations

from html import escape

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

ROUTE_COLOURS = {
    "outside": "#2e7d32",
    "standard_contract_or_certification": "#b26a00",
    "security_assessment": "#c62828",
    "other_lawful_route": "#6a1b9a",
    None: "#607d8b",
}
PI_COLOURS = {"sensitive": "#c62828", "general": "#1565c0", None: "#78909c"}

STYLE = """
:root{--ink:#1c2833;--muted:#5f6b7a;--line:#dde3ea;--band:#14263a;--accent:#0f7c8c;--bg:#f5f7fa;
--sens:#c62828;--gen:#1565c0;--ok:#2e7d32;--warn:#b26a00;--crit:#c62828;--other:#6a1b9a}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.5 system-ui,-apple-system,"Segoe UI",
"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei","Helvetica Neue",
Arial,sans-serif}
.masthead{background:var(--band);color:#fff;padding:22px 40px 18px}
.masthead .brand{font-size:12px;letter-spacing:.12em;text-transform:uppercase;color:#9fb3c8}
.masthead h1{margin:4px 0 6px;font-size:24px;font-weight:650}
.masthead h1 .en{font-weight:400;color:#c9d6e3;font-size:18px;margin-left:10px}
.masthead .meta{font-size:12.5px;color:#c9d6e3}
.masthead .meta span{margin-right:18px}
main{max-width:1240px;margin:0 auto;padding:20px 40px 40px}
section{margin:0 0 26px}
h2{font-size:17px;margin:0 0 12px;padding-bottom:6px;border-bottom:2px solid var(--line)}
h2 .en,h3 .en{color:var(--muted);font-weight:400;margin-left:6px}
h3{font-size:15px;margin:0 0 8px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:12px}
.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:12px 14px;border-top:4px solid var(--accent)}
.card .num{font-size:26px;font-weight:700;line-height:1.2}
.card .lbl{font-size:12.5px;color:var(--muted)}
.card .sub{font-size:12px;color:var(--muted);margin-top:2px;overflow-wrap:anywhere}
.card.sens{border-top-color:var(--sens)}.card.sens .num{color:var(--sens)}
.card.gen{border-top-color:var(--gen)}.card.gen .num{color:var(--gen)}
.card.fail{border-top-color:var(--crit)}
.card.route{grid-column:span 2}
.card.route .num{font-size:17px}
.panel{background:#fff;border:1px solid var(--line);border-radius:8px;padding:14px 16px}
.decision{border-left:6px solid var(--accent)}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(480px,1fr));gap:14px}
.chart{max-width:100%;height:auto;font-family:inherit}
table.grid{width:100%;border-collapse:collapse;background:#fff;font-size:13px}
table.grid th,table.grid td{border:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}
table.grid th{background:#eef2f6;font-weight:600;font-size:12.5px}
table.grid th .en{display:block;font-weight:400;color:var(--muted);font-size:11.5px}
table.grid td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
table.kv td:first-child{width:28%;color:var(--muted)}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;color:#fff;
white-space:nowrap;-webkit-print-color-adjust:exact;print-color-adjust:exact}
.tag{display:inline-block;padding:0 6px;margin:1px 2px 1px 0;border:1px solid var(--line);border-radius:4px;
background:#f7f9fb;font-size:12px}
.mono,code{font-family:"DejaVu Sans Mono",ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
.ev{color:#37474f}
.reason{color:var(--muted);font-size:12px}
.muted{color:var(--muted)}
.err{color:var(--crit);font-weight:600}
.tbl{background:#fff;border:1px solid var(--line);border-radius:8px;padding:12px 14px;margin:0 0 14px}
.tbl-head{display:flex;flex-wrap:wrap;gap:6px 16px;align-items:baseline;margin-bottom:8px}
.tbl-head .name{font-size:15px;font-weight:650}
.tbl-head .facts{font-size:12.5px;color:var(--muted)}
.quiet{font-size:12px;color:var(--muted);margin-top:6px}
details.schema{margin:0 0 14px}
details.schema>summary{cursor:pointer;padding:6px 0}
details.schema>summary .name{font-size:16px;font-weight:650}
details.schema>summary .facts{font-size:12.5px;color:var(--muted);margin-left:14px}
details.quiet-tables{font-size:12px;color:var(--muted);margin:0 0 14px}
details.quiet-tables>summary{cursor:pointer}
.digest{word-break:break-all}
footer{max-width:1240px;margin:0 auto;padding:14px 40px 30px;font-size:12px;color:var(--muted);
border-top:1px solid var(--line)}
.change-add{color:var(--crit)}.change-del{color:var(--ok)}
@page{size:A4;margin:12mm}
@media print{
 body{background:#fff;font-size:11px}
 .masthead{background:#fff;color:var(--ink);padding:0 0 8px;border-bottom:2px solid var(--ink)}
 .masthead .brand,.masthead h1 .en,.masthead .meta{color:var(--muted)}
 main,footer{max-width:none;padding:8px 0}
 .card,.panel,.tbl{break-inside:avoid}
 .charts{grid-template-columns:1fr 1fr}
 table.grid{font-size:10px}
 tr{break-inside:avoid}
 h2{break-after:avoid}
}
"""


def esc(value: object) -> str:
    """Escape any value for HTML text or an attribute (quotes included)."""
    return escape("" if value is None else str(value), quote=True)


def bilingual(zh: str, en: str) -> str:
    """``中文 <span class=en>English</span>`` — both parts escaped."""
    return f'{esc(zh)}<span class="en">{esc(en)}</span>'


def badge(text: str, colour: str) -> str:
    return f'<span class="badge" style="background:{esc(colour)}">{esc(text)}</span>'


def page(title: str, body: str, *, masthead: str, footer: str) -> str:
    """The whole document.  ``body``, ``masthead`` and ``footer`` are HTML the caller escaped."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        '<meta name="generator" content="chujing">'
        f"<title>{esc(title)}</title><style>{STYLE}</style></head>\n"
        f'<body><header class="masthead">{masthead}</header>\n<main>{body}</main>\n'
        f"<footer>{footer}</footer></body></html>\n"
    )
