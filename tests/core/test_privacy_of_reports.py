"""No raw value reaches any output unless the user asks with --show-values."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from sharecheck.cli import cli

FORMATS = ["text", "json", "sarif", "markdown"]


def _raw_values(people):
    values = set()
    for column in ("full_name", "email"):
        values.update(people[column].to_list())
    # Surnames alone would be enough to re-identify: check the parts too.
    values.update(name.split(",")[0] for name in people["full_name"].to_list())
    values.update(email.split("@")[0] for email in people["email"].to_list())
    values.update(people["zip"].to_list())
    return values


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_raw_values_without_show_values(tmp_path, people, fmt):
    path = tmp_path / "people.csv"
    people.write_csv(path)
    result = CliRunner().invoke(cli, ["scan", str(path), "--format", fmt, "--verbose"])
    assert result.exit_code == 1
    leaked = sorted(value for value in _raw_values(people) if value in result.output)
    assert leaked == []


def test_show_values_reveals_examples(tmp_path, people):
    path = tmp_path / "people.csv"
    people.write_csv(path)
    hidden = CliRunner().invoke(cli, ["scan", str(path), "--format", "json"]).output
    shown = CliRunner().invoke(cli, ["scan", str(path), "--format", "json", "--show-values"]).output
    assert "@example.org" not in hidden
    assert "@example.org" in shown


def test_masked_examples_keep_the_shape(tmp_path, people):
    path = tmp_path / "people.csv"
    people.write_csv(path)
    output = CliRunner().invoke(cli, ["scan", str(path), "--format", "json"]).output
    assert "***@e***.org" in output
