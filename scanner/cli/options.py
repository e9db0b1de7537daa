"""Command-line options, each declared once.

Every command that scans (``scan``, ``check``, ``ledger record``, ``spotcheck``)
takes :func:`scan_options`: the same flags with the same defaults and help,
built into one :class:`~scanner.scan.ScanOptions` that the command receives as
``scan_opts``.  The defaults are :class:`~scanner.scan.ScanOptions`'s own, so the
command line and the library cannot drift apart.  A new scan option is added
here once — a click option in :func:`_scan_declarations` and its field in
:func:`build_scan_options` — and every scanning command has it (this is where
``--recognizers FILE`` goes, building the recognizer registry the scan runs).

The other shared options: :func:`person_key_option` (``check``, ``ledger
record``, ``spotcheck``), :func:`ledger_options`, :func:`output_options`
(``--format``, ``-o``), :func:`sign_key_option` and :func:`quiet_option`.
"""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

import recognizers
from connectors.spark import parse_conf
from scanner.cli.logs import debug_option
from scanner.export.ledger import LEDGER_ENV
from scanner.export.person_plan import parse_person_key
from scanner.scan import ENGINES, ScanOptions

F = TypeVar("F", bound=Callable[..., Any])
Decorator = Callable[[F], F]

#: The keyword names the S3 options arrive under; only those set become connector options.
S3_OPTION_NAMES = (
    "profile",
    "endpoint_url",
    "region",
    "addressing_style",
    "max_objects",
    "object_sampling",
    "key_include",
    "key_exclude",
)
MODALITIES = ("text", "image", "audio", "video")
_DEFAULTS = ScanOptions()


def _apply(fn: F, decorators: Sequence[Decorator]) -> F:
    """Apply ``decorators`` so that they read top to bottom in ``--help``, as they are listed."""
    for d in reversed(decorators):
        fn = d(fn)
    return fn


def parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> _dt.date | None:
    """click callback: ``YYYY-MM-DD`` to a date, with a usage error naming the value otherwise."""
    if value is None:
        return None
    try:
        return _dt.date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a date in YYYY-MM-DD form") from exc


# --- what to scan and how -------------------------------------------------------------------------


def _list_declarations(required: bool) -> list[Decorator]:
    """``--list``, ``--scenario``, ``--subject``, ``--modality``: what the findings are evaluated against."""
    return [
        click.option(
            "--list",
            "lists",
            multiple=True,
            required=required,
            metavar="ID",
            help="Negative list(s) to evaluate findings against, e.g. jiangsu-2025-biopharma; repeatable.",
        ),
        click.option(
            "--scenario",
            required=required,
            metavar="ID",
            help="Export scenario for list evaluation: one the lists name, e.g. clinical-trial "
            "(`chujing catalog show LIST`), or other for none of them.",
        ),
        click.option(
            "--subject",
            required=required,
            metavar="ID",
            help="Whose data it is, e.g. trial-subject, patient, hcp, vehicle-owner.",
        ),
        click.option(
            "--modality",
            type=click.Choice(MODALITIES),
            default=None,
            help="Content type of the data (AI training data lists set different scales for text, image and "
            "audio); a column scan cannot tell, so without it such items are left for manual review.",
        ),
    ]


def _s3_declarations() -> list[Decorator]:
    """Options of s3:// sources (AWS S3, MinIO, Alibaba OSS, Tencent COS, Huawei OBS)."""
    return [
        click.option(
            "--profile", default=None, help="S3: AWS profile from ~/.aws (default: the credential chain)."
        ),
        click.option(
            "--endpoint-url",
            default=None,
            metavar="URL",
            help="S3: endpoint of an S3-compatible store (MinIO, OSS, COS, OBS).",
        ),
        click.option("--region", default=None, help="S3: region name."),
        click.option(
            "--addressing-style",
            type=click.Choice(["auto", "path", "virtual"]),
            default=None,
            help="S3: path style for MinIO; virtual-host style for OSS and COS.",
        ),
        click.option(
            "--max-objects",
            type=click.IntRange(1),
            default=1000,
            show_default=True,
            help="S3: at most this many objects per prefix (and files per dataset).",
        ),
        click.option(
            "--object-sampling",
            type=click.Choice(["newest", "random", "all"]),
            default="newest",
            show_default=True,
            help="S3: which objects when a prefix holds more than --max-objects.",
        ),
        click.option(
            "--key-include",
            multiple=True,
            metavar="GLOB",
            help="S3: only keys matching GLOB (relative to the prefix).",
        ),
        click.option("--key-exclude", multiple=True, metavar="GLOB", help="S3: skip keys matching GLOB."),
    ]


