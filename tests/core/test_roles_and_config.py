"""Roles: detected from names in several languages, then overridden by data package, config and user."""
from __future__ import annotations

import json

import pytest

import sharecheck
from sharecheck.config import resolve_options
from sharecheck.errors import UsageError
from sharecheck.naming import match_column_name, normalise_column_name


@pytest.mark.parametrize("name,semantic_type", [
    ("zip", "postal_code"), ("Postal Code", "postal_code"), ("code_postal", "postal_code"), ("PLZ", "postal_code"),
    ("codigo_postal", "postal_code"), ("CAP", "postal_code"), ("postcode", "postal_code"), ("CEP", "postal_code"),
    ("dob", "birth_date"), ("Date of Birth", "birth_date"), ("date_de_naissance", "birth_date"),
    ("Geburtsdatum", "birth_date"), ("fecha_de_nacimiento", "birth_date"), ("data_di_nascita", "birth_date"),
    ("geboortedatum", "birth_date"), ("data_de_nascimento", "birth_date"),
    ("sex", "sex"), ("gender", "sex"), ("sexe", "sex"), ("Geschlecht", "sex"), ("sexo", "sex"), ("sesso", "sex"),
    ("geslacht", "sex"),
    ("Emp_Name", "person_name"), ("nom", "person_name"), ("Nachname", "last_name"), ("prénom", "first_name"),
    ("apellidos", "last_name"), ("cognome", "last_name"), ("achternaam", "last_name"), ("sobrenome", "last_name"),
    ("e-mail", "email"), ("courriel", "email"), ("telefono", "phone"), ("Telefonnummer", "phone"),
    ("Kennzeichen", "vehicle_plate"), ("immatriculation", "vehicle_plate"), ("targa", "vehicle_plate"),
    ("kenteken", "vehicle_plate"), ("birth year", "birth_year"), ("Geburtsjahr", "birth_year"),
    ("age", "age"), ("Alter", "age"), ("edad", "age"), ("leeftijd", "age"), ("idade", "age"),
    ("AGE_GROUP", "age_group"), ("tranche_age", "age_group"), ("Beruf", "occupation"),
    ("total_pay", "income"), ("Gehalt", "income"), ("diagnosis", "health"), ("startStationId", "place"),
])
def test_column_names_in_seven_languages(name, semantic_type):
    hints = match_column_name(name)
    assert hints and hints[0].semantic_type == semantic_type


@pytest.mark.parametrize("name", ["street_name", "Business Name", "species", "station_name", "DBA Name"])
def test_names_of_things_are_not_person_names(name):
    assert all(h.semantic_type != "person_name" for h in match_column_name(name))


def test_normalisation_folds_accents_case_and_camel_case():
    assert normalise_column_name("Date de naissance") == "date_de_naissance"
    assert normalise_column_name("startStationID") == "start_station_id"
    assert normalise_column_name("Straße") == "strasse"


def _roles(report):
    return {c.name: c.role for c in report.columns}


def test_user_overrides_win(people):
    report = sharecheck.scan(people, qi=["diagnosis"], sensitive=["zip"], ignore=["sex"])
    roles = _roles(report)
    assert roles["diagnosis"] == "quasi_identifier"
    assert roles["zip"] == "sensitive"
    assert roles["sex"] == "other"
    sources = {c.name: c.source for c in report.columns}
    assert sources["diagnosis"] == sources["zip"] == sources["sex"] == "user"
    assert report.metrics["quasi_identifiers"] == ["diagnosis"]


def test_role_option_sets_any_role(people):
    report = sharecheck.scan(people, roles={"email": "pseudonym"})
    assert _roles(report)["email"] == "pseudonym"


def test_datapackage_roles_are_used(tmp_path, people):
    people.write_csv(tmp_path / "people.csv")
    descriptor = {"resources": [{"name": "people", "path": "people.csv", "schema": {"fields": [
        {"name": "full_name", "type": "string"}, {"name": "email", "type": "string"},
        {"name": "zip", "type": "string", "sharecheck:role": "other"},
        {"name": "sex", "type": "string"},
        {"name": "diagnosis", "type": "string", "sharecheck:role": "quasi_identifier"}]}}]}
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor))
    report = sharecheck.scan(tmp_path / "datapackage.json")
    roles = _roles(report)
    assert roles["zip"] == "other" and roles["diagnosis"] == "quasi_identifier"
    assert {c.name: c.source for c in report.columns}["zip"] == "datapackage"


