import itertools
import json
import math

import numpy as np
import polars as pl
import pytest

from sharecheck.models import ModelPolicy, assess, detect_count_column, frequency_table, small_cells
from sharecheck.models.inference import predictability
from sharecheck.models.msu import analyse_subsets, distinction_separation, minimal_sample_uniques
from sharecheck.models.unicity import person_level

HAND = pl.DataFrame({"a": [1, 1, 2, 2, 3], "b": ["x", "y", "x", "y", "x"], "c": [0, 0, 0, 0, 1]})


def test_msus_and_suda_scores_by_hand():
    table = frequency_table(HAND, ["a", "b", "c"])
    result = minimal_sample_uniques(table, max_size=3)
    groups = {g.columns: g.records for g in result.groups}
    assert groups == {("a", "b"): 4, ("a",): 1, ("c",): 1}
    scores = dict(zip(table.classes["a"].to_list(), table.classes["b"].to_list()))
    by_record = {(a, b): s for a, b, s in zip(table.classes["a"], table.classes["b"], result.suda_scores)}
    assert by_record[(3, "x")] == 2 * math.factorial(2)  # MSUs {a} and {c}
    assert by_record[(1, "x")] == math.factorial(1)  # MSU {a, b}
    assert scores and result.records_with_msu == 5
    assert result.summary()[0] == "{a, b} singles out 4 records (80.0 %)"
    top = result.contributions[0]
    assert top.column == "a" and top.score_share == pytest.approx(6 / 8)


def _brute_force_msus(frame: pl.DataFrame, qis: list[str], max_size: int) -> dict:
    rows = frame.select(qis).rows()
    found: dict[tuple, int] = {}
    for i, row in enumerate(rows):
        unique_sets = []
        for size in range(1, max_size + 1):
            for subset in itertools.combinations(range(len(qis)), size):
                if any(set(u) <= set(subset) for u in unique_sets):
                    continue
                matches = sum(all(other[j] == row[j] for j in subset) for other in rows)
                if matches == 1:
                    unique_sets.append(subset)
                    key = tuple(qis[j] for j in subset)
                    found[key] = found.get(key, 0) + 1
    return found


@pytest.mark.parametrize("seed", range(3))
def test_msus_match_brute_force(seed):
    rng = np.random.default_rng(seed)
    frame = pl.DataFrame({f"q{i}": rng.integers(0, card, 40) for i, card in enumerate([2, 3, 4, 5])})
    result = minimal_sample_uniques(frequency_table(frame, frame.columns), max_size=3)
    assert {g.columns: g.records for g in result.groups} == _brute_force_msus(frame, frame.columns, 3)


def test_distinction_and_separation_by_hand():
    metrics = {m.columns: m for m in distinction_separation(frequency_table(HAND, ["a", "b", "c"]), max_size=2)}
    assert metrics[("a",)].distinction == pytest.approx(3 / 5)
    assert metrics[("a",)].separation == pytest.approx((25 - (4 + 4 + 1)) / 20)
    assert metrics[("b",)].sample_uniques == 0
    assert metrics[("a", "b")].separation == 1.0
    assert len(metrics) == 6


def test_msu_on_empty_and_no_qis():
    empty = frequency_table(HAND.clear(), ["a", "b"])
    result, subsets = analyse_subsets(empty)
    assert result.records_with_msu == 0 and subsets[0].distinction is None
    result, subsets = analyse_subsets(frequency_table(HAND, []))
    assert result.groups == () and subsets == ()


def test_person_level_k_and_unicity_by_hand():
    # p1 and p2 share their single place; p3 visits two places, one shared with nobody.
    trips = pl.DataFrame(
        {"person": [1, 1, 2, 3, 3, 4, 4], "place": ["A", "A", "A", "A", "B", "A", "C"]}
    )
    result = person_level(trips, "person", ["place"], k_threshold=2, points=(1, 2), max_persons=10)
    assert result.n_persons == 4 and result.k == 1
    assert result.person_classes == 3 and result.person_uniques == 2  # {A}x2, {A,B}, {A,C}
    one, two = result.unicity
    assert two.persons_eligible == 2 and two.singled_out == 2 and two.unicity == 1.0
    # one random point: p1, p2 never unique; p3, p4 unique only if B or C was drawn
    assert one.persons_eligible == 4 and 0 <= one.singled_out <= 2


def test_unicity_is_seeded():
    rng = np.random.default_rng(1)
    trips = pl.DataFrame({"person": rng.integers(0, 200, 3000), "cell": rng.integers(0, 80, 3000), "hour": rng.integers(0, 24, 3000)})
    first = person_level(trips, "person", ["cell", "hour"], max_persons=100, seed=3)
    again = person_level(trips, "person", ["cell", "hour"], max_persons=100, seed=3)
    assert first.unicity == again.unicity
    values = [u.unicity for u in first.unicity]
    assert values == sorted(values)  # nested draws: more points never single out fewer people


