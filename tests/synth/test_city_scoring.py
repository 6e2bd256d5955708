"""On a small generated city, sharecheck finds every planted risk and raises nothing on safe releases."""
from __future__ import annotations

import pytest

from sharecheck.synth import generate_city
from sharecheck.synth.scoring import evaluate_city


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    city = tmp_path_factory.mktemp("city")
    truth = generate_city(city, people=1200, seed=11)
    return truth, evaluate_city(city, truth)


def test_every_planted_risk_is_found(scored):
    _, result = scored
    assert result["errors"] == []
    assert result["missed"] == []
    assert all(found == planted for found, planted in result["risks"].values())


def test_nothing_is_raised_on_safe_releases_or_harmless_joins(scored):
    truth, result = scored
    assert result["safe_releases"] >= 4
    assert result["false_alarms"] == []


def test_join_figures_match_the_ground_truth(scored):
    _, result = scored
    for join in result["joins"]:
        assert join["detected"] == join["identifies"], join
        assert join["share_sharecheck"] == pytest.approx(join["share_truth"], abs=1e-9), join


def test_k_matches_the_truth_when_given_its_quasi_identifiers(scored):
    _, result = scored
    correct, total = result["k_agreement"]["truth_qis"]
    assert total > 0 and correct == total
