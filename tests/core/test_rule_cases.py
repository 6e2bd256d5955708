"""Every rule has a failing and a passing table (tests/rule_cases/*.yaml), run through sharecheck.scan."""
from __future__ import annotations

import hashlib
from pathlib import Path

import polars as pl
import pytest
import yaml

import sharecheck
from sharecheck.rules import default_rules

CASES_DIR = Path(__file__).resolve().parent.parent / "rule_cases"


def _load_cases():
    cases = {}
    for path in sorted(CASES_DIR.glob("*.yaml")):
        if path.name == "linkage.yaml":
            continue  # join rules: tests/join/test_rule_cases_join.py
        cases.update(yaml.safe_load(path.read_text()))
    return cases


CASES = _load_cases()


def _value(value):
    # "md5:XYZ" stands for the unsalted MD5 of XYZ; "random:N" for a digest of nothing guessable.
    if isinstance(value, str) and value.startswith("md5:"):
        return hashlib.md5(value[4:].encode()).hexdigest()
    if isinstance(value, str) and value.startswith("random:"):
        return hashlib.md5(f"secret-key-{value}".encode()).hexdigest()
    return value


def build_frame(case: dict) -> pl.DataFrame:
    frame = pl.DataFrame({name: [_value(v) for v in values] for name, values in case["columns"].items()})
    repeat = case.get("repeat", 1)
    frame = pl.concat([frame] * repeat)
    for column in case.get("jitter", []):
        # Distinct points per copy, so a repeated table still has many precise positions.
        frame = frame.with_columns((pl.col(column) + pl.int_range(pl.len()) * 0.000113).round(6).alias(column))
    return frame


def pytest_generate_tests(metafunc):
    if "rule_case" in metafunc.fixturenames:
        params = [(code, outcome) for code, outcomes in sorted(CASES.items()) for outcome in ("fail", "pass")]
        metafunc.parametrize("rule_case", params, ids=[f"{code}-{outcome}" for code, outcome in params])


def test_rule_case(rule_case):
    code, outcome = rule_case
    case = CASES[code][outcome]
    report = sharecheck.scan(build_frame(case), name=f"{code}-{outcome}", **case.get("options", {}))
    codes = {finding.code for finding in report.findings}
    if outcome == "fail":
        assert code in codes, f"{code} not raised; got {sorted(codes)}"
    else:
        assert code not in codes, f"{code} raised on its passing case"


def test_every_scan_rule_has_cases():
    scan_rules = {code for code, rule in default_rules().items() if rule.scope == "scan"}
    assert scan_rules - set(CASES) == set()


@pytest.fixture(autouse=True)
def _short_hash_budget(monkeypatch):
    # A salted digest is searched until the budget runs out; two seconds prove the point here.
    import sharecheck.classify

    monkeypatch.setattr(sharecheck.classify, "hash_budget_seconds", lambda: 2.0)