def _engine_declarations() -> list[Decorator]:
    """``--engine`` and Spark's options (``hive://`` tables, Parquet/ORC on a cluster; docs/spark.md)."""
    return [
        click.option(
            "--engine",
            type=click.Choice(ENGINES),
            default=_DEFAULTS.engine,
            show_default=True,
            help="Where tables are read and recognized: local (this process) or spark (a SparkSession: "
            "hive://DB[.TABLE_GLOB] and Parquet/ORC paths, recognizers on the executors; "
            "pip install 'chujing[spark]').",
        ),
        click.option(
            "--spark-master",
            default=_DEFAULTS.spark_master,
            show_default=True,
            metavar="URL",
            help="Spark: the master (local[N], yarn, spark://host:7077, k8s://…).",
        ),
        click.option(
            "--spark-conf",
            multiple=True,
            metavar="KEY=VALUE",
            help="Spark: a session setting (spark.executor.memory=8g, spark.hadoop.hive.metastore.uris=…); "
            "repeatable.",
        ),
        click.option(
            "--partition-filter",
            default=None,
            metavar="EXPR",
            help="Spark: a Spark SQL condition applied to every table before anything is read, so that "
            "partitions are pruned (\"dt >= '2026-11-01'\"); counts and persons are over these rows.",
        ),
    ]


def _throughput_declarations() -> list[Decorator]:
    """``--jobs``, ``--table-timeout`` and ``--watermark-column``: scheduled scans of large warehouses."""
    return [
        click.option(
            "--jobs",
            "-j",
            default=_DEFAULTS.jobs,
            show_default=True,
            type=click.IntRange(1, 256),
            help="Tables of a SQL source read at once, in threads with a read-only connection each, while the "
            "tables read before are recognized in batches (SQLite and other sources: read one table at a time); "
            "on a machine of several cores, a source of many tables also has its batches recognized in up to "
            "N-1 other processes, a core each. The report is the same for every value.",
        ),
        click.option(
            "--table-timeout",
            default=None,
            type=click.FloatRange(0, min_open=True),
            metavar="SECONDS",
            help="Skip and report a table whose reads take longer (SQL statements are cancelled then too); "
            "the rest of the scan goes on [default: no limit].",
        ),
        click.option(
            "--watermark-column",
            default=None,
            metavar="COL",
            help="With --store --incremental: the maximum of COL (e.g. updated_at) joins the fingerprint of "
            "every table that has it, so a table whose rows were updated in place is rescanned.",
        ),
    ]


