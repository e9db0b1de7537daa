"""The one SparkSession of a chujing process, built from ``--spark-master`` and ``--spark-conf``.

Spark runs one JVM per process and one session in it: every Spark source of a
run (and the person count after the scan) shares the session the first one
built, so the JVM starts once.  Settings, for reasons easy to lose:

* ``PYSPARK_PYTHON`` defaults to this interpreter for a local master, so the
  Python workers that run the recognizers (``mapInArrow``) import the same
  chujing; on a cluster it is the cluster's (``--spark-conf spark.pyspark.python=…``
  or the environment), with chujing installed on the executors;
* a local master gets twice its cores as shuffle partitions (Spark's default
  200 suits a cluster; on one machine they triple a person count's time);
* Spark's console progress bar is off (chujing draws its own on stderr, and
  Spark's would corrupt it) and the JVM's log is cut to errors
  (:data:`LOG4J2`), so ``--format json`` on standard output stays clean;
* the Hive catalogue is on when pyspark ships its classes, so ``hive://`` reads
  the metastore that the Spark conf names (``hive-site.xml``,
  ``spark.hadoop.hive.metastore.uris``, ``spark.sql.catalogImplementation``
  given with ``--spark-conf`` wins).

pyspark is optional (``pip install 'chujing[spark]'``) and imported here only
when a session is needed.  Java missing, pyspark missing or a session that
cannot start is a :class:`SparkError`: one line saying what to do.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sys
import warnings
from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from connectors.errors import ChujingError

#: Defaults chujing sets unless ``--spark-conf`` gives the key (see the module docstring).
DEFAULT_CONF = {
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.session.timeZone": "UTC",
}
#: log4j2 configuration of the driver JVM: errors only, on stderr, one line each.
LOG4J2 = Path(__file__).with_name("log4j2.properties")


#: pyspark warns on import and on every mapInArrow that it was not tested with pandas 3; chujing passes Arrow.
PANDAS_WARNING = "PySpark does not yet fully support pandas"


@contextlib.contextmanager
def arrow_udf() -> Iterator[None]:
    """Around a ``mapInArrow`` call: without pyspark's pandas-version warning (no pandas is involved)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=PANDAS_WARNING, category=FutureWarning)
        yield


class SparkError(ChujingError):
    """Spark cannot be used: no Java, no pyspark, or the session did not start."""


def parse_conf(pairs: Sequence[str]) -> dict[str, str]:
    """``--spark-conf KEY=VALUE`` options as a dict (a later key wins).

    >>> parse_conf(["spark.executor.memory=4g", "spark.sql.shuffle.partitions = 8"])
    {'spark.executor.memory': '4g', 'spark.sql.shuffle.partitions': '8'}
    >>> try:
    ...     parse_conf(["novalue"])
    ... except SparkError as exc:
    ...     print(exc)
    --spark-conf novalue: give KEY=VALUE (e.g. spark.executor.memory=4g)
    """
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise SparkError(f"--spark-conf {pair}: give KEY=VALUE (e.g. spark.executor.memory=4g)")
        out[key.strip()] = value.strip()
    return out


def java_executable() -> str | None:
    """The ``java`` Spark will start: ``$JAVA_HOME/bin/java``, else the one on ``PATH``."""
    home = os.environ.get("JAVA_HOME")
    if home:
        candidate = Path(home) / "bin" / "java"
        return str(candidate) if candidate.exists() else None
    return shutil.which("java")


def spark_session(master: str, conf: Mapping[str, str]) -> Any:
    """The process's SparkSession (started on first use with ``master`` and ``conf``).

    Later calls return the running session: Spark keeps one per JVM, and the
    static settings (master, catalogue) of the first win.  Raises
    :class:`SparkError` when Java or pyspark is missing or the session fails.
    """
    return _session(master, tuple(sorted(conf.items())))


@cache
def _session(master: str, conf: tuple[tuple[str, str], ...]) -> Any:
    if java_executable() is None:
        raise SparkError(
            "--engine spark needs a Java runtime (17 or 21) and none was found: install one "
            "(apt install default-jre-headless) or set JAVA_HOME"
        )
    warnings.filterwarnings("ignore", message=PANDAS_WARNING, category=FutureWarning)
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise SparkError(
            "--engine spark needs pyspark: pip install 'chujing[spark]' (pyspark 4 with pyarrow and pandas)"
        ) from None
    if master.startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    settings = dict(DEFAULT_CONF)
    cores = local_cores(master)
    if cores is not None:  # Spark's 200 shuffle partitions cost 3x on one machine (person counts)
        settings["spark.sql.shuffle.partitions"] = str(2 * cores)
    if hive_classes_present():
        settings["spark.sql.catalogImplementation"] = "hive"
    settings.update(conf)
    java_options = settings.get("spark.driver.extraJavaOptions", "")
    if "log4j2.configurationFile" not in java_options:  # the user's own logging configuration wins
        quiet = f"-Dlog4j2.configurationFile={LOG4J2.as_uri()}"
        settings["spark.driver.extraJavaOptions"] = f"{quiet} {java_options}".strip()
    builder = SparkSession.builder.master(master).appName("chujing")
    for key, value in settings.items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # the gateway, the master URL, a bad conf: whatever stops Spark
        raise SparkError(
            f"Spark did not start (--spark-master {master}): {first_line(exc)}; "
            "check --spark-master, --spark-conf and the Java runtime"
        ) from None
    session.sparkContext.setLogLevel("ERROR")
    return session


def local_cores(master: str) -> int | None:
    """The cores of a local master (``local``, ``local[4]``, ``local[*]``, ``local[4,2]``), ``None`` for a cluster.

    >>> local_cores("local[2]"), local_cores("local"), local_cores("yarn"), local_cores("local[*]") >= 1
    (2, 1, None, True)
    """
    if master == "local":
        return 1
    m = re.match(r"^local\[(\*|\d+)(?:,\d+)?\]$", master)
    if m is None:
        return None
    return (os.cpu_count() or 1) if m.group(1) == "*" else int(m.group(1))


def hive_classes_present() -> bool:
    """Whether the pyspark installation ships the Hive catalogue's jars (pip's pyspark does)."""
    try:
        import pyspark
    except ImportError:
        return False
    home = os.environ.get("SPARK_HOME") or os.path.dirname(pyspark.__file__)
    return any(Path(home, "jars").glob("hive-exec-*.jar"))


def first_line(exc: BaseException) -> str:
    """The first line of a Spark or Java error, without the JVM stack trace or the SQLSTATE suffix.

    >>> first_line(RuntimeError("[PATH_NOT_FOUND] Path does not exist: file:/x. SQLSTATE: 42K03\\n\\tat org..."))
    '[PATH_NOT_FOUND] Path does not exist: file:/x.'
    """
    text = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    text = text.split(" SQLSTATE:")[0].strip()
    return text or type(exc).__name__
