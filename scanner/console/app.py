"""The console's Flask application: server-rendered pages over the scan store, reviews the only write.

:func:`create_app` wires the pieces: a read-only store for every view
(:func:`scanner.store.database.open_readonly_engine`), the ordinary store for
reviews (:meth:`scanner.store.Store.add_reviews`, one transaction with who,
when and why — the records ``chujing review`` writes), the authenticator, the
CSRF and origin checks on POST, and the security headers on every response
(:mod:`scanner.console.security`).  Jinja2 autoescapes every template: table
and column names, evidence and notes are attacker-controlled text.

Pages (all GET; the review form is the one POST):

``/``                overview: each source's current run, counts, trend, coverage
``/source``          a source's schemas → ``/schema`` its tables → ``/table`` → ``/column``
``/findings``        filtered, paginated findings; ``/findings.csv`` / ``.xlsx`` export the filtered set
``/review``          the queue: unreviewed first; POST confirms or dismisses one or many with a note
``/runs``            run history; ``/runs/ID`` a run and its reports (``/runs/ID/report.json|html|xlsx``)
``/diff``            the changes between two runs, linked into the drill-down
``/exports``         this year's exports from the ledger (HMACs only: no identifier exists to show)
"""

from __future__ import annotations

import datetime as _dt
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, Response, abort, flash, g, redirect, render_template, request, session, url_for

from catalog.report import to_document
from connectors.errors import ChujingError
from reports.html_template import PI_COLOURS
from reports.integrity import seal
from reports.renderers import get_renderer
from reports.svg_charts import Bar, bar_chart
from reports.view import (
    category_label,
    entity_label,
    pi_class_label,
    route_label,
    table_name,
)
from scanner.console import findings as fx
from scanner.console import queries as q
from scanner.console.charts import Series, trend_chart
from scanner.console.runview import FindingRow, RunCache, RunIndex, run_report
from scanner.console.security import HEADERS, Authenticator, new_token, same_origin, token_ok
from scanner.export.ledger import LedgerError, open_ledger
from scanner.store import Review, ReviewTarget, Store, StoreError
from scanner.store.changes import run_changes
from scanner.store.database import open_readonly_engine
from scanner.store.store import RUNNING

DOWNLOADS = ("json", "html", "xlsx")
STALE_DAYS = 30


@dataclass
class ConsoleConfig:
    """How the console was started (``chujing console``'s options)."""

    store_url: str
    auth: Authenticator = field(default_factory=lambda: Authenticator(local_user="local"))
    ledger_url: str | None = None
    ledger_key_file: str | None = None
    stale_days: int = STALE_DAYS
    secure_cookies: bool = False


@dataclass
class Console:
    """The console's state shared by requests: the stores and the cache of run indexes."""

    config: ConsoleConfig
    writer: Store  # reviews only
    reader: Store  # every view
    cache: RunCache = field(default_factory=RunCache)

    def current(self) -> list[tuple[q.CurrentRun, RunIndex]]:
        return [(c, self.cache.get(self.reader, c.run)) for c in q.current_runs(self.reader)]

    def current_findings(self) -> list[FindingRow]:
        return [f for c, ix in self.current() for f in ix.for_source(c.source_key)]

    def index(self, run: dict[str, Any]) -> RunIndex:
        return self.cache.get(self.reader, run)

    def reviews(self) -> dict[q.FindingKey, Review]:
        return self.reader.reviews()


def create_app(config: ConsoleConfig) -> Flask:
    """The console for the store at ``config.store_url`` (created or migrated first, then read read-only)."""
    writer = Store.open(config.store_url)
    reader = Store(open_readonly_engine(config.store_url), writer.display)
    console = Console(config, writer, reader)
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=secrets.token_bytes(32),  # sessions last as long as this process
        SESSION_COOKIE_NAME="chujing_console",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_SECURE=config.secure_cookies,
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        TEMPLATES_AUTO_RELOAD=False,
    )
    app.jinja_env.autoescape = True  # every template, whatever its name
    app.jinja_env.filters.update(_FILTERS)
    app.extensions["chujing_console"] = console
    _guard(app, console)
    _register(app, console)
    return app


