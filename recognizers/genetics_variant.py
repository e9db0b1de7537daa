"""GENETIC_VARIANT (基因变异): dbSNP rsIDs, HGVS descriptions, genomic positions with alleles, VCF records,
genotypes.

Forms recognised:

* **rsID** (dbSNP reference SNP): ``rs`` and 1–10 digits without a leading
  zero, ``rs113488022``.
* **HGVS** (Human Genome Variation Society nomenclature, v21): an optional
  reference sequence (``NM_004333.6``, ``NC_000007.14``, ``ENST00000288602``,
  optionally ``(BRAF)``), a colon, a coordinate type (``c.`` coding DNA, ``g.``
  genomic, ``n.`` non-coding, ``m.`` mitochondrial, ``r.`` RNA, ``p.`` protein)
  and the change: ``c.1799T>A``, ``c.68_69del``, ``c.5946del``,
  ``c.-12+3A>G``, ``p.(Val600Glu)``, ``p.V600E``, ``p.Glu23ValfsTer17``,
  ``p.(Pro227=)``.  The grammar below is a careful regex of the common
  substitution/deletion/duplication/insertion/delins/frameshift forms; the
  ``hgvs`` package (biocommons) would parse the full grammar but pulls in
  PostgreSQL and sequence-repository clients, so it is not used.
* **Genomic position with alleles**: ``chr7:140453136 A>T``,
  ``chr7:140453136:A:T``, ``chr7-140453136-A-T`` (the ``chr`` prefix is
  required: ``12:30`` is a time).
* **VCF**: the ``##fileformat=VCFv4.x`` header and tab-separated records
  (CHROM POS ID REF ALT …).
* **Genotypes** ``0/1``, ``1|1``, ``./.``, ``A/G``: only in a column named
  like a genotype (:class:`GenotypeRecognizer`) — ``1/2`` is also a fraction.
* In text, a gene symbol followed by a short protein change or an exon event
  (``BRAF V600E``, ``EGFR L858R``, ``EGFR 19del``, ``EGFR 19外显子缺失``).

Columns holding the parts of a VCF record separately (chrom, pos, ref, alt)
are found together by :class:`VcfColumns`.

More information:

* https://hgvs-nomenclature.org/stable/
* https://www.ncbi.nlm.nih.gov/snp/docs/RefSNP_about/
* https://samtools.github.io/hts-specs/VCFv4.3.pdf

>>> r = GeneticVariantRecognizer()
>>> [r.validate(v) for v in ("rs113488022", "NM_004333.6:c.1799T>A", "p.(Val600Glu)", "p.V600E", "c.68_69del",
...                          "chr7:140453136 A>T", "chr7:140453136:A:T", "rs0123", "12:30", "c.100A>A")]
[True, True, True, True, True, True, True, False, False, False]
>>> [s.text for s in r.find_spans("检出BRAF V600E突变(NM_004333.6:c.1799T>A, rs113488022)，EGFR 19del阴性；12:30复查")]
['BRAF V600E', 'NM_004333.6:c.1799T>A', 'rs113488022', 'EGFR 19del']
>>> r.mask("NM_004333.6:c.1799T>A")
'NM_004333.6:c.*******'
"""

from __future__ import annotations

import re
from typing import ClassVar

import pyarrow as pa
import pyarrow.compute as pc

from recognizers.base import Pattern, Span, ValueMatches, ValueRecognizer, mask_middle
from recognizers.context import TableContext
from recognizers.decision import metadata_words
from recognizers.findings import EntityFinding
from recognizers.free_text import any_of, pattern_cores, relaxed
from recognizers.genetics_genes import is_clear_gene_symbol