def _scan_declarations(lists: str | None, scan_date: bool) -> list[Decorator]:
    out = [
        click.option(
            "--sample-rows",
            default=_DEFAULTS.sample_rows,
            show_default=True,
            type=click.IntRange(1, 10_000_000),
            help="Rows sampled per table (persons, where counted, are counted over all rows).",
        ),
        click.option(
            "--tables",
            "include",
            multiple=True,
            metavar="GLOB",
            help="Only tables matching GLOB (name or schema.name); repeatable.",
        ),
        click.option(
            "--exclude", multiple=True, metavar="GLOB", help="Skip tables matching GLOB; repeatable."
        ),
        click.option(
            "--schema", default=None, help="SQL schema(s) to scan: a name, a comma-separated list, or '*'."
        ),
        click.option("--views/--no-views", default=False, show_default=True, help="Also scan SQL views."),
        click.option(
            "--seed",
            default=_DEFAULTS.seed,
            show_default=True,
            type=int,
            help="Sampling seed (same seed, same sample).",
        ),
    ]
    if scan_date:
        out.append(
            click.option(
                "--scan-date",
                default=None,
                callback=parse_date,
                metavar="YYYY-MM-DD",
                help="Date the scan is as of (minors are counted against it); default today.",
            )
        )
    if lists is not None:
        out += _list_declarations(required=lists == "required")
    out += [
        click.option(
            "--reference-rule",
            default=_DEFAULTS.reference_rule,
            show_default=True,
            metavar="ID",
            help="Classification reference rule for column categories and important-data identification.",
        ),
        click.option(
            "--catalog",
            "catalog_dirs",
            multiple=True,
            type=click.Path(file_okay=False),
            help="Directory with your own catalogue YAML files (another FTZ's list) and recognizer files; "
            "repeatable.",
        ),
        click.option(
            "--recognizers",
            "recognizer_files",
            multiple=True,
            type=click.Path(dir_okay=False),
            metavar="FILE",
            help="Also run the recognizers in FILE (Presidio's YAML format, with chujing's optional keys "
            "pi_class, column_words, validator; see docs/recognizers.md); repeatable.",
        ),
        *_s3_declarations(),
        *_throughput_declarations(),
        *_engine_declarations(),
        debug_option,
    ]
    return out


def build_scan_options(values: dict[str, Any]) -> ScanOptions:
    """Take the scan options out of a command's keyword arguments (``values`` keeps the rest).

    >>> kw = {"sample_rows": 50, "include": ("ods_*",), "exclude": (), "schema": None, "views": False,
    ...       "seed": 0, "reference_rule": "r", "catalog_dirs": (), "debug": False, "region": "cn-north-1",
    ...       "profile": None, "fmt": "json"}
    >>> opts = build_scan_options(kw)
    >>> opts.sample_rows, opts.include, opts.connector_options, kw
    (50, ('ods_*',), {'region': 'cn-north-1'}, {'fmt': 'json'})
    """
    s3 = {k: values.pop(k) for k in S3_OPTION_NAMES if k in values}
    files = tuple(values.pop("recognizer_files", ()) or ())
    catalog_dirs = values["catalog_dirs"]
    registry = (
        recognizers.load_registry(files=list(files), catalog_dirs=list(catalog_dirs))
        if (files or catalog_dirs)
        else None
    )
    return ScanOptions(
        registry=registry,
        sample_rows=values.pop("sample_rows"),
        include=values.pop("include"),
        exclude=values.pop("exclude"),
        seed=values.pop("seed"),
        schema=values.pop("schema"),
        include_views=values.pop("views"),
        scan_date=values.pop("scan_date", None),
        reference_rule=values.pop("reference_rule"),
        lists=values.pop("lists", ()),
        scenario=values.pop("scenario", None),
        subject=values.pop("subject", None),
        modality=values.pop("modality", None),
        catalog_dirs=values.pop("catalog_dirs"),
        connector_options={k: v for k, v in s3.items() if v not in (None, ())},
        debug=values.pop("debug"),
        jobs=values.pop("jobs", _DEFAULTS.jobs),
        table_timeout=values.pop("table_timeout", None),
        watermark_column=values.pop("watermark_column", None),
        engine=values.pop("engine", _DEFAULTS.engine),
        spark_master=values.pop("spark_master", _DEFAULTS.spark_master),
        spark_conf=parse_conf(values.pop("spark_conf", ())),
        partition_filter=values.pop("partition_filter", None),
    )


