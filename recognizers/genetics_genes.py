"""GENE_SYMBOL (基因符号, HGNC approved symbols).

Which strings are human gene symbols comes from the complete HGNC table —
every approved symbol (about 44,000) with its previous and alias symbols —
shipped with chujing as ``recognizers/data/hgnc_symbols.tsv.gz`` (HGNC data
are CC0; the notice is ``hgnc_symbols_LICENSE.txt``, and
``recognizers/data/update/hgnc_symbols.py`` regenerates the file from HGNC's
export).  The hand-made ``gene_symbols.tsv`` (about 680 clinically relevant
genes, common aliases such as HER2 → ERBB2 and PD-L1 → CD274, and which
symbols are ambiguous words) overrides it.

Many symbols are also words or abbreviations (CAT, SET, MAX, ATM, APP …),
and many aliases are (ALL, FOR, CAN, CT, MRI …), so a gene symbol is
supporting evidence, never proof.  A symbol is *ambiguous* when it is only an
alias or previous symbol, when it is three letters or fewer and no digit, or
when the bundled list flags it:

* a structured column is reported when most values are symbols *and* the
  unambiguous ones carry the column — a column of ``MAX``/``SET``/``ATM``
  is a column of words;
* a column named like a gene column (基因, gene, symbol) is reported with
  ambiguous symbols too (:class:`GeneSymbolColumns`);
* values are read as exports write them: ``#BRCA1``, ``BRCA1*``, `` BRCA1 ``,
  ``brca1`` and ``BRCA2;BRCA1`` (every part a symbol) are gene values;
* in text a symbol counts only with a genetics word nearby (基因, 突变,
  mutation, exon …) or a variant right after it (``BRAF V600E``); English prose
  with CAT, SET or MAX yields nothing.

Whether a gene symbol is personal information depends on the table: beside
a person's variants it is genetic information, in a gene reference list it is
not (the catalogue decides).

More information:

* https://www.genenames.org (HGNC)

>>> is_gene_symbol("BRAF"), is_gene_symbol("her2"), is_gene_symbol("CAT"), is_gene_symbol("HELLO")
(True, True, True, False)
>>> g = GeneSymbolRecognizer()
>>> [s.text for s in g.find_spans("EGFR基因19外显子缺失，KRAS野生型; the cat sat on the MAX SET")]
['EGFR', 'KRAS']
>>> g.mask("BRAF")
'B***'
"""

from __future__ import annotations

import csv
import functools
import gzip
import re
from collections.abc import Sequence
from typing import ClassVar

import pyarrow as pa
import pyarrow.compute as pc

from recognizers.base import Pattern, Span, ValueMatches, ValueRecognizer, context_hits
from recognizers.context import TableContext
from recognizers.decision import metadata_words
from recognizers.findings import EntityFinding
from recognizers.free_text import context_words, relaxed
from recognizers.health_lexicon import DATA, read_tsv
from recognizers.row_match import rows_matching

SYMBOL_RE = r"[A-Z][A-Za-z0-9]{1,9}(?:-[A-Z0-9]{1,4})?"
_TOKEN = re.compile(rf"(?<![A-Za-z0-9\-])({SYMBOL_RE})(?![A-Za-z0-9])")
#: A gene cell as exports write it: ``#BRCA1``, ``BRCA1*``, ``BRCA2;BRCA1`` (RE2 and Python ``re``).
_DECORATED = r"#?[A-Za-z][A-Za-z0-9]{0,14}(?:[-.][A-Za-z0-9]{1,8}){0,3}\*?"
GENE_VALUE_RE = rf"{_DECORATED}(?:\s*[;,/|]\s*{_DECORATED}){{0,5}}"
_PARTS = re.compile(r"\s*[;,/|]\s*")
#: The complete HGNC table shipped with chujing (see ``recognizers/data/update/hgnc_symbols.py``).
HGNC_FILE = "hgnc_symbols.tsv.gz"
#: Words that make a symbol in text a gene (checked within a short window).
GENETIC_WORDS = (
    "基因",
    "突变",
    "变异",
    "扩增",
    "融合",
    "重排",
    "缺失",
    "插入",
    "外显子",
    "野生型",
    "胚系",
    "体细胞",
    "gene",
    "genes",
    "mutation",
    "mutations",
    "mutant",
    "variant",
    "variants",
    "exon",
    "fusion",
    "amplification",
    "rearrangement",
    "deletion",
    "wild-type",
    "wildtype",
    "germline",
    "somatic",
    "allele",
    "polymorphism",
    "knockout",
)
#: Weaker words, enough for unambiguous symbols only (EGFR阳性 yes, CRP阳性 no: CRP is also a lab test).
WEAK_GENETIC_WORDS = ("检测", "阳性", "阴性", "表达", "expression", "positive", "negative")
#: Share of matched values that must be unambiguous symbols before ambiguous ones count too.
UNAMBIGUOUS_SHARE = 0.5


