"""check_join on small hand-built releases whose answers are known by hand."""
from __future__ import annotations

import json

import pytest

from sharecheck import check_join
from sharecheck.join.vocab import join_vocabulary
from sharecheck.errors import InputError, UsageError

# The classifier calls a two-valued quarter column a category; the publisher declares it, and each
# release takes the declared columns it has.
DISPATCH_QIS = ["dispatch_period", "district", "patient_age_group", "patient_sex"]


def test_renamed_key_each_safe_alone_joined_k1(renamed_key_pair):
    dispatch, outcomes = renamed_key_pair
    report = check_join(dispatch, outcomes, qi=DISPATCH_QIS)
    m = report.metrics
    assert m["join_columns"] == ["case_id=incident_ref"]
    assert (m["k_a"], m["k_b"], m["k_combined"]) == (10, 6, 1)
    assert m["linked_exactly_one"] == 60 and m["linked_unique_share"] == 1.0
    assert m["sample_uniques_combined"] == 60
    assert report.verdict == "fail"
    assert {"LK601", "LK605"} <= report.codes("error")
    amplification = next(f for f in report.findings if f.code == "LK605")
    assert "k=10" in amplification.message and "k=1:" in amplification.message


def test_renamed_key_found_by_values_alone(renamed_key_pair):
    dispatch, outcomes = renamed_key_pair
    report = check_join(dispatch.rename({"case_id": "alpha"}), outcomes.rename({"incident_ref": "omega"}))
    key = next(c for c in report.candidates if (c.a_column, c.b_column) == ("alpha", "omega"))
    assert key.containment == 1.0 and key.kind == "shared_key"
    assert report.metrics["join_columns"] == ["alpha=omega"]


def test_health_release_against_named_register(health_and_register):
    visits, register = health_and_register
    report = check_join(visits, register)
    m = report.metrics
    assert sorted(m["join_columns"]) == ["patient_birth_date=birth_date", "patient_sex=sex", "patient_zip=zip"]
    assert m["records_a"] == 10 and m["records_b"] == 12
    assert m["linked_exactly_one"] == 6 and m["linked_unique_share"] == 0.6
    assert m["linked_at_most_k"] == 8 and m["linked_any"] == 8
    # By hand, m = m(ZIP) m(date) m(sex) from rules/join.yaml. Visits: 6 with one candidate (m each),
    # 2 with two twins (m/2 each) -> 7m. Register: 6 one-to-one (m) and 4 twins, each the visit's
    # person with probability m/2 -> 8m: from the register's side each twin class holds one true link.
    probabilities = join_vocabulary()["m_probability"]
    m_all = probabilities["postal_code"] * probabilities["date"] * probabilities["sex"]
    assert m["expected_reidentifications_a"] == pytest.approx(7.0 * m_all, abs=1e-3)
    assert m["expected_reidentifications_b"] == pytest.approx(8.0 * m_all, abs=1e-3)
    assert m["expected_reidentifications"] == pytest.approx(8.0 * m_all, abs=1e-3) and m["exposed_side"] == "b"
    assert m["reidentified_a"] == 6  # the twins' links are right with probability m/2 < 0.5
    assert m["names_attached_a"] == 6
    assert {"LK602", "LK603"} <= report.codes("error")
    named = next(f for f in report.findings if f.code == "LK603")
    assert named.metrics["records_named"] == 6 and "diagnosis" in named.message


def test_harmless_area_tables_pass(areas_pair):
    residents, trees = areas_pair
    report = check_join(residents, trees)
    assert report.metrics["linked_exactly_one"] == 25  # they do join, one to one ...
    assert report.verdict == "pass"  # ... but no person is in either
    assert report.codes() == {"LK600"} and report.counts()["error"] == 0


def test_people_joined_to_area_facts_pass(health_and_register, areas_pair):
    _, register = health_and_register
    residents, _ = areas_pair
    report = check_join(register, residents)
    assert report.counts()["error"] == 0 and report.verdict == "pass"


def test_spatio_temporal_crash_to_trip(crash_and_trips):
    crashes, trips = crash_and_trips
    report = check_join(crashes, trips, window_minutes=5, distance_m=100)
    m = report.metrics
    assert m["join_kind"] == "spatio_temporal"
    assert m["linked_exactly_one"] == 2 and m["linked_any"] == 2 and m["records_a"] == 3
    assert "LK604" in report.codes("error")
    narrow = check_join(crashes, trips, window_minutes=2, distance_m=100)
    assert narrow.metrics["linked_exactly_one"] == 0  # crashes are 3 minutes after the trip


def test_forced_join_columns(renamed_key_pair):
    dispatch, outcomes = renamed_key_pair
    report = check_join(dispatch, outcomes, on=[("case_id", "incident_ref")])
    assert report.metrics["join_columns"] == ["case_id=incident_ref"]
    assert any(c.forced for c in report.candidates)
    as_string = check_join(dispatch, outcomes, on=["case_id=incident_ref"])
    assert as_string.metrics["linked_exactly_one"] == 60


def test_three_releases_pairs_and_chain(renamed_key_pair, health_and_register):
    dispatch, outcomes = renamed_key_pair
    visits, register = health_and_register
    report = check_join(dispatch, outcomes, dispatch.select("case_id", "district").rename({"case_id": "ticket_ref"}))
    assert len(report.pairs) == 3
    assert report.chain is not None and report.chain["linked_exactly_one"] == 60
    assert report.metrics["pairs_checked"] == 3
    assert report.to_dict()["pairs"][0]["a"] == "frame_1"


