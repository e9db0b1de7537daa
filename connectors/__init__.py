"""Connectors: read samples from data sources as Arrow tables.

:func:`open_source` turns a SOURCE argument (a SQLAlchemy URL, a local path,
``s3://bucket/prefix``, ``iceberg://CATALOG/…`` or ``delta://PATH``) into a
:class:`~connectors.base.Connector`: SQL, S3, Iceberg, Delta Lake, Parquet for
a path that names a Parquet file, and local files (any format chujing reads,
Parquet included) for every other path.
"""

from __future__ import annotations

from typing import Any

from connectors.base import ColumnInfo, Connector, SourceError, TableInfo, select_tables
from connectors.delta import DeltaConnector
from connectors.iceberg import IcebergConnector
from connectors.local_files import LocalFilesConnector
from connectors.parquet import ParquetConnector
from connectors.s3 import S3Connector
from connectors.sql import SQLConnector
from connectors.uri import mask_uri, source_kind

#: The connector of each kind of source (:func:`connectors.uri.source_kind`); any other local path is
#: read as local files (CSV, JSON, Excel, text, Parquet, mixed in a directory).
CONNECTORS: dict[str, type[Connector]] = {
    "sql": SQLConnector,
    "s3": S3Connector,
    "parquet": ParquetConnector,
    "iceberg": IcebergConnector,
    "delta": DeltaConnector,
}

__all__ = [
    "CONNECTORS",
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
    return CONNECTORS.get(source_kind(source), LocalFilesConnector)(source, **options)
