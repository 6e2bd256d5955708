"""`sharecheck audit`: every release scanned once, unreadable files listed, linking pairs checked."""
from __future__ import annotations

import csv
import io
import json
import os

import numpy as np
import polars as pl
import pytest
from click.testing import CliRunner

from sharecheck.audit import audit
from sharecheck.audit.files import audit_files
from sharecheck.audit.pairs import Screened, _containment, choose, screen
from sharecheck.audit.summary import render_audit
from sharecheck.audit.worker import ColumnHashes
from sharecheck.cli import cli
from sharecheck.progress import enabled, stages
from tests.render.helpers import ASCII_CANARY, UNICODE_CANARY, people, register

QI = ("zip", "sex", "birth_date")


def _safe(n: int = 60) -> pl.DataFrame:
    # 6 (zip, sex) groups of 10 records: k = 10, nobody stands out.
    return pl.DataFrame({"zip": [f"0213{i % 3}" for i in range(n)], "sex": ["F" if i % 2 else "M" for i in range(n)],
                         "visits": [i % 4 for i in range(n)]})


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    root = tmp_path_factory.mktemp("portal")
    people().write_csv(root / "people.csv")
    (root / "registers").mkdir()
    register().write_csv(root / "registers" / "register.csv")
    _safe().write_csv(root / "safe.csv")
    (root / "broken.parquet").write_bytes(b"this is not parquet")
    (root / "README.txt").write_text("About these files.\n")
    (root / ".hidden.csv").write_text("a,b\n1,2\n")
    (root / "people.meta.json").write_text(json.dumps({"name": "people", "resources": [{"url": "people.csv"}]}))
    package = root / "package"
    package.mkdir()
    _safe().write_csv(package / "table.csv")
    (package / "datapackage.json").write_text(json.dumps(
        {"name": "pkg", "resources": [{"name": "table", "path": "table.csv", "format": "csv"}]}))
    return root


@pytest.fixture(scope="module")
def report(portal):
    return audit([portal], workers=1, qi=QI, sensitive=("diagnosis",))


def test_files_skip_documents_metadata_hidden_and_package_members(portal):
    names = [p.relative_to(portal).as_posix() for p in audit_files([portal])]
    assert names == ["package/datapackage.json", "broken.parquet", "people.csv", "registers/register.csv", "safe.csv"]


def test_every_release_has_a_row_and_unreadable_files_do_not_stop_the_run(report):
    rows = {row["release"]: row for row in report.rows()}
    assert set(rows) == {"table", "broken.parquet", "people", "register", "safe"}
    assert rows["broken.parquet"]["status"] == "unreadable" and "broken.parquet" in rows["broken.parquet"]["reason"]
    assert rows["people"]["rows"] == 40 and rows["people"]["verdict"] == "fail"
    assert rows["safe"]["verdict"] == "pass" and rows["safe"]["rows"] == 60
    assert any(f.startswith("KA301") for f in rows["people"]["top_findings"])
    assert report.metrics["unreadable"] == 1 and report.metrics["releases"] == 4


def test_the_linking_pair_is_join_checked(report):
    link = next(l for l in report.links if {l["a"], l["b"]} == {"people", "register"})
    # 30 register records each meet exactly one person on zip, sex and birth date.
    linked = link["metrics"]["linked_exactly_one"] if link["a"] == "people" else link["metrics"]["b_linked_exactly_one"]
    assert linked == 30
    assert link["verdict"] == "fail"


def test_no_value_in_any_summary_format(report):
    for fmt in ("text", "csv", "json", "markdown", "html"):
        text = render_audit(report, fmt)
        assert ASCII_CANARY not in text and UNICODE_CANARY not in text, fmt


def test_csv_and_json_carry_the_same_rows(report):
    rows = list(csv.DictReader(io.StringIO(render_audit(report, "csv"))))
    document = json.loads(render_audit(report, "json"))
    assert [r["release"] for r in rows] == [r["release"] for r in document["releases"]]
    assert document["kind"] == "audit" and document["metrics"]["pairs_checked"] == len(document["links"])
    assert {r["verdict"] for r in rows} == {"pass", "fail", "unreadable"}


