"""Genetic data (遗传资源): DNA/RNA sequences (this module), variants (:mod:`recognizers.genetics_variant`) and
gene symbols (:mod:`recognizers.genetics_genes`).

DNA_SEQUENCE (核酸序列: DNA and RNA, FASTA, FASTQ).

A sequence is a run of at least 20 nucleotides: ``[ACGTN]`` for DNA,
``[ACGUN]`` for RNA (lower case allowed: soft-masked repeats), with at least
three different bases and no more than half ``N`` — shorter runs are words
(GATTACA, CAT, TAG), and ``NNNN…``/``AAAA…`` is padding.  In text and in
multi-line values the recognizer also reads:

* FASTA: a ``>`` header line and sequence lines (wrapped or not);
* FASTQ: four-line records ``@id`` / sequence / ``+`` / quality, where the
  quality string has exactly the length of the sequence.

The evidence shows the first three bases and the length only.

More information:

* https://www.ncbi.nlm.nih.gov/genbank/fastaformat/
* Cock et al., The Sanger FASTQ file format, Nucleic Acids Res. 2010 (doi:10.1093/nar/gkp1137)

>>> r = DnaSequenceRecognizer()
>>> [r.validate(v) for v in ("ACGTACGTTAGCCGATCGATCGAT", "ACGUACGUUAGCCGAUCGAUCGAU", "GATTACA", "AAAAAAAAAAAAAAAAAAAAAAAA",
...                          "NNNNNNNNNNNNNNNNACGTACGT")]
[True, True, False, False, False]
>>> fq = "@r1\\nACGTACGTTAGCCGATCGATCGAT\\n+\\nIIIIIIIIIIIIIIIIIIIIIIII\\n"
>>> [(s.pattern, s.text[:3]) for s in r.find_spans(fq)]
[('FASTQ record (strong)', '@r1')]
>>> r.mask("ACGTACGTTAGCCGATCGATCGAT")
'ACG…(24 nt)'
"""

from __future__ import annotations

import re
from typing import ClassVar

from recognizers.base import Pattern, Span, ValueRecognizer
from recognizers.genetics_genes import GeneSymbolColumns, GeneSymbolRecognizer
from recognizers.genetics_variant import GeneticVariantRecognizer, GenotypeRecognizer, VcfColumns

_DNA = "[ACGTNacgtn]"
_RNA = "[ACGUNacgun]"
_BARE = re.compile(r"(?<![0-9A-Za-z])(?:[ACGTNacgtn]{20,}|[ACGUNacgun]{20,})(?![0-9A-Za-z])")
_FASTA = re.compile(r"(?m)^>[^\n]{0,200}\n(?:[ACGTUNacgtun*\-]{1,1000}\n?)+")
_FASTQ = re.compile(r"(?m)^@[^\n]{1,200}\n([A-Za-z.\-]{1,100000})\n\+[^\n]{0,200}\n([!-~]{1,100000})$")


def is_sequence(s: str) -> bool:
    """True for a nucleotide run: 20+ bases, at least three kinds, at most half N, DNA or RNA (not both)."""
    u = s.upper()
    if len(u) < 20 or not re.fullmatch(r"[ACGTUN]+", u) or ("T" in u and "U" in u):
        return False
    return len(set(u) - {"N"}) >= 3 and u.count("N") <= len(u) / 2


