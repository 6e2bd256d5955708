"""Rules are data; loading them is strict, so a typo can never silently weaken a check."""
from __future__ import annotations

import pytest

from sharecheck.errors import RuleError
from sharecheck.rules import default_rules, load_rules, select_rules

GOOD = """
rules:
  - code: KA399
    name: test-rule
    summary: A test.
    severity: warning
    detector: unique_combinations
    params: {max_groups: 2}
    why: Because.
    fix: Do something.
"""


def _load(tmp_path, text):
    (tmp_path / "x.yaml").write_text(text)
    return load_rules(tmp_path)


def test_a_valid_rule_loads_with_detector_defaults_merged(tmp_path):
    rule = _load(tmp_path, GOOD)["KA399"]
    assert rule.params == {"max_groups": 2}
    assert rule.family == "KA"


@pytest.mark.parametrize("change,message", [
    (("detector: unique_combinations", "detector: no_such_detector"), "unknown detector"),
    (("params: {max_groups: 2}", "params: {max_group: 2}"), "unknown parameters"),
    (("code: KA399", "code: XX399"), "known family"),
    (("severity: warning", "severity: fatal"), "severity"),
    (("    fix: Do something.\n", ""), "lacks fix"),
    (("name: test-rule", "name: test-rule\n    colour: red"), "unknown keys"),
])
def test_malformed_rules_are_refused(tmp_path, change, message):
    with pytest.raises(RuleError, match=message):
        _load(tmp_path, GOOD.replace(*change))


def test_codes_are_never_defined_twice(tmp_path):
    (tmp_path / "a.yaml").write_text(GOOD)
    (tmp_path / "b.yaml").write_text(GOOD)
    with pytest.raises(RuleError, match="defined twice"):
        load_rules(tmp_path)


def test_invalid_yaml_is_a_rule_error(tmp_path):
    with pytest.raises(RuleError, match="not valid YAML"):
        _load(tmp_path, "rules: [\n")


def test_select_and_ignore_take_prefixes():
    rules = default_rules()
    assert {r.code[:3] for r in select_rules(rules, select=["KA3"])} == {"KA3"}
    assert not any(r.code.startswith("ID1") for r in select_rules(rules, ignore=["ID1"]))
    assert all(r.scope == "join" for r in select_rules(rules, scope="join"))
    assert "KA312" not in {r.code for r in select_rules(rules, preview=False)}