# --- guards: who, which origin, which token; headers on every response ----------------------------------


def _guard(app: Flask, console: Console) -> None:
    auth = console.config.auth

    @app.before_request
    def authenticate() -> Response | None:
        user = auth.user(request.headers, request.authorization)
        if user is None:
            if auth.basic:
                return Response(
                    "authentication required 需要登录\n",
                    401,
                    {"WWW-Authenticate": 'Basic realm="chujing console", charset="UTF-8"'},
                    mimetype="text/plain",
                )
            abort(403, "the proxy did not say who you are (no user header)")
        g.user = user
        if session.get("user") != user:  # a new user gets a new session and a new token
            session.clear()
            session["user"] = user
        if "csrf" not in session:
            session["csrf"] = new_token()
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            if not same_origin(request.headers, request.host):
                abort(403, "this form was not sent from a page of this console (Origin check)")
            if not token_ok(session.get("csrf"), request.form.get("csrf")):
                abort(400, "the form's token is missing or stale: reload the page and try again")
        return None

    @app.after_request
    def headers(resp: Response) -> Response:
        for k, v in HEADERS.items():
            resp.headers[k] = v
        return resp

    @app.context_processor
    def context() -> dict[str, Any]:
        return {
            "user": g.get("user"),
            "csrf_token": session.get("csrf", ""),
            "store_display": console.reader.display,
        }

    @app.errorhandler(ChujingError)
    def chujing_error(exc: ChujingError) -> tuple[str, int]:
        return render_template("error.html", code=503, message=str(exc)), 503

    for code in (400, 403, 404, 405):
        app.register_error_handler(code, _http_error)


def _http_error(exc: Any) -> tuple[str, int]:
    return render_template("error.html", code=exc.code, message=exc.description), exc.code


# --- pages ------------------------------------------------------------------------------------------------


