"""Connectors: read samples from data sources as Arrow tables.

:func:`open_source` turns a SOURCE argument (a SQLAlchemy URL, a local path,
``s3://bucket/prefix``, ``iceberg://CATALOG/…`` or ``delta://PATH``) into a
:class:`~connectors.base.Connector`: SQL, S3, Iceberg, Delta Lake, Parquet for
a path that names a Parquet file, and local files (any format chujing reads,
Parquet included) for every other path; with ``--engine spark``, Spark for
``hive://`` tables and Parquet/ORC paths (:mod:`connectors.spark`).
"""

from __future__ import annotations

from typing import Any

from connectors.base import ColumnInfo, Connector, SourceError, TableInfo, select_tables
from connectors.delta import DeltaConnector
from connectors.iceberg import IcebergConnector
from connectors.local_files import LocalFilesConnector
from connectors.parquet import ParquetConnector
from connectors.s3 import S3Connector
from connectors.spark import SparkConnector
from connectors.sql import SQLConnector
from connectors.uri import SPARK_KINDS, is_local_kind, mask_uri, source_kind

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
    ignored by connectors that do not know them.  With ``engine="spark"`` every
    source is Spark's (:class:`connectors.spark.SparkConnector`: ``hive://`` and
    Parquet/ORC paths); ``hive://`` and Hadoop filesystem URIs need it.
    """
    kind = source_kind(source)
    if options.get("engine") == "spark":
        if kind not in SPARK_KINDS and not is_local_kind(kind):
            raise SourceError(
                f"{mask_uri(source)}: --engine spark reads hive://DB[.TABLE_GLOB] and Parquet/ORC paths "
                "(local, hdfs://, s3a:// …); scan this source without --engine spark",
                source=mask_uri(source),
            )
        return SparkConnector(source, **options)
    if kind in SPARK_KINDS:
        raise SourceError(
            f"{mask_uri(source)}: {kind} sources are read by Spark: add --engine spark "
            "(pip install 'chujing[spark]')",
            source=mask_uri(source),
        )
    return CONNECTORS.get(kind, LocalFilesConnector)(source, **options)
