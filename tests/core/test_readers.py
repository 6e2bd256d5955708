"""Every supported format reads to the same table; awkward real-world CSVs read correctly."""
from __future__ import annotations

import json
from pathlib import Path

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


# --------------------------------------------------------------------------- hostile-input hardening

def test_every_sheet_is_a_table_of_its_own(tmp_path, people):
    import xlsxwriter

    path = tmp_path / "book.xlsx"
    with xlsxwriter.Workbook(path) as book:
        readme = book.add_worksheet("README")
        readme.write(0, 0, "about")
        readme.write(1, 0, "Licences issued in 2024.")
        data = book.add_worksheet("Data")
        for col, name in enumerate(people.columns):
            data.write(0, col, name)
            for row, value in enumerate(people[name].to_list(), 1):
                data.write(row, col, value)
    releases = read_releases(path)
    assert [release.name for release in releases] == ["book[README]", "book[Data]"]
    assert releases[1].frame.collect().height == 12
    assert [r.name for r in read_releases(path, sheet="Data")] == ["book"]


@pytest.mark.parametrize("encoding, bom", [("utf-32-le", b"\xff\xfe\x00\x00"), ("utf-32-be", b"\x00\x00\xfe\xff"),
                                           ("utf-32-le", b""), ("utf-16-le", b""), ("utf-16-be", b"")])
def test_wide_encodings_are_detected_with_or_without_a_mark(tmp_path, encoding, bom):
    path = tmp_path / "wide.csv"
    path.write_bytes(bom + "name,city\nЖёлудев,Київ\nAnn,Łódź\n".encode(encoding))
    frame = read_release(path).frame.collect()
    assert frame.columns == ["name", "city"]
    assert frame["city"].to_list() == ["Київ", "Łódź"]


def test_parquet_types_are_read_or_named_and_skipped(tmp_path):
    import datetime as dt
    import decimal

    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "types.parquet"
    pq.write_table(pa.table({
        "d": pa.array([2**31 - 1, 0], type=pa.date32()),  # the date that made polars panic
        "m": pa.array([[("k", 1)], []], type=pa.map_(pa.string(), pa.int32())),
        "dur": pa.array([90, 30], type=pa.duration("s")),
        "t": pa.array([dt.time(1, 2), dt.time(3, 4)]),
        "dec": pa.array([decimal.Decimal("1.50"), decimal.Decimal("2.25")], type=pa.decimal128(10, 2)),
        "bin": pa.array([b"x", b"y"]),
        "s": pa.array([{"a": 1}, {"a": 2}]),
    }), path)
    release = read_release(path)
    frame = release.frame.collect()
    assert frame.columns == ["d", "dur", "t", "dec", "s.a"]
    assert frame["d"].to_list() == [None, dt.date(1970, 1, 1)]
    assert frame["dur"].to_list() == [90, 30]
    assert frame["dec"].to_list() == [1.5, 2.25]
    assert frame["t"].to_list() == ["01:02:00", "03:04:00"]
    assert any("map columns m" in note and "binary columns bin" in note for note in release.notes)
    assert "1 dates outside years 1-9999 read as missing" in release.notes


def test_ndjson_type_change_after_line_10000_is_read(tmp_path):
    path = tmp_path / "late.ndjson"
    lines = [json.dumps({"a": i}) for i in range(10_005)] + [json.dumps({"a": "text"})]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    frame = read_release(path).frame.collect()
    assert frame.height == 10_006
    assert frame["a"].cast(pl.String).to_list()[-1] == "text"


@pytest.mark.parametrize("resource_path", ["../outside.csv", "sub/../../outside.csv", "/etc/passwd", "C:\\x.csv",
                                           "file:///etc/passwd", "~/x.csv", "link.csv"])
