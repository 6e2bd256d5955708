import json
import math

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sharecheck.models import frequency_table, merge_tables
from sharecheck.models._freq import COUNT
from sharecheck.models.kanon import k_anonymity
from sharecheck.models.population import population_uniqueness
from sharecheck.models.risk import benedetti_franconi, reidentification_risk

from models_shared import ADULT_COLUMNS, adult

SMALL = pl.DataFrame(
    {
        "zip": ["1000", "1000", "1000", "2000", "2000", "3000"],
        "sex": ["f", "f", "f", "m", "m", "m"],
        "diag": ["flu", "flu", "cold", "flu", "hiv", "flu"],
    }
)


def test_k_histogram_and_records_below_threshold():
    result = k_anonymity(frequency_table(SMALL, ["zip", "sex"]), k_threshold=3)
    assert result.k == 1
    assert result.n_classes == 3
    assert result.class_size_histogram == ((1, 1), (2, 1), (3, 1))
    assert result.records_below_threshold == 3
    assert result.classes_below_threshold == 2
    assert result.share_below_threshold == pytest.approx(0.5)


def test_prosecutor_risk_by_hand():
    risk = reidentification_risk(frequency_table(SMALL, ["zip", "sex"]), tau=0.4)
    assert risk.sample_uniques == 1
    assert risk.sample_uniqueness == pytest.approx(1 / 6)
    assert risk.prosecutor.highest == 1.0
    assert risk.prosecutor.average == pytest.approx(3 / 6)
    # classes with 1/f > 0.4: sizes 1 and 2 -> 3 records of 6
    assert risk.prosecutor.records_at_risk == pytest.approx(3 / 6)
    assert risk.journalist_equals_prosecutor and risk.basis == "none"
    assert risk.journalist == risk.prosecutor and risk.notes


def test_one_class_when_there_are_no_qis():
    table = frequency_table(SMALL, [], ["diag"])
    assert k_anonymity(table).k == 6
    risk = reidentification_risk(table)
    assert risk.prosecutor.highest == pytest.approx(1 / 6)
    assert risk.sample_uniques == 0


def test_all_unique():
    frame = pl.DataFrame({"id": list(range(5))})
    result = k_anonymity(frequency_table(frame, ["id"]))
    assert result.k == 1 and result.records_below_threshold == 5
    risk = reidentification_risk(frequency_table(frame, ["id"]))
    assert risk.sample_uniqueness == 1.0 and risk.prosecutor.average == 1.0


def test_empty_frame():
    frame = SMALL.clear()
    table = frequency_table(frame, ["zip", "sex"], ["diag"])
    result = k_anonymity(table)
    assert result.k is None and result.n_records == 0
    risk = reidentification_risk(table)
    assert risk.prosecutor.highest is None and risk.sample_uniqueness is None


def test_nulls_are_a_value_by_default():
    frame = pl.DataFrame({"a": [1, 1, None, None], "b": ["x", "x", "y", "y"]})
    assert k_anonymity(frequency_table(frame, ["a", "b"])).k == 2


def test_wildcard_nulls_match_any_value():
    frame = pl.DataFrame({"a": [1, 1, 2, None], "b": ["x", None, "x", "y"]})
    table = frequency_table(frame, ["a", "b"], null_mode="wildcard")
    sizes = dict(zip(table.classes.select(pl.concat_str(["a", "b"], ignore_nulls=True, separator="|")).to_series().to_list(),
                     table.effective_class_sizes.tolist()))
    # (1,x)~{(1,x),(1,-)}; (1,-)~{(1,x),(1,-),(-,y)}; (2,x)~{(2,x)}; (-,y)~{(1,-),(-,y)}
    assert sizes == {"1|x": 2, "1": 3, "2|x": 1, "y": 2}
    assert k_anonymity(table).k == 1
    assert k_anonymity(frequency_table(frame.drop_nulls(), ["a", "b"], null_mode="wildcard")).k == 1


