"""The intruder's linkage counted per person: row numbers are no keys, many-to-one agreement is no
identification, other cities are other people, and each release is analysed once."""
from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sharecheck.analysis
from sharecheck import check_join
from sharecheck.analysis import analyse
from sharecheck.config import resolve_options
from sharecheck.join import check_analysed
from sharecheck.join.vocab import join_vocabulary
from sharecheck.release import release_from_frame

M = join_vocabulary()["m_probability"]


def _unrelated_with_row_numbers(n_a=300, n_b=300, seed=1):
    rng = np.random.default_rng(seed)
    a = pl.DataFrame({"rownames": np.arange(1, n_a + 1), "neighbourhood": rng.choice([f"N{i}" for i in range(40)], n_a),
                      "age": rng.integers(18, 90, n_a), "sex": rng.choice(["M", "F"], n_a)})
    b = pl.DataFrame({"Unnamed: 0": np.arange(0, n_b), "district": rng.choice([f"N{i}" for i in range(40)], n_b),
                      "complaint": rng.choice(["noise", "parking", "litter"], n_b)})
    return a, b


def test_row_numbers_in_both_releases_are_not_a_key():
    a, b = _unrelated_with_row_numbers()
    report = check_join(a, b)
    assert not [c for c in report.candidates if {c.a_column, c.b_column} & {"rownames", "Unnamed: 0"}]
    assert "LK601" not in report.codes()


def test_same_one_to_n_range_under_any_name_is_not_a_key():
    a, b = _unrelated_with_row_numbers()
    shuffled = b.rename({"Unnamed: 0": "record_no"}).sample(fraction=1.0, shuffle=True, seed=3)
    a = a.rename({"rownames": "case_no"}).sample(fraction=1.0, shuffle=True, seed=4)
    report = check_join(a, shuffled)
    assert not [c for c in report.candidates if c.a_column == "case_no" and c.b_column == "record_no"]
    assert "LK601" not in report.codes()


def test_an_area_tables_own_codes_in_row_order_are_kept():
    # A table of areas sorted by area number: 1..40 in row order is each area's code, and a
    # release of events names the areas by it. A row number of a people table stays out.
    from sharecheck import analysis
    from sharecheck.config import resolve_options
    from sharecheck.join.forms import release_forms
    from sharecheck.release import release_from_frame

    areas = pl.DataFrame({"community_area_number": [float(i) for i in range(1, 41)],
                          "community_area_name": [f"AREA {i}" for i in range(1, 41)],
                          "poverty_rate": [round(0.05 + 0.01 * i, 3) for i in range(40)],
                          "per_capita_income": [20_000 + 750 * i for i in range(40)]})
    analysed = analysis.analyse(release_from_frame(areas, "areas"), resolve_options())
    assert analysed.subject.about == "places"
    assert "community_area_number" in release_forms(analysed).forms
    a, _ = _unrelated_with_row_numbers()
    people = analysis.analyse(release_from_frame(a, "people"), resolve_options())
    assert "rownames" not in release_forms(people).forms


def test_a_real_key_subset_is_still_a_key(renamed_key_pair):
    dispatch, outcomes = renamed_key_pair
    report = check_join(dispatch.with_row_index("rownames", offset=1), outcomes.head(40))
    assert report.metrics["join_columns"] == ["case_id=incident_ref"]


@pytest.mark.parametrize("setting", [{"ignore": ["case_id"]}, {"roles": {"case_id": "other"}}])
def test_ignore_and_role_other_hold_for_joins(renamed_key_pair, setting):
    dispatch, outcomes = renamed_key_pair
    report = check_join(dispatch, outcomes, **setting)
    assert "case_id=incident_ref" not in report.metrics["join_columns"]
    assert "LK601" not in report.codes()


def _officers_and_force(seed=2):
    """63 named officers; 6,000 use-of-force records with the subject's injury. On race + sex each
    group of the roster has several officers except one group of one; the 512 force records of that
    group all 'link to exactly one' officer."""
    rng = np.random.default_rng(seed)
    groups = [("White", "M"), ("White", "F"), ("Black", "M"), ("Black", "F"), ("Hispanic", "M"), ("Hispanic", "F"),
              ("Asian", "M")]
    roster = [g for g in groups for _ in range(10)][:62] + [("Asian", "F")]
    officers = pl.DataFrame({"officer_name": [f"Officer{chr(65 + i // 26)}{chr(65 + i % 26)} Lastname{i}" for i in range(63)],
                             "race": [r for r, _ in roster], "sex": [s for _, s in roster]})
    sizes = [784] * 7 + [512]
    pool = groups + [("Asian", "F")]
    rows = [pool[i] for i, size in enumerate(sizes) for _ in range(size)]
    force = pl.DataFrame({"incident_no": [f"F{i:05d}" for i in range(len(rows))],
                          "subject_race": [r for r, _ in rows], "subject_sex": [s for _, s in rows],
                          "subject_injury": rng.choice(["none", "minor", "hospitalised"], len(rows)).tolist()})
    return force, officers


