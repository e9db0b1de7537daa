"""Connectors: read samples from data sources as Arrow tables.

:func:`open_source` turns a SOURCE argument (a SQLAlchemy URL, a local path,
or ``s3://bucket/prefix``) into a :class:`~connectors.base.Connector`: SQL,
S3, Parquet for a path that names a Parquet file, and local files (any format
chujing reads, Parquet included) for every other path.
"""

from __future__ import annotations

from typing import Any

from connectors.base import ColumnInfo, Connector, SourceError, TableInfo, select_tables
from connectors.uri import mask_uri, source_kind

__all__ = [
    "ColumnInfo",
    "Connector",
    "SourceError",
    "TableInfo",
    "mask_uri",
    "open_source",
    "select_tables",
    "source_kind",
]


def open_source(source: str, **options: Any) -> Connector:
    """Build (but do not open) the connector for ``source``.

    ``options`` are connector specific (``schema``, ``include_views``,
    ``statement_timeout_s`` for SQL; ``profile``, ``endpoint_url`` for S3) and
    ignored by connectors that do not know them.
    """
    kind = source_kind(source)
    if kind == "sql":
        from connectors.sql import SQLConnector

        return SQLConnector(source, **options)
    if kind == "s3":
        from connectors.s3 import S3Connector

        return S3Connector(source, **options)
    if kind == "parquet":
        from connectors.parquet import ParquetConnector

        return ParquetConnector(source, **options)
    from connectors.local_files import LocalFilesConnector

    return LocalFilesConnector(source, **options)
