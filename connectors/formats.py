"""What a file or object holds, judged from its name, and how its bytes become text.

Shared by the S3 connector and the local-files connector: everything here
works on names, bytes and binary streams, wherever they come from.

Formats are recognised by extension, after an optional compression suffix
(``exports/patients.csv.gz`` is gzip-compressed CSV).  A file or object whose
format cannot be read is *skipped* with a reason, never silently dropped.
Workbooks (``.xlsx``/``.xlsm``) are recognised only where the caller can open
them (``workbooks=True``: local files; a workbook is a zip archive, read from
its end).

Text encodings
    Chinese exports are often not UTF-8: Excel and many domestic systems write
    GBK (code page 936) or GB18030.  :func:`detect_encoding` decides on the first
    chunk: a byte-order mark wins; then strict UTF-8 (cheap, and non-UTF-8
    Chinese text fails it within a few bytes); then ``charset-normalizer``.  When
    the detector names any GB encoding (GB2312, GBK, CP936, HZ, GB18030) the
    answer is GB18030, the superset: it decodes every GBK byte sequence the same
    way and also the four-byte sequences (rare characters in names and
    addresses) GBK lacks.

Delimiters
    ``.tsv``/``.tab`` are tab-separated; for ``.csv`` :func:`sniff_delimiter`
    chooses among comma, tab, semicolon and pipe from the first lines.
"""

from __future__ import annotations

import bz2
import codecs
import csv
import gzip
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

import charset_normalizer
import zstandard

PARQUET = "parquet"
CSV = "csv"
TSV = "tsv"
JSON = "json"
JSONL = "jsonl"
TEXT = "text"
XLSX = "xlsx"
#: Preference among formats when a dataset folder mixes them (most files wins, then this order).
FORMAT_ORDER = (PARQUET, JSONL, CSV, TSV, JSON, TEXT)

EXTENSIONS = {
    ".parquet": PARQUET,
    ".parq": PARQUET,
    ".pq": PARQUET,
    ".csv": CSV,
    ".tsv": TSV,
    ".tab": TSV,
    ".json": JSON,
    ".jsonl": JSONL,
    ".ndjson": JSONL,
    ".txt": TEXT,
    ".log": TEXT,
    ".md": TEXT,
}
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
#: Files that are SQLite databases by their name (scanned through a ``sqlite:///`` URL, not as files).
SQLITE_SUFFIXES = (".db", ".sqlite", ".sqlite3", ".db3")
SQLITE_MAGIC = b"SQLite format 3\x00"
COMPRESSIONS = {".gz": "gzip", ".gzip": "gzip", ".zst": "zstd", ".zstd": "zstd", ".bz2": "bz2"}
_KINDS = {
    "image": (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".svg", ".heic", ".dcm"),
    "archive": (".zip", ".tar", ".tgz", ".7z", ".rar", ".jar", ".xz", ".lz4", ".snappy"),
    "office document": (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".ods"),
    "audio or video": (".mp3", ".wav", ".mp4", ".avi", ".mov", ".mkv", ".flac"),
    "binary data": (".bin", ".exe", ".so", ".dll", ".pkl", ".npy", ".npz", ".h5", ".db", ".sqlite"),
    "columnar or row format not read from S3": (".orc", ".avro", ".arrow", ".feather"),
}
_KIND_OF = {ext: kind for kind, exts in _KINDS.items() for ext in exts}

#: Characters of a "GB" encoding name as charset-normalizer and codecs spell it.
_GB_NAMES = {"gb2312", "gbk", "cp936", "hz", "gb18030", "ms936", "euc_cn", "euccn", "hz_gb_2312"}
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
DETECT_BYTES = 256 * 1024
DELIMITERS = ",\t;|"


@dataclass(frozen=True)
class ObjectFormat:
    """``kind`` (one of :data:`FORMAT_ORDER`), ``compression`` (``gzip``/``zstd``/``bz2`` or None), ``stem``."""

    kind: str
    compression: str | None
    stem: str