def _register(app: Flask, console: Console) -> None:
    @app.get("/")
    def overview() -> str:
        days = _int_arg("days", console.config.stale_days, 1, 3650)
        current = console.current()
        sources = []
        for c, ix in current:
            counts = ix.source_counts(c.source_key)
            sources.append(
                {
                    "key": c.source_key,
                    "source": c.source,
                    "run": c.run,
                    "counts": counts,
                    "route": ix.route,
                    "hits": len(ix.list_items),
                    "candidates": len(ix.candidates),
                }
            )
        totals = {
            k: sum(s["counts"][k] for s in sources) for k in ("tables", "failed", "sensitive", "general")
        }
        runs = {c.run["id"]: ix for c, ix in current}
        totals["hits"] = sum(len(ix.list_items) for ix in runs.values())
        totals["candidates"] = sum(len(ix.candidates) for ix in runs.values())
        cur = [c for c, _ in current]
        never_n, never = q.never_scanned(console.reader, cur)
        stale_n, stale = q.stale_tables(console.reader, cur, days)
        findings = [f for c, ix in current for f in ix.for_source(c.source_key)]
        return render_template(
            "overview.html",
            sources=sources,
            totals=totals,
            trend=_trend(console.reader),
            entity_chart=_entity_chart(findings),
            never=(never_n, never),
            stale=(stale_n, stale),
            days=days,
            running=[r for r in console.reader.history(20) if r["status"] == RUNNING],
        )

    @app.get("/source")
    def source() -> str:
        c, ix = _current_of(console, _arg("source"))
        schemas: dict[str, dict[str, int]] = {}
        for t in ix.tables:
            if t.key[0] != c.source_key:
                continue
            s = schemas.setdefault(t.key[1], {"tables": 0, "failed": 0, "sensitive": 0, "general": 0})
            s["tables"] += 1
            s["failed"] += t.status != "ok"
            s["sensitive"] += t.sensitive
            s["general"] += t.general
        return render_template("source.html", current=c, index=ix, schemas=sorted(schemas.items()))

    @app.get("/schema")
    def schema() -> str:
        c, ix = _current_of(console, _arg("source"))
        schema_name = request.args.get("schema", "")
        tables = [t for t in ix.tables if t.key[0] == c.source_key and t.key[1] == schema_name]
        page = fx.paginate(len(tables), request.args.get("page"), request.args.get("per_page"), 100)
        return render_template(
            "schema.html",
            current=c,
            schema=schema_name,
            tables=tables[page.start : page.start + page.per_page],
            page=page,
            ages=q.run_started(console.reader, [t.scanned_in_run for t in tables]),
        )

    @app.get("/table")
    def table() -> str:
        key, run = _table_and_run(console)
        row = q.table_row(console.reader, run["id"], key)
        if row is None:
            abort(404, "this table is not in that run")
        ix = console.index(run)
        return render_template(
            "table.html",
            key=key,
            run=run,
            row=row,
            t=row["result"],
            label=table_name(row["result"]),
            items=ix.items.get(key, {}),
            reviews=console.reviews(),
            history=q.table_history(console.reader, key),
        )

    @app.get("/column")
    def column() -> str:
        key, run = _table_and_run(console)
        name = _arg("column")
        row = q.table_row(console.reader, run["id"], key)
        if row is None:
            abort(404, "this table is not in that run")
        col = next((c for c in row["result"].get("columns") or [] if c.get("name") == name), None)
        if col is None:
            abort(404, "no such column in this table")
        ix = console.index(run)
        entities = []
        for e in col.get("entities") or []:
            fkey = (*key, name, str(e.get("type")))
            entities.append(
                {
                    "e": e,
                    "token": fx.finding_token(fkey),
                    "log": q.finding_reviews(console.reader, fkey),
                }
            )
        return render_template(
            "column.html",
            key=key,
            run=run,
            row=row,
            t=row["result"],
            col=col,
            label=table_name(row["result"]),
            entities=entities,
            items=ix.items.get(key, {}).get(name, []),
            back=request.full_path,
        )

    @app.get("/findings")
    def findings() -> str:
        rows = console.current_findings()
        reviews = console.reviews()
        f = fx.Filters.from_args(request.args)
        chosen = fx.select(rows, f, reviews)
        page = fx.paginate(len(chosen), request.args.get("page"), request.args.get("per_page"))
        return render_template(
            "findings.html",
            rows=chosen[page.start : page.start + page.per_page],
            page=page,
            filters=f,
            facets=fx.facets(rows),
            reviews=reviews,
            total=len(rows),
        )

    @app.get("/findings.<fmt>")
    def findings_export(fmt: str) -> Response:
        if fmt not in ("csv", "xlsx"):
            abort(404)
        reviews = console.reviews()
        chosen = fx.select(console.current_findings(), fx.Filters.from_args(request.args), reviews)
        stamp = _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        if fmt == "csv":
            return _download(
                fx.export_csv(chosen, reviews), "text/csv; charset=utf-8", f"findings-{stamp}.csv"
            )
        media = get_renderer("xlsx").media_type
        return _download(fx.export_xlsx(chosen, reviews), media, f"findings-{stamp}.xlsx")

    @app.get("/review")
    def review_queue() -> str:
        reviews = console.reviews()
        f = fx.Filters.from_args(request.args)
        rows = fx.queue_order(fx.select(console.current_findings(), f, reviews), reviews)
        page = fx.paginate(len(rows), request.args.get("page"), request.args.get("per_page"))
        shown = rows[page.start : page.start + page.per_page]
        return render_template(
            "review.html",
            rows=shown,
            tokens={r.key: fx.finding_token(r.key) for r in shown},
            page=page,
            filters=f,
            reviews=reviews,
            pending=sum(1 for r in rows if r.key not in reviews),
            back=request.full_path,
        )

    @app.post("/review")
    def review_post() -> Response:
        decision = request.form.get("decision", "")
        note = request.form.get("note", "")
        wanted = [fx.parse_token(t) for t in request.form.getlist("f")]
        if not wanted or any(k is None for k in wanted):
            flash("choose at least one finding 请选择至少一项发现", "error")
            return redirect(_back(), 303)
        known = {r.key: r for r in console.current_findings()}
        missing = [k for k in wanted if k not in known]
        if missing:
            abort(400, "a chosen finding is not among the current findings (reload the page)")
        targets = [
            ReviewTarget(known[k].source, k[0], k[1] or None, k[2], k[3], k[4])  # type: ignore[index]
            for k in wanted
            if k is not None
        ]
        try:
            console.writer.add_reviews(targets, decision=decision, note=note, by=g.user)
        except StoreError as exc:
            flash(str(exc), "error")
            return redirect(_back(), 303)
        verb = "dismissed 已排除" if decision == "dismiss" else "confirmed 已确认"
        flash(f"{verb}: {len(targets)} finding(s), by {g.user}", "ok")
        return redirect(_back(), 303)

    @app.get("/runs")
    def runs() -> str:
        history = console.reader.history(200)
        return render_template("runs.html", runs=history)

    @app.get("/runs/<run_id>")
    def run_page(run_id: str) -> str:
        run = q.run_or_none(console.reader, run_id)
        if run is None:
            abort(404, "no such run")
        ix = console.index(run)
        return render_template("run.html", run=run, index=ix, downloads=DOWNLOADS)

    @app.get("/runs/<run_id>/report.<fmt>")
    def run_report_download(run_id: str, fmt: str) -> Response:
        run = q.run_or_none(console.reader, run_id)
        if run is None or fmt not in DOWNLOADS:
            abort(404)
        report, _keys, _note = run_report(console.reader, run)
        r = get_renderer(fmt)
        return _download(
            r.render(seal(to_document(report))), r.media_type, f"chujing-run-{run_id}{r.extension}"
        )

    @app.get("/diff")
    def diff() -> str:
        history = [r for r in console.reader.history(200) if r["status"] != RUNNING]
        old = q.run_or_none(console.reader, request.args.get("old"))
        new = q.run_or_none(console.reader, request.args.get("new"))
        if new is None and history:
            new = history[0]
        if old is None and len(history) > 1 and new is not None:
            older = [r for r in history if r["started_at"] < new["started_at"]]
            old = older[0] if older else None
        changes = run_changes(console.reader, old["id"], new["id"]) if old and new else []
        return render_template("diff.html", runs=history, old=old, new=new, changes=changes)

    @app.get("/exports")
    def exports() -> str:
        year = _int_arg("year", _dt.date.today().year, 1970, 9999)
        doc: dict[str, Any] = {"year": year}
        try:
            with open_ledger(
                console.config.ledger_url, console.config.ledger_key_file, create=False
            ) as ledger:
                doc.update(
                    location=ledger.display,
                    exists=ledger.exists,
                    totals=ledger.year_totals(year),
                    exports=ledger.exports(year),
                )
        except LedgerError as exc:
            doc["error"] = str(exc)
        return render_template("exports.html", doc=doc, per_item=_per_item(doc.get("exports") or []))


