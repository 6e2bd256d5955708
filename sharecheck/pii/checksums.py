"""Validators named in rules/recognizers.yaml: does a value that has the shape also pass the
scheme's own check? python-stdnum does the arithmetic; we only pick the scheme."""
from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from functools import lru_cache
from typing import Callable

_NINO_BAD_PREFIXES = {"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"}


def _stdnum(module_path: str) -> Callable[[str], bool]:
    def check(value: str) -> bool:
        module = _module(module_path)
        try:
            return bool(module.is_valid(value))
        except Exception:  # stdnum raises on inputs it cannot even parse
            return False

    return check


@lru_cache(maxsize=None)
def _module(path: str):
    import importlib

    return importlib.import_module(path)


def _uk_nino(value: str) -> bool:
    # NINO has no check digit: the prefix rules are all there is (HMRC NIM39110)
    compact = re.sub(r"\s", "", value).upper()
    return len(compact) == 9 and compact[:2] not in _NINO_BAD_PREFIXES and compact[1] != "O"


def _ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value.strip())
    except ValueError:
        return False
    return True


def _base64_digest(value: str) -> bool:
    text = value.strip()
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)) if ("-" in text or "_" in text) else base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return False
    # mixed case and digits: a 24-letter word is not a digest
    return len(raw) in (16, 20, 28, 32) and bool(re.search(r"[0-9]", text)) and bool(re.search(r"[a-z]", text)) and bool(re.search(r"[A-Z]", text))


_PHONE_REGIONS = ("US", "GB", "FR", "DE", "ES", "IT", "NL", "PT")


def phone_valid(value: str, regions: tuple[str, ...] = _PHONE_REGIONS) -> bool:
    """Valid in at least one region (international numbers carry their own)."""
    import phonenumbers

    text = value.strip()
    for region in ((None,) if text.startswith("+") else regions):
        try:
            number = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return True
    return False


def phone_possible_us(value: str) -> bool:
    """A seven-digit local number (area code in another column) is still a phone number."""
    digits = re.sub(r"\D", "", value)
    return len(digits) == 7 and digits[0] not in "01"


VALIDATORS: dict[str, Callable[[str], bool]] = {
    "luhn": lambda value: _stdnum("stdnum.luhn")(re.sub(r"[ -]", "", value)),
    "iban": _stdnum("stdnum.iban"),
    "us_ssn": _stdnum("stdnum.us.ssn"),
    "nhs": _stdnum("stdnum.gb.nhs"),
    "uk_nino": _uk_nino,
    "fr_nir": _stdnum("stdnum.fr.nir"),
    "de_idnr": _stdnum("stdnum.de.idnr"),
    "es_dni": _stdnum("stdnum.es.dni"),
    "es_nie": _stdnum("stdnum.es.nie"),
    "it_codicefiscale": _stdnum("stdnum.it.codicefiscale"),
    "nl_bsn": _stdnum("stdnum.nl.bsn"),
    "in_aadhaar": _stdnum("stdnum.in_.aadhaar"),
    "kr_rrn": _stdnum("stdnum.kr.rrn"),
    "phone": lambda value: phone_valid(value) or phone_possible_us(value),
    "ip": _ip,
    "base64_digest": _base64_digest,
}


def validate(name: str | None, value: str) -> bool:
    if not name:
        return True
    try:
        return VALIDATORS[name](value)
    except KeyError:
        raise KeyError(f"unknown validator {name!r}; known: {sorted(VALIDATORS)}") from None