def test_journalist_risk_from_population_table():
    sample = SMALL.head(4)  # zip 1000 x3, 2000 x1
    population = pl.concat([SMALL, SMALL, SMALL])  # F = 9 (1000,f), 6 (2000,m), 3 (3000,m)
    risk = reidentification_risk(frequency_table(sample, ["zip", "sex"]), population=population, tau=0.15)
    assert risk.basis == "population_table" and not risk.journalist_equals_prosecutor
    assert risk.journalist.highest == pytest.approx(1 / 6)
    assert risk.journalist.average == pytest.approx((3 / 9 + 1 / 6) / 4)
    assert risk.marketer == risk.journalist.average
    assert risk.journalist.records_at_risk == pytest.approx(1 / 4)


def test_benedetti_franconi_limits():
    f = np.array([1, 2, 3, 10])
    assert benedetti_franconi(f, 1.0) == pytest.approx(1 / f)
    near_census = benedetti_franconi(f, 0.999999)
    assert near_census == pytest.approx(1 / f, rel=1e-3)
    small = benedetti_franconi(f, 0.01)
    assert np.all(small < 1 / f) and np.all(np.diff(small) < 0)


@st.composite
def frames(draw):
    n = draw(st.integers(0, 40))
    columns = {name: draw(st.lists(st.one_of(st.none(), st.integers(0, 3)), min_size=n, max_size=n)) for name in "abc"}
    return pl.DataFrame(columns, schema={c: pl.Int64 for c in "abc"})


@settings(max_examples=40, deadline=None)
@given(frames(), st.integers(1, 39))
def test_merging_partial_tables_equals_table_of_concatenation(frame, cut):
    cut = min(cut, frame.height)
    whole = frequency_table(frame, ["a", "b"], ["c"])
    merged = merge_tables([frequency_table(frame.head(cut), ["a", "b"], ["c"]), frequency_table(frame.tail(frame.height - cut), ["a", "b"], ["c"])])
    key = ["a", "b", "c"]
    assert whole.cells.sort(key, nulls_last=True).equals(merged.cells.select(whole.cells.columns).sort(key, nulls_last=True))


@settings(max_examples=40, deadline=None)
@given(frames(), st.sampled_from(["value", "wildcard"]))
def test_k_never_rises_when_a_qi_is_added(frame, null_mode):
    k_one = k_anonymity(frequency_table(frame, ["a"], null_mode=null_mode)).k
    k_two = k_anonymity(frequency_table(frame, ["a", "b"], null_mode=null_mode)).k
    if frame.height:
        assert k_two <= k_one


@settings(max_examples=40, deadline=None)
@given(frames(), st.floats(0.01, 1.0), st.floats(0.05, 0.9))
def test_risks_are_probabilities(frame, fraction, tau):
    table = frequency_table(frame, ["a", "b", "c"])
    for risk in (reidentification_risk(table, tau=tau), reidentification_risk(table, tau=tau, sampling_fraction=fraction)):
        for figures in (risk.prosecutor, risk.journalist):
            for value in (figures.highest, figures.average, figures.records_at_risk):
                assert value is None or 0.0 <= value <= 1.0
    if frame.height:
        result = population_uniqueness(table.class_sizes, sampling_fraction=fraction)
        for value in (result.zayatz, result.pitman, result.snb, result.dankar):
            assert value is None or 0.0 <= value <= 1.0 + 1e-9


def _four_digits(value: float) -> int:
    return int(value * 10000)  # ARX's compareUniqueness truncates to four digits


def test_arx_decision_rule_on_all_unique_data():
    # ARX TestRiskMetrics.testDecisionRule: all records unique, sampling fraction 0.2 -> 1.0
    result = population_uniqueness(np.ones(7, dtype=np.int64), sampling_fraction=0.2)
    assert _four_digits(result.dankar) == 10000


def test_no_sample_uniques_means_no_population_uniques():
    result = population_uniqueness(np.array([2, 3, 5]), sampling_fraction=0.1)
    assert result.dankar == 0.0 and result.pitman == 0.0