# --- helpers ----------------------------------------------------------------------------------------------


def _arg(name: str) -> str:
    value = request.args.get(name)
    if value is None:
        abort(400, f"missing ?{name}=")
    return value


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    try:
        return min(high, max(low, int(request.args.get(name, default))))
    except ValueError:
        return default


def _current_of(console: Console, source_key: str) -> tuple[q.CurrentRun, RunIndex]:
    for c in q.current_runs(console.reader):
        if c.source_key == source_key:
            return c, console.index(c.run)
    abort(404, "no finished run covers this source")


def _table_and_run(console: Console) -> tuple[q.TableKey, dict[str, Any]]:
    key = (_arg("source"), request.args.get("schema", ""), _arg("table"))
    run_id = request.args.get("run")
    if run_id:
        run = q.run_or_none(console.reader, run_id)
        if run is None:
            abort(404, "no such run")
        return key, run
    c, _ix = _current_of(console, key[0])
    return key, c.run


def _back() -> str:
    """Where a form returns to: a path of this console only (never another site)."""
    back = request.form.get("back") or ""
    if back.startswith("/") and not back.startswith("//") and "\\" not in back:
        return back
    return url_for("review_queue")


def _download(data: bytes, media_type: str, filename: str) -> Response:
    return Response(
        data,
        mimetype=media_type.split(";")[0],
        content_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _trend(store: Store) -> str:
    runs = [r for r in store.history(30) if r["status"] != RUNNING][::-1]
    labels = [str(r["started_at"])[:16].replace("T", " ") for r in runs]
    return trend_chart(
        "各批次趋势 Trend over runs",
        labels,
        [
            Series(
                "表 tables",
                [r["tables_scanned"] + r["tables_carried"] + r["tables_failed"] for r in runs],
                "#0f7c8c",
            ),
            Series(
                "敏感字段 sensitive columns", [r["sensitive_columns"] for r in runs], PI_COLOURS["sensitive"]
            ),
            Series("失败的表 failed tables", [r["tables_failed"] for r in runs], "#6a1b9a"),
        ],
    )


def _entity_chart(rows: list[FindingRow]) -> str:
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.entity_type] = counts.get(r.entity_type, 0) + 1
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:12]
    bars = [
        Bar(f"{e} {entity_label(e)}", n, PI_COLOURS.get(_class_of(rows, e), PI_COLOURS[None])) for e, n in top
    ]
    return bar_chart("发现的实体类型 Findings by entity type", bars, empty_text="no findings 无发现")