def test_containment_is_counted_on_hashes():
    a = ColumnHashes("a", "POSTAL", "quasi_identifier", 4, 0.5, np.array([1, 2, 3, 4], dtype=np.uint64), False)
    b = ColumnHashes("b", "POSTAL", "quasi_identifier", 2, 0.5, np.array([3, 4], dtype=np.uint64), False)
    assert _containment(a, b) == 0.5 and _containment(b, a) == 1.0
    (pair,) = screen([(a,), (b,)])
    # Both columns have at most 12 values: weight 0.05, score = containment 1.0 x 0.05.
    assert (pair.a, pair.b) == (0, 1) and pair.score == pytest.approx(0.05)


def test_choose_keeps_each_releases_best_partners_and_skips_pairs_about_no_one():
    pairs = [Screened(0, 1, 3.0, ()), Screened(0, 2, 2.0, ()), Screened(1, 2, 1.0, ()), Screened(3, 4, 5.0, ())]
    chosen = choose(pairs, about_people=[True, True, True, False, False], max_partners=1)
    # (0, 2) is release 2's best partner although 0 is full; (1, 2): both full; (3, 4): about no one.
    assert [(p.a, p.b) for p in chosen] == [(0, 1), (0, 2)]


def test_progress_is_off_without_a_terminal_or_with_quiet():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    assert not enabled(False, io.StringIO())
    assert not enabled(True, Terminal())
    assert enabled(False, Terminal())
    with stages(stream=io.StringIO()) as stage:
        stage("scanning", 2)("x")  # a no-op that accepts the calls


@pytest.mark.parametrize("files, expected", [(("safe.csv",), 0), (("safe.csv", "people.csv"), 1),
                                             (("safe.csv", "broken.parquet"), 2)])
def test_cli_exit_codes(portal, tmp_path, files, expected):
    folder = tmp_path / "p"
    folder.mkdir()
    for name in files:
        (folder / name).write_bytes((portal / name).read_bytes())
    result = CliRunner().invoke(cli, ["audit", str(folder), "-q", "-j", "1", "--format", "csv", "--qi", "zip",
                                      "--qi", "sex", "--qi", "birth_date"])
    assert result.exit_code == expected, result.output
    assert "Traceback" not in result.output


def test_cli_writes_per_release_reports_with_two_workers(portal, tmp_path):
    out = tmp_path / "reports"
    result = CliRunner().invoke(cli, ["audit", str(portal), "-q", "-j", "2", "--out-dir", str(out), "--format", "json",
                                      "--qi", "zip", "--qi", "sex", "--qi", "birth_date", "-o", str(tmp_path / "a.json")])
    assert result.exit_code == 1, result.output
    assert sorted(p.name for p in out.iterdir()) == ["people.json", "register.json", "safe.json", "table.json"]
    assert json.loads((out / "people.json").read_text())["datasets"][0]["records"] == 40
    summary = json.loads((tmp_path / "a.json").read_text())
    assert summary["metrics"]["workers"] == 2 and summary["metrics"]["releases"] == 4
    assert "broken.parquet" in result.output  # listed on stderr with its reason


def test_a_missing_folder_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(cli, ["audit", str(tmp_path / "nothing"), "-q"])
    assert result.exit_code == 2 and result.output.startswith("sharecheck: error:")


@pytest.mark.skipif(not os.path.isdir("/work/shared/datasets") and not os.path.isdir("../shared/datasets"),
                    reason="real releases are not here")
def test_real_portal_files_are_found():
    root = "/work/shared/datasets" if os.path.isdir("/work/shared/datasets") else "../shared/datasets"
    files = audit_files([root])
    assert files and not any(p.name.upper().startswith(("SOURCE", "README")) for p in files)


def test_threads_give_the_same_summary_as_one_worker(portal, report):
    threaded = audit([portal], workers=2, pool="thread", qi=QI, sensitive=("diagnosis",))
    strip = lambda rows: [{k: v for k, v in r.items() if k != "seconds"} for r in rows]  # noqa: E731
    assert strip(threaded.rows()) == strip(report.rows())
    assert [(l["a"], l["b"], l["metrics"]["linked_exactly_one"]) for l in threaded.links] == \
        [(l["a"], l["b"], l["metrics"]["linked_exactly_one"]) for l in report.links]


