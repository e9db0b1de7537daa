"""Text objects (CSV/TSV, JSON, JSON Lines, plain text) of an S3 table, read by the shared text readers.

The reading itself — bounded heads, encodings, layouts, record parsing,
streams for counts — is :mod:`connectors.formats_text`'s, the same as for
local files.  This module only says how an object's bytes are fetched: one
GET per head (a ``Range`` of at most ``head_bytes``), one streamed GET per
object for a count, every request carrying the ETag seen at listing and
counted in :class:`~connectors.s3_ranged.FetchStats`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass

import pyarrow as pa

from connectors import formats_text
from connectors.formats_records import Layout
from connectors.formats_text import TextSource, TextTable
from connectors.s3_listing import ObjectTable, S3Object
from connectors.s3_ranged import FetchStats, open_body

__all__ = ["TextReader", "TextTable"]


@dataclass
class TextReader:
    """Reads the text objects of one bucket, counting what it fetches in ``stats``."""

    client: object
    bucket: str
    stats: FetchStats

    def sources(self, t: ObjectTable) -> list[TextSource]:
        """The selected objects of ``t`` as text sources opened by (ranged) GETs."""
        return [
            TextSource(
                obj.key, obj.size, t.formats[obj.key], self._opener(obj), t.partitions.get(obj.key, {})
            )
            for obj in t.objects
        ]

    def _opener(self, obj: S3Object):  # noqa: ANN202 - a formats_text.Opener
        def open_(limit: int | None):  # noqa: ANN202
            return open_body(
                self.client, self.bucket, obj.key, etag=obj.etag or None, stats=self.stats, limit=limit
            )

        return open_

    def load(
        self,
        t: ObjectTable,
        head_bytes: int,
        reading: Callable[[S3Object], AbstractContextManager[object]],
    ) -> TextTable:
        """Parse the heads of (up to :data:`~connectors.formats_text.TEXT_DATASET_OBJECTS` of) the objects of ``t``.

        ``reading(obj)`` wraps the work on each object, so that its failure is
        reported with the object's key.
        """
        by_key = {o.key: o for o in t.objects}
        return formats_text.load(
            self.sources(t), head_bytes, listed=t.listed, reading=lambda src: reading(by_key[src.name])
        )

    def stream(
        self,
        t: ObjectTable,
        layouts: Mapping[str, tuple[Layout, str]],
        schema: pa.Schema,
        reading: Callable[[S3Object], AbstractContextManager[object]] = lambda obj: nullcontext(),
    ) -> Iterator[pa.RecordBatch]:
        """Every record of every selected object of ``t``, projected on ``schema`` (for distinct counts)."""
        by_key = {o.key: o for o in t.objects}
        return formats_text.stream(self.sources(t), layouts, schema, lambda src: reading(by_key[src.name]))
