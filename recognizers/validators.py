"""Named check-digit validators that recognizer files may ask for (``validator: luhn``).

A pattern finds the shape; a validator decides whether the value is a real
instance.  Every validator here is python-stdnum's, except the two Chinese
standards whose stdnum modules reject real numbers (see :mod:`recognizers.identity`),
which are chujing's own.  A validator takes the matched text, compacts it
(full-width characters to ASCII, spaces and dashes removed, upper case) and
never raises.

==================  ==========================================================================
name                check
==================  ==========================================================================
luhn                Luhn / ISO/IEC 7812-1 (bank cards, IMEI, ICCID)
verhoeff            Verhoeff dihedral check digit
damm                Damm quasigroup check digit
mod11-2             ISO 7064 MOD 11-2 (digits, check ``0``-``9`` or ``X``)
mod11-10            ISO 7064 MOD 11,10 (digits)
mod37-2             ISO 7064 MOD 37-2 (letters and digits, check may be ``*``)
mod37-36            ISO 7064 MOD 37,36 (letters and digits)
mod97-10            ISO 7064 MOD 97-10 (IBAN, LEI; letters count as 10-35)
gb11643             公民身份号码 GB 11643-1999: division code, birth date and MOD 11-2
gb32100             统一社会信用代码 GB 32100-2015: authority, region and MOD 31
==================  ==========================================================================

The ISO 7064 names may also be written ``iso7064-mod11-2`` and so on.

>>> VALIDATORS["luhn"]("4111 1111 1111 1111"), VALIDATORS["luhn"]("4111 1111 1111 1112")
(True, False)
>>> resolve("iso7064-mod97-10") is VALIDATORS["mod97-10"], VALIDATORS["gb11643"]("11010519491231002X")
(True, True)
"""

from __future__ import annotations

from collections.abc import Callable

from stdnum import damm, luhn, verhoeff
from stdnum.iso7064 import mod_11_2, mod_11_10, mod_37_2, mod_37_36, mod_97_10

from recognizers.idcheck import compact
from recognizers.identity_resident import is_valid_resident_id
from recognizers.identity_uscc import is_valid_uscc

Validator = Callable[[str], bool]


def _checked(check: Callable[[str], bool], *, letters: bool = False) -> Validator:
    """``check`` on the compact, upper-case form of a text whose characters before the check character are ASCII
    digits (or letters and digits); anything else is invalid without calling ``check`` (stdnum's ``int()``
    would read Arabic-Indic digits as digits)."""

    def validate(text: str) -> bool:
        if not isinstance(text, str):
            return False
        value = compact(text).upper()
        body = value[:-1]
        if len(value) < 2 or not value.isascii() or not (body.isalnum() if letters else body.isdigit()):
            return False
        return bool(check(value))

    return validate


def _own(check: Callable[[str], bool]) -> Validator:
    """A chujing validator, guarded against non-strings (its results are cached by value)."""
    return lambda text: isinstance(text, str) and bool(check(text))


#: Validator name → function of the matched text.
VALIDATORS: dict[str, Validator] = {
    "luhn": _checked(luhn.is_valid),
    "verhoeff": _checked(verhoeff.is_valid),
    "damm": _checked(damm.is_valid),
    "mod11-2": _checked(mod_11_2.is_valid),
    "mod11-10": _checked(mod_11_10.is_valid),
    "mod37-2": _checked(mod_37_2.is_valid, letters=True),
    "mod37-36": _checked(mod_37_36.is_valid, letters=True),
    "mod97-10": _checked(mod_97_10.is_valid, letters=True),
    "gb11643": _own(is_valid_resident_id),
    "gb32100": _own(is_valid_uscc),
}


def resolve(name: str) -> Validator:
    """The validator called ``name`` (``iso7064-`` prefix allowed), or ``KeyError`` listing the names."""
    key = name.strip().lower().removeprefix("iso7064-")
    if key in VALIDATORS:
        return VALIDATORS[key]
    raise KeyError(f"unknown validator '{name}'; use one of {', '.join(VALIDATORS)}")
