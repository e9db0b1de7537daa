"""Genetics recognizers: sequences (FASTA/FASTQ), variants (rsID, HGVS, VCF, genotypes), gene symbols."""

from __future__ import annotations

import random

import pyarrow as pa
import pytest

from recognizers import genetics
from recognizers.engine import ColumnMeta, analyze_table
from recognizers.genetics import DnaSequenceRecognizer, is_sequence
from recognizers.genetics_genes import (
    GeneSymbolRecognizer,
    gene_parts,
    gene_table,
    is_ambiguous_symbol,
    is_gene_symbol,
)
from recognizers.genetics_variant import GeneticVariantRecognizer

RECS = tuple(cls() for cls in genetics.VALUE_RECOGNIZERS)
TABLE_RECS = tuple(cls() for cls in genetics.TABLE_RECOGNIZERS)
GENETIC = {"DNA_SEQUENCE", "GENETIC_VARIANT", "GENE_SYMBOL"}


def analyze(columns: dict[str, list], metas: list[ColumnMeta] | None = None) -> dict[str, dict[str, object]]:
    res = analyze_table(
        pa.table(columns), metas, table_name="t", recognizers=RECS, table_recognizers=TABLE_RECS
    )
    return {col: {f.type: f for f in found} for col, found in res.items()}


def _seq(rng: random.Random, n: int, alphabet: str = "ACGT") -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


# -- sequences ----------------------------------------------------------------------------------------


def test_sequence_shapes():
    rng = random.Random(1)
    assert (
        is_sequence(_seq(rng, 20))
        and is_sequence(_seq(rng, 30, "ACGU"))
        and is_sequence(_seq(rng, 40).lower())
    )
    assert not is_sequence("GATTACA") and not is_sequence("CATTAG" * 3)  # short words
    assert not is_sequence("A" * 50) and not is_sequence("N" * 30 + "ACGT" * 2)  # padding
    assert not is_sequence("ACGTU" * 10)  # DNA and RNA mixed


def test_fasta_and_fastq_in_multiline_values():
    rng = random.Random(2)
    r = DnaSequenceRecognizer()
    seq = _seq(rng, 120)
    fasta = ">sample_01 chr7 exon 15\n" + "\n".join(seq[i : i + 60] for i in range(0, 120, 60)) + "\n"
    (sp,) = r.find_spans(fasta)
    assert sp.pattern.startswith("FASTA") and sp.text.strip() == fasta.strip()
    qual = "".join(chr(33 + rng.randint(2, 40)) for _ in seq)
    fastq = f"@read1\n{seq}\n+\n{qual}\n@read2\n{seq[:50]}\n+\n{qual[:50]}\n"
    spans = r.find_spans(fastq)
    assert [s.pattern for s in spans] == ["FASTQ record (strong)"] * 2
    broken = f"@read1\n{seq}\n+\n{qual[:-3]}\n"  # quality shorter than the sequence: no FASTQ record
    assert [s.pattern for s in r.find_spans(broken)] == ["DNA sequence, 20+ nucleotides (strong)"]
    assert r.mask(seq) == f"{seq[:3]}…(120 nt)"


def test_fasta_and_fastq_values_in_a_column():
    rng = random.Random(7)
    seqs = [_seq(rng, 30) for _ in range(100)]
    fasta = [f">s{i}\n{s}" for i, s in enumerate(seqs)]
    fastq = [f"@r{i}\n{s}\n+\n{'I' * len(s)}" for i, s in enumerate(seqs)]
    assert analyze({"fa": fasta})["fa"]["DNA_SEQUENCE"].match_ratio == 1.0
    assert analyze({"fq": fastq})["fq"]["DNA_SEQUENCE"].match_ratio == 1.0
    assert not DnaSequenceRecognizer().validate(f"@r\n{seqs[0]}\n+\n{'I' * 29}")


def test_sequence_columns():
    rng = random.Random(3)
    reads = [_seq(rng, rng.randint(100, 150)) for _ in range(200)]
    f = analyze({"read_seq": reads})["read_seq"]["DNA_SEQUENCE"]
    assert f.match_ratio == 1.0 and not any(x in e for x in reads for e in f.evidence)
    short = ["GATTACA", "CAT", "TAG", "ACGT", "GCTA"] * 60
    assert set(analyze({"word": short})["word"]) & GENETIC == set()
    quals = ["".join(chr(33 + rng.randint(2, 40)) for _ in range(120)) for _ in range(200)]
    assert set(analyze({"read_qual": quals})["read_qual"]) & GENETIC == set()