def test_arx_published_adult_figures():
    frame = adult()
    table = frequency_table(frame, ADULT_COLUMNS)
    risk = reidentification_risk(table)
    assert table.n == 30162
    assert risk.n_classes == 19502
    assert risk.sample_uniques == 15512
    assert risk.prosecutor.average == 0.6465751607983555
    assert risk.prosecutor.highest == 1.0


@pytest.mark.parametrize(
    "fraction, expected, model",
    [
        (0.1, 0.27684993883653597, "pitman"),  # ARX TestRiskMetrics.testDecisionRule2
        (0.2, 0.3577099234829125, "zayatz"),
        (0.01, 0.1446083531167384, "pitman"),
        (1.0, 0.5142895033485844, "zayatz"),
    ],
)
def test_arx_population_uniqueness_on_adult(fraction, expected, model):
    table = frequency_table(adult(), ADULT_COLUMNS)
    result = population_uniqueness(table.class_sizes, sampling_fraction=fraction)
    assert _four_digits(result.dankar) == _four_digits(expected)
    assert result.dankar_model == model
    assert result.dankar <= 15512 / 30162 + 1e-12


def test_zayatz_on_adult_matches_arx():
    table = frequency_table(adult(), ADULT_COLUMNS)
    result = population_uniqueness(table.class_sizes, sampling_fraction=0.1)
    assert _four_digits(result.zayatz) == _four_digits(0.3207402393466189)  # ARX's Zayatz branch value


def test_table_holds_counts_summing_to_n():
    table = frequency_table(SMALL, ["zip"], ["diag", "sex"])
    assert table.cells[COUNT].sum() == 6
    assert table.project(["zip"]).cells[COUNT].sum() == 6
    assert json.dumps(k_anonymity(table).to_dict())
    assert math.isclose(sum(s * c for s, c in k_anonymity(table).class_size_histogram), 6)


# The class table from integer codes of the QIs must be the partition a GROUP BY on the raw
# values makes: the same classes (QI values and sizes) and, per class, the same cells.
def _partition(table):
    from sharecheck.models._freq import CLASS, COUNT

    classes = table.classes
    keys = list(table._keys)
    by_id = {row[CLASS]: (tuple(row[k] for k in keys), row[COUNT]) for row in classes.iter_rows(named=True)}
    cells = {}
    for row in table._exploded.iter_rows(named=True):
        cells.setdefault(by_id[row[CLASS]][0], []).append((tuple(row[s] for s in table.sensitive), row[COUNT]))
    assert sorted(classes[CLASS].to_list()) == list(range(classes.height))
    return ({values: size for values, size in by_id.values()},
            {values: sorted(found, key=repr) for values, found in cells.items()})


_QI_VALUE = st.one_of(st.none(), st.integers(-3, 3))
_TEXT_VALUE = st.one_of(st.none(), st.sampled_from(["a", "b", "B", "ab", " a", "é"]))


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.tuples(_QI_VALUE, _TEXT_VALUE, st.booleans(), _TEXT_VALUE, _QI_VALUE), min_size=0, max_size=40))
def test_coded_class_table_is_the_group_by_partition(rows):
    from sharecheck.models._freq import frequency_table

    frame = pl.DataFrame(rows, schema={"age": pl.Int64, "zone": pl.String, "flag": pl.Boolean, "s": pl.String, "t": pl.Int64},
                         orient="row")
    coded = frequency_table(frame, ["age", "zone", "flag"], ["s", "t"])
    assert coded._coded is not None
    grouped = frequency_table(frame, ["age", "zone", "flag"], ["s", "t"])
    grouped.__dict__["_coded"] = None  # force the GROUP BY path
    assert _partition(coded) == _partition(grouped)
    assert coded.n == grouped.n


def test_float_qis_keep_the_group_by():
    from sharecheck.models._freq import frequency_table

    frame = pl.DataFrame({"x": [0.0, -0.0, float("nan"), 1.5, 1.5], "s": ["a", "b", "a", "a", "b"]})
    table = frequency_table(frame, ["x"], ["s"])
    assert table._coded is None
    assert sorted(table.classes["_sc_count"].to_list()) == sorted(
        frame.group_by("x").len()["len"].to_list())