def scan_options(*, lists: str | None = "optional", scan_date: bool = True) -> Decorator:
    """What to read and how to sample it, evaluated against which lists: passed on as ``scan_opts: ScanOptions``.

    ``lists``: ``"optional"`` (``scan``), ``"required"`` (``check``, ``ledger record``) or ``None``
    (``spotcheck``, which compares with a filing instead).  ``scan_date=False`` for the commands
    whose own date (``--as-of``, ``--exported-at``) is the scan's.
    """

    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        def command(*args: Any, **kwargs: Any) -> Any:
            kwargs["scan_opts"] = build_scan_options(kwargs)
            return fn(*args, **kwargs)

        return _apply(command, _scan_declarations(lists, scan_date))  # type: ignore[arg-type]

    return decorate


# --- persons and the ledger -------------------------------------------------------------------------


def _person_keys(
    ctx: click.Context, param: click.Parameter, value: Sequence[str]
) -> tuple[tuple[str, ...], ...]:
    return tuple(k for k in (parse_person_key(v) for v in value) if k)


def person_key_option(fn: F) -> F:
    """``--person-key COL[,COL]``, repeatable: passed on as ``person_keys``, a tuple of column tuples."""
    return click.option(
        "--person-key",
        "person_keys",
        multiple=True,
        metavar="COL[,COL]",
        callback=_person_keys,
        help="Column(s) that identify a natural person (e.g. a pseudonymous subject code), instead "
        "of the ID/passport/mobile/e-mail columns the scan finds; COL,COL is one composite key. "
        "Repeatable: each table uses the first whose columns it has.",
    )(fn)


def ledger_options(fn: F) -> F:
    """``--ledger`` and ``--ledger-key-file``, for every command that opens the export ledger."""
    return _apply(
        fn,
        [
            click.option(
                "--ledger",
                "ledger_url",
                default=None,
                envvar=LEDGER_ENV,
                metavar="URL",
                help="Ledger database: a SQLite file or a SQLAlchemy URL (PostgreSQL for teams) "
                "[default: ~/.local/share/chujing/ledger.db, or $CHUJING_LEDGER].",
            ),
            click.option(
                "--ledger-key-file",
                default=None,
                type=click.Path(dir_okay=False),
                metavar="PATH",
                help="File holding the ledger's HMAC key [default: $CHUJING_LEDGER_KEY].",
            ),
        ],
    )


def export_options(fn: F) -> F:
    """What ``check`` and ``ledger record`` share: the scan, the lists, who the persons are, the ledger."""
    return _apply(
        fn,
        [
            scan_options(lists="required", scan_date=False),
            person_key_option,
            click.option("--recipient", default=None, metavar="NAME", help="Who receives the data abroad."),
            click.option(
                "--ciio",
                is_flag=True,
                help="The exporter is a critical-information-infrastructure operator (关键信息基础设施运营者): "
                "the identification rule's CIIO clause applies.",
            ),
            ledger_options,
        ],
    )


# --- output -----------------------------------------------------------------------------------------


def output_options(formats: Sequence[str], *, help: str) -> Decorator:  # noqa: A002 - click's own word
    """``--format`` (one of ``formats``, the first the default) and ``-o FILE``."""
    return lambda fn: _apply(
        fn,
        [
            click.option(
                "--format",
                "fmt",
                type=click.Choice(list(formats)),
                default=formats[0],
                show_default=True,
                help=help,
            ),
            click.option(
                "-o",
                "--output",
                type=click.Path(dir_okay=False),
                default=None,
                help="Write to FILE (atomically) instead of standard output.",
            ),
        ],
    )


def sign_key_option(
    help: str = "HMAC-SHA-256 sign the JSON result with the key in this file (or $CHUJING_SIGN_KEY); "  # noqa: A002
    "`chujing verify-report` checks it.",
) -> Decorator:
    """``--sign-key-file``: the HMAC key that signs (or, for ``verify-report``, checks) a JSON result."""
    return click.option("--sign-key-file", type=click.Path(dir_okay=False), default=None, help=help)


def quiet_option(
    help: str = "No progress bars and no summary; errors still go to stderr, and the exit status tells.",  # noqa: A002
) -> Decorator:
    """``--quiet``: only what was asked for on stdout (JSON, a file), errors on stderr."""
    return click.option("--quiet", is_flag=True, help=help)