def _outcome(name: str, rows: int):
    from types import SimpleNamespace

    return SimpleNamespace(name=name, report=SimpleNamespace(records=rows))


def test_pair_batches_hold_every_pair_once_largest_first():
    from sharecheck.audit import _pair_batches

    readable = [_outcome(f"r{i}", rows) for i, rows in enumerate([10, 1000, 20, 30, 40])]
    chosen = [Screened(a, b, 1.0, ()) for a, b in [(0, 1), (2, 3), (0, 2), (3, 4), (1, 4), (0, 3), (2, 4)]]
    batches = _pair_batches(readable, chosen, size=3)
    assert sorted(k for batch in batches for k in batch) == list(range(len(chosen)))
    assert all(0 < len(batch) <= 3 for batch in batches)
    # Grouped by first release: pairs (0, 1), (0, 2), (0, 3) travel together, release 0 shipped once.
    assert [sorted(batch) for batch in batches] == [[1, 4, 6], [0, 2, 5], [3]]  # rows 1150, 1080, 70
    sizes = [sum(readable[chosen[k].a].report.records + readable[chosen[k].b].report.records for k in b) for b in batches]
    assert sizes == sorted(sizes, reverse=True)


def test_batched_pair_checks_give_the_links_of_one_pair_per_task(portal, report, monkeypatch):
    import sharecheck.audit as audit_module

    monkeypatch.setattr(audit_module, "PAIR_BATCH", 1)
    single = audit([portal], workers=1, qi=QI, sensitive=("diagnosis",))
    strip = lambda links: [{k: v for k, v in l.items() if k != "seconds"} for l in links]  # noqa: E731
    assert strip(single.links) == strip(report.links) and len(report.links) >= 1


def test_a_release_in_the_store_is_read_once_per_worker_and_checks_like_one_sent(portal, tmp_path):
    from sharecheck.audit import worker

    worker.initialise(None, {"qi": QI, "sensitive": ("diagnosis",)}, worker=False)
    sent = worker.audit_file(str(portal / "people.csv")) + worker.audit_file(str(portal / "registers" / "register.csv"))
    worker.forget()
    kept = worker.audit_file(str(portal / "people.csv"), store=str(tmp_path)) + \
        worker.audit_file(str(portal / "registers" / "register.csv"), store=str(tmp_path))
    assert all(o.analysed is None and o.forms is None and o.stored.startswith(str(tmp_path)) for o in kept)
    assert [o.report.records for o in kept] == [o.report.records for o in sent] == [40, 30]
    first = worker.stored_release(kept[0].stored)
    assert worker.stored_release(kept[0].stored) is first  # read once, the same objects after
    assert first[0].frame.equals(sent[0].analysed.frame) and list(first[1].forms) == list(sent[0].forms.forms)
    from_store = worker.check_pairs_task({0: kept[0].stored, 1: kept[1].stored}, [(0, 1)], {})
    worker.forget()
    from_parent = worker.check_pairs_task({0: (sent[0].analysed, sent[0].forms), 1: (sent[1].analysed, sent[1].forms)}, [(0, 1)], {})
    worker.forget()
    strip = lambda outcomes: [(o.verdict, o.codes, o.metrics, [f.fingerprint for f in o.findings]) for o in outcomes]  # noqa: E731
    assert strip(from_store) == strip(from_parent) and from_store[0].metrics.get("linked_exactly_one")


def test_worker_processes_give_the_links_of_one_worker_and_remove_their_store(portal, report, tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    processes = audit([portal], workers=2, qi=QI, sensitive=("diagnosis",))
    strip = lambda links: [{k: v for k, v in l.items() if k != "seconds"} for l in links]  # noqa: E731
    assert strip(processes.links) == strip(report.links) and len(report.links) >= 1
    assert not list(tmp_path.glob("sharecheck-audit-*"))


def test_a_release_that_cannot_be_stored_travels_back_with_its_report(portal, tmp_path, monkeypatch):
    from sharecheck.audit import worker

    def full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(worker, "store_release", full)
    worker.initialise(None, {"qi": QI}, worker=False)
    outcome, = worker.audit_file(str(portal / "people.csv"), store=str(tmp_path))
    assert outcome.error is None and outcome.stored is None and outcome.analysed is not None and outcome.forms is not None