def detect_format(name: str, *, workbooks: bool = False) -> ObjectFormat | str:
    """The format of a file or object named ``name`` (a key or a path), or why it is skipped.

    With ``workbooks`` an Excel workbook is format :data:`XLSX`; without, it is
    skipped as an office document.

    >>> detect_format("exports/2025/patients.csv.gz")
    ObjectFormat(kind='csv', compression='gzip', stem='exports/2025/patients')
    >>> detect_format("events.JSONL.zst").kind, detect_format("part-0.snappy.parquet").stem
    ('jsonl', 'part-0.snappy')
    >>> detect_format("scan.png"), detect_format("dump.gz"), detect_format("README")
    ('unsupported format: image (.png)', 'unsupported format inside .gz (dump)', 'no file extension')
    >>> detect_format("visits.xlsx", workbooks=True), detect_format("visits.xlsx")
    (ObjectFormat(kind='xlsx', compression=None, stem='visits'), 'unsupported format: office document (.xlsx)')
    """
    base = name.rsplit("/", 1)[-1]
    lower = name.lower()
    if workbooks and lower.endswith(WORKBOOK_SUFFIXES):
        return ObjectFormat(XLSX, None, name.rsplit(".", 1)[0])
    compression = None
    stem = name
    for suffix, codec in COMPRESSIONS.items():
        if lower.endswith(suffix):
            compression, stem, lower = codec, name[: -len(suffix)], lower[: -len(suffix)]
            break
    for suffix, kind in EXTENSIONS.items():
        if lower.endswith(suffix):
            if kind == PARQUET and compression:
                return f"compressed Parquet ({suffix}{_suffix(name)}) is not readable by range; decompress it"
            return ObjectFormat(kind, compression, stem[: -len(suffix)])
    if compression:
        return f"unsupported format inside {_suffix(name)} ({stem.rsplit('/', 1)[-1]})"
    if "." not in base.lstrip("."):
        return "no file extension"
    ext = "." + base.rsplit(".", 1)[-1].lower()
    kind = _KIND_OF.get(ext)
    return f"unsupported format: {kind} ({ext})" if kind else f"unsupported format ({ext})"


def _suffix(name: str) -> str:
    return "." + name.rsplit(".", 1)[-1].lower()


# -- decompression -------------------------------------------------------------------
class CorruptStream(Exception):
    """The compressed stream is damaged (not merely cut short by a byte cap)."""


def decompressing(raw: io.RawIOBase | io.BufferedIOBase, compression: str | None) -> io.BufferedIOBase:
    """A binary stream of the decompressed bytes of ``raw`` (``raw`` itself when not compressed)."""
    if compression is None:
        return raw if isinstance(raw, io.BufferedIOBase) else io.BufferedReader(raw)
    if compression == "gzip":
        return gzip.GzipFile(fileobj=raw, mode="rb")
    if compression == "bz2":
        return bz2.BZ2File(raw, mode="rb")
    if compression == "zstd":
        return io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(raw, read_across_frames=True))
    raise ValueError(f"unknown compression {compression!r}")


ENDED, CUT, MORE = "ended", "cut", "more"


def read_bounded(stream: io.BufferedIOBase, limit: int, chunk: int = 256 * 1024) -> tuple[bytes, str]:
    """Up to ``limit`` decompressed bytes, and how the stream stood after them.

    The state is :data:`ENDED` (clean end of stream), :data:`CUT` (the compressed
    input stopped before its end-of-stream marker: damage if the whole object was
    fetched, else only the byte cap of a ranged GET) or :data:`MORE` (``limit``
    reached).  Other decoder errors raise :class:`CorruptStream`.
    """
    parts, have = [], 0
    try:
        while have < limit:
            data = stream.read(min(chunk, limit - have))
            if not data:
                return b"".join(parts), ENDED
            parts.append(data)
            have += len(data)
        return b"".join(parts), MORE if stream.read(1) else ENDED
    except EOFError:
        return b"".join(parts), CUT
    except (OSError, ValueError) as exc:
        raise CorruptStream(_decoder_error(exc)) from exc
    except Exception as exc:  # zstandard.ZstdError is not an OSError
        if type(exc).__name__ == "ZstdError":
            raise CorruptStream(_decoder_error(exc)) from exc
        raise


def iter_chunks(stream: io.BufferedIOBase, chunk: int = 1024 * 1024) -> Iterator[bytes]:
    """Every decompressed byte of ``stream``, in chunks; damage raises :class:`CorruptStream`."""
    try:
        while data := stream.read(chunk):
            yield data
    except (OSError, ValueError, EOFError) as exc:
        raise CorruptStream(_decoder_error(exc)) from exc
    except Exception as exc:
        if type(exc).__name__ == "ZstdError":
            raise CorruptStream(_decoder_error(exc)) from exc
        raise


def _decoder_error(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200] or type(exc).__name__


