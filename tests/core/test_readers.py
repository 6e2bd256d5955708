"""Every supported format reads to the same table; awkward real-world CSVs read correctly."""
from __future__ import annotations

import json

import polars as pl
import pytest

from sharecheck.errors import InputError
from sharecheck.readers import read_release, read_releases, sniff_delimiter
from tests.conftest import write_formats


@pytest.mark.parametrize("fmt", ["csv", "tsv", "parquet", "json", "ndjson", "excel"])
def test_every_format_reads_the_same_table(tmp_path, people, fmt):
    path = write_formats(people, tmp_path)[fmt]
    frame = read_release(path).frame.collect()
    assert frame.columns == people.columns
    assert frame.height == people.height
    # ZIP codes keep their leading zero whatever the format.
    assert frame["zip"].cast(pl.String).to_list() == people["zip"].to_list()


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_is_sniffed(tmp_path, delimiter):
    path = tmp_path / "data.csv"
    path.write_text(delimiter.join(["a", "b", "c"]) + "\n" + "\n".join(delimiter.join(["1", "x y", "3"]) for _ in range(5)) + "\n")
    release = read_release(path)
    assert release.delimiter == delimiter
    assert release.frame.collect().shape == (5, 3)


def test_sniffer_prefers_consistent_split_over_commas_inside_text():
    text = "name;comment\nA;one, two, three\nB;four, five\nC;six\n"
    assert sniff_delimiter(text) == ";"


def test_latin1_semicolons_and_decimal_commas(tmp_path):
    path = tmp_path / "subventions.csv"
    path.write_bytes("nom;montant;code_postal\nAssociation Été;1.234,50;01000\nCafé Noël;12,75;75001\n".encode("latin-1"))
    release = read_release(path)
    frame = release.frame.collect()
    assert release.encoding == "cp1252" and release.delimiter == ";"
    assert frame["nom"].to_list() == ["Association Été", "Café Noël"]
    assert frame["montant"].to_list() == [1234.5, 12.75]
    assert frame["code_postal"].to_list() == ["01000", "75001"]


def test_utf8_bom_and_quoted_newlines(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b'\xef\xbb\xbfid,comment\n1,"line one\nline two"\n2,plain\n')
    frame = read_release(path).frame.collect()
    assert frame.columns == ["id", "comment"]
    assert frame["comment"].to_list() == ["line one\nline two", "plain"]


def test_ids_that_only_look_numeric_stay_text(tmp_path):
    path = tmp_path / "ids.csv"
    path.write_text("zip,count,big_id\n02115,3,1234567890123456789\n10001,4,2234567890123456789\n")
    frame = read_release(path).frame.collect()
    assert frame.schema["zip"] == pl.String
    assert frame.schema["count"] == pl.Int64
    assert frame.schema["big_id"] == pl.String


def test_geojson_points_become_coordinates(tmp_path):
    path = tmp_path / "trees.geojson"
    features = [{"type": "Feature", "properties": {"species": "Acer", "dbh": 12 + i},
                 "geometry": {"type": "Point", "coordinates": [-71.05 + i / 1000, 42.35]}} for i in range(3)]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    frame = read_release(path).frame.collect()
    assert set(frame.columns) == {"species", "dbh", "longitude", "latitude"}
    assert frame["latitude"].to_list() == [42.35] * 3


def test_nested_json_records_are_flattened(tmp_path):
    path = tmp_path / "nested.json"
    path.write_text(json.dumps({"data": [{"id": 1, "person": {"age": 30, "sex": "F"}}, {"id": 2, "person": {"age": 41, "sex": "M"}}]}))
    frame = read_release(path).frame.collect()
    assert frame.columns == ["id", "person.age", "person.sex"]


def test_datapackage_resources_keys_and_declared_roles(tmp_path, people):
    people.write_csv(tmp_path / "people.csv")
    people.select("zip", "sex").unique().write_csv(tmp_path / "areas.csv")
    descriptor = {
        "name": "city",
        "resources": [
            {"name": "people", "path": "people.csv", "schema": {
                "fields": [{"name": "full_name", "type": "string"}, {"name": "email", "type": "string"},
                           {"name": "zip", "type": "string", "sharecheck:role": "quasi_identifier"},
                           {"name": "sex", "type": "string"},
                           {"name": "diagnosis", "type": "string", "sharecheck:role": "sensitive"}],
                "primaryKey": "email",
                "foreignKeys": [{"fields": "zip", "reference": {"resource": "areas", "fields": "zip"}}]}},
            {"name": "areas", "path": "areas.csv"},
        ],
    }
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor))
    releases = read_releases(tmp_path / "datapackage.json")
    assert [r.name for r in releases] == ["people", "areas"]
    people_release = releases[0]
    assert people_release.primary_key == ("email",)
    assert people_release.fields["diagnosis"].role == "sensitive"
    assert people_release.foreign_keys[0]["reference"]["resource"] == "areas"
    # A folder holding datapackage.json reads the same way.
    assert [r.name for r in read_releases(tmp_path)] == ["people", "areas"]


def test_datapackage_inline_data(tmp_path):
    descriptor = {"resources": [{"name": "inline", "data": [{"a": 1, "b": "x"}, {"a": 2, "b": "y"}]}]}
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor))
    assert read_release(tmp_path / "datapackage.json").frame.collect().shape == (2, 2)


def test_datapackage_refuses_remote_paths(tmp_path):
    descriptor = {"resources": [{"name": "remote", "path": "https://example.org/data.csv"}]}
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor))
    with pytest.raises(InputError, match="URL"):
        read_releases(tmp_path / "datapackage.json")


def test_reading_is_lazy_for_csv(tmp_path, people):
    path = write_formats(people, tmp_path)["csv"]
    assert isinstance(read_release(path).frame, pl.LazyFrame)


def test_type_proposed_from_first_rows_is_confirmed_on_every_row(tmp_path):
    # Numeric for 25,000 rows, then a code with a letter and a ZIP with a leading zero.
    lines = ["code,zip,amount"] + [f"{i},{10000 + i % 80000},{i}.5" for i in range(25_000)]
    lines += ["A17,01234,3.25"]
    path = tmp_path / "late.csv"
    path.write_text("\n".join(lines) + "\n")
    frame = read_release(path).frame.collect()
    assert frame.schema["code"] == pl.String
    assert frame.schema["zip"] == pl.String
    assert frame.schema["amount"] == pl.Float64
    assert frame["code"][-1] == "A17" and frame["zip"][-1] == "01234"
