"""The command line: exit codes, formats, bad input, and files left untouched."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from sharecheck.cli import cli
from sharecheck.schema import validate_report
from tests.conftest import sha256


def run(*args):
    return CliRunner().invoke(cli, list(map(str, args)), catch_exceptions=False)


@pytest.fixture
def people_csv(tmp_path, people):
    path = tmp_path / "people.csv"
    people.write_csv(path)
    return path


@pytest.fixture
def safe_csv(tmp_path, safe_table):
    path = tmp_path / "safe.csv"
    safe_table.write_csv(path)
    return path


def test_exit_0_on_a_safe_release(safe_csv):
    result = run("scan", safe_csv)
    assert result.exit_code == 0, result.output
    assert "PASS" in result.output


def test_exit_1_on_findings_at_or_above_fail_on(people_csv):
    assert run("scan", people_csv).exit_code == 1


def test_fail_on_never_and_fail_on_info(people_csv, safe_csv):
    assert run("scan", people_csv, "--fail-on", "never").exit_code == 0
    # The safe table still raises notes? Then --fail-on info fails it; otherwise it passes.
    report = json.loads(run("scan", safe_csv, "--format", "json").output)
    expected = 1 if report["counts"]["info"] or report["counts"]["warning"] else 0
    assert run("scan", safe_csv, "--fail-on", "info").exit_code == expected


def test_json_report_is_valid_and_complete(people_csv):
    result = run("scan", people_csv, "--format", "json")
    document = json.loads(result.output)
    validate_report(document)
    assert document["verdict"] == "fail"
    assert document["metrics"]["records"] == 12
    assert {c["name"] for c in document["columns"]} == {"full_name", "email", "zip", "sex", "diagnosis"}


def test_sarif_has_physical_locations(people_csv):
    document = json.loads(run("scan", people_csv, "--format", "sarif").output)
    results = document["runs"][0]["results"]
    assert results
    assert all(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results)


def test_markdown_and_output_file(tmp_path, people_csv):
    target = tmp_path / "report.md"
    result = run("scan", people_csv, "--format", "markdown", "-o", target)
    assert result.exit_code == 1
    assert target.read_text().startswith("## sharecheck scan: **FAIL**")


def test_rules_command_lists_and_explains():
    listing = run("rules")
    assert listing.exit_code == 0 and "KA301" in listing.output and "ID101" in listing.output
    explained = run("rules", "KA301")
    assert "## Why is this bad?" in explained.output and "## Fix" in explained.output
    assert run("rules", "XX999").exit_code == 2


def _bad_inputs(tmp_path):
    cases = {}
    (tmp_path / "empty.csv").write_bytes(b"")
    cases["empty"] = (tmp_path / "empty.csv", "empty")
    (tmp_path / "header.csv").write_text("a,b,c\n")
    cases["header-only"] = (tmp_path / "header.csv", "no data rows")
    (tmp_path / "binary.csv").write_bytes(bytes(range(256)) * 8)
    cases["binary"] = (tmp_path / "binary.csv", "binary")
    (tmp_path / "ragged.csv").write_text("a,b\n1,2\n3,4,5\n6,7\n")
    cases["ragged"] = (tmp_path / "ragged.csv", "more fields than the header")
    (tmp_path / "quote.csv").write_text('a,b\n1,"open\n2,3\n')
    cases["unclosed-quote"] = (tmp_path / "quote.csv", "never closed")
    (tmp_path / "data.xyz").write_text("a,b\n1,2\n")
    cases["unknown-extension"] = (tmp_path / "data.xyz", "unknown file type")
    cases["missing"] = (tmp_path / "nope.csv", "no such file")
    cases["directory"] = (tmp_path, "is a directory")
    (tmp_path / "broken.json").write_text('{"a": [1, 2')
    cases["broken-json"] = (tmp_path / "broken.json", "not valid JSON")
    (tmp_path / "broken.parquet").write_bytes(b"PAR1 not really")
    cases["broken-parquet"] = (tmp_path / "broken.parquet", "Parquet")
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")
    cases["broken-excel"] = (tmp_path / "broken.xlsx", "Excel")
    return cases


BAD = ["empty", "header-only", "binary", "ragged", "unclosed-quote", "unknown-extension", "missing",
       "directory", "broken-json", "broken-parquet", "broken-excel"]


@pytest.mark.parametrize("case", BAD)
def test_bad_input_is_one_clear_line_and_exit_2(tmp_path, case):
    path, phrase = _bad_inputs(tmp_path)[case]
    before = sha256(path) if path.is_file() else None
    result = CliRunner().invoke(cli, ["scan", str(path)])
    assert result.exit_code == 2, result.output
    stderr = result.stderr if hasattr(result, "stderr") else result.output
    assert "Traceback" not in result.output
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("sharecheck: error:"), stderr
    assert phrase in lines[0]
    if before is not None:
        assert sha256(path) == before


def test_unknown_column_in_option_is_a_usage_error(people_csv):
    result = CliRunner().invoke(cli, ["scan", str(people_csv), "--qi", "no_such_column"])
    assert result.exit_code == 2
    assert "no column named 'no_such_column'" in result.stderr


def test_bad_option_values_exit_2(people_csv):
    assert CliRunner().invoke(cli, ["scan", str(people_csv), "--fail-on", "sometimes"]).exit_code == 2
    assert CliRunner().invoke(cli, ["scan", str(people_csv), "--role", "zip=villain"]).exit_code == 2
    assert CliRunner().invoke(cli, ["scan"]).exit_code == 2


def test_scanning_never_modifies_the_input(tmp_path, people):
    for name, writer in {"p.csv": people.write_csv, "p.parquet": people.write_parquet}.items():
        path = tmp_path / name
        writer(path)
        before = sha256(path)
        run("scan", path, "--format", "json")
        assert sha256(path) == before


def test_console_script_runs_as_a_process(people_csv):
    completed = subprocess.run([sys.executable, "-m", "sharecheck", "scan", str(people_csv), "--format", "json"],
                               capture_output=True, text=True)
    assert completed.returncode == 1
    assert json.loads(completed.stdout)["verdict"] == "fail"


def test_help_does_not_import_heavy_libraries():
    code = ("import sys\nfrom click.testing import CliRunner\nfrom sharecheck.cli import cli\n"
            "CliRunner().invoke(cli, ['--help'])\nCliRunner().invoke(cli, ['scan', '--help'])\n"
            "heavy = [m for m in ('spacy', 'presidio_analyzer', 'sklearn', 'polars') if m in sys.modules]\n"
            "print(','.join(heavy))")
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert completed.stdout.strip() == ""


def test_a_wide_release_scans(tmp_path):
    import numpy as np
    import polars as pl

    rng = np.random.default_rng(3)
    frame = pl.DataFrame({f"measure_{i}": rng.integers(0, 4, 300) for i in range(1500)})
    path = tmp_path / "wide.csv"
    frame.write_csv(path)
    result = run("scan", path, "--format", "json")
    assert result.exit_code in (0, 1)
    assert json.loads(result.output)["metrics"]["columns"] == 1500


def test_join_command_exit_codes(tmp_path, people, safe_table):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    people.select("zip", "sex", "diagnosis").write_csv(a)
    people.select("full_name", "zip", "sex").write_csv(b)
    result = run("join", a, b, "--format", "json")
    assert result.exit_code == 1
    validate_report(json.loads(result.output))
    assert CliRunner().invoke(cli, ["join", str(a)]).exit_code == 2
    assert CliRunner().invoke(cli, ["join", str(a), str(tmp_path / "missing.csv")]).exit_code == 2
    assert CliRunner().invoke(cli, ["join", str(a), str(b), "--on", "nope=zip"]).exit_code == 2


def test_readme_rule_table_is_current():
    import re
    from pathlib import Path

    from sharecheck.rule_docs import list_rules

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- rules:start[^>]*-->\n(.*?)<!-- rules:end -->", readme, re.S)
    assert block, "README lost its generated rule table"
    assert block.group(1) == list_rules("markdown"), "regenerate with: sharecheck rules --format markdown"


def test_every_rule_has_its_documentation():
    from sharecheck.rules import default_rules

    for rule in default_rules().values():
        assert rule.summary and rule.why and rule.fix and rule.references, rule.code


def test_a_release_too_large_for_memory_is_sampled_then_projected(tmp_path, monkeypatch):
    import polars as pl

    import sharecheck
    import sharecheck.analysis
    import sharecheck.release

    rows = 30_000
    frame = pl.DataFrame({
        "zip": [f"0{2100 + i % 40}" for i in range(rows)],
        "sex": ["F" if i % 3 else "M" for i in range(rows)],
        "diagnosis": [["flu", "asthma", "copd"][i % 3] for i in range(rows)],
        "notes": ["routine check"] * rows,
    })
    path = tmp_path / "large.csv"
    frame.write_csv(path)
    monkeypatch.setattr(sharecheck.release, "IN_MEMORY_LIMIT_BYTES", 1_000)
    monkeypatch.setattr(sharecheck.analysis, "LARGE_FILE_SAMPLE_ROWS", 5_000)
    report = sharecheck.scan(path, qi=["zip", "sex"], sensitive=["diagnosis"])
    dataset = report.datasets[0]
    assert dataset.records == rows
    assert any("taken evenly from 30,000" in note for note in dataset.notes)
    # Models still run on every row: 40 ZIPs x 2 sexes over 30,000 rows.
    in_memory = sharecheck.scan(frame, qi=["zip", "sex"], sensitive=["diagnosis"])
    assert report.metrics["k_anonymity"] == in_memory.metrics["k_anonymity"]
    assert report.metrics["classes"] == in_memory.metrics["classes"]


def test_parse_errors_do_not_echo_cell_values():
    from sharecheck.readers import describe_parse_error

    message = describe_parse_error(Exception("could not parse `SMITH, JOHN` as dtype `i64` at column 'name'"))
    assert "SMITH" not in message and "column 'name'" in message


def test_junit_report_fails_the_rules_that_fail(people_csv):
    import xml.etree.ElementTree as ET

    result = run("scan", people_csv, "--format", "junit")
    assert result.exit_code == 1
    root = ET.fromstring(result.output)
    cases = {case.get("name").split()[0]: case for case in root.iter("testcase")}
    assert cases["ID101"].find("failure") is not None
    assert cases["SD401"].find("failure") is None
    never = ET.fromstring(run("scan", people_csv, "--format", "junit", "--fail-on", "never").output)
    assert not list(never.iter("failure"))


def test_a_missing_spacy_model_is_a_usage_error_not_a_download(people_csv):
    result = CliRunner().invoke(cli, ["scan", str(people_csv), "--nlp-model", "xx_no_such_model_sm"])
    assert result.exit_code == 2
    assert "is not installed" in result.stderr and "internal error" not in result.stderr


def test_the_command_line_process_runs_openblas_on_one_thread_and_collects_garbage_less_often(monkeypatch):
    import gc

    from sharecheck.cli import process as cli_module

    saved = gc.get_threshold()
    try:
        monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
        gc.set_threshold(700, 10, 10)
        cli_module._tune_process()
        assert cli_module.os.environ["OPENBLAS_NUM_THREADS"] == "1"
        assert gc.get_threshold() == (cli_module.GC_FIRST_GENERATION, 10, 10)
        # a user's own thread count and a collector turned off by threshold 0 are left alone
        monkeypatch.setenv("OPENBLAS_NUM_THREADS", "4")
        gc.set_threshold(0, 10, 10)
        cli_module._tune_process()
        assert cli_module.os.environ["OPENBLAS_NUM_THREADS"] == "4"
        assert gc.get_threshold() == (0, 10, 10)
    finally:
        gc.set_threshold(*saved)


def test_numpy_is_not_imported_before_the_command_line_sets_its_thread_count():
    # OPENBLAS_NUM_THREADS is read once, when numpy loads OpenBLAS: cli must not import numpy.
    code = "import sys, sharecheck.cli; print('numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
