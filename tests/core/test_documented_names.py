"""A coded column name read through the data package's documentation of the field."""
from __future__ import annotations

import json

import sharecheck
from sharecheck.classify.documented import documented_headers
from sharecheck.release import FieldMeta

# Twelve people: ages and sexes under codebook names; the values alone say little.
ROWS = [(26, 33, 1, 0, 2081), (21, 37, 1, 1, 1602), (26, 35, 1, 1, 1496), (17, 21, 0, 1, 1462),
        (32, 36, 1, 1, 1433), (22, 31, 1, 1, 1377), (20, 17, 1, 0, 1330), (22, 24, 1, 0, 996),
        (18, 21, 0, 1, 226), (24, 40, 1, 1, 1199), (19, 28, 1, 1, 1111), (17, 28, 1, 1, 530)]
TITLES = {"z1": "Patient age", "z2": "Donor age", "z3": "Patient sex", "z4": "Donor sex", "t2": "Days to relapse"}


def _package(tmp_path, titled: bool):
    (tmp_path / "bmt.csv").write_text("z1,z2,z3,z4,t2\n" + "".join(",".join(map(str, row)) + "\n" for row in ROWS * 3))
    fields = [{"name": name, **({"title": title} if titled else {})} for name, title in TITLES.items()]
    (tmp_path / "datapackage.json").write_text(json.dumps(
        {"name": "bmt", "resources": [{"name": "bmt", "path": "bmt.csv", "schema": {"fields": fields}}]}))
    return tmp_path / "datapackage.json"


def test_only_coded_names_take_their_documentation():
    fields = {"z1": FieldMeta("z1", title="Patient age"), "age": FieldMeta("age", title="Age in years"),
              "q5": FieldMeta("q5", description="Number of children in the household, as reported at intake."),
              "v2": FieldMeta("v2", title="V2"), "t1": FieldMeta("t1"), "x7": FieldMeta("x7", title="age")}
    headers = documented_headers(["z1", "age", "q5", "v2", "t1", "x7"], fields)
    # a real name keeps itself; a description gives its opening words; a title that is a code, a
    # missing one, or one that is another column's name gives nothing
    assert headers == {"z1": "Patient age", "q5": "Number of children in the household, as reported"}  # 8 words


def test_titles_of_coded_fields_are_read_as_their_headers(tmp_path):
    report = sharecheck.scan(_package(tmp_path, titled=True))
    columns = {column.name: column for column in report.datasets[0].columns}
    assert (columns["z1"].semantic_type, columns["z1"].role) == ("age", "quasi_identifier")
    assert (columns["z3"].semantic_type, columns["z3"].role) == ("sex", "quasi_identifier")
    assert any("documented name 'Patient age'" in line for line in columns["z1"].evidence)
    assert "AS001" not in report.codes()


def test_the_same_package_without_titles_is_judged_from_values_and_says_so(tmp_path):
    report = sharecheck.scan(_package(tmp_path, titled=False))
    assert "AS001" in report.codes()
    assert all("documented name" not in " ".join(column.evidence) for column in report.datasets[0].columns)