@pytest.mark.parametrize("kwargs, error", [
    ({"window_minutes": 0}, UsageError),
    ({"window_minutes": "soon"}, UsageError),
    ({"max_k": 2.5}, UsageError),
    ({"on": [("nope", "incident_ref")]}, UsageError),
    ({"on": ["case_id"]}, UsageError),
    ({"qi": ["nowhere"]}, UsageError),
    ({"fail_on": "sometimes"}, UsageError),
])
def test_bad_settings_raise_one_clear_error(renamed_key_pair, kwargs, error):
    dispatch, outcomes = renamed_key_pair
    with pytest.raises(error) as caught:
        check_join(dispatch, outcomes, **kwargs)
    assert "\n" not in str(caught.value)


def test_bad_sources(renamed_key_pair, tmp_path):
    dispatch, outcomes = renamed_key_pair
    with pytest.raises(UsageError):
        check_join(dispatch)
    with pytest.raises(UsageError):
        check_join(dispatch, outcomes, dispatch, on=[("case_id", "incident_ref")])
    with pytest.raises(UsageError):
        check_join(dispatch, 42)
    with pytest.raises(InputError):
        check_join(dispatch, tmp_path / "missing.csv")


def test_report_layout_and_no_raw_values(health_and_register):
    visits, register = health_and_register
    report = check_join(visits, register)
    document = report.to_dict()
    assert {"schema_version", "tool", "kind", "verdict", "fail_on", "policy", "counts", "metrics", "findings", "datasets",
            "candidates", "pairs"} <= set(document)
    assert document["kind"] == "join" and report.kind == "join"
    assert [d["records"] for d in document["datasets"]] == [10, 12]
    assert {"name", "role", "semantic_type"} <= set(document["datasets"][1]["columns"][0])
    assert {"a_column", "b_column", "kind", "score", "containment", "evidence"} <= set(document["candidates"][0])
    assert {"a", "b", "metrics", "finding_codes"} <= set(document["pairs"][0])
    text = json.dumps(document)
    raw = set(register["last_name"]) | set(register["voter_id"]) | set(register["birth_date"]) | set(visits["visit_id"])
    raw |= {"Diabetes", "Depression", "LASTNAMEA", "02118"}
    assert not [value for value in raw if value in text]


def test_fail_on_changes_verdict(areas_pair, renamed_key_pair):
    dispatch, outcomes = renamed_key_pair
    assert check_join(dispatch, outcomes, fail_on="never").verdict == "pass"
    residents, trees = areas_pair
    assert check_join(residents, trees, fail_on="info").verdict == "fail"


def test_the_exposed_side_of_a_near_tie_is_a_every_time():
    # two sums of posteriors equal but for their last bits (multi-threaded sums vary them from
    # run to run) must not flip the side a report names: they round to a tie, which goes to A
    from dataclasses import replace

    import polars as pl

    from sharecheck.analysis import analyse
    from sharecheck.config import resolve_options
    from sharecheck.join.pair import JoinSettings, analyse_pair
    from sharecheck.release import release_from_frame

    frame = pl.DataFrame({"zip": ["02101", "02102", "02103", "02104"] * 5, "sex": ["F", "M"] * 10, "age": list(range(30, 50))})
    options = resolve_options(None)
    a, b = (analyse(release_from_frame(frame.clone(), name), options) for name in ("a", "b"))
    pair = analyse_pair(a, b, options, options.model_policy(), JoinSettings())
    # a table joined to its own copy exposes both sides alike: the two sums agree but for last bits
    assert pair.link_a.linked_exactly_one == pair.link_b.linked_exactly_one == 20
    assert pair.link_a.expected_reidentifications == pytest.approx(pair.link_b.expected_reidentifications, abs=1e-9)
    assert pair.exposed == "a"
    for nudge in (4e-12, -4e-12):
        nudged = replace(pair, link_b=replace(pair.link_b, expected_reidentifications=pair.link_a.expected_reidentifications + nudge))
        assert nudged.exposed == "a"
    clearly = replace(pair, link_b=replace(pair.link_b, expected_reidentifications=19.5))
    assert clearly.exposed == "b"


def test_a_join_over_the_column_pairs_limit_is_refused_in_one_line(tmp_path):
    from click.testing import CliRunner

    from sharecheck.cli import cli

    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("zip,age,sex\n" + "".join(f"021{i % 10},{30 + i % 7},{'FM'[i % 2]}\n" for i in range(40)))
    b.write_text("zip,age,sex,ward\n" + "".join(f"021{i % 10},{30 + i % 7},{'FM'[i % 2]},{i % 4}\n" for i in range(40)))
    refused = CliRunner().invoke(cli, ["join", str(a), str(b), "--limit", "column_pairs=11"])
    assert refused.exit_code == 2
    assert "3 x 4 columns make 12 column pairs to judge, over the limit of 11" in refused.output
    assert len(refused.output.strip().splitlines()) == 1
    assert CliRunner().invoke(cli, ["join", str(a), str(b), "--limit", "column_pairs=12"]).exit_code in (0, 1)