class DnaSequenceRecognizer(ValueRecognizer):
    """DNA_SEQUENCE: DNA/RNA sequences of 20+ nucleotides, FASTA and FASTQ records."""

    entity = "DNA_SEQUENCE"
    patterns: ClassVar = (
        Pattern("DNA sequence, 20+ nucleotides (strong)", f"{_DNA}{{20,}}", 0.9),
        Pattern("RNA sequence, 20+ nucleotides (strong)", f"{_RNA}{{20,}}", 0.9),
        Pattern("FASTA record (strong)", r">[^\n]{0,200}\n[ACGTUNacgtun\n*\-]{20,}", 0.95),
        Pattern(
            "FASTQ record (strong)", r"@[^\n]{1,200}\n[A-Za-z.\-]{20,}\n\+[^\n]{0,200}\n[!-~]{20,}", 0.95
        ),
    )
    context = (
        "序列",
        "碱基序列",
        "核酸序列",
        "读段",
        "sequence",
        "seq",
        "read",
        "reads",
        "fasta",
        "fastq",
        "dna",
        "rna",
        "xl",
        "jjxl",
    )
    validator_strength = 0.9
    min_ratio = 0.5

    def normalize(self, value: str) -> str:
        return value.strip()

    def validate(self, candidate: str) -> bool:
        if candidate.startswith("@"):
            m = _FASTQ.fullmatch(candidate)
            return bool(m) and len(m.group(1)) == len(m.group(2)) and is_sequence(m.group(1))
        if candidate.startswith(">"):
            _, _, body = candidate.partition("\n")
            return is_sequence(re.sub(r"[\s*\-]", "", body))
        return is_sequence(candidate)

    def mask(self, value: str) -> str:
        v = value.strip()
        if v.startswith((">", "@")):
            v = "".join(line for line in v.splitlines()[1:] if not line.startswith("+"))[: len(v)]
        v = re.sub(r"\s", "", v)
        return f"{v[:3]}…({len(v)} nt)"

    def describe(self, candidate: str) -> dict[str, object]:
        if candidate.startswith("@"):
            m = _FASTQ.fullmatch(candidate)
            return {"length": len(m.group(1)), "alphabet": "DNA", "format": "FASTQ"} if m else {}
        body = candidate.partition("\n")[2] if candidate.startswith(">") else candidate
        body = re.sub(r"[\s*\-]", "", body).upper()
        return {"length": len(body), "alphabet": "RNA" if "U" in body else "DNA"}

    def text_prefilter(self) -> str:
        """Twenty bases in a row, or a line opening a FASTA (``>``) or FASTQ (``@``) record."""
        return "[ACGTUNacgtun]{20}|(?m:^[>@])"

    def find_spans(self, text: str) -> list[Span]:
        if not isinstance(text, str) or not text:
            return []
        out: list[Span] = []
        taken: list[tuple[int, int]] = []
        for m in _FASTQ.finditer(text):
            if len(m.group(1)) == len(m.group(2)) and is_sequence(m.group(1)):
                out.append(Span(self.entity, m.start(), m.end(), m.group(0), 0.95, "FASTQ record (strong)"))
                taken.append(m.span())
        for m in _FASTA.finditer(text):
            if not any(a < m.end() and m.start() < b for a, b in taken) and self.validate(m.group(0)):
                out.append(Span(self.entity, m.start(), m.end(), m.group(0), 0.95, self.patterns[2].name))
                taken.append(m.span())
        for m in _BARE.finditer(text):
            if is_sequence(m.group(0)) and not any(a < m.end() and m.start() < b for a, b in taken):
                near = self.context_near(text, m.start(), m.end())
                out.append(
                    Span(
                        self.entity,
                        m.start(),
                        m.end(),
                        m.group(0),
                        0.9 + (0.05 if near else 0.0),
                        self.pattern_name(m.group(0)),
                    )
                )
        return sorted(out, key=lambda s: s.start)

    def pattern_name(self, candidate: str) -> str:
        if candidate.startswith(("@", ">")):
            return self.patterns[3 if candidate.startswith("@") else 2].name
        return self.patterns[1 if "U" in candidate.upper() else 0].name


VALUE_RECOGNIZERS = (
    DnaSequenceRecognizer,
    GeneticVariantRecognizer,
    GenotypeRecognizer,
    GeneSymbolRecognizer,
)
TABLE_RECOGNIZERS = (VcfColumns, GeneSymbolColumns)