def _class_of(rows: list[FindingRow], entity: str) -> str | None:
    return next((r.pi_class for r in rows if r.entity_type == entity), None)


def _per_item(exports: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Exports per list and item: how many, persons summed over them (not de-duplicated: the totals are)."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for e in exports:
        for i in e.get("items") or []:
            k = (str(i.get("list")), str(i.get("item")))
            row = out.setdefault(
                k,
                {
                    "list": k[0],
                    "item": k[1],
                    "route": i.get("route"),
                    "exports": 0,
                    "persons": 0,
                    "sensitive": 0,
                },
            )
            row["exports"] += 1
            row["persons"] += int(e.get("persons_any") or 0)
            row["sensitive"] += int(e.get("persons_sensitive") or 0)
    return [out[k] for k in sorted(out)]


def _pct(value: object) -> str:
    return f"{value * 100:.0f}%" if isinstance(value, int | float) else "—"


def _num(value: object) -> str:
    return (
        f"{value:,}"
        if isinstance(value, int) and not isinstance(value, bool)
        else ("—" if value is None else str(value))
    )


def _score(value: object) -> str:
    return f"{value:.2f}" if isinstance(value, int | float) else "—"


def _review_words(review: Review | Mapping[str, Any] | None) -> str:
    if review is None:
        return ""
    if isinstance(review, Review):
        review = review.to_dict()
    verb = "dismissed 已排除" if review.get("decision") == "dismiss" else "confirmed 已确认"
    return f"{verb} by {review.get('by') or review.get('reviewer')}, {review.get('at')}: {review.get('note')}"


_FILTERS = {
    "pi_label": pi_class_label,
    "entity_label": entity_label,
    "route_label": route_label,
    "category_label": category_label,
    "pct": _pct,
    "num": _num,
    "score": _score,
    "review_words": _review_words,
    "review_state": fx.review_state,
    "item_key": fx.item_key,
}
