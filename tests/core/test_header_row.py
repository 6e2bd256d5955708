"""A delimited file without a header row: its first line is data, not column names."""
from __future__ import annotations

import json
import string

import polars as pl
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from sharecheck.cli import cli
from sharecheck.errors import InputError
from sharecheck.header_row import first_row_is_data
from sharecheck.readers import read_release, read_releases


def rows(text: str, delimiter: str = ",") -> list[list[str]]:
    return [line.split(delimiter) for line in text.strip().splitlines()]


# A generalisation lookup: every line a value and its coarser levels; the last level is `*`
# on every line, so the first line's `*` recurs under itself.
HIERARCHY = """Bachelors;Undergraduate;Higher education;*
Some-college;Undergraduate;Higher education;*
11th;High School;Secondary education;*
HS-grad;High School;Secondary education;*
Masters;Graduate;Higher education;*
"""


def test_a_hierarchy_lookup_has_no_header():
    assert first_row_is_data(rows(HIERARCHY, ";"))


def test_records_of_people_without_a_header():
    # 'F' recurs in the sex column, 41 sits over ages: three of four cells are data.
    text = "Ann Lee,41,F,Leeds\nBo Chan,37,M,York\nCy Diaz,58,F,Hull\nDee Roy,29,M,Bath\n"
    assert first_row_is_data(rows(text))


def test_a_numeric_matrix_without_a_header():
    assert first_row_is_data(rows("0.5,2,1.25\n0.1,7,3.5\n0.9,1,2.0\n"))


def test_a_word_over_numbers_is_a_header():
    # 'F' recurs in its column, but 'age' over ages settles it.
    text = "F,age\nF,41\nM,37\nF,58\n"
    assert not first_row_is_data(rows(text))


def test_a_wide_table_of_years_keeps_its_header():
    # Numbers over numbers, but consecutive years: column names of a wide table, even where a
    # count happens to equal one of the years.
    text = "2019,2020,2021\n1200,2020,1500\n900,950,980\n300,310,320\n"
    assert not first_row_is_data(rows(text))


def test_evenly_spaced_years_keep_their_header():
    # every fifth year, and no label column: still column names, not a record
    assert not first_row_is_data(rows("2010,2015,2020\n1200,1250,1300\n900,950,980\n300,310,320\n"))
    # the same numbers unevenly spaced read as a record like the others
    assert first_row_is_data(rows("2010,2015,2021\n1200,1250,1300\n900,950,980\n300,310,320\n"))


def test_a_wide_table_with_a_label_column_keeps_its_header():
    text = "neighbourhood,2019,2020,2021\nNorth,1200,1250,1300\nSouth,900,950,980\nEast,300,310,320\n"
    assert not first_row_is_data(rows(text))


def test_text_headers_over_text_values_are_headers():
    # Nothing shows the first line is data (no cell recurs, no numbers): a header is kept.
    text = "name,city\nAnn Lee,Leeds\nBo Chan,York\nCy Diaz,Hull\n"
    assert not first_row_is_data(rows(text))


def test_too_few_lines_to_tell():
    assert not first_row_is_data(rows("1,2\n3,4\n"))


_WORDS = st.text(alphabet=string.ascii_lowercase + "_", min_size=2, max_size=12)


@settings(max_examples=60, deadline=None)
@given(names=st.lists(_WORDS, min_size=1, max_size=6, unique=True),
       body=st.lists(st.lists(st.integers(-10**6, 10**6), min_size=6, max_size=6), min_size=2, max_size=30))
def test_words_over_numbers_are_always_a_header(names, body):
    table = [names] + [[str(value) for value in row[:len(names)]] for row in body]
    assert not first_row_is_data(table)


@settings(max_examples=60, deadline=None)
@given(body=st.lists(st.lists(st.integers(-10**6, 10**6), min_size=3, max_size=3), min_size=3, max_size=30))
def test_numbers_over_numbers_are_data_unless_a_run(body):
    table = [[str(value) for value in row] for row in body]
    first = [int(value) for value in table[0]]
    is_run = first[1] - first[0] == first[2] - first[1] != 0  # evenly spaced: a wide table's years
    assert first_row_is_data(table) is (not is_run)


