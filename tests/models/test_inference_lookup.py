"""The attribute-inference lookup on frames whose answer is known by construction."""
from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from sharecheck.models.inference import predictability


def _zones(n: int = 600) -> np.ndarray:
    return np.arange(n) % 3


def test_a_qi_that_determines_the_attribute_is_found_exactly():
    zone = _zones()
    frame = pl.DataFrame({"zone": [f"z{z}" for z in zone], "noise": np.arange(600) % 7,
                          "disease": [f"d{z}" for z in zone]})
    result = predictability(frame, ["noise", "zone"], "disease")
    assert result.task == "classification"
    assert result.score == 1.0
    # Three equal classes, dealt evenly into the folds: the majority guess is right a third of the time.
    assert result.baseline == pytest.approx(1 / 3, abs=0.01)


def test_groups_smaller_than_the_leaf_bound_fall_back_to_the_majority():
    # Each person's QI value is unique: knowing it "predicts" nothing about anyone else.
    frame = pl.DataFrame({"pid": [f"p{i}" for i in range(600)], "disease": [f"d{i % 3}" for i in range(600)]})
    result = predictability(frame, ["pid"], "disease")
    assert result.lift == 0.0 and result.score == result.baseline


def test_neighbouring_numeric_values_answer_for_each_other():
    # 600 distinct ages: no age repeats, but the old (top 30 %) are all "retired".
    age = np.arange(600) / 10 + 20
    frame = pl.DataFrame({"age": age, "status": ["retired" if a >= 62 else "working" for a in age]})
    result = predictability(frame, ["age"], "status")
    assert result.score == 1.0 and result.baseline == pytest.approx(0.7, abs=0.01)


def test_numeric_target_is_regression_with_r2():
    zone = _zones()
    frame = pl.DataFrame({"zone": [f"z{z}" for z in zone], "income": zone * 1000.0 + np.arange(600) % 11})
    result = predictability(frame, ["zone"], "income")
    assert result.task == "regression" and result.metric == "r2"
    assert result.score > 0.99 and result.baseline <= 0.0


def test_same_seed_same_answer():
    zone = _zones()
    frame = pl.DataFrame({"zone": zone, "disease": [f"d{z}" if i % 5 else "x" for i, z in enumerate(zone)]})
    first = predictability(frame, ["zone"], "disease", seed=3)
    assert first == predictability(frame, ["zone"], "disease", seed=3)
    # One record in five is "x" whatever the zone: the best guess is right four times in five.
    assert first.score == pytest.approx(0.8, abs=0.01)
