"""Column-level evaluation: does :func:`~recognizers.engine.analyze_table` name the right entity types?

Each labelled table is analysed as a whole (so table-level recognizers see
their partner columns); a column's predicted set is the set of entity types
reported for it.  For every column and every type in the union of the gold
and predicted sets the outcome is a true positive, a false positive (reported
but not held) or a false negative (held but not reported).  A column label
with a ``checks`` entry must also say the right thing: coordinates rounded to
two decimals must come with ``precision_m`` of about a kilometre, six-decimal
ones with metres; a finding that gets this wrong counts as a false positive
*and* a false negative (the column was not described correctly).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from recognizers.engine import analyze_table
from recognizers.evaluation.corpus import Corpus, LabelledColumn, LabelledTable
from recognizers.evaluation.metrics import Counts


@dataclass(frozen=True)
class ColumnPrediction:
    """One predicted entity for a column: its type alternatives (one for chujing) and the precision it states."""

    types: tuple[str, ...]
    precision_m: float | None = None
    explanation: str = ""


#: ``predict(table) -> {column name: [ColumnPrediction]}``.
ColumnPredictor = Callable[[LabelledTable], dict[str, list[ColumnPrediction]]]


@dataclass(frozen=True)
class ColumnOutcome:
    """A column where the prediction and the label disagree, for the error listing."""

    table: str
    column: str
    type: str
    kind: str  # "miss", "false alarm" or "wrong precision"
    detail: str
    examples: tuple[str, ...]
    negative: str | None = None


@dataclass
class ColumnResult:
    per_type: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    errors: list[ColumnOutcome] = field(default_factory=list)
    columns: int = 0
    crashes: list[str] = field(
        default_factory=list
    )  # tables on which the predictor raised (all labels missed)
    negatives_clean: dict[str, bool] = field(
        default_factory=dict
    )  # hard-negative kind -> no error on any of its columns


def chujing_predictor(scan_date) -> ColumnPredictor:  # noqa: ANN001 - datetime.date
    """The structured path as the scanner runs it: ``analyze_table`` on the whole table.

    JSON columns are flattened first, as the scanner does, and each list's elements are read as a table.
    """

    def predict(table: LabelledTable) -> dict[str, list[ColumnPrediction]]:
        found = {}
        for part in table.flattened().tables():
            found |= analyze_table(
                part,
                table.metas(),
                table_name=table.name,
                table_comment=table.comment,
                scan_date=scan_date,
            )
        return {
            col: [ColumnPrediction((f.type,), f.precision_m, f.explanation) for f in findings]
            for col, findings in found.items()
        }

    return predict


def resolve(types: tuple[str, ...], gold: Iterable[str]) -> str:
    """The alternative that matches a gold label, else the first (see presidio_baseline)."""
    gold = set(gold)
    return next((t for t in types if t in gold), types[0])


def check_failure(column: LabelledColumn, etype: str, pred: ColumnPrediction) -> str | None:
    """Why a prediction of a labelled type fails the column's checks, or ``None``."""
    check = column.checks.get(etype) or {}
    p = pred.precision_m
    if "max_precision_m" in check and (p is None or p > check["max_precision_m"]):
        return f"precision_m={p} but the values are precise to <= {check['max_precision_m']} m"
    if "min_precision_m" in check and (p is None or p < check["min_precision_m"]):
        return f"precision_m={p} but the values are only precise to >= {check['min_precision_m']} m"
    return None


def evaluate_columns(
    corpus: Corpus, predict: ColumnPredictor, *, scored_types: Iterable[str] | None = None
) -> ColumnResult:
    """Score ``predict`` on every labelled column.  ``scored_types`` limits the types counted (baselines)."""
    scored = set(scored_types) if scored_types is not None else None
    result = ColumnResult()
    for table in corpus.tables:
        try:
            predicted = predict(table)
        except Exception as exc:  # noqa: BLE001 - one broken recognizer must not hide the other results
            result.crashes.append(f"{table.name}: {type(exc).__name__}: {exc}")
            predicted = {}
        for column in table.columns:
            result.columns += 1
            gold = {t for t in column.labels if scored is None or t in scored}
            preds: dict[str, ColumnPrediction] = {}
            for p in predicted.get(column.name, []):
                t = resolve(p.types, column.labels)
                if scored is None or t in scored:
                    preds.setdefault(t, p)
            ok = True
            for t in sorted(gold | set(preds)):
                counts = result.per_type[t]
                examples = tuple(column.example_values())
                if t in gold and t in preds:
                    why = check_failure(column, t, preds[t])
                    if why is None:
                        counts.tp += 1
                        continue
                    counts.fp += 1
                    counts.fn += 1
                    result.errors.append(
                        ColumnOutcome(
                            table.name, column.name, t, "wrong precision", why, examples, column.negative
                        )
                    )
                elif t in gold:
                    counts.fn += 1
                    result.errors.append(
                        ColumnOutcome(
                            table.name, column.name, t, "miss", "not reported", examples, column.negative
                        )
                    )
                else:
                    counts.fp += 1
                    result.errors.append(
                        ColumnOutcome(
                            table.name,
                            column.name,
                            t,
                            "false alarm",
                            preds[t].explanation or "reported",
                            examples,
                            column.negative,
                        )
                    )
                ok = False
            if column.negative:
                result.negatives_clean[column.negative] = (
                    result.negatives_clean.get(column.negative, True) and ok
                )
    result.per_type = dict(result.per_type)
    return result