def test_datapackage_paths_stay_inside_the_package(tmp_path, resource_path):
    (tmp_path / "outside.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "link.csv").symlink_to(tmp_path / "outside.csv")
    (package / "datapackage.json").write_text(json.dumps({"resources": [{"name": "r", "path": resource_path}]}), encoding="utf-8")
    with pytest.raises(InputError):
        read_releases(package)


def test_datapackage_schema_path_stays_inside_and_a_good_one_reads(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "data.csv").write_text("a,b\n1,2\n3,4\n", encoding="utf-8")
    (tmp_path / "schema.json").write_text('{"fields": [{"name": "a"}]}', encoding="utf-8")
    descriptor = {"resources": [{"name": "r", "path": "data.csv", "schema": "../schema.json"}]}
    (package / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    with pytest.raises(InputError, match="package folder"):
        read_releases(package)
    (package / "schema.json").write_text('{"fields": [{"name": "a", "role": "other"}]}', encoding="utf-8")
    descriptor["resources"][0]["schema"] = "schema.json"
    (package / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    assert read_releases(package)[0].fields["a"].role == "other"


def test_limits_are_checked_and_can_be_raised(tmp_path):
    from sharecheck.limits import reading_limits

    deep = tmp_path / "deep.json"
    deep.write_text("[" + '{"a": ' * 40 + "1" + "}" * 40 + "]", encoding="utf-8")
    with pytest.raises(InputError, match="41 levels deep"):
        read_release(deep)
    with reading_limits({"depth": 64}):
        assert read_release(deep).frame.collect().height == 1
    long_line = tmp_path / "long.csv"
    long_line.write_text("a,b\n1," + "x" * 5000 + "\n", encoding="utf-8")
    with reading_limits({"line_bytes": 1000}), pytest.raises(InputError, match="a line of 5,002 bytes"):
        read_release(long_line)
    with reading_limits({"cell_bytes": 100}), pytest.raises(InputError, match="a cell of 5,000 bytes"):
        read_release(long_line)
    assert read_release(long_line).frame.collect().height == 1  # near miss: under the defaults


def test_transcoded_copy_lives_in_a_private_folder(tmp_path):
    from sharecheck import readers

    path = tmp_path / "latin.csv"
    path.write_bytes("name,city\nJosé,Zürich\nAnn,Genève\n".encode("cp1252"))
    read_release(path).frame.collect()
    folder = Path(readers._TEMP_DIRS[-1])
    assert folder.stat().st_mode & 0o777 == 0o700
    readers._remove_temp_dirs()
    assert not folder.exists()


def test_a_release_is_materialised_in_one_chunk_per_column_with_the_same_values():
    from sharecheck.analysis import collect
    from sharecheck.release import release_from_frame

    parts = [pl.DataFrame({"n": [i, i + 1], "s": [f"v{i}", None]}) for i in range(0, 8, 2)]
    chunked = pl.concat(parts, rechunk=False)
    assert chunked.n_chunks("all") == [4, 4]
    frame = collect(release_from_frame(chunked))
    assert frame.n_chunks("all") == [1, 1]
    assert frame.to_dict(as_series=False) == {"n": [0, 1, 2, 3, 4, 5, 6, 7], "s": ["v0", None, "v2", None, "v4", None, "v6", None]}


def test_a_frame_above_the_rechunk_size_keeps_its_chunks(monkeypatch):
    from sharecheck import analysis
    from sharecheck.release import release_from_frame

    monkeypatch.setattr(analysis, "RECHUNK_BYTES", 0)
    chunked = pl.concat([pl.DataFrame({"n": [1]}), pl.DataFrame({"n": [2]})], rechunk=False)
    assert analysis.collect(release_from_frame(chunked))["n"].n_chunks() == 2


@pytest.mark.parametrize("fmt", ["parquet", "excel"])
def test_column_names_that_look_like_polars_patterns(tmp_path, fmt):
    # `*` (an ARX hierarchy's top level) and `^...$` are wildcards and regexes to pl.col.
    frame = pl.DataFrame({"^a.*$": ["1", "2", "3"], "*": ["x", "y", "z"], "b": ["p", "q", "r"]})
    if fmt == "parquet":
        path = tmp_path / "odd.parquet"
        frame.write_parquet(path)
    else:
        path = tmp_path / "odd.xlsx"
        frame.write_excel(path)
    read = read_release(path, header=True).frame.collect()
    assert read.columns == ["^a.*$", "*", "b"]
    assert read.height == 3
