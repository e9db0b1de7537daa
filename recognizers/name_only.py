"""Findings a column's name or comment makes when its values cannot speak, and when values overrule them.

A name is a claim, values are evidence.  ``icd10`` over English disease titles
or ``allele_freq`` over floats name an entity the values plainly are not, and a
finding at 0 % of matching values only misleads.  So a name-only finding
(``basis: "name_only"``, :data:`~recognizers.columns.NAME_ONLY_SCORE`) is made
only for a column whose sampled values were not examined:

* no non-null value in the sample (all NULL, blank, or not sampled): the name is
  all there is, and the finding stays, labelled;
* values of a type no recognizer reads (binary blobs that are not text, nested
  lists and structs): the name stays as a labelled guess, which the catalogue
  never lets make a column sensitive by itself (see :mod:`catalog.mapping`).

A column whose values *were* examined — text (binary that decodes as UTF-8
included), numbers, floats, booleans, dates — and matched nothing gets nothing
from its name: the values contradict it.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from recognizers.columns import name_only_findings
from recognizers.context import ColumnMeta
from recognizers.findings import EntityFinding

#: Control characters that mark a binary value as data rather than text (tab, newlines and CR excepted).
_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f]"


def decode_text(arr: pa.Array) -> pa.Array | None:
    """Binary values as strings when every one is UTF-8 text, else ``None``.

    Drivers hand text stored in ``VARBINARY`` or binary-collated columns over as
    bytes; read as text they can be recognised like any string column.  Blobs
    (feature vectors, images, ciphertext) are rarely valid UTF-8 free of control
    characters, and stay unread.

    >>> decode_text(pa.array([b"Cholera", None])).to_pylist(), decode_text(pa.array([b"\\x00\\x9f"]))
    (['Cholera', None], None)
    """
    try:
        text = arr.cast(pa.string())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if pc.any(pc.match_substring_regex(text, _CONTROL)).as_py():
        return None
    return text


def values_examined(column: pa.ChunkedArray) -> bool:
    """True when the column has sampled non-null values of a type the recognizers read.

    Text columns read as text never get here with values (they were analysed);
    numbers, floats, booleans and dates are read by value or table recognizers
    (IDs stored as integers, coordinates, birth dates), so matching nothing is an answer.

    >>> values_examined(pa.chunked_array([[0.12, 0.5]])), values_examined(pa.chunked_array([[None]], pa.float64()))
    (True, False)
    >>> values_examined(pa.chunked_array([[b"\\x00\\x9f"]]))
    False
    """
    if column.null_count == len(column):
        return False
    t = column.type
    return (
        pa.types.is_integer(t)
        or pa.types.is_floating(t)
        or pa.types.is_decimal(t)
        or pa.types.is_boolean(t)
        or pa.types.is_temporal(t)
    )


def name_only(meta: ColumnMeta, column: pa.ChunkedArray) -> list[EntityFinding]:
    """Findings from a strong column name when the values cannot speak (all null, binary, nested).

    Values outweigh names: a column whose values were examined (see
    :func:`values_examined`; text columns never reach here) gets nothing from its name.
    """
    if values_examined(column):
        return []
    non_null = len(column) - column.null_count
    said = (
        "no sampled value is non-null"
        if non_null == 0
        else f"the {non_null} sampled non-null values (type {column.type}) are blank or unreadable: they cannot confirm it"
    )
    return [
        EntityFinding(
            type=hint.entity,
            score=hint.score,
            match_ratio=0.0,
            matched=0,
            recognizer="columns.name_only_findings",
            explanation=f"column name/comment says {hint.entity} ({', '.join(hint.words)}); {said}",
            basis="name_only",
        )
        for hint in name_only_findings(meta.name, meta.comment)
    ]
