"""Every LK rule has a failing and a passing set of releases (tests/rule_cases/linkage.yaml), run
through sharecheck.check_join, plus near misses that must not raise the rule they resemble."""
from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
import yaml

from sharecheck import check_join
from sharecheck.rules import default_rules

CASES = yaml.safe_load((Path(__file__).resolve().parent.parent / "rule_cases" / "linkage.yaml").read_text())
NEAR_MISSES = CASES.pop("near_misses")


def _values(spec):
    if isinstance(spec, list):
        return [str(v) if not isinstance(v, (int, float)) else v for v in spec]
    kind, body, count = str(spec).split(":", 1)[0], *str(spec).split(":", 1)[1].rsplit(":", 1)
    if kind == "range":  # range:START|STEP:N -> numbers
        start, step = (float(x) for x in body.split("|"))
        return [round(start + step * i, 6) for i in range(int(count))]
    if kind == "seq":
        return [body.format(*([i] * body.count("{"))) for i in range(int(count))]
    if kind == "cycle":
        words = [w for word in body.split("|") for w in ([word.rsplit("*", 1)[0]] * int(word.rsplit("*", 1)[1])
                                                          if "*" in word else [word])]
        return [words[i % len(words)] for i in range(int(count))]
    raise ValueError(f"unknown value spec {spec!r}")


def build_release(columns: dict) -> pl.DataFrame:
    """The case as a published CSV reads back: numbers in text specs become numbers, as they
    would in a real release (coordinates, codes), so the case tests the join, not typing."""
    import io

    frame = pl.DataFrame({name: _values(spec) for name, spec in columns.items()})
    return pl.read_csv(io.BytesIO(frame.write_csv().encode()), infer_schema_length=None)


def _run(case: dict):
    options = dict(case.get("options", {}))
    if "on" in options:
        options["on"] = [tuple(pair) for pair in options["on"]]
    return check_join(*[build_release(columns) for columns in case["releases"]], **options)


def pytest_generate_tests(metafunc):
    if "join_case" in metafunc.fixturenames:
        params = [(code, outcome) for code in sorted(CASES) for outcome in ("fail", "pass")]
        metafunc.parametrize("join_case", params, ids=[f"{code}-{outcome}" for code, outcome in params])
    if "near_miss" in metafunc.fixturenames:
        metafunc.parametrize("near_miss", NEAR_MISSES, ids=[m["name"] for m in NEAR_MISSES])


def test_join_rule_case(join_case):
    code, outcome = join_case
    codes = _run(CASES[code][outcome]).codes()
    if outcome == "fail":
        assert code in codes, f"{code} not raised; got {sorted(codes)}"
    else:
        assert code not in codes, f"{code} raised on its passing case"


def test_near_miss(near_miss):
    codes = _run(near_miss).codes()
    assert not set(near_miss.get("absent", ())) & codes, f"{sorted(set(near_miss['absent']) & codes)} raised"
    assert set(near_miss.get("present", ())) <= codes, f"{sorted(set(near_miss['present']) - codes)} not raised"


def test_every_join_rule_has_cases():
    join_rules = {code for code, rule in default_rules().items() if rule.scope == "join"}
    assert join_rules - set(CASES) == set()


def test_value_specs():
    assert _values("seq:C{:03d}:3") == ["C000", "C001", "C002"]
    assert _values("seq:Person{} Lastname{}:2") == ["Person0 Lastname0", "Person1 Lastname1"]
    assert _values("cycle:a|b:3") == ["a", "b", "a"]
    assert _values("cycle:a*2|b:4") == ["a", "a", "b", "a"]
    assert _values("range:41.8|0.001:2") == [41.8, 41.801]
