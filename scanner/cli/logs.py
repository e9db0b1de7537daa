"""Logs on stderr: warnings and errors by default, everything but the AWS SDK's secrets with ``--debug``.

Kept out of the command modules because it is process state: the root command
sets it for every command, and ``--debug`` (a scan option) raises it.
"""

from __future__ import annotations

import logging
import sys

import click

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
