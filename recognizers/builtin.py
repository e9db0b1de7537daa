"""chujing's own recognizers, as one pack registered the way a third-party package registers its own.

Each *family* module (``identity``, ``telecom`` …) exports ``VALUE_RECOGNIZERS``
(value recognizer classes) and, when it has evidence that spans columns,
``TABLE_RECOGNIZERS``.  The order below is the order recognizers are tried and
table recognizers run (the minors recognizer reads the birth dates and ID
numbers found before it).  The registry loads this module by reference
(:data:`recognizers.registry.BUILTIN`) so that importing the engine does not
import every family.
"""

from __future__ import annotations

from recognizers import (
    addresses,
    credentials,
    demographics,
    finance,
    genetics,
    geo,
    health,
    identity,
    names,
    network,
    telecom,
    vehicle,
)
from recognizers.packs import RecognizerPack

VALUE_RECOGNIZERS = (
    *identity.VALUE_RECOGNIZERS,
    *finance.VALUE_RECOGNIZERS,
    *telecom.VALUE_RECOGNIZERS,
    *network.VALUE_RECOGNIZERS,
    *vehicle.VALUE_RECOGNIZERS,
    *health.VALUE_RECOGNIZERS,
    *genetics.VALUE_RECOGNIZERS,
    *geo.VALUE_RECOGNIZERS,
    *names.VALUE_RECOGNIZERS,
    *addresses.VALUE_RECOGNIZERS,
    *demographics.VALUE_RECOGNIZERS,
    *credentials.VALUE_RECOGNIZERS,
)
TABLE_RECOGNIZERS = (
    *health.TABLE_RECOGNIZERS,
    *genetics.TABLE_RECOGNIZERS,
    *geo.TABLE_RECOGNIZERS,
    *demographics.TABLE_RECOGNIZERS,
    *credentials.TABLE_RECOGNIZERS,
)


def builtin_pack() -> RecognizerPack:
    """One instance of every built-in recognizer (instances hold no mutable state: one serves every thread)."""
    return RecognizerPack(
        name="chujing",
        value_recognizers=tuple(cls() for cls in VALUE_RECOGNIZERS),
        table_recognizers=tuple(cls() for cls in TABLE_RECOGNIZERS),
        source="built-in",
        builtin=True,
    )
