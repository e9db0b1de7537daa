"""Fit the free-text person-name model of :mod:`recognizers.names` on public NER corpora.

Training data: the *train/dev* splits in ``../shared/corpora/ner`` (People's
Daily dev, Weibo train, Resume train, CLUENER train; up to 3,000 sentences
each, fixed seed).  The test splits are left for ``tests/recognizers/test_names.py``.
The corpora are read in place and nothing from them is stored: the output is
the 18 weights and the threshold to paste into ``recognizers/names.py``.

Usage::

    python recognizers/data/update/name_weights.py
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[3]
NER = ROOT / ".." / "shared" / "corpora" / "ner"
sys.path.insert(0, str(ROOT))


def tagged(path: Path, sep: str | None, label: str) -> list[tuple[str, set[tuple[int, int]]]]:
    """Sentences of a char-per-line BIO/BMES file with the spans of ``label`` (trailing digits of Weibo dropped)."""
    out, chars, tags = [], [], []
    for line in list(path.read_text(encoding="utf-8").splitlines()) + [""]:
        if not line.strip():
            if chars:
                out.append(("".join(chars), spans(tags, label)))
            chars, tags = [], []
            continue
        parts = line.split(sep) if sep else line.split()
        chars.append(parts[0][:1] if len(parts) > 1 else " ")
        tags.append(parts[-1])
    return out


def spans(tags: list[str], label: str) -> set[tuple[int, int]]:
    out, start = set(), None
    for i, t in enumerate(tags + ["O"]):
        pre, _, lab = t.partition("-")
        ok = lab == label
        if start is not None and not (pre in ("I", "M", "E") and ok):
            out.add((start, i))
            start = None
        if ok and (pre in ("B", "S") or (pre in ("I", "M", "E") and start is None)):
            start = i
        if ok and pre in ("E", "S") and start is not None:
            out.add((start, i + 1))
            start = None
    return out


def cluener(path: Path, label: str = "name") -> list[tuple[str, set[tuple[int, int]]]]:
    text, dec, i, out = path.read_text(encoding="utf-8"), json.JSONDecoder(), 0, []
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            return out
        obj, i = dec.raw_decode(text, i)
        found = {(s, e + 1) for locs in obj.get("label", {}).get(label, {}).values() for s, e in locs}
        out.append((obj["text"], found))


def sample(items: list, n: int, seed: int = 7) -> list:
    items = list(items)
    random.Random(seed).shuffle(items)
    return items[:n]


def training_sets() -> dict[str, list[tuple[str, set[tuple[int, int]]]]]:
    return {
        "peoples_daily.dev": sample(tagged(NER / "peoples_daily.dev", None, "PER"), 3000),
        "weibo.train": sample(tagged(NER / "weibo.train", "\t", "PER.NAM"), 3000),
        "resume.train": sample(tagged(NER / "resume.train.bmes", None, "NAME"), 3000),
        "cluener.train": sample(cluener(NER / "cluener.train.json"), 3000),
    }


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1e-2, iters: int = 40) -> np.ndarray:
    """L2-regularised logistic regression by Newton's method."""
    w = np.zeros(x.shape[1])
    for _ in range(iters):
        p = 1 / (1 + np.exp(-(x @ w)))
        grad = x.T @ (p - y) + l2 * w
        hess = (x * (p * (1 - p))[:, None]).T @ x + l2 * np.eye(len(w))
        w -= np.linalg.solve(hess, grad)
    return w


def prf(sets, weights, threshold) -> tuple[float, float, float]:
    from recognizers.names import find_names

    tp = fp = fn = 0
    for text, gold in sets:
        found = {(i, j) for i, j, _ in find_names(text, threshold, weights)}
        tp, fp, fn = tp + len(found & gold), fp + len(found - gold), fn + len(gold - found)
    p, r = tp / max(1, tp + fp), tp / max(1, tp + fn)
    return p, r, 2 * p * r / max(1e-9, p + r)


def main() -> None:
    from recognizers.names import name_candidates

    sets = training_sets()
    xs, ys = [], []
    for items in sets.values():
        for text, gold in items:
            cands, feats = name_candidates(text)
            xs.append(feats)
            ys.extend(1.0 if (i, j) in gold else 0.0 for i, j, _ in cands)
    w = fit(np.vstack(xs), np.array(ys))
    dev = [s for items in sets.values() for s in items[:800]]
    best = max((prf(dev, w, t)[2], t) for t in np.arange(-1.5, 1.01, 0.25))
    print("WEIGHTS = np.array([" + ", ".join(f"{v:.3f}" for v in w) + "])")
    print(f"THRESHOLD = {best[1]:.2f}  # train F1 {best[0]:.3f}")
    for name, items in sets.items():
        print(name, "P/R/F1", [round(v, 3) for v in prf(items[:800], w, best[1])])


if __name__ == "__main__":
    main()