def _word_like(symbol: str) -> bool:
    """Three letters or fewer and no digit: as likely an abbreviation or a word as a gene (WAS, SHE, APP)."""
    return symbol.isalpha() and len(symbol) <= 3


@functools.lru_cache(maxsize=1)
def _bundled_table() -> dict[str, tuple[str, bool]]:
    out = {}
    for row in read_tsv("gene_symbols.tsv"):
        symbol, ambiguous, approved = row[0], row[1] == "1", (row[2] if len(row) > 2 else "") or row[0]
        out[symbol.upper()] = (approved, ambiguous)
    return out


def _hgnc_table() -> dict[str, tuple[str, bool]]:
    """Approved symbols (ambiguous when word-like) and their previous and alias symbols (always ambiguous)."""
    approved: dict[str, tuple[str, bool]] = {}
    others: dict[str, tuple[str, bool]] = {}
    with gzip.open(DATA / HGNC_FILE, "rt", encoding="utf-8", newline="") as fh:
        rows = csv.reader(fh, delimiter="\t")
        next(rows)  # symbol, previous, aliases
        for symbol, previous, aliases in rows:
            approved[symbol.upper()] = (symbol, _word_like(symbol))
            for other in f"{previous},{aliases}".split(","):
                if other:
                    others.setdefault(other.upper(), (symbol, True))
    return others | approved


@functools.lru_cache(maxsize=1)
def gene_table() -> dict[str, tuple[str, bool]]:
    """Upper-cased symbol or alias → (approved symbol, ambiguous).

    The complete HGNC table, with the bundled list's hand-made judgments (ambiguous words, common aliases such
    as HER2) overriding the table's rule.
    """
    return _hgnc_table() | _bundled_table()


def gene_table_source() -> str:
    """Where the symbols come from, for explanations."""
    return f"HGNC complete set (recognizers/data/{HGNC_FILE})"


def gene_parts(value: str) -> list[str] | None:
    """The approved symbols a gene cell names, or ``None`` when any part is no symbol.

    Export decorations are dropped: a leading ``#``, a trailing ``*``, surrounding spaces; ``;``, ``,``,
    ``/`` or ``|`` join several genes.

    >>> gene_parts("#BRCA1"), gene_parts("BRCA2;TP53*"), gene_parts("brca1"), gene_parts("BRCA1;HELLO")
    (['BRCA1'], ['BRCA2', 'TP53'], ['BRCA1'], None)
    """
    table = gene_table()
    out = []
    for part in _PARTS.split(value.strip()):
        hit = table.get(part.strip().lstrip("#").rstrip("*").strip().upper())
        if hit is None:
            return None
        out.append(hit[0])
    return out or None


def is_gene_symbol(value: str) -> bool:
    """True for an HGNC symbol or alias (any case, export decorations allowed)."""
    return gene_parts(value) is not None


def is_clear_gene_symbol(value: str) -> bool:
    """True for a clinical gene of the bundled list (ATM too) or an approved symbol that is no word-like
    abbreviation (BRAF yes; CAT, ALL and other aliases no): random tokens before ``V600E`` must not pass."""
    key = value.strip().upper()
    if key in _bundled_table():
        return True
    hit = gene_table().get(key)
    return hit is not None and not hit[1]


def is_ambiguous_symbol(value: str) -> bool:
    """True when every gene a value names is also a word or common abbreviation (CAT, SET, MAX, ATM …)."""
    table = gene_table()
    parts = [
        table.get(p.strip().lstrip("#").rstrip("*").strip().upper()) for p in _PARTS.split(value.strip())
    ]
    return bool(parts) and all(hit is not None and hit[1] for hit in parts)