_AA3 = "Ala|Arg|Asn|Asp|Cys|Gln|Glu|Gly|His|Ile|Leu|Lys|Met|Phe|Pro|Ser|Thr|Trp|Tyr|Val|Sec|Pyl|Ter|Xaa"
_AA1 = "ACDEFGHIKLMNPQRSTVWYUOX"
_AA = rf"(?:{_AA3}|[{_AA1}*])"
_NT = "[ACGTUNacgtun]"
_POS = r"[-*]?\d+(?:[+-]\d+)?"
_RANGE = rf"{_POS}(?:_{_POS})?"
_DNA_CHANGE = rf"(?:{_NT}+>{_NT}+|delins{_NT}+|del{_NT}*|dup{_NT}*|ins{_NT}+|inv|=|\[\d+\])"
_PROT_CHANGE = (
    rf"{_AA}\d+(?:_{_AA}\d+)?(?:{_AA}(?:fs(?:Ter|\*)?\d*|ext\*?\d*)?|fs(?:Ter|\*)?\d*|delins{_AA}+|del|dup|"
    rf"ins{_AA}+|=|\?)"
)
REF_SEQ = r"(?:N[CGMRTPW]_\d+|X[MRP]_\d+|LRG_\d+(?:t\d+)?|ENS[TGP]\d{11})(?:\.\d+)?(?:\([A-Za-z0-9\-]+\))?"
HGVS_NUC = rf"(?:{REF_SEQ}:)?[cgmnr]\.{_RANGE}{_DNA_CHANGE}"
HGVS_PROT = rf"(?:{REF_SEQ}:)?p\.(?:\({_PROT_CHANGE}\)|{_PROT_CHANGE}|\(?=\)?|0\??)"
RSID = r"rs[1-9]\d{0,9}"
_CHROM = r"chr(?:[1-9]|1\d|2[0-2]|X|Y|M|MT)"
GENOMIC = rf"{_CHROM}[:\-]\d{{1,9}}(?:[: \-]|\s+)[ACGTN]+(?:>|[:/\-])[ACGTN]+"
_VCF_LINE = re.compile(
    r"^(?:chr)?(?:[1-9]|1\d|2[0-2]|X|Y|M|MT)\t\d{1,9}\t[^\t\n]+\t[ACGTNacgtn]+\t[ACGTNacgtn,.*<>A-Z]+\t", re.M
)
_VCF_HEADER = re.compile(r"##fileformat=VCFv4\.\d")
#: In text: a listed gene symbol with a short protein change or an exon event.
_GENE_EVENT = re.compile(
    rf"(?<![A-Za-z0-9])([A-Z][A-Z0-9]{{1,7}}(?:-[A-Z0-9]{{1,3}})?)\s*(?:p\.)?(?:[{_AA1}]\d{{1,4}}[{_AA1}*](?![A-Za-z0-9])|"
    r"(?:exon\s*|外显子)?\d{1,2}\s*(?:号?外显子)?(?:del|ins|缺失|插入|突变|跳跃|skipping))"
)


