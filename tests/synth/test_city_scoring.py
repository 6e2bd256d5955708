"""On a small generated city, sharecheck finds every planted risk and raises nothing on safe releases."""
from __future__ import annotations

import pytest

from sharecheck.synth import generate_city
from sharecheck.synth.scoring import evaluate_city


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    city = tmp_path_factory.mktemp("city")
    truth = generate_city(city, people=1200, seed=11)
    return truth, evaluate_city(city, truth), city


def test_every_planted_risk_is_found(scored):
    _, result, _ = scored
    assert result["errors"] == []
    assert result["missed"] == []
    assert all(found == planted for found, planted in result["risks"].values())


def test_nothing_is_raised_on_safe_releases_or_harmless_joins(scored):
    truth, result, _ = scored
    assert result["safe_releases"] >= 4
    assert result["false_alarms"] == []


def test_join_figures_match_the_ground_truth(scored):
    _, result, _ = scored
    for join in result["joins"]:
        assert join["detected"] == join["identifies"], join
        assert join["share_sharecheck"] == pytest.approx(join["share_truth"], abs=1e-9), join


def test_k_matches_the_truth_when_given_its_quasi_identifiers(scored):
    _, result, _ = scored
    correct, total = result["k_agreement"]["truth_qis"]
    assert total > 0 and correct == total


def test_no_direct_identifier_value_reaches_a_report(scored):
    """Every value of every direct-identifier column, searched for in every JSON report."""
    import sharecheck
    from sharecheck.render.json import render_json

    truth, _, city = scored
    for name, release in truth["releases"].items():
        direct = [c for c, meta in release["columns"].items() if meta["role"] == "direct_identifier"]
        if not direct:
            continue
        path = city / release["file"]
        frame = sharecheck.read_releases(path)[0].frame.collect()
        values = {str(v) for c in direct if c in frame.columns for v in frame[c].drop_nulls().to_list() if len(str(v)) > 3}
        output = render_json(sharecheck.scan(path).to_dict())
        assert values and not [v for v in values if v in output], name
