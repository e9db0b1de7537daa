"""Spark as an engine (``--engine spark``, ``pip install 'chujing[spark]'``): Hive tables, Parquet and ORC.

:class:`SparkConnector` reads ``hive://DB[.GLOB]`` and Parquet/ORC paths through
one SparkSession per process (:mod:`connectors.spark.session`); pyspark is
imported only when that session starts, so chujing runs without it until
``--engine spark`` is asked for.  Recognition on the executors is the scanner's
(:mod:`scanner.spark`); person keys are counted and hashed here.
"""

from __future__ import annotations

from connectors.spark.connector import SparkConnector, bounded_sample, quote
from connectors.spark.session import SparkError, parse_conf, spark_session
from connectors.spark.sources import HiveSource, PathSource, parse_source

__all__ = [
    "HiveSource",
    "PathSource",
    "SparkConnector",
    "SparkError",
    "bounded_sample",
    "parse_conf",
    "parse_source",
    "quote",
    "spark_session",
]