def test_count_table_detection():
    crosstab = pl.DataFrame({"district": ["N", "N", "S", "S"], "age_band": ["0-17", "18+", "0-17", "18+"], "Anzahl": [3, 120, 0, 88]})
    assert detect_count_column(crosstab) == "Anzahl"
    unnamed = crosstab.rename({"Anzahl": "v"})
    assert detect_count_column(unnamed) == "v"
    records = pl.DataFrame({"id": [1, 2, 3, 4], "age": [30, 40, 30, 50], "sex": ["f", "m", "f", "m"]})
    assert detect_count_column(records) is None
    duplicated = pl.DataFrame({"district": ["N", "N"], "count": [1, 2]})
    assert detect_count_column(duplicated) is None
    assert detect_count_column(pl.DataFrame({"x": [1.5, 2.0], "y": ["a", "b"]})) is None


def test_small_cells():
    table = pl.DataFrame({"district": ["N", "N", "S", "S", "E"], "band": ["a", "b", "a", "b", "a"], "n": [3, 120, 0, 9, 10]})
    result = small_cells(table, "n", threshold=10)
    assert result.small_cells == 2 and result.zero_cells == 1
    assert result.people_in_small_cells == 12 and result.min_positive_count == 3
    assert dict(result.small_cells_by_dimension) == {"district": 2, "band": 2}
    assert json.dumps(result.to_dict())


def test_inference_detects_a_predictable_attribute():
    rng = np.random.default_rng(0)
    n = 600
    zone = rng.integers(0, 5, n)
    frame = pl.DataFrame({
        "zone": [f"z{z}" for z in zone],
        "age": rng.integers(18, 90, n),
        "disease": [f"d{z}" if rng.random() < 0.9 else "d9" for z in zone],
        "noise": rng.choice(["a", "b"], n),
        "income": zone * 1000.0 + rng.normal(0, 50, n),
    })
    strong = predictability(frame, ["zone", "age"], "disease", seed=1)
    weak = predictability(frame, ["zone", "age"], "noise", seed=1)
    regression = predictability(frame, ["zone", "age"], "income", seed=1)
    assert strong.task == "classification" and strong.lift > 0.5
    assert abs(weak.lift) < 0.1
    assert regression.task == "regression" and regression.score > 0.9 and regression.baseline <= 0.0 + 1e-9


def test_assess_end_to_end_exports_no_values():
    frame = pl.DataFrame({
        "zip": ["ZIP-SECRET-1", "ZIP-SECRET-1", "ZIP-SECRET-2", "ZIP-SECRET-2", "ZIP-SECRET-3"] * 4,
        "sex": ["f", "m", "f", "m", "f"] * 4,
        "diagnosis": ["DIAG-SECRET-A", "DIAG-SECRET-B", "DIAG-SECRET-A", "DIAG-SECRET-C", "DIAG-SECRET-B"] * 4,
        "pid": list(range(10)) * 2,
    })
    result = assess(frame, ["zip", "sex"], ["diagnosis"], entity_id="pid", sampling_fraction=0.5, inference=True)
    exported = json.dumps(result.to_dict())
    assert "SECRET" not in exported
    assert result.k_anonymity.k == 4
    assert result.persons is not None and result.population_uniqueness is not None
    assert {c.name for c in result.checks} >= {"k_anonymity", "t_closeness", "recursive_cl_diversity", "person_k_anonymity"}
    assert result.passed is False and result.failed_checks


@pytest.mark.parametrize(
    "frame, qis, sensitive",
    [
        (pl.DataFrame({"a": [], "s": []}, schema={"a": pl.String, "s": pl.String}), ["a"], ["s"]),
        (pl.DataFrame({"a": [1, 2], "s": ["x", "y"]}), [], ["s"]),
        (pl.DataFrame({"a": [None, None], "s": [None, None]}, schema={"a": pl.String, "s": pl.Int64}), ["a"], ["s"]),
    ],
    ids=["empty", "no-qis", "all-null"],
)
def test_assess_edge_cases_do_not_crash(frame, qis, sensitive):
    result = assess(frame, qis, sensitive, sampling_fraction=0.1, population_size=None)
    json.dumps(result.to_dict())
    if frame.height:
        assert result.k_anonymity.k == frame.height  # one class


def test_policy_rejects_unknown_parameters():
    with pytest.raises(ValueError):
        ModelPolicy.from_mapping({"k_minimum": 5})
    policy = ModelPolicy.from_mapping({"k_min": 10, "unicity_points": [1, 2]})
    assert policy.k_min == 10 and policy.unicity_points == (1, 2)
    assert (ModelPolicy().l_recursive_c, ModelPolicy().l_recursive_l) == (3.0, 2)