class GeneticVariantRecognizer(ValueRecognizer):
    """GENETIC_VARIANT: rsIDs, HGVS descriptions, genomic positions with alleles and VCF records."""

    anchored_counts = (
        True  # rsIDs are one of the anchored patterns; the rest as the base class (recognizers.shapes)
    )
    entity = "GENETIC_VARIANT"
    patterns: ClassVar = (
        Pattern("HGVS nucleotide variant (strong)", HGVS_NUC, 0.9),
        Pattern("HGVS protein change (strong)", HGVS_PROT, 0.85),
        Pattern("dbSNP rsID (strong)", RSID, 0.85),
        Pattern("genomic position with alleles, chr prefix (strong)", GENOMIC, 0.85),
    )
    context = (
        "变异",
        "突变",
        "基因变异",
        "基因突变",
        "位点",
        "snp",
        "rsid",
        "rs_id",
        "dbsnp",
        "hgvs",
        "variant",
        "mutation",
        "allele",
        "等位基因",
        "bianyi",
        "tubian",
        "jybj",
    )
    validator_strength = 0.9
    min_ratio = 0.5

    def validate(self, candidate: str) -> bool:
        c = candidate.strip()
        if re.fullmatch(RSID, c):
            return True
        m = re.fullmatch(rf"{_CHROM}[:\-](\d{{1,9}})(?:[: \-]|\s+)([ACGTN]+)(?:>|[:/\-])([ACGTN]+)", c)
        if m:
            return 0 < int(m.group(1)) <= 250_000_000 and m.group(2) != m.group(3)
        m = re.search(rf"[cgmnr]\.{_RANGE}({_NT}+)>({_NT}+)$", c)
        if m and m.group(1).upper() == m.group(2).upper():
            return False  # c.100A>A is no substitution
        return re.fullmatch(HGVS_NUC, c) is not None or re.fullmatch(HGVS_PROT, c) is not None

    def analyze_values(self, values: pa.Array, *, max_examples: int = 3) -> ValueMatches:
        """rsIDs are counted vectorized (their pattern is their validation); other forms as the base class does."""
        rs = pc.match_substring_regex(values, f"^{RSID}$")
        rest = values.filter(pc.invert(rs))
        vm = (
            super().analyze_values(rest, max_examples=max_examples)
            if len(rest)
            else ValueMatches(self.entity, 0, 0, [])
        )
        n_rs = int(pc.sum(pc.cast(rs, pa.int64())).as_py() or 0)
        examples = values.filter(rs).slice(0, max_examples).to_pylist() + vm.examples
        pattern = self.patterns[2].name if n_rs >= vm.matched else vm.pattern
        return ValueMatches(
            self.entity, len(values), n_rs + vm.matched, examples[:max_examples], pattern=pattern
        )

    def mask(self, value: str) -> str:
        v = value.strip()
        if ":" in v and re.match(REF_SEQ, v):
            ref, _, change = v.partition(":")
            return f"{ref}:{change[:2]}" + "*" * max(1, len(change) - 2)
        return mask_middle(v, 2, 0) if len(v) > 3 else "*" * len(v)

    def describe(self, candidate: str) -> dict[str, object]:
        c = candidate.strip()
        kind = (
            "rsid"
            if re.fullmatch(RSID, c)
            else "genomic"
            if c.startswith("chr")
            else "protein"
            if "p." in c
            else "nucleotide"
        )
        return {"kind": kind}

    def text_prefilter(self) -> str | None:
        """The pattern cores, a gene with a protein change or exon event, or a VCF header or record."""
        return any_of(pattern_cores(self), relaxed(_GENE_EVENT), relaxed(_VCF_HEADER), relaxed(_VCF_LINE))

    def find_spans(self, text: str) -> list[Span]:
        if not isinstance(text, str) or not text:
            return []
        out = super().find_spans(text)
        taken = [(s.start, s.end) for s in out]
        for m in _GENE_EVENT.finditer(text):
            if is_clear_gene_symbol(m.group(1)) and not any(a < m.end() and m.start() < b for a, b in taken):
                out.append(
                    Span(
                        self.entity,
                        m.start(),
                        m.end(),
                        m.group(0),
                        0.8,
                        "gene symbol + protein change or exon event (medium)",
                    )
                )
        if _VCF_HEADER.search(text):
            m = _VCF_HEADER.search(text)
            out.append(Span(self.entity, m.start(), m.end(), m.group(0), 0.9, "VCF header (strong)"))
        for m in _VCF_LINE.finditer(text):
            end = text.find("\n", m.start())
            end = len(text) if end < 0 else end
            if not any(a < end and m.start() < b for a, b in taken):
                out.append(
                    Span(self.entity, m.start(), end, text[m.start() : end], 0.9, "VCF record (strong)")
                )
        return sorted(out, key=lambda s: s.start)