class GeneSymbolRecognizer(ValueRecognizer):
    """GENE_SYMBOL: HGNC symbols of clinically relevant genes (supporting evidence only)."""

    anchored_counts = True  # listed symbols among the candidates of the anchored pattern (recognizers.shapes)
    entity = "GENE_SYMBOL"
    patterns: ClassVar = (Pattern("HGNC gene symbol (weak)", GENE_VALUE_RE, 0.4),)
    context = (
        "基因",
        "基因名",
        "基因符号",
        "gene",
        "gene_symbol",
        "gene symbol",
        "hgnc",
        "symbol",
        "jy",
        "jymc",
    )
    validator_strength = 0.6
    min_ratio = 0.8

    def validate(self, candidate: str) -> bool:
        return is_gene_symbol(candidate)

    def mask(self, value: str) -> str:
        v = value.strip().lstrip("#")
        return v[:1] + "*" * (len(v) - 1)

    def describe(self, candidate: str) -> dict[str, object]:
        parts = gene_parts(candidate)
        return {"symbol": ";".join(parts), "ambiguous": is_ambiguous_symbol(candidate)} if parts else {}

    def candidate_mask(self, values: pa.Array) -> pa.Array:
        """The anchored pattern's values, compiled once (:func:`recognizers.row_match.rows_matching`): its
        counted repetitions take Arrow's kernel 0.3-0.5 ms to compile, on every column offered to it."""
        return pa.array(rows_matching(values, self._anchored))

    def analyze_values(self, values: pa.Array, *, max_examples: int = 3) -> ValueMatches:
        """Count listed symbols; ambiguous ones (CAT, SET, MAX) only beside enough unambiguous ones."""
        n = len(values)
        if n == 0:
            return ValueMatches(self.entity, n, 0, [])
        vc = pc.value_counts(values.filter(self.candidate_mask(values)))
        clear = ambiguous = 0
        examples: list[str] = []
        for raw, count in zip(vc.field("values").to_pylist(), vc.field("counts").to_pylist(), strict=True):
            if not is_gene_symbol(raw):
                continue
            if is_ambiguous_symbol(raw):
                ambiguous += count
            else:
                clear += count
                examples.append(raw)
        if clear == 0 or clear / (clear + ambiguous) < UNAMBIGUOUS_SHARE:
            return ValueMatches(self.entity, n, 0, [])
        return ValueMatches(
            self.entity,
            n,
            clear + ambiguous,
            examples[:max_examples],
            pattern=self.patterns[0].name,
            details={"ambiguous_symbols": ambiguous, "symbols_from": gene_table_source()},
        )

    def analyze_segments(self, columns: Sequence[pa.Array], *, max_examples: int = 3) -> list[ValueMatches]:
        """:meth:`analyze_values` of each column, called only for those holding a candidate (one search over
        all: :meth:`~recognizers.base.ValueRecognizer._screened_segments`); the others count nothing."""
        return self._screened_segments(columns, max_examples, GeneSymbolRecognizer)

    def text_prefilter(self) -> tuple[str | tuple[str, ...], ...] | None:
        """A symbol-shaped token, and a genetic word or a protein change (a span needs one of them nearby)."""
        words = context_words(GENETIC_WORDS + WEAK_GENETIC_WORDS)
        return None if words is None else (relaxed(_TOKEN), (words, r"[A-Z]\d{1,4}[A-Z*]"))

    def find_spans(self, text: str) -> list[Span]:
        if not isinstance(text, str) or not text:
            return []
        out = []
        for m in _TOKEN.finditer(text or ""):
            tok = m.group(1)
            if not is_gene_symbol(tok) or (tok != tok.upper() and tok.upper() != "C9ORF72"):
                continue
            window = text[max(0, m.start() - 12) : m.start()] + " " + text[m.end() : m.end() + 12]
            near = context_hits(GENETIC_WORDS, window)
            if not near and not is_ambiguous_symbol(tok):
                near = context_hits(WEAK_GENETIC_WORDS, window)
            if not near and not re.match(r"\s*(?:p\.)?[A-Z]\d{1,4}[A-Z*](?![A-Za-z0-9])", text[m.end() :]):
                continue
            out.append(
                Span(
                    self.entity,
                    m.start(),
                    m.end(),
                    tok,
                    0.6,
                    self.patterns[0].name,
                    details={"context": near},
                )
            )
        return out


class GeneSymbolColumns:
    """GENE_SYMBOL for a column named like a gene column whose values are listed symbols, ambiguous ones included."""

    entities: ClassVar[tuple[str, ...]] = ("GENE_SYMBOL",)

    def __init__(self) -> None:
        self.rec = GeneSymbolRecognizer()

    def analyze_table(self, ctx: TableContext) -> dict[str, list[EntityFinding]]:
        out: dict[str, list[EntityFinding]] = {}
        for meta in ctx.columns:
            values = ctx.strings.get(meta.name)
            if (
                values is None
                or len(values) == 0
                or any(f.type == "GENE_SYMBOL" for f in ctx.findings.get(meta.name, []))
            ):
                continue
            support = metadata_words(self.rec.context, meta.name, meta.comment)
            if not support:
                continue
            vc = pc.value_counts(values)
            matched, examples = 0, []
            for raw, count in zip(
                vc.field("values").to_pylist(), vc.field("counts").to_pylist(), strict=True
            ):
                if is_gene_symbol(raw):
                    matched += count
                    examples.append(raw)
            ratio = matched / len(values)
            if ratio < 0.6:
                continue
            out[meta.name] = [
                EntityFinding(
                    type="GENE_SYMBOL",
                    score=min(1.0, 0.6 * self.rec.validator_strength + 0.3 * ratio + 0.1),
                    match_ratio=ratio,
                    matched=matched,
                    evidence=[self.rec.mask(x) for x in examples[:3]],
                    recognizer=type(self).__name__,
                    explanation=f"{matched}/{len(values)} sampled values are listed HGNC symbols and the column is named "
                    f"like a gene column ({', '.join(support)})",
                )
            ]
        return out
