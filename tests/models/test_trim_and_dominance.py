"""Codes with stray spaces are one value; l-diversity that no generalisation can reach says so."""
from __future__ import annotations

import polars as pl

import sharecheck
from sharecheck.models import frequency_table


def test_stray_spaces_do_not_split_equivalence_classes():
    frame = pl.DataFrame({"sex": ["M", "M ", " M", "F", "F  "], "zip": ["02115"] * 5, "dx": ["a", "b ", "a", "b", " a"]})
    table = frequency_table(frame, ["sex", "zip"], ["dx"])
    sizes = dict(zip(table.classes["sex"].to_list(), table.classes["_sc_count"].to_list()))
    assert sizes == {"M": 3, "F": 2}
    assert sorted(table.sensitive_counts("dx")["dx"].unique().to_list()) == ["a", "b"]
    assert frame["sex"].to_list()[1] == "M "  # the input is never modified


def _people(diagnoses: list[str]) -> pl.DataFrame:
    n = len(diagnoses)
    return pl.DataFrame({
        "sex": ["F", "M"] * (n // 2),
        "age_group": (["30-39"] * 4 + ["40-49"] * 4) * (n // 8),
        "diagnosis": diagnoses,
    })


def test_one_value_dominating_the_table_makes_l_unreachable_and_a_warning():
    # 90% flu, and every group that fails l-diversity is a group of flu: merging groups cannot help
    diagnoses = (["flu"] * 7 + ["asthma"]) * 4 + ["flu"] * 8
    report = sharecheck.scan(_people(diagnoses), name="dominant", sensitive=["diagnosis"], qi=["sex", "age_group"])
    finding = next(f for f in report.findings if f.code == "KA310")
    assert finding.severity == "warning"
    assert finding.metrics["reachable_by_generalisation"] is False
    assert "no generalisation of the quasi-identifiers reaches it" in finding.message
    assert "aggregates" in finding.fix and "suppress or perturb" in finding.fix


def test_a_group_dominated_by_a_rare_value_stays_an_error():
    # the table is 75% flu, but one group is all asthma: a real disclosure
    frame = pl.DataFrame({
        "sex": ["F"] * 8 + ["M"] * 8,
        "age_group": ["30-39"] * 4 + ["40-49"] * 4 + ["30-39"] * 4 + ["40-49"] * 4,
        "diagnosis": ["asthma"] * 4 + ["flu"] * 12,
    })
    report = sharecheck.scan(frame, name="rare", sensitive=["diagnosis"], qi=["sex", "age_group"])
    finding = next(f for f in report.findings if f.code == "KA310")
    assert finding.severity == "error" and "reachable_by_generalisation" not in finding.metrics


def test_a_diverse_table_keeps_the_ordinary_l_diversity_error():
    frame = pl.DataFrame({
        "sex": ["F"] * 6 + ["M"] * 6,
        "age_group": ["30-39"] * 12,
        "diagnosis": ["flu"] * 6 + ["asthma", "diabetes", "flu", "asthma", "diabetes", "copd"],
    })
    report = sharecheck.scan(frame, name="diverse", sensitive=["diagnosis"], qi=["sex", "age_group"])
    finding = next(f for f in report.findings if f.code == "KA310")
    assert finding.severity == "error" and "cannot be" not in finding.message
