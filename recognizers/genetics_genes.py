"""GENE_SYMBOL (基因符号, HGNC approved symbols).

Symbols of about 680 clinically relevant human genes (``gene_symbols.tsv``:
common NGS cancer panels, ACMG secondary findings, PharmGKB pharmacogenes,
frequent Mendelian genes) and common aliases (HER2 → ERBB2, PD-L1 → CD274).
There is no maintained offline HGNC package, and many symbols are also words
or abbreviations (CAT, SET, MAX, ATM, OTC, APP …; flagged *ambiguous* in the
list), so a gene symbol is supporting evidence, never proof:

* a structured column is reported when most values are listed symbols *and*
  the unambiguous ones carry the column — a column of ``MAX``/``SET``/``ATM``
  is a column of words;
* a column named like a gene column (基因, gene, symbol) is reported with
  ambiguous symbols too (:class:`GeneSymbolColumns`);
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

import functools
import re
from typing import ClassVar

import pyarrow as pa
import pyarrow.compute as pc

from recognizers.base import Pattern, Span, ValueMatches, ValueRecognizer, context_hits
from recognizers.context import TableContext
from recognizers.decision import metadata_words
from recognizers.findings import EntityFinding
from recognizers.health_lexicon import read_tsv

SYMBOL_RE = r"[A-Z][A-Za-z0-9]{1,9}(?:-[A-Z0-9]{1,4})?"
_TOKEN = re.compile(rf"(?<![A-Za-z0-9\-])({SYMBOL_RE})(?![A-Za-z0-9])")
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


@functools.lru_cache(maxsize=1)
def gene_table() -> dict[str, tuple[str, bool]]:
    """Upper-cased symbol or alias → (approved symbol, ambiguous)."""
    out = {}
    for row in read_tsv("gene_symbols.tsv"):
        symbol, ambiguous, approved = row[0], row[1] == "1", (row[2] if len(row) > 2 else "") or row[0]
        out[symbol.upper()] = (approved, ambiguous)
    return out


def is_gene_symbol(value: str) -> bool:
    """True for a listed HGNC symbol or alias (any case)."""
    return value.strip().upper() in gene_table()


def is_ambiguous_symbol(value: str) -> bool:
    """True for symbols that are also words or common abbreviations (CAT, SET, MAX, ATM …)."""
    hit = gene_table().get(value.strip().upper())
    return bool(hit and hit[1])


class GeneSymbolRecognizer(ValueRecognizer):
    """GENE_SYMBOL: HGNC symbols of clinically relevant genes (supporting evidence only)."""

    entity = "GENE_SYMBOL"
    patterns: ClassVar = (Pattern("HGNC gene symbol from the bundled list (weak)", SYMBOL_RE, 0.4),)
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
        v = value.strip()
        return v[:1] + "*" * (len(v) - 1)

    def describe(self, candidate: str) -> dict[str, object]:
        hit = gene_table().get(candidate.strip().upper())
        return {"symbol": hit[0], "ambiguous": hit[1]} if hit else {}

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
            details={"ambiguous_symbols": ambiguous},
        )

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
