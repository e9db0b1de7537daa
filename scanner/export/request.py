"""What ``chujing check`` is asked: the lists, scenario and subject, the sources and how to read them.

:class:`CheckOptions` holds the scan's options (:class:`scanner.scan.ScanOptions`,
built once by the command line) and the gate's own: who the persons are
(``--person-key``), the recipient, the CIIO flag and the date.
:func:`validate_request` checks the request against the catalogue before
anything is scanned: a typo in ``--list`` fails in a second, not after an hour.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from catalog import load_catalog
from catalog.loader import Catalog
from catalog.models import CatalogError
from catalog.requests import validate_request as validate_catalog_request
from connectors.errors import ChujingError
from scanner.scan import ScanOptions


class CheckError(ChujingError):
    """The check cannot run (bad list id, scenario, person key …): one line saying what to do."""


@dataclass
class CheckOptions:
    """What to check and how: the scan's options (lists, scenario, subject, sampling, sources) and the gate's."""

    #: The lists, scenario, subject and modality, the reference rule and catalogue, and how to read the sources.
    scan: ScanOptions
    #: ``--person-key`` values: each one column or a composite of several; per table the first whose
    #: columns the table has keys its persons (all of kind ``person_key``, so they are unioned across tables).
    person_keys: Sequence[Sequence[str]] = ()
    recipient: str | None = None
    #: the exporter is a critical-information-infrastructure operator (the identification rule's CIIO clause)
    ciio: bool = False
    as_of: _dt.date | None = None

    def scan_options(self) -> ScanOptions:
        """The scan's options without the lists: the scan would evaluate them with row counts, the gate with persons."""
        return replace(self.scan, lists=(), scenario=None, subject=None, scan_date=self.as_of)


def validate_request(options: CheckOptions) -> Catalog:
    """Load the catalogue and check list ids, reference rule, scenario and subject before anything is scanned.

    The checks are :func:`catalog.requests.validate_request`, the ones ``chujing scan`` makes too.
    """
    asked = options.scan
    if not asked.lists:
        raise CheckError("give at least one negative list with --list ID (chujing catalog list shows them)")
    try:
        catalog = load_catalog(asked.catalog_dirs)
        validate_catalog_request(
            catalog, asked.lists, asked.scenario, asked.subject, reference_rule=asked.reference_rule
        )
    except CatalogError as exc:
        raise CheckError("; ".join(exc.problems)) from None
    return catalog