# -- encodings -----------------------------------------------------------------------
def detect_encoding(head: bytes) -> str:
    """The codec name to decode ``head`` (the first bytes of a text object) with.

    >>> detect_encoding("姓名,身份证号\\n张三,32050519900101123X\\n".encode("gbk"))
    'gb18030'
    >>> detect_encoding(codecs.BOM_UTF8 + "姓名\\tphone\\n".encode())
    'utf-8-sig'
    >>> detect_encoding("病历号,诊断\\n".encode()), detect_encoding(b"")
    ('utf-8', 'utf-8')
    """
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    sample = head[:DETECT_BYTES]
    if _is_utf8(sample):
        return "utf-8"
    # Cut at a line end so that the detector never sees half a character.
    cut = sample.rfind(b"\n")
    if cut > 0:
        sample = sample[: cut + 1]

    best = charset_normalizer.from_bytes(sample).best()
    name = (best.encoding if best else "").lower().replace("-", "_")
    if name in _GB_NAMES or not name:
        return "gb18030"
    return best.encoding


def _is_utf8(sample: bytes) -> bool:
    try:
        codecs.getincrementaldecoder("utf-8")("strict").decode(sample, final=False)
    except UnicodeDecodeError:
        return False
    return True


def decode_head(head: bytes, encoding: str, *, complete: bool) -> str:
    """Decode the first bytes of an object; a character cut by the byte cap is dropped."""
    decoder = codecs.getincrementaldecoder(encoding)("replace")
    return decoder.decode(head, final=complete)


def iter_text(chunks: Iterator[bytes], encoding: str) -> Iterator[str]:
    """Decode a byte stream incrementally (characters split across chunks are kept whole)."""
    decoder = codecs.getincrementaldecoder(encoding)("replace")
    for chunk in chunks:
        if text := decoder.decode(chunk):
            yield text
    if tail := decoder.decode(b"", final=True):
        yield tail


# -- delimited text ------------------------------------------------------------------
def sniff_delimiter(text: str, kind: str) -> str:
    """The field delimiter of CSV/TSV ``text`` (its first lines are enough).

    >>> sniff_delimiter("a;b;c\\n1;2;3\\n", "csv"), sniff_delimiter("a|b\\n1|2\\n", "csv")
    (';', '|')
    >>> sniff_delimiter("姓名\\t电话\\n张三\\t139\\n", "csv"), sniff_delimiter("a,b\\n", "tsv")
    ('\\t', '\\t')
    """
    if kind == TSV:
        return "\t"
    lines = text.lstrip("\ufeff").split("\n", 20)[:20]
    sample = "\n".join(lines[:-1] if len(lines) > 1 else lines)
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        pass
    # The delimiter that appears, the same number of times, in the most lines.
    counts = {d: [line.count(d) for line in lines if line.strip()] for d in DELIMITERS}
    best = max(
        DELIMITERS, key=lambda d: (sum(1 for c in counts[d] if c and c == counts[d][0]), sum(counts[d]))
    )
    return best if any(counts[best]) else ","


_DATA_LIKE = re.compile(r"^[\d\s.,:;/+\-_()xX%$¥￥]+$")


def looks_like_header(first: list[str], rest: list[list[str]]) -> bool:
    """Whether the first record of a delimited file names its columns.

    Exports nearly always have a header, but a headerless file whose first row
    were taken as names would put raw values (an ID number, a phone) into the
    report as column names, so a row counts as a header only when its fields are
    all present, short, and not number-like (digits, dates, amounts,
    ID numbers with an ``X`` check character), or — for a file of text columns
    — when it shares no value with the rows below it.

    >>> looks_like_header(["姓名", "身份证号"], [["张三", "32050519900101123X"]])
    True
    >>> looks_like_header(["张三", "32050519900101123X"], [["李四", "110105198001011234"]])
    False
    """
    fields = [f.strip() for f in first]
    if not fields or any(not f for f in fields):
        return False
    if any(len(f) > 64 or _DATA_LIKE.match(f) for f in fields):
        return False
    # A column whose values below are number-like while its first field is not: a header.
    for i in range(len(fields)):
        below = [r[i].strip() for r in rest if i < len(r) and r[i].strip()]
        if below and all(_DATA_LIKE.match(v) for v in below):
            return True
    if not rest:
        return True
    # Text columns only: a header shares no value with the rows below it.
    return not any(fields[i] in {r[i].strip() for r in rest if i < len(r)} for i in range(len(fields)))