def test_many_to_one_agreement_on_coarse_qis_is_not_identification():
    force, officers = _officers_and_force()
    report = check_join(force, officers, sensitive=["subject_injury"])
    m = report.metrics
    assert sorted(m["join_columns"]) == ["subject_race=race", "subject_sex=sex"]
    assert m["linked_exactly_one"] == 512  # the count the old report called re-identifications
    # By hand: each of the 8 race x sex groups holds at most one true link per officer class: the
    # force side's expected correct links are m per group (m = m(race as text) m(sex)), 8 m in all.
    m_all = M["text"] * M["sex"]
    assert m["expected_reidentifications_a"] == pytest.approx(8 * m_all, abs=1e-3)
    assert m["expected_reidentifications"] <= 63
    assert m["reidentified"] == 0
    assert not {"LK602", "LK603"} & report.codes()


def test_overlap_scales_the_expected_reidentifications(health_and_register):
    visits, register = health_and_register
    full = check_join(visits, register).metrics
    half = check_join(visits, register, overlap=0.5).metrics
    assert half["expected_reidentifications_a"] == pytest.approx(full["expected_reidentifications_a"] / 2, abs=1e-3)
    assert half["overlap_assumed"] == 0.5 and "50%" in half["overlap_note"]


def _stops(city_lat, city_lon, n, seed, names=False):
    rng = np.random.default_rng(seed)
    frame = pl.DataFrame({
        "precinct": rng.integers(1, 6, n).tolist(),
        "race": rng.choice(["White", "Black", "Hispanic", "Asian", "Other"], n).tolist(),
        "sex": rng.choice(["M", "F"], n).tolist(),
        "latitude": (city_lat + rng.normal(0, 0.03, n)).round(5).tolist(),
        "longitude": (city_lon + rng.normal(0, 0.03, n)).round(5).tolist(),
    })
    if names:
        frame = frame.with_columns(pl.Series("subject_name", [f"First{i} Last{i}" for i in range(n)]))
    else:
        frame = frame.with_columns(pl.Series("arrest_charge", rng.choice(["assault", "theft", "drugs"], n).tolist()))
    return frame


def test_two_cities_on_precinct_race_sex_do_not_link():
    chicago = _stops(41.88, -87.63, 40, seed=1)
    # The control is the same people (Chicago's stops, shuffled, with names): a real link. Two
    # independent draws in one city would agree on precinct, race and sex only by chance, which the
    # leave-one-column-out estimate of the overlap discounts.
    same_city = (chicago.drop("arrest_charge").sample(fraction=1.0, shuffle=True, seed=3)
                 .with_columns(pl.Series("subject_name", [f"First{i} Last{i}" for i in range(40)])))
    other_city = _stops(40.71, -74.00, 40, seed=2, names=True)
    control = check_join(chicago, same_city)
    assert control.metrics["population"]["verdict"] != "different"
    assert {"LK602", "LK604"} & control.codes()  # the same people: a real link (through place, or QIs)
    report = check_join(chicago, other_city)
    assert report.metrics["population"]["verdict"] == "different"
    assert not {"LK602", "LK603", "LK605"} & report.codes()
    note = next(f for f in report.findings if f.code == "LK600")
    assert "km apart" in note.message and note.severity == "info"


def test_chance_containment_is_no_candidate():
    rng = np.random.default_rng(4)
    n = 2000
    stops = pl.DataFrame({"precinct": rng.integers(1, 124, n).tolist(),
                          "is_911_call": rng.choice(["True", "False"], n).tolist(),
                          "race": rng.choice(["W", "B", "H"], n).tolist()})
    citations = pl.DataFrame({"HOUR": rng.integers(0, 24, n).tolist(),
                              "citationIssued": rng.choice(["TRUE", "FALSE"], n).tolist(),
                              "subject_race": rng.choice(["W", "B", "H"], n).tolist()})
    pairs = {(c.a_column, c.b_column) for c in check_join(stops, citations).candidates}
    assert ("precinct", "HOUR") not in pairs and ("is_911_call", "citationIssued") not in pairs
    assert ("race", "subject_race") in pairs