def test_reading_a_headerless_file_keeps_the_first_record(tmp_path):
    path = tmp_path / "hierarchy.csv"
    path.write_text(HIERARCHY)
    release = read_release(path)
    frame = release.frame.collect()
    assert frame.columns == ["column_1", "column_2", "column_3", "column_4"]
    assert frame.height == 5  # the first line is a record, not lost as a header
    assert frame["column_1"][0] == "Bachelors"
    assert any(note.startswith("no header row") for note in release.notes)


def test_the_header_setting_overrides_the_judgement(tmp_path):
    path = tmp_path / "hierarchy.csv"
    path.write_text(HIERARCHY)
    assert read_release(path, header=True).frame.collect().height == 4
    text = tmp_path / "names.csv"
    text.write_text("name,city\nAnn Lee,Leeds\nBo Chan,York\nCy Diaz,Hull\n")
    assert read_release(text, header=False).frame.collect().height == 4
    with pytest.raises(InputError, match="header must be"):
        read_releases(text, header="no")


def test_cli_header_option(tmp_path):
    path = tmp_path / "hierarchy.csv"
    path.write_text(HIERARCHY)
    runner = CliRunner()
    auto = json.loads(runner.invoke(cli, ["scan", str(path), "--format", "json", "-q"]).output)
    forced = json.loads(runner.invoke(cli, ["scan", str(path), "--format", "json", "-q", "--header", "yes"]).output)
    assert auto["datasets"][0]["records"] == 5
    assert forced["datasets"][0]["records"] == 4
    bad = runner.invoke(cli, ["scan", str(path), "--header", "maybe"])
    assert bad.exit_code == 2


def _package(tmp_path, dialect, fields):
    (tmp_path / "levels.csv").write_text("Ann Lee,41,F\nBo Chan,37,M\nCy Diaz,58,F\nDee Roy,29,M\n")
    resource = {"name": "levels", "path": "levels.csv", "schema": {"fields": [{"name": name} for name in fields]}}
    if dialect is not None:
        resource["dialect"] = dialect
    (tmp_path / "datapackage.json").write_text(json.dumps({"name": "p", "resources": [resource]}))
    return tmp_path / "datapackage.json"


def test_a_data_package_names_a_headerless_file_from_its_schema(tmp_path):
    release = read_release(_package(tmp_path, {"header": False}, ["name", "age", "sex"]))
    frame = release.frame.collect()
    assert frame.columns == ["name", "age", "sex"]
    assert frame.height == 4
    assert frame["age"].cast(pl.Int64).to_list() == [41, 37, 58, 29]


def test_a_data_package_schema_that_does_not_fit_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="schema names 2 fields for 3 columns"):
        read_release(_package(tmp_path, {"header": False}, ["name", "age"]))


def test_a_data_package_saying_header_true_keeps_the_first_line(tmp_path):
    frame = read_release(_package(tmp_path, {"header": True}, ["Ann Lee", "41", "F"])).frame.collect()
    assert frame.height == 3


def test_a_workbook_sheet_without_a_header_row(tmp_path):
    import xlsxwriter

    path = tmp_path / "book.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    headed, bare = workbook.add_worksheet("headed"), workbook.add_worksheet("bare")
    for row_index, row in enumerate([["name", "age"], ["Ann Lee", 41], ["Bo Chan", 37], ["Cy Diaz", 58]]):
        headed.write_row(row_index, 0, row)
    for row_index, line in enumerate(HIERARCHY.strip().splitlines()):
        bare.write_row(row_index, 0, line.split(";"))
    workbook.close()
    releases = {release.name: release for release in read_releases(path)}
    assert releases["book[headed]"].frame.collect().columns == ["name", "age"]
    bare_frame = releases["book[bare]"].frame.collect()
    assert bare_frame.columns == ["column_1", "column_2", "column_3", "column_4"] and bare_frame.height == 5
    assert any(note.startswith("no header row") for note in releases["book[bare]"].notes)
    forced = {release.name: release for release in read_releases(path, header=True)}
    assert forced["book[bare]"].frame.collect().height == 4
    assert all(release.frame.collect().columns[0] == "column_1" for release in read_releases(path, header=False))
