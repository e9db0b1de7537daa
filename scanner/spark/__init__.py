"""The Spark engine's side of the scan (``--engine spark``): recognition on the executors, one table at a time.

:func:`scanner.spark.table.scan_spark_table` is what :func:`scanner.scan.scan` runs for a table of a
:class:`connectors.spark.SparkConnector` instead of the local sample-and-recognize
steps; it fills the same :class:`~scanner.models.TableResult`, so every report,
the catalogue and ``chujing check`` read a Spark scan as they read a local one.
This package is part of the scan layer (with the modules directly in ``scanner/``).  It imports nothing
here: the executors import :mod:`scanner.spark.recognize` alone.
"""