class GenotypeRecognizer(ValueRecognizer):
    """GENETIC_VARIANT: genotype calls (``0/1``, ``1|1``, ``A/G``) in a column named like a genotype."""

    entity = "GENETIC_VARIANT"
    patterns: ClassVar = (
        Pattern("VCF genotype (weak)", r"[0-9.][/|][0-9.]", 0.4),
        Pattern(
            "allele pair (weak)", r"[ACGT](?:[/|]?[ACGT])|(?:DEL|INS|del|ins)/(?:DEL|INS|del|ins|[ACGT])", 0.4
        ),
    )
    context = ("genotype", "基因型", "gt", "zygosity", "纯合", "杂合", "allele call", "jyx")
    validator_strength = 0.6
    min_ratio = 0.7
    requires_context = True

    def describe(self, candidate: str) -> dict[str, object]:
        """Phased (``|``) or not, and zygosity for numeric calls (``0/1`` heterozygous)."""
        alleles = re.split(r"[/|]", candidate.strip())
        zyg = (
            None
            if "." in alleles or len(alleles) != 2
            else "homozygous"
            if alleles[0] == alleles[1]
            else "heterozygous"
        )
        return {"phased": "|" in candidate, "zygosity": zyg}

    def text_prefilter(self) -> tuple[str, ...]:
        """No row: :meth:`find_spans` reports nothing in text (see :mod:`recognizers.free_text`)."""
        return ()

    def find_spans(self, text: str) -> list[Span]:
        return []  # 1/2 in text is a fraction


#: Column names of VCF-like tables.
_CHROM_WORDS = ("chrom", "chr", "chromosome", "染色体", "contig")
_POS_WORDS = ("pos", "position", "start", "位置", "坐标", "起始位置")
_REF_WORDS = ("ref", "reference", "ref_allele", "参考碱基", "参考等位基因")
_ALT_WORDS = ("alt", "alternate", "alt_allele", "变异碱基", "突变碱基", "替代等位基因")


class VcfColumns:
    """GENETIC_VARIANT for a table holding a VCF record in columns: chromosome, position, reference, alternate."""

    entities: ClassVar[tuple[str, ...]] = ("GENETIC_VARIANT",)

    def analyze_table(self, ctx: TableContext) -> dict[str, list[EntityFinding]]:
        roles: dict[str, str] = {}
        for role, words in (
            ("chrom", _CHROM_WORDS),
            ("pos", _POS_WORDS),
            ("ref", _REF_WORDS),
            ("alt", _ALT_WORDS),
        ):
            for meta in ctx.columns:
                if meta.name not in roles.values() and metadata_words(words, meta.name, meta.comment):
                    roles[role] = meta.name
                    break
        if not {"ref", "alt"} <= roles.keys() or not ({"chrom", "pos"} & roles.keys()):
            return {}
        checks = {
            "chrom": r"^(?:chr)?(?:[1-9]|1\d|2[0-2]|X|Y|M|MT)$",
            "pos": r"^\d{1,9}$",
            "ref": r"^[ACGTNacgtn]+$",
            "alt": r"^(?:[ACGTNacgtn]+|[.*]|<[A-Z:]+>)(?:,(?:[ACGTNacgtn]+|[.*]|<[A-Z:]+>))*$",
        }
        ratios = {}
        for role, col in roles.items():
            values = ctx.strings.get(col)
            if values is None or len(values) == 0:
                return {}
            ratios[role] = (
                pc.mean(pc.cast(pc.match_substring_regex(values, checks[role]), pa.int8())).as_py() or 0.0
            )
        if min(ratios.values()) < 0.9:
            return {}
        out: dict[str, list[EntityFinding]] = {}
        for role, col in roles.items():
            if role not in ("ref", "alt") and any(
                f.type == "GENETIC_VARIANT" for f in ctx.findings.get(col, [])
            ):
                continue
            out[col] = [
                EntityFinding(
                    type="GENETIC_VARIANT",
                    score=0.9,
                    match_ratio=ratios[role],
                    matched=round(ratios[role] * len(ctx.strings[col])),
                    evidence=[],
                    recognizer=type(self).__name__,
                    explanation="the table holds a VCF record in columns ("
                    + ", ".join(f"{r}={c}" for r, c in roles.items())
                    + f"); {ratios[role]:.0%} of '{col}' has the {role} shape",
                    details={"vcf_columns": dict(roles)},
                )
            ]
        return out