def test_config_file_then_pyproject(tmp_path, monkeypatch, people):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.sharecheck]\nfail_on = "warning"\nqi = ["zip"]\n[tool.sharecheck.thresholds]\nk_min = 2\n')
    options = resolve_options()
    assert options.fail_on == "warning" and options.qi == ("zip",) and options.model_policy().k_min == 2
    (tmp_path / "sharecheck.toml").write_text('fail_on = "info"\n')
    assert resolve_options().fail_on == "info"
    explicit = tmp_path / "other.toml"
    explicit.write_text('fail_on = "error"\nsensitive = ["diagnosis"]\n')
    options = resolve_options(explicit, fail_on="never")
    assert options.fail_on == "never" and options.sensitive == ("diagnosis",)


def test_config_rejects_unknown_settings(tmp_path):
    path = tmp_path / "sharecheck.toml"
    path.write_text('fail_onn = "error"\n')
    with pytest.raises(UsageError, match="unknown setting 'fail_onn'"):
        resolve_options(path)


def test_threshold_change_changes_the_verdict(safe_table):
    assert sharecheck.scan(safe_table).verdict == "pass"
    # Groups hold 6 records: k_min 7 must fail it.
    report = sharecheck.scan(safe_table, thresholds={"k_min": 7})
    assert report.verdict == "fail"
    assert "KA301" in {f.code for f in report.findings}


def test_unknown_threshold_is_a_usage_error(safe_table):
    with pytest.raises(UsageError, match="unknown"):
        sharecheck.scan(safe_table, thresholds={"k_minimum": 7})


def test_k_is_computed_over_detected_quasi_identifiers(people):
    report = sharecheck.scan(people)
    assert set(report.metrics["quasi_identifiers"]) >= {"zip", "sex"}
    explicit = sharecheck.scan(people, qi=["zip", "sex"], roles={"full_name": "other", "email": "other", "diagnosis": "other"})
    # zip+sex groups are 5, 4, 2, 1 records.
    assert explicit.metrics["k_anonymity"] == 1
    assert explicit.metrics["sample_uniques"] == 1
    assert explicit.metrics["records_below_k"] == 4 + 2 + 1


def test_scan_accepts_lazy_frames_and_names_them(people):
    report = sharecheck.scan(people.lazy(), name="residents")
    assert report.datasets[0].name == "residents"


def test_population_table_gives_journalist_risk(tmp_path):
    import polars as pl

    sample = pl.DataFrame({"age_group": ["20-39"] * 6 + ["40-59"] * 6, "sex": ["F", "M"] * 6})
    # The population holds each (age group, sex) class 30 times: journalist risk is 1/30.
    pl.concat([sample] * 10).write_csv(tmp_path / "population.csv")
    report = sharecheck.scan(sample, qi=["age_group", "sex"], population_table=str(tmp_path / "population.csv"))
    risk = report.datasets[0].assessment["risk"]
    assert risk["basis"] == "population_table"
    assert risk["journalist"]["highest"] == pytest.approx(1 / 30)
    assert risk["prosecutor"]["highest"] == pytest.approx(1 / 3)


def test_population_table_must_hold_the_quasi_identifiers(tmp_path, safe_table):
    (tmp_path / "population.csv").write_text("sex\nF\nM\n")
    with pytest.raises(UsageError, match="lacks the quasi-identifiers"):
        sharecheck.scan(safe_table, qi=["age_group", "sex"], population_table=str(tmp_path / "population.csv"))


def test_hierarchy_makes_t_closeness_hierarchical(tmp_path):
    import polars as pl

    frame = pl.DataFrame({"age_group": ["20-39"] * 5 + ["40-59"] * 5, "sex": ["F"] * 5 + ["M"] * 5,
                          "diagnosis": ["flu", "flu", "flu", "flu", "flu", "asthma", "asthma", "asthma", "asthma", "asthma"]})
    (tmp_path / "h.csv").write_text("flu;respiratory;*\nasthma;respiratory;*\n")
    plain = sharecheck.scan(frame, qi=["age_group", "sex"], sensitive=["diagnosis"])
    tree = sharecheck.scan(frame, qi=["age_group", "sex"], sensitive=["diagnosis"], hierarchies={"diagnosis": str(tmp_path / "h.csv")})
    # Equal-distance EMD: each class differs from the table by 1/2. In the hierarchy flu and
    # asthma are siblings under one parent of a height-2 tree: the distance halves to 1/4.
    assert plain.datasets[0].assessment["t_closeness"][0]["t"] == pytest.approx(0.5)
    closeness = tree.datasets[0].assessment["t_closeness"][0]
    assert closeness["distance"] == "hierarchical" and closeness["t"] == pytest.approx(0.25)


