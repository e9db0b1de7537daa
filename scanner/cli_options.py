"""Command-line options shared by several commands (``scan``, ``check``, ``ledger record``).

Kept apart from :mod:`scanner.cli` so that command modules registered on the
root group can use them without importing it.
"""

from __future__ import annotations

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
        click.option("--profile", default=None, help="S3: AWS profile from ~/.aws (default: the credential chain)."),
        click.option("--endpoint-url", default=None, metavar="URL",
                     help="S3: endpoint of an S3-compatible store (MinIO, OSS, COS, OBS)."),
        click.option("--region", default=None, help="S3: region name."),
        click.option("--addressing-style", type=click.Choice(["auto", "path", "virtual"]), default=None,
                     help="S3: path style for MinIO; virtual-host style for OSS and COS."),
        click.option("--max-objects", type=click.IntRange(1), default=1000, show_default=True,
                     help="S3: at most this many objects per prefix (and files per dataset)."),
        click.option("--object-sampling", type=click.Choice(["newest", "random", "all"]), default="newest",
                     show_default=True, help="S3: which objects when a prefix holds more than --max-objects."),
        click.option("--key-include", multiple=True, metavar="GLOB", help="S3: only keys matching GLOB (relative to the prefix)."),
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
