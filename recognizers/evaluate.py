"""Honest evaluation of chujing's recognizers: ``python -m recognizers.evaluate``.

Prints precision, recall and F1 per entity type

* at **column level** on the labelled tables of the corpus (``analyze_table``
  per table; a column's predicted set is the set of entity types reported),
* at **span level** on the labelled free text (chujing's recognizers inside
  Presidio, ``recognizers.presidio_support.build_analyzer``; exact matching is
  the headline, overlap matching is shown beside it),

with micro and macro averages, the targets of issue 3, and a comparison with
Presidio's stock English recognizers on the same corpus.  ``--real`` adds
figures on the public corpora in ``../shared/corpora`` (read in place); with
the ``names`` extra installed, the person-name rows are repeated for LAC alone
and for the rules combined with LAC (``CHUJING_NAME_MODEL=lac``).

Examples::

    python -m recognizers.evaluate                      # corpus tests/eval, table output
    python -m recognizers.evaluate --format json > eval.json
    python -m recognizers.evaluate --real               # + MSRA/People's Daily/Weibo/Resume, cEHRNER, GeoLife …
    python -m recognizers.evaluate --no-baseline        # skip Presidio (faster)

The corpus format and labelling rules are in ``tests/eval/README.md``.  The
exit status is 0 whether or not targets are met: this is a measurement;
``tests/eval/test_evaluation.py`` holds the recognizers to the targets.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from recognizers.evaluation import presidio_baseline
from recognizers.evaluation.columns import ColumnPrediction, ColumnResult, chujing_predictor, evaluate_columns
from recognizers.evaluation.corpus import Corpus, CorpusError, LabelledTable, load_corpus
from recognizers.evaluation.metrics import Counts, macro, micro
from recognizers.evaluation.render import render_table
from recognizers.evaluation.spans import SpanResult, evaluate_spans, find_spans_path, presidio_path
from recognizers.evaluation.targets import (
    COLUMN_PRECISION,
    COLUMN_RECALL,
    HEADLINE_MATCH,
    SPAN_F1,
    SPAN_TARGET_TYPES,
    column_status,
    implemented_types,
    span_status,
)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT / "tests" / "eval"
DEFAULT_SHARED = ROOT / ".." / "shared"
MAX_ERRORS_PER_TYPE = 4


def _averages(per_type: dict[str, Counts], types: list[str]) -> dict:
    return {"micro": micro(per_type, types).as_dict(), "macro": macro(per_type, types)}


def column_section(corpus: Corpus, implemented: set[str], result: ColumnResult) -> dict:
    vocab = list(corpus.vocabulary)
    per_type = {}
    for t in vocab:
        c = result.per_type.get(t, Counts())
        row = c.as_dict() | {"name": corpus.vocabulary[t]}
        row["status"] = column_status(c.precision, c.recall, c.support, t in implemented)
        per_type[t] = row
    scored = [t for t in vocab if t in implemented]
    negatives = {
        kind: {"columns": cols, "clean": result.negatives_clean.get(kind, True)}
        for kind, cols in sorted(corpus.negative_kinds().items())
    }
    errors = [vars(e) | {"examples": list(e.examples)} for e in result.errors]
    return {
        "columns": result.columns,
        "targets": {"precision": COLUMN_PRECISION, "recall": COLUMN_RECALL},
        "per_type": per_type,
        **_averages(result.per_type, scored),
        "hard_negatives": negatives,
        "errors": errors,
        "crashes": result.crashes,
    }


def presidio_column_predictor(table: LabelledTable) -> dict[str, list[ColumnPrediction]]:
    return {
        c.name: [ColumnPrediction(alts) for alts in presidio_baseline.column_types(c.values)]
        for c in table.columns
    }


def baseline_column_section(corpus: Corpus, chujing: ColumnResult) -> dict:
    covered = sorted(presidio_baseline.COVERED_TYPES & corpus.column_types())
    res = evaluate_columns(corpus, presidio_column_predictor, scored_types=covered)
    return {
        "name": "Presidio stock English recognizers (blank en pipeline), presidio-structured column rule",
        "types": covered,
        "per_type": {t: res.per_type.get(t, Counts()).as_dict() for t in covered},
        "presidio": _averages(res.per_type, covered),
        "chujing_same_types": _averages(chujing.per_type, covered),
        "errors": [vars(e) | {"examples": list(e.examples)} for e in res.errors],
    }


def _span_errors(res: SpanResult) -> list[dict]:
    out, seen = [], {}
    for e in res.errors:
        key = (e.type, e.kind)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] <= MAX_ERRORS_PER_TYPE:
            out.append(vars(e))
    return out


def span_section(corpus: Corpus, implemented: set[str], res: SpanResult, parity: SpanResult) -> dict:
    per_type = {}
    for t in corpus.text_types:
        ex, ov = res.exact.get(t, Counts()), res.overlap.get(t, Counts())
        per_type[t] = {
            "name": corpus.vocabulary[t],
            "exact": ex.as_dict(),
            "overlap": ov.as_dict(),
            "status": span_status(t, ex.f1, t in implemented),
        }
    scored = [t for t in corpus.text_types if t in implemented]
    return {
        "path": "chujing recognizers in presidio_analyzer.AnalyzerEngine (recognizers.presidio_support.build_analyzer, zh)",
        "headline": HEADLINE_MATCH,
        "texts": res.texts,
        "targets": {"f1": SPAN_F1, "types": list(SPAN_TARGET_TYPES)},
        "per_type": per_type,
        "exact": _averages(res.exact, scored),
        "overlap": _averages(res.overlap, scored),
        "find_spans_path": {
            "exact": _averages(parity.exact, scored),
            "overlap": _averages(parity.overlap, scored),
        },
        "outside_labels": res.outside_labels,
        "errors": _span_errors(res),
        "crashes": res.crashes,
    }


def baseline_span_section(corpus: Corpus, chujing: SpanResult) -> dict:
    covered = sorted(presidio_baseline.COVERED_TYPES & set(corpus.text_types))
    res = evaluate_spans(corpus.texts, presidio_baseline.text_spans, corpus.text_types, scored_types=covered)
    return {
        "name": "Presidio stock English recognizers (blank en pipeline)",
        "types": covered,
        "per_type": {
            t: {"exact": res.exact[t].as_dict(), "overlap": res.overlap[t].as_dict()} for t in covered
        },
        "presidio": {"exact": _averages(res.exact, covered), "overlap": _averages(res.overlap, covered)},
        "chujing_same_types": {
            "exact": _averages(chujing.exact, covered),
            "overlap": _averages(chujing.overlap, covered),
        },
    }


def evaluate(
    corpus_dir: Path, *, baseline: bool = True, real: bool = False, shared: Path = DEFAULT_SHARED
) -> dict:
    """Every figure of the report as one JSON-able dict."""
    t0 = time.perf_counter()
    corpus = load_corpus(corpus_dir)
    implemented = implemented_types()
    columns = evaluate_columns(corpus, chujing_predictor(corpus.scan_date))
    implemented |= set(columns.per_type)  # a type reported but not declared is implemented too
    spans = evaluate_spans(corpus.texts, presidio_path, corpus.text_types)
    parity = evaluate_spans(corpus.texts, find_spans_path, corpus.text_types)
    vocab = list(corpus.vocabulary)
    out = {
        "schema": "chujing.evaluation/1",
        "corpus": {
            "path": str(corpus_dir),
            "tables": len(corpus.tables),
            "columns": sum(len(t.columns) for t in corpus.tables),
            "hard_negative_kinds": len(corpus.negative_kinds()),
            "texts": len(corpus.texts),
            "spans": sum(len(t.spans) for t in corpus.texts),
            "scan_date": corpus.scan_date.isoformat(),
        },
        "implemented": [t for t in vocab if t in implemented],
        "not_implemented": [t for t in vocab if t not in implemented],
        "column_level": column_section(corpus, implemented, columns),
        "span_level": span_section(corpus, implemented, spans, parity),
    }
    if baseline:
        out["column_baseline"] = baseline_column_section(corpus, columns)
        out["span_baseline"] = baseline_span_section(corpus, spans)
    if real:
        from recognizers.evaluation.real import run_real

        out["real"] = run_real(shared.resolve(), judgments=corpus_dir / "real_spotcheck.json")
    out["seconds"] = round(time.perf_counter() - t0, 1)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m recognizers.evaluate",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument(
        "--corpus", type=Path, default=DEFAULT_CORPUS, help="labelled corpus directory (default tests/eval)"
    )
    ap.add_argument(
        "--format", choices=("table", "json"), default="table", help="output format (default table)"
    )
    ap.add_argument(
        "--real", action="store_true", help="also evaluate on the public corpora in ../shared/corpora"
    )
    ap.add_argument(
        "--shared", type=Path, default=DEFAULT_SHARED, help="the shared directory (default ../shared)"
    )
    ap.add_argument(
        "--no-baseline", dest="baseline", action="store_false", help="skip the Presidio comparison"
    )
    args = ap.parse_args(argv)
    try:
        result = evaluate(args.corpus, baseline=args.baseline, real=args.real, shared=args.shared)
    except (CorpusError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.format == "json":
        json.dump(result, sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        print(render_table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