def test_three_releases_are_analysed_three_times(monkeypatch, renamed_key_pair):
    dispatch, outcomes = renamed_key_pair
    calls = []
    real = sharecheck.analysis.analyse
    monkeypatch.setattr(sharecheck.analysis, "analyse", lambda *args, **kw: calls.append(1) or real(*args, **kw))
    third = dispatch.select("case_id", "district").rename({"case_id": "ticket_ref"})
    report = check_join(dispatch, outcomes, third)
    assert len(calls) == 3 and len(report.pairs) == 3 and report.chain is not None


def test_check_analysed_takes_analysed_releases(renamed_key_pair):
    dispatch, outcomes = renamed_key_pair
    options = resolve_options(None)
    analysed = [analyse(release_from_frame(f, name), options) for f, name in ((dispatch, "dispatch"), (outcomes, "outcomes"))]
    report = check_analysed(analysed, options)
    assert report.metrics["join_columns"] == ["case_id=incident_ref"] and "LK601" in report.codes()
    mixed = check_join(analysed[0], outcomes)  # an analysed release and a frame together
    assert mixed.metrics["linked_exactly_one"] == 60


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from("abc"), st.sampled_from("xy")), min_size=2, max_size=30),
       st.lists(st.tuples(st.sampled_from("abcd"), st.sampled_from("xy")), min_size=2, max_size=30),
       st.floats(0.1, 1.0))
def test_expected_reidentifications_match_the_formula_and_never_exceed_either_side(rows_a, rows_b, overlap):
    a = pl.DataFrame({"zip": [f"0210{z}" for z, _ in rows_a], "sex": [s for _, s in rows_a]})
    b = pl.DataFrame({"zip": [f"0210{z}" for z, _ in rows_b], "sex": [s for _, s in rows_b]})
    report = check_join(a, b, on=[("zip", "zip"), ("sex", "sex")], overlap=overlap)
    m = report.metrics
    n_a, n_b = a.group_by("zip", "sex").len("n_a"), b.group_by("zip", "sex").len("n_b")
    classes = n_a.join(n_b, on=["zip", "sex"])
    prior = overlap * m["match_probability"]  # m: the rules' m of the columns' forms (checked in test_adult_split)
    # Per class, a pair is the same person with probability min(prior / n_larger_side, 1 / n_smaller_side).
    if a.height <= b.height:
        p = np.minimum(prior / classes["n_b"].to_numpy(), 1 / classes["n_a"].to_numpy())
    else:
        p = np.minimum(1 / classes["n_b"].to_numpy(), prior / classes["n_a"].to_numpy())
    expected_a = float((p * classes["n_a"].to_numpy()).sum())
    expected_b = float((p * classes["n_b"].to_numpy()).sum())
    assert m["expected_reidentifications_a"] == pytest.approx(expected_a, abs=1e-3)
    assert m["expected_reidentifications_b"] == pytest.approx(expected_b, abs=1e-3)
    assert max(expected_a, expected_b) <= min(a.height, b.height) + 1e-9


def test_cli_overlap(tmp_path, health_and_register):
    import json

    from click.testing import CliRunner

    from sharecheck.cli import cli

    visits, register = health_and_register
    a, b = tmp_path / "visits.csv", tmp_path / "register.csv"
    visits.write_csv(a)
    register.write_csv(b)
    result = CliRunner().invoke(cli, ["join", str(a), str(b), "--overlap", "0.9", "--format", "json"])
    assert result.exit_code == 1
    assert json.loads(result.output)["metrics"]["overlap_assumed"] == 0.9
    # If only a third of the visitors can be in the register, a unique match is right with
    # probability m/3 < 0.5: no link is more likely right than wrong.
    doubtful = CliRunner().invoke(cli, ["join", str(a), str(b), "--overlap", "0.33", "--format", "json"])
    assert doubtful.exit_code == 0 and json.loads(doubtful.output)["metrics"]["reidentified"] == 0
    assert CliRunner().invoke(cli, ["join", str(a), str(b), "--overlap", "1.5"]).exit_code == 2


