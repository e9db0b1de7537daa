"""Command-line options shared by several commands (``scan``, ``check``, ``ledger record``).

Kept apart from :mod:`scanner.cli` so that command modules registered on the
root group can use them without importing it.
"""

from __future__ import annotations

import datetime as _dt
import logging
import sys
from typing import Any

import click

#: The keyword names the S3 options arrive under (see :func:`s3_connector_options`).
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


def s3_options(fn):  # noqa: ANN001, ANN201 - click decorator
    """Options of s3:// sources (AWS S3, MinIO, Alibaba OSS, Tencent COS, Huawei OBS)."""
    opts = [
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
    for opt in reversed(opts):
        fn = opt(fn)
    return fn


def s3_connector_options(values: dict[str, Any]) -> dict[str, Any]:
    """Connector options from the S3 flags (only those set); other keys of ``values`` are ignored."""
    return {k: v for k, v in values.items() if k in S3_OPTION_NAMES and v not in (None, ())}


def modality_option(fn):  # noqa: ANN001, ANN201 - click decorator
    """``--modality``: the content type of the export, which the AI-training-data items depend on."""
    return click.option(
        "--modality",
        type=click.Choice(MODALITIES),
        default=None,
        help="Content type of the data (AI training data lists set different scales for text, image and "
        "audio); a column scan cannot tell, so without it such items are left for manual review.",
    )(fn)


def parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> _dt.date | None:
    """click callback: ``YYYY-MM-DD`` to a date, with a usage error naming the value otherwise."""
    if value is None:
        return None
    try:
        return _dt.date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a date in YYYY-MM-DD form") from exc


def ledger_options(fn):  # noqa: ANN001, ANN201 - click decorator
    """``--ledger`` and ``--ledger-key-file``, for every command that opens the export ledger."""
    from scanner.export.ledger import LEDGER_ENV

    fn = click.option(
        "--ledger-key-file",
        default=None,
        type=click.Path(dir_okay=False),
        metavar="PATH",
        help="File holding the ledger's HMAC key [default: $CHUJING_LEDGER_KEY].",
    )(fn)
    return click.option(
        "--ledger",
        "ledger_url",
        default=None,
        envvar=LEDGER_ENV,
        metavar="URL",
        help="Ledger database: a SQLite file or a SQLAlchemy URL (PostgreSQL for teams) "
        "[default: ~/.local/share/chujing/ledger.db, or $CHUJING_LEDGER].",
    )(fn)


#: Loggers of libraries that talk at INFO or below about routine work ("Found credentials in environment
#: variables", jieba's dictionary banner): WARNING and up only, unless --debug.
THIRD_PARTY_LOGGERS = ("botocore", "boto3", "s3transfer", "urllib3", "duckdb", "jieba", "presidio-analyzer")
#: The AWS SDK's DEBUG records carry request signatures, session tokens and object bytes: INFO at most.
SECRET_BEARING_LOGGERS = ("botocore", "boto3", "s3transfer")


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is when a record is emitted (click's test runner swaps it)."""

    @property
    def stream(self):  # noqa: ANN201 - a text stream
        return sys.stderr

    @stream.setter
    def stream(self, value: object) -> None:  # StreamHandler.__init__ assigns it; the property decides
        pass


def configure_logging(debug: bool) -> None:
    """Logs on stderr: warnings and errors by default, everything (but the AWS SDK's secrets) with --debug.

    Called by the root command for every command, and again by ``--debug``; it
    sets levels explicitly, so a library that set its own (botocore at INFO)
    is brought back in line, and it adds its handler only once.
    """
    root = logging.getLogger()
    if not any(isinstance(h, _StderrHandler) for h in root.handlers):
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    root.setLevel(logging.DEBUG if debug else logging.WARNING)
    for name in THIRD_PARTY_LOGGERS:
        level = logging.DEBUG if debug else logging.WARNING
        if debug and name in SECRET_BEARING_LOGGERS:
            level = logging.INFO
        logging.getLogger(name).setLevel(level)


def _debug_callback(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    if value:
        configure_logging(debug=True)
    return value


def debug_option(fn):  # noqa: ANN001, ANN201 - click decorator
    """``--debug``: verbose logs (third-party libraries included) and full tracebacks."""
    return click.option(
        "--debug", is_flag=True, callback=_debug_callback, help="Verbose logs and full tracebacks."
    )(fn)
