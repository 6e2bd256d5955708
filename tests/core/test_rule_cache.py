"""The parsed-rules cache (sharecheck/_resources.py) gives back exactly what PyYAML parses."""
from __future__ import annotations

import datetime

import pytest
import yaml

from sharecheck import _resources
from sharecheck.errors import RuleError
from sharecheck.rules import load_rules

DOCUMENT = """
types:
  age: {terms: {en: [age, "=yrs"]}, exclude: [page]}
  1: one
thresholds: {share: 0.25, big: 1e3, flag: false, none: null, list: [1, 2.5, "x"]}
"""
EXPECTED = {
    "types": {"age": {"terms": {"en": ["age", "=yrs"]}, "exclude": ["page"]}, 1: "one"},
    "thresholds": {"share": 0.25, "big": "1e3", "flag": False, "none": None, "list": [1, 2.5, "x"]},
}


def _no_parsing(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("parsed again instead of read from the cache")

    monkeypatch.setattr(yaml, "load", refuse)


def test_a_cached_document_equals_the_parsed_one_and_is_not_parsed_again(tmp_path, monkeypatch):
    monkeypatch.setenv("SHARECHECK_CACHE_DIR", str(tmp_path / "cache"))
    source = tmp_path / "rules.yaml"
    source.write_text(DOCUMENT, encoding="utf-8")
    first = _resources.load_yaml_file(source)
    assert first == EXPECTED
    assert list(first["types"]) == ["age", 1]  # key order and the integer key survive
    assert len(list((tmp_path / "cache").glob("*.marshal"))) == 1
    _no_parsing(monkeypatch)
    assert _resources.load_yaml_file(source) == EXPECTED


def test_changed_bytes_are_parsed_again_even_at_the_same_size(tmp_path, monkeypatch):
    monkeypatch.setenv("SHARECHECK_CACHE_DIR", str(tmp_path / "cache"))
    source = tmp_path / "rules.yaml"
    source.write_text("a: 1\n", encoding="utf-8")
    assert _resources.load_yaml_file(source) == {"a": 1}
    source.write_text("a: 2\n", encoding="utf-8")  # same size, likely the same mtime tick
    assert _resources.load_yaml_file(source) == {"a": 2}


def test_an_empty_cache_dir_setting_turns_the_cache_off(tmp_path, monkeypatch):
    monkeypatch.setenv("SHARECHECK_CACHE_DIR", "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    source = tmp_path / "rules.yaml"
    source.write_text("a: [x]\n", encoding="utf-8")
    assert _resources.load_yaml_file(source) == {"a": ["x"]}
    assert not (tmp_path / "xdg").exists()


def test_a_corrupt_cache_file_is_ignored(tmp_path, monkeypatch):
    monkeypatch.setenv("SHARECHECK_CACHE_DIR", str(tmp_path / "cache"))
    source = tmp_path / "rules.yaml"
    source.write_text("b: true\n", encoding="utf-8")
    _resources.load_yaml_file(source)
    (cached,) = (tmp_path / "cache").glob("*.marshal")
    cached.write_bytes(b"\x00not marshal")
    assert _resources.load_yaml_file(source) == {"b": True}


def test_values_marshal_cannot_hold_are_parsed_every_time(tmp_path, monkeypatch):
    monkeypatch.setenv("SHARECHECK_CACHE_DIR", str(tmp_path / "cache"))
    source = tmp_path / "rules.yaml"
    source.write_text("since: 2024-01-31\n", encoding="utf-8")
    assert _resources.load_yaml_file(source) == {"since": datetime.date(2024, 1, 31)}
    assert not list((tmp_path / "cache").glob("*.marshal"))


def test_invalid_yaml_is_still_a_rule_error_with_the_cache_on(tmp_path, monkeypatch):
    monkeypatch.setenv("SHARECHECK_CACHE_DIR", str(tmp_path / "cache"))
    rules = tmp_path / "checks"
    rules.mkdir()
    (rules / "x.yaml").write_text("rules: [\n", encoding="utf-8")
    with pytest.raises(RuleError, match="not valid YAML"):
        load_rules(rules)


def test_without_a_home_there_is_no_cache_rather_than_one_in_the_working_folder(monkeypatch):
    monkeypatch.delenv("SHARECHECK_CACHE_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(_resources.os.path, "expanduser", lambda path: path)  # "~" stays "~"
    assert _resources.cache_dir() is None


def test_a_cached_json_document_keeps_every_float_bit_and_is_not_parsed_again(tmp_path, monkeypatch):
    import json
    import struct

    monkeypatch.setenv("SHARECHECK_CACHE_DIR", str(tmp_path / "cache"))
    source = tmp_path / "model.json"
    values = [0.1 + 0.2, 1e-300, -0.0, 2.5e-8, 123456.789012345678, 1 / 3]
    source.write_text(json.dumps({"threshold": values, "depth": 3, "features": ["tok_age", "x"]}), encoding="utf-8")
    first = _resources.load_json_file(source)
    assert first == {"threshold": values, "depth": 3, "features": ["tok_age", "x"]}
    (cached,) = (tmp_path / "cache").glob("*.json.marshal")

    def refuse(*args, **kwargs):
        raise AssertionError("parsed again instead of read from the cache")

    monkeypatch.setattr(json, "loads", refuse)
    again = _resources.load_json_file(source)
    assert [struct.pack("<d", v) for v in again["threshold"]] == [struct.pack("<d", v) for v in values]


def test_json_and_yaml_of_the_same_bytes_are_cached_apart(tmp_path, monkeypatch):
    # `{"a": 1e3}` is the number 1000.0 in JSON but the string "1e3" in YAML 1.1
    monkeypatch.setenv("SHARECHECK_CACHE_DIR", str(tmp_path / "cache"))
    source = tmp_path / "both.json"
    source.write_text('{"a": 1e3}', encoding="utf-8")
    assert _resources.load_yaml_file(source) == {"a": "1e3"}
    assert _resources.load_json_file(source) == {"a": 1000.0}
    assert _resources.load_yaml_file(source) == {"a": "1e3"}


def test_invalid_json_is_a_value_error_with_the_cache_on(tmp_path, monkeypatch):
    monkeypatch.setenv("SHARECHECK_CACHE_DIR", str(tmp_path / "cache"))
    source = tmp_path / "broken.json"
    source.write_text('{"a": [1,', encoding="utf-8")
    with pytest.raises(ValueError):
        _resources.load_json_file(source)
    assert not list((tmp_path / "cache").glob("*"))


def test_a_one_off_json_file_is_not_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("SHARECHECK_CACHE_DIR", str(tmp_path / "cache"))
    source = tmp_path / "fold_3.json"
    source.write_text('{"a": [1, 2]}', encoding="utf-8")
    assert _resources.load_json_file(source, cache=False) == {"a": [1, 2]}
    assert not (tmp_path / "cache").exists()
