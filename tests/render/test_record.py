"""The release assessment record: every check and assumption named, who ran it when, no values.

Regenerate the golden record after an intended change with SHARECHECK_UPDATE_GOLDEN=1 and
review the diff.
"""
from __future__ import annotations

import hashlib
import os
import re
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

import sharecheck
from sharecheck.cli import cli
from sharecheck.join import check_join
from sharecheck.render import render
from sharecheck.render.record import render_record
from sharecheck.rules import default_rules

from .helpers import ASCII_CANARY, ROLES, UNICODE_CANARY, parse_strict, people, register

GOLDEN = Path(__file__).resolve().parent / "golden" / "record_people.md"
CLOCK = datetime(2026, 3, 4, 5, 6, 7, tzinfo=timezone.utc)


def _record(report, **kwargs) -> str:
    return render_record(report, report.to_dict(), now=CLOCK, user="data.officer", host=None, **kwargs)


@pytest.fixture(scope="module")
def scan_report():
    return sharecheck.scan(people(), name="people", roles={"nickname": "other"}, **ROLES)


def _stable(text: str) -> str:
    # The rules fingerprint and version change with every rule edit; the golden checks the layout.
    text = re.sub(r"\| rules version \| [0-9a-f]{12} \|", "| rules version | X |", text)
    return re.sub(r"\| sharecheck \| [^|]+ \|", "| sharecheck | X |", text)


def test_golden_record(scan_report):
    text = _stable(_record(scan_report))
    if os.environ.get("SHARECHECK_UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_record_names_who_when_and_every_section(scan_report):
    text = _record(scan_report)
    for heading in ("## 1. What was checked", "## 2. Intruder model assumed", "## 3. Results against the policy",
                    "## 4. Waivers and accepted findings", "## 5. Residual risk", "## 6. Who ran it, when, with what"):
        assert heading in text
    assert "| run by | data.officer |" in text and "| at (UTC) | 2026-03-04T05:06:07Z |" in text
    assert "the intruder knows a person's zip, sex, birth_date" in text
    assert "Published releases checked for linkage: none in this run" in text
    # 40 records, 40 unique: the residual risk says so in words.
    assert "40 of 40 records (100.0%) sit in groups smaller than the policy's k of 5" in text


def test_record_lists_every_rule_of_the_scan_and_every_model_check(scan_report):
    text = _record(scan_report)
    for rule in default_rules().values():
        if rule.scope == "scan" and rule.status != "deprecated":
            assert f"| {rule.code} | {rule.name} |" in text
    for check in scan_report.datasets[0].assessment["checks"]:
        assert check["comparison"] in text
    assert "k-anonymity (smallest group of records sharing their quasi-identifiers) |  | 1 | >= 5 | FAIL |" in text


def test_record_hashes_the_file_it_checked(tmp_path):
    path = tmp_path / "people.csv"
    people().write_csv(path)
    report = sharecheck.scan(path, **ROLES)
    assert hashlib.sha256(path.read_bytes()).hexdigest() in _record(report)


def test_waivers_appear_with_reason_and_expiry():
    report = sharecheck.scan(people(), name="people", **ROLES,
                             waivers=[{"code": "KA310", "reason": "diagnosis is coarse", "expires": "2099-12-31"}])
    text = _record(report)
    assert "| KA310 | people | zip, sex, birth_date, diagnosis | diagnosis is coarse | 2099-12-31 |" in text


def test_join_record_names_the_releases_checked_for_linkage():
    text = _record(check_join(people(), register(), qi=ROLES["qi"]))
    assert "Published releases checked for linkage: frame_1, frame_2" in text
    assert "30 of 40 records linked to exactly one record" in text


def test_no_value_in_either_record(scan_report):
    for html in (False, True):
        text = _record(scan_report, html=html)
        assert ASCII_CANARY not in text and UNICODE_CANARY not in text


def test_record_html_is_balanced_and_the_cli_writes_it(tmp_path):
    path = tmp_path / "people.csv"
    people().write_csv(path)
    out = tmp_path / "record.html"
    result = CliRunner().invoke(cli, ["scan", str(path), "--format", "record-html", "-o", str(out), "-q",
                                      "--qi", "zip", "--qi", "sex", "--qi", "birth_date"])
    assert result.exit_code == 1, result.output
    html = out.read_text(encoding="utf-8")
    parse_strict(html)
    assert "<h2>6. Who ran it, when, with what</h2>" in html
    assert render(sharecheck.scan(path, **ROLES), "record").startswith("# Release assessment record: people")


def test_record_of_a_table_of_things_measures_no_group_sizes():
    # a tree inventory: nothing describes a person, so no column is a quasi-identifier and k over
    # no column (the row count) is no bound on anything an intruder knows: the record says so
    import polars as pl

    trees = pl.DataFrame({"species": ["Acer rubrum", "Quercus alba", "Pinus strobus"] * 20,
                          "diameter_cm": [float(10 + i) for i in range(60)],
                          "planted": [f"20{10 + i % 9}-0{1 + i % 9}-1{i % 9}" for i in range(60)]})
    text = _record(sharecheck.scan(trees, name="trees"))
    assert "trees: no column is a quasi-identifier (no column describes a person: the rows are about things)" in text
    assert "at least 59 others" not in text