# -- variants -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("rs113488022", True),
        ("rs671", True),
        ("NM_004333.6:c.1799T>A", True),
        ("NM_007294.4:c.68_69del", True),
        ("NM_000059.4:c.5946del", True),
        ("c.-12+3A>G", True),
        ("p.(Val600Glu)", True),
        ("p.V600E", True),
        ("p.Glu23ValfsTer17", True),
        ("p.(Pro227=)", True),
        ("NC_000007.14:g.140753336A>T", True),
        ("NM_004333.6(BRAF):c.1799T>A", True),
        ("chr7:140453136 A>T", True),
        ("chr7:140453136:A:T", True),
        ("chr17-7675088-C-T", True),
        ("rs0123", False),
        ("RS232", False),
        ("12:30", False),
        ("c.100A>A", False),
        ("chr7:140453136:A:A", False),
        ("p.Foo600Bar", False),
        ("v1.2.3", False),
        ("A320B", False),
    ],
)
def test_variant_forms(value, valid):
    assert GeneticVariantRecognizer().validate(value) is valid


def test_variant_columns_and_text():
    rng = random.Random(4)
    rs = [f"rs{rng.randrange(1, 10**9)}" for _ in range(300)]
    assert analyze({"rs_id": rs})["rs_id"]["GENETIC_VARIANT"].match_ratio == 1.0
    hgvs = [
        rng.choice(["NM_004333.6:c.1799T>A", "NM_005228.5:c.2573T>G", "NM_004985.5:c.35G>A"])
        for _ in range(300)
    ]
    assert "GENETIC_VARIANT" in analyze({"hgvs_c": hgvs})["hgvs_c"]
    times = [f"{rng.randrange(24):02d}:{rng.randrange(60):02d}" for _ in range(300)]
    assert set(analyze({"t": times})["t"]) & GENETIC == set()
    text = "检出BRAF V600E突变(NM_004333.6:c.1799T>A, rs113488022)，EGFR 19del阴性；下午12:30复查，订单v1.2.3"
    assert [s.text for s in GeneticVariantRecognizer().find_spans(text)] == [
        "BRAF V600E",
        "NM_004333.6:c.1799T>A",
        "rs113488022",
        "EGFR 19del",
    ]


def test_vcf_text_and_vcf_columns():
    vcf = (
        "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
        "chr7\t140753336\trs113488022\tA\tT\t99\tPASS\tDP=120\n"
        "12\t25245350\t.\tC\tT\t80\tPASS\tDP=88\n"
    )
    spans = GeneticVariantRecognizer().find_spans(vcf)
    assert {s.pattern for s in spans} >= {"VCF header (strong)", "VCF record (strong)"}
    rng = random.Random(5)
    rows = [
        rng.choice(
            [("chr7", 140753336, "A", "T"), ("chr12", 25245350, "C", "A"), ("chr17", 43124027, "ACT", "A")]
        )
        for _ in range(300)
    ]
    found = analyze(
        {
            "chrom": [r[0] for r in rows],
            "pos": [r[1] for r in rows],
            "ref": [r[2] for r in rows],
            "alt": [r[3] for r in rows],
            "depth": [rng.randint(10, 900) for _ in rows],
        }
    )
    for col in ("chrom", "pos", "ref", "alt"):
        assert found[col]["GENETIC_VARIANT"].details["vcf_columns"]["ref"] == "ref"
    assert "GENETIC_VARIANT" not in found["depth"]
    # pos/ref/alt without a chromosome-like column in a table of something else: nothing
    other = analyze({"ref": ["A", "B", "C"] * 100, "alt": ["X", "Y", "Z"] * 100, "pos": list(range(300))})
    assert all(set(v) & GENETIC == set() for v in other.values())


def test_genotypes_only_in_genotype_columns():
    gts = ["0/1", "1/1", "0/0", "1|1", "./."] * 60
    assert "GENETIC_VARIANT" in analyze({"genotype": gts})["genotype"]
    assert "GENETIC_VARIANT" in analyze({"c": gts}, [ColumnMeta("c", "TEXT", "基因型")])["c"]
    fractions = ["1/2", "3/4", "0/1", "1/3"] * 75
    assert set(analyze({"ratio": fractions})["ratio"]) & GENETIC == set()