def test_waivers_accept_findings_with_a_reason(people):
    waived = sharecheck.scan(people, waivers=[{"code": "ID1", "reason": "names are published by law"}])
    assert not [f for f in waived.findings if f.code.startswith("ID1")]
    document = waived.to_dict()
    assert {item["code"] for item in document["suppressed"]} >= {"ID101", "ID102"}
    assert all(item["reason"] == "names are published by law" for item in document["suppressed"])


def test_expired_waivers_no_longer_apply(people):
    report = sharecheck.scan(people, waivers=[{"code": "ID101", "reason": "temporary", "expires": "2001-01-01"}])
    assert "ID101" in {f.code for f in report.findings}


def test_malformed_waivers_are_refused(people):
    with pytest.raises(UsageError, match="needs a reason"):
        sharecheck.scan(people, waivers=[{"code": "ID101"}])
    with pytest.raises(UsageError, match="unknown keys"):
        sharecheck.scan(people, waivers=[{"code": "ID101", "reason": "x", "colour": "red"}])


def test_a_baseline_report_accepts_what_was_already_there(tmp_path, people, safe_table):
    import json

    from click.testing import CliRunner

    from sharecheck.cli import cli

    path = tmp_path / "people.csv"
    people.write_csv(path)
    first = CliRunner().invoke(cli, ["scan", str(path), "--format", "json"])
    assert first.exit_code == 1
    (tmp_path / "baseline.json").write_text(first.output)
    again = CliRunner().invoke(cli, ["scan", str(path), "--format", "json", "--baseline", str(tmp_path / "baseline.json")])
    assert again.exit_code == 0
    document = json.loads(again.output)
    assert document["findings"] == [] and len(document["suppressed"]) == len(json.loads(first.output)["findings"])
    # A new risk (a new column of e-mails under another name) still fails.
    people.with_columns(people["email"].alias("contact")).write_csv(path)
    newer = CliRunner().invoke(cli, ["scan", str(path), "--format", "json", "--baseline", str(tmp_path / "baseline.json")])
    assert newer.exit_code == 1


def test_coded_names_are_only_names_without_words():
    from sharecheck.naming import is_coded_name

    assert all(is_coded_name(name) for name in ["z1", "t2", "q5a", "V12", "da", "X1"])
    # words of the vocabularies, or any word of three letters or more, are not codes
    assert not any(is_coded_name(name) for name in ["id", "x", "age", "sex", "group", "ppvtr.36", "rownames", ""])


def test_declared_roles_silence_the_coded_names_warning():
    import polars as pl

    import sharecheck

    frame = pl.DataFrame({"z1": [26, 21, 26, 17, 32, 22], "z2": [33, 37, 35, 21, 36, 31],
                          "z3": [1, 1, 0, 1, 0, 0], "t2": [2081, 1602, 1496, 1462, 1433, 1377]})
    assert "AS001" in {f.code for f in sharecheck.scan(frame).findings}
    # Two of four declared: two coded columns left judged, under the three the rule needs.
    declared = sharecheck.scan(frame, qi=("z1", "z2"))
    assert "AS001" not in {f.code for f in declared.findings}


def test_coded_names_stay_a_warning_on_rows_judged_to_be_things():
    import polars as pl

    import sharecheck

    frame = pl.DataFrame({"z1": [26, 21, 26, 17, 32, 22], "z2": [33, 37, 35, 21, 36, 31],
                          "z3": [1, 1, 0, 1, 0, 0], "t2": [2081, 1602, 1496, 1462, 1433, 1377]})
    report = sharecheck.scan(frame, about="things")
    coded = [f for f in report.findings if f.code == "AS001"]
    # other findings on a table of things become notes; this one is about the judgement itself
    assert [f.severity for f in coded] == ["warning"]
    assert "What the rows are about" in coded[0].message
