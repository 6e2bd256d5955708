"""Every validator named in rules/recognizers.yaml accepts a valid number and rejects one digit off."""
import pytest

from sharecheck.pii.checksums import VALIDATORS, validate
from sharecheck.pii.recognizers import value_patterns

# Synthetic numbers built to pass each scheme's check (stdnum's documented examples or computed)
VALID = {
    "luhn": "4111 1111 1111 1111",
    "iban": "GB82WEST12345698765432",
    "us_ssn": "536-22-8726",
    "nhs": "943 476 5919",
    "uk_nino": "AB 12 34 56 C",
    "fr_nir": "282081939881409",
    "de_idnr": "36574261809",
    "es_dni": "54362315K",
    "es_nie": "X2482300W",
    "it_codicefiscale": "RCCMNL83S18D969H",
    "nl_bsn": "111222333",
    "in_aadhaar": "234123412346",
    "kr_rrn": "971013-9019902",
    "phone": "+44 20 7946 0958",
    "ip": "192.0.2.17",
    "base64_digest": "XrY7u+Ae7tCTyyK7j1rNww==",
}
INVALID = {
    "luhn": "4111 1111 1111 1112",
    "iban": "GB82WEST12345698765433",
    "us_ssn": "666-22-8726",
    "nhs": "943 476 5918",
    "uk_nino": "GB 12 34 56 C",
    "fr_nir": "282081939881408",
    "de_idnr": "36574261808",
    "es_dni": "54362315J",
    "es_nie": "X2482300A",
    "it_codicefiscale": "RCCMNL83S18D969A",
    "nl_bsn": "111222334",
    "in_aadhaar": "234123412345",
    "kr_rrn": "971013-9019903",
    "phone": "+1 000 000 0000",
    "ip": "300.0.2.17",
    "base64_digest": "abcdefghijklmnopqrstuvwx",
}


def test_every_validator_has_cases():
    assert set(VALID) == set(VALIDATORS) == set(INVALID)


@pytest.mark.parametrize("name", sorted(VALID))
def test_validator_accepts_valid(name):
    assert validate(name, VALID[name])


@pytest.mark.parametrize("name", sorted(INVALID))
def test_validator_rejects_invalid(name):
    assert not validate(name, INVALID[name])


def test_recognizers_reference_known_validators_and_compile_for_polars():
    import polars as pl

    probe = pl.Series(["x"])
    for pattern in value_patterns():
        assert pattern.validator is None or pattern.validator in VALIDATORS
        probe.str.contains(pattern.anchored)  # Rust regex: raises on look-around
        probe.str.contains(pattern.contained)