def test_chance_agreement_of_independent_draws_is_discounted():
    # Two independent samples of one city's stops: precinct, race and sex agree by chance only.
    # Each plan column, read on the links the rest of the plan makes, agrees no more often than
    # strangers do, so the estimated overlap is low and nobody is re-identified.
    first = _stops(41.88, -87.63, 300, seed=1).drop("latitude", "longitude")
    second = _stops(41.88, -87.63, 300, seed=2).drop("latitude", "longitude")
    report = check_join(first, second)
    assert report.metrics["overlap_assumed"] < 0.5 and "estimated from" in report.metrics["overlap_note"]
    assert "LK602" not in report.codes()
    # The same people, shuffled: each column agrees on the others' links, the overlap stays 1.
    same = first.sample(fraction=1.0, shuffle=True, seed=4)
    linked = check_join(first, same)
    assert linked.metrics["overlap_assumed"] == 1.0


def test_a_table_without_quasi_identifiers_is_not_a_table_of_areas():
    # Every column set aside (a list of restaurants, subject organisations): one row per thing.
    # The empty set of QIs must not read as "all QIs are places".
    from types import SimpleNamespace

    from sharecheck.join.pair import side_kind

    def release(about, columns):
        return SimpleNamespace(columns=[SimpleNamespace(role=r, semantic_type=t) for r, t in columns],
                               aggregate_count_column=None, about_people=False, subject=SimpleNamespace(about=about))

    things = release("organisations", [("other", "category"), ("other", "street_address"), ("other", "phone")])
    assert side_kind(things) == "records"
    areas = release("places", [("other", "place"), ("other", "measure")])
    assert side_kind(areas) == "areas"
    area_qis = release("events", [("quasi_identifier", "place"), ("other", "measure")])
    assert side_kind(area_qis) == "areas"


def test_a_table_of_things_joined_to_records_about_people_describes_those_people(renamed_key_pair):
    # the dispatch log alone is about things (no column describes a person: its district is the
    # dispatch's, role `other`); joined by case number to patient outcomes, the district is the
    # patient's, a quasi-identifier of the joined release: 60 patients in 30 classes of 2. Its k
    # alone is counted over the same column (3 wards of 20), or every such join would look like
    # an amplification from "no QIs" to k 2
    dispatch, outcomes = renamed_key_pair
    metrics = check_join(dispatch, outcomes).metrics
    assert metrics["k_a"] == 20 and metrics["k_b"] == 6
    assert metrics["quasi_identifiers_combined"] == ["frame_1.district", "frame_2.patient_age_group", "frame_2.patient_sex"]
    assert metrics["k_combined"] == 2


def test_a_chain_through_tables_of_things_counts_their_columns_too(renamed_key_pair):
    dispatch, outcomes = renamed_key_pair
    third = dispatch.select("case_id", "district").rename({"case_id": "ticket_ref"})
    chain = check_join(dispatch, outcomes, third).chain
    assert chain["records_first"] == dispatch.height and chain["k_combined"] == 2
    assert chain["quasi_identifiers_combined"] == ["frame_1.district", "frame_2.patient_age_group", "frame_2.patient_sex",
                                                   "frame_3.district"]


def test_a_sites_address_joined_to_a_person_is_a_new_identifier_of_that_person():
    # alone, a permit's site address is the permit's (role other); linked one to one to a
    # patient by a shared reference, it says where that patient was: new to the patient table
    rows = range(60)
    ids = [f"P{9000 + i}" for i in rows]
    streets = ["MAIN ST", "OAK AVE", "ELM RD", "PINE ST", "MAPLE DR", "CEDAR LN"]
    patients = pl.DataFrame({"case_id": ids, "age": [20 + (i * 7) % 60 for i in rows], "sex": ["F"] * 30 + ["M"] * 30})
    permits = pl.DataFrame({"permit_ref": ids, "Location": [f"{100 + 7 * i} {streets[i % 6]}" for i in rows],
                            "Issue Date": [f"2023-0{1 + i % 9}-1{i % 9}" for i in rows]})
    scanned = sharecheck.scan(permits, name="permits").datasets[0]
    assert scanned.subject["about"] == "things" and all(c.role == "other" for c in scanned.columns)
    metrics = check_join(patients, permits).metrics
    assert metrics["join_columns"] == ["case_id=permit_ref"] and metrics["linked_exactly_one"] == 60
    assert metrics["new_identifiers_for_a"] == ["Location"] and metrics["new_identifiers_for_b"] == []