# -- gene symbols ---------------------------------------------------------------------------------------


def test_gene_list():
    table = gene_table()
    assert len({v[0] for v in table.values()}) >= 600
    for s in (
        "BRAF",
        "EGFR",
        "KRAS",
        "TP53",
        "BRCA1",
        "BRCA2",
        "ALK",
        "ROS1",
        "MET",
        "ERBB2",
        "HER2",
        "CYP2C19",
    ):
        assert is_gene_symbol(s), s
    assert table["HER2"][0] == "ERBB2" and table["PD-L1"][0] == "CD274"
    assert is_ambiguous_symbol("CAT") and is_ambiguous_symbol("SET") and is_ambiguous_symbol("MAX")
    assert not is_gene_symbol("HELLO") and not is_gene_symbol("GATTACA")


def test_gene_symbol_columns_and_words():
    rng = random.Random(6)
    genes = [rng.choice(["BRAF", "EGFR", "KRAS", "TP53", "PIK3CA", "MET", "ALK"]) for _ in range(300)]
    assert analyze({"gene": genes})["gene"]["GENE_SYMBOL"].match_ratio == 1.0
    assert "GENE_SYMBOL" in analyze({"g": genes})["g"]  # a high ratio of listed symbols carries the column
    words = [rng.choice(["CAT", "SET", "MAX", "ATM", "OTC", "APP", "ACE"]) for _ in range(300)]
    assert "GENE_SYMBOL" not in analyze({"code": words})["code"]
    assert (
        "GENE_SYMBOL" in analyze({"gene_symbol": words})["gene_symbol"]
    )  # named gene column: ambiguous counts
    prose = [
        "The cat sat on the SET while MAX watched the ATM and the APP.",
        "Set the MAX value for the CAT scanner before the RET key is pressed.",
    ] * 100
    assert set(analyze({"comment": prose})["comment"]) & GENETIC == set()


#: Genes of hereditary conditions outside the bundled clinical list (ClinVar lists thousands of such genes).
RARE_GENES = ("TMC1", "DYNC1H1", "ALMS1", "ANKRD11", "SPG7", "TECTA", "MYO15A", "LOXHD1", "CLDN14", "SYNGAP1")


def test_the_complete_hgnc_table_ships_with_chujing():
    table = gene_table()
    assert len({approved for approved, _ in table.values()}) > 40_000
    assert all(is_gene_symbol(g) and not is_ambiguous_symbol(g) for g in RARE_GENES)
    assert table["HER2"] == ("ERBB2", False)  # the bundled list's judgments still apply
    assert is_ambiguous_symbol("ALL") and is_ambiguous_symbol("CAN")  # aliases that are words
    assert is_ambiguous_symbol("SHE") and is_ambiguous_symbol("SMS")  # approved, but word-like


def test_a_clinvar_gene_column_with_export_decorations():
    """ClinVar exports write ``#GENE`` for some rows; trailing ``*``, spaces and ``A;B`` occur too."""
    rng = random.Random(21)
    decorate = (lambda g: "#" + g, lambda g: g + "*", lambda g: f" {g} ", lambda g: g, lambda g: g.lower())
    genes = [rng.choice(decorate)(rng.choice(RARE_GENES)) for _ in range(200)]
    genes += [f"{rng.choice(RARE_GENES)};{rng.choice(RARE_GENES)}" for _ in range(20)]
    for name in ("gene", "f_7"):
        found = analyze({name: genes})[name]
        assert "GENE_SYMBOL" in found, name
        assert found["GENE_SYMBOL"].match_ratio == 1.0
        assert not any(g in e for g in RARE_GENES for e in found["GENE_SYMBOL"].evidence)  # masked
    assert gene_parts("#TMC1*") == ["TMC1"] and gene_parts("TMC1;HELLO") is None


def test_gene_symbols_in_text_need_genetic_context():
    g = GeneSymbolRecognizer()
    assert [s.text for s in g.find_spans("EGFR基因19外显子缺失，ALK融合阴性，KRAS G12C")] == [
        "EGFR",
        "ALK",
        "KRAS",
    ]
    assert g.find_spans("Press the MAX button and SET the CAT level; call the ATM") == []
    assert [s.text for s in g.find_spans("CRP阳性，EGFR阳性")] == ["EGFR"]  # CRP is also a lab test


# -- robustness -----------------------------------------------------------------------------------------
