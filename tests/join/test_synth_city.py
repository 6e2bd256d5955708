"""The generated city's planned joins: sharecheck must find each one and measure it as the
ground truth (plain polars, written by the generator) says."""
from __future__ import annotations

import pytest

from sharecheck import check_join

synth = pytest.importorskip("sharecheck.synth")


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    out = tmp_path_factory.mktemp("city")
    truth = synth.generate_city(out, people=1200, seed=11)
    return out, truth


def _path(out, truth, name):
    return out / truth["releases"][name]["file"]


def test_every_planned_join_measured_as_ground_truth(city):
    out, truth = city
    for join in truth["joins"]:
        window = (join.get("window") or {}).get("minutes")
        report = check_join(_path(out, truth, join["a"]), _path(out, truth, join["b"]),
                            **({"window_minutes": window} if window else {}))
        expected, m = join["expected"], report.metrics
        assert m["records_a"] == expected["records_a"], join["id"]
        assert m["linked_exactly_one"] == expected["linked_exactly_one"], join["id"]
        assert m["linked_unique_share"] == pytest.approx(expected["linked_unique_share"], abs=1e-6), join["id"]
        if "k_combined" in expected:
            assert (m["k_a"], m["k_b"], m["k_combined"]) == (expected["k_a"], expected["k_b"], expected["k_combined"])
        if join["identifies"]:
            assert report.verdict == "fail" and report.counts()["error"] >= 1, join["id"]
        else:
            assert report.verdict == "pass" and report.counts()["error"] == 0, join["id"]


def test_city_chain_of_three(city):
    out, truth = city
    report = check_join(_path(out, truth, "clinic_visits"), _path(out, truth, "voter_register"), _path(out, truth, "payroll"))
    assert len(report.pairs) == 3
    codes = {(p.a, p.b): set(p.finding_codes) for p in report.pairs}
    assert "LK603" in codes[("clinic_visits", "voter_register")]
