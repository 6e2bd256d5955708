"""No raw value reaches any output unless the user asks with --show-values."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from sharecheck.cli import cli

FORMATS = ["text", "json", "sarif", "markdown"]


def _raw_values(people):
    values = set()
    for column in ("full_name", "email"):
        values.update(people[column].to_list())
    # Surnames alone would be enough to re-identify: check the parts too.
    values.update(name.split(",")[0] for name in people["full_name"].to_list())
    values.update(email.split("@")[0] for email in people["email"].to_list())
    values.update(people["zip"].to_list())
    return values


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_raw_values_without_show_values(tmp_path, people, fmt):
    path = tmp_path / "people.csv"
    people.write_csv(path)
    result = CliRunner().invoke(cli, ["scan", str(path), "--format", fmt, "--verbose"])
    assert result.exit_code == 1
    leaked = sorted(value for value in _raw_values(people) if value in result.output)
    assert leaked == []


def test_show_values_reveals_examples(tmp_path, people):
    path = tmp_path / "people.csv"
    people.write_csv(path)
    hidden = CliRunner().invoke(cli, ["scan", str(path), "--format", "json"]).output
    shown = CliRunner().invoke(cli, ["scan", str(path), "--format", "json", "--show-values"]).output
    assert "@example.org" not in hidden
    assert "@example.org" in shown


def test_masked_examples_keep_the_shape(tmp_path, people):
    path = tmp_path / "people.csv"
    people.write_csv(path)
    output = CliRunner().invoke(cli, ["scan", str(path), "--format", "json"]).output
    assert "***@e***.org" in output


# --------------------------------------------------------------------------- non-ASCII canaries

# Made-up values in four scripts; a report may name columns and count, never show these.
CANARY_NAMES = ["Жёлудев Святослав", "黄晓明", "王芳", "الزهراني محمد", "Łódzkiewicz Żaneta", "Ærøskøbing Søren",
                "Zqxwvkanary Qqzzy"]
CANARY_EMAILS = ["žofie.kanárková@příklad.cz", "святослав@пример.рф", "晓明@例子.中国"]
CANARY_NOTES = ["Позвонить Жёлудеву про диагноз", "黄晓明 住院 三天", "زيارة الزهراني غدا", "Rappeler Mme Ærøskøbing-Lefèvre"]


def _canary_frame():
    import polars as pl

    rows = 14
    return pl.DataFrame({
        "full_name": [CANARY_NAMES[i % len(CANARY_NAMES)] + ("" if i < len(CANARY_NAMES) else f" {i}") for i in range(rows)],
        "email": [CANARY_EMAILS[i % len(CANARY_EMAILS)].replace("@", f"{i}@") for i in range(rows)],
        "zip": ["02115", "02116", "02117", "02118", "02119", "02120", "02121"] * 2,
        "birth_date": [f"19{60 + i}-0{1 + i % 9}-1{i % 10}" for i in range(rows)],
        "note": [CANARY_NOTES[i % len(CANARY_NOTES)] for i in range(rows)],
    })


def _canary_fragments() -> set[str]:
    """Every two-character piece of every canary token, and each character of uncased scripts
    (one CJK or Arabic character can be a whole surname); a mask keeps at most one cased letter."""
    fragments = set()
    for value in CANARY_NAMES + CANARY_EMAILS + CANARY_NOTES:
        for token in value.replace("@", " ").replace(".", " ").replace("-", " ").split():
            if token.isascii() and len(token) < 5:
                continue  # short ASCII words (cz, Mme) also occur in English text
            if token.isascii():
                fragments.add(token)
            else:  # pieces of two with a non-ASCII letter: 'dz' of Łódzkiewicz is also English
                fragments.update(piece for i in range(len(token) - 1) if not (piece := token[i:i + 2]).isascii())
            fragments.update(ch for ch in token if ch.isalpha() and ch.upper() == ch.lower())
    return fragments


def _leaks(text: str) -> list[str]:
    return sorted(fragment for fragment in _canary_fragments() if fragment in text)


ALL_FORMATS = ["text", "json", "sarif", "markdown", "junit"]


@pytest.fixture
def canary_files(tmp_path):
    frame = _canary_frame()
    release = tmp_path / "canary.csv"
    frame.write_csv(release)
    partner = tmp_path / "partner.csv"
    frame.select("full_name", "zip", "birth_date").write_csv(partner)
    return release, partner


@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_no_canary_in_any_scan_or_join_format_even_verbose(canary_files, fmt):
    release, partner = canary_files
    for args in (["scan", release, "-v"], ["join", release, partner, "-v"]):
        result = CliRunner().invoke(cli, [*map(str, args), "--format", fmt])
        assert result.exit_code in (0, 1), result.output
        assert _leaks(result.output) == [], args


def test_no_canary_in_catalogue_index_check_and_rules(canary_files, tmp_path):
    release, partner = canary_files
    index = tmp_path / "index.sqlite"
    indexed = CliRunner().invoke(cli, ["catalogue", "index", str(partner), "--index", str(index)])
    assert indexed.exit_code == 0, indexed.output
    assert _leaks(indexed.output) == []
    for fmt in ALL_FORMATS:
        checked = CliRunner().invoke(cli, ["catalogue", "check", str(release), "--index", str(index), "--format", fmt, "-v"])
        assert checked.exit_code in (0, 1), checked.output
        assert _leaks(checked.output) == [], fmt
    listed = CliRunner().invoke(cli, ["catalogue", "list", "--index", str(index)])
    assert _leaks(listed.output) == []
    for fmt in ("text", "json", "markdown"):
        assert _leaks(CliRunner().invoke(cli, ["rules", "--format", fmt]).output) == []


def test_the_canary_check_itself_sees_a_leak(canary_files):
    """Near miss: with --show-values the same fragments do appear, so the checks above can fail."""
    release, _ = canary_files
    shown = CliRunner().invoke(cli, ["scan", str(release), "--format", "json", "--show-values"]).output
    assert _leaks(shown)


def test_value_shapes_map_every_script_to_letter_classes():
    from sharecheck.profile import value_shape

    assert value_shape("Жёлудев") == "Aaaaaaa"
    assert value_shape("黄晓明") == "LLL"
    assert value_shape("الزهراني") == "L+"  # eight letters: runs of seven or more collapse
    assert value_shape("محمد") == "LLLL"
    assert value_shape("žofie@příklad.cz") == "aaaaa@a+.aa"
    assert value_shape("٠١٢-٣") == "999-9"  # Arabic-Indic digits are digits
    assert value_shape("e\u0301") == "a"  # a combining accent adds nothing
    assert value_shape("a\x1b[0m") == "a?[9a"  # ESC never reaches a report


def test_masks_hide_at_least_half_of_short_tokens():
    from sharecheck.redact import mask_value

    assert mask_value("王芳") == "***"  # the surname is the first character
    assert mask_value("黄晓明") == "***"
    assert mask_value("الزهراني") == "***"  # no case: one letter could be most of a name
    assert mask_value("Bo") == "***"
    assert mask_value("Ann") == "***"
    assert mask_value("Жёлудев") == "Ж***"
    assert mask_value("SMITH, MARY") == "S***, M***"


def test_library_error_texts_are_masked_in_the_cli_and_the_api(tmp_path, monkeypatch):
    import polars as pl

    import sharecheck
    from sharecheck.redact import exception_message

    try:
        pl.Series(["CANARYNAME Жёлудев"]).cast(pl.Int64)
    except pl.exceptions.PolarsError as exc:
        polars_error = exc
    assert "Жёлудев" in str(polars_error)  # polars does quote the value ...
    assert "Жё" not in exception_message(polars_error) and "CANARYNAME" not in exception_message(polars_error)

    def fail(*args, **kwargs):
        raise polars_error

    monkeypatch.setattr("sharecheck.pipeline.scan_paths", fail)
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["scan", str(path)])
    assert result.exit_code == 2
    assert "CANARYNAME" not in result.output and _leaks(result.output) == []
    assert len(result.output.strip().splitlines()) == 1
    with pytest.raises(sharecheck.SharecheckError) as raised:
        sharecheck.scan(str(path))
    assert "CANARYNAME" not in str(raised.value) and "Жё" not in str(raised.value)


def test_json_type_change_error_texts_never_echo_the_record(tmp_path):
    import sharecheck

    path = tmp_path / "changing.json"
    path.write_text('[{"a": 1}, {"a": "CANARYNAME Жёлудев"}, {"a": {"nested": "黄晓明"}}]', encoding="utf-8")
    release = sharecheck.read_release(path)  # read as text rather than refused
    assert release.frame.collect().height == 3
    report = CliRunner().invoke(cli, ["scan", str(path), "--format", "json", "-v"])
    assert report.exit_code in (0, 1, 2)
    assert "CANARYNAME" not in report.output and _leaks(report.output) == []
