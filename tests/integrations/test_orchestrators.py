"""The orchestrator examples (integrations/orchestrators): the shared gate as a plain function, and
each example with its library where that library is installed (Dagster, Prefect, Airflow are not
in the dev extra; see integrations/orchestrators/README.md for how they were run)."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from sharecheck.catalogue import Catalogue

from .conftest import RISKY, ROOT, SAFE

EXAMPLES = ROOT / "integrations" / "orchestrators"
sys.path.insert(0, str(EXAMPLES))
from sharecheck_gate import ReleaseBlocked, check_release, require_pass  # noqa: E402

_NAMES = [("Ana Moreau", "02101"), ("Ben Okafor", "02102"), ("Cleo Tanaka", "02103"), ("Dev Silva", "02104")]
VOTERS = "name,zip,birth_date,sex\n" + "".join(
    f"{name} {i},{zip_},19{40 + i}-0{1 + i % 9}-1{i % 10},{'MF'[i % 2]}\n"
    for i in range(60) for name, zip_ in [_NAMES[i % 4]])
CLINIC = "zip,birth_date,sex,diagnosis\n" + "".join(
    f"{_NAMES[i % 4][1]},19{40 + i}-0{1 + i % 9}-1{i % 10},{'MF'[i % 2]},{['asthma', 'flu', 'diabetes'][i % 3]}\n"
    for i in range(30))


@pytest.fixture
def files(tmp_path):
    paths = {}
    for name, text in {"trees.csv": SAFE, "residents.csv": RISKY, "voters.csv": VOTERS, "clinic.csv": CLINIC}.items():
        paths[name] = tmp_path / name
        paths[name].write_text(text)
    return paths


def test_gate_passes_a_safe_release_and_blocks_a_risky_one(files):
    assert check_release(files["trees.csv"])["verdict"] == "pass"
    assert require_pass(files["trees.csv"])["failing"] == []
    with pytest.raises(ReleaseBlocked) as blocked:
        require_pass(files["residents.csv"])
    assert "ID101" in blocked.value.result["failing"] and "ID101" in str(blocked.value)
    assert "Moreau" not in str(blocked.value)


def test_gate_checks_against_the_catalogue_when_given_one(files, tmp_path):
    index = tmp_path / "catalogue.sqlite"
    with Catalogue(index) as catalogue:
        catalogue.add([files["voters.csv"]])
    without = check_release(files["clinic.csv"])
    joined = check_release(files["clinic.csv"], catalogue=index)
    assert not any(code.startswith("LK") for code in without["failing"])
    assert "LK602" in joined["failing"] and joined["verdict"] == "fail"
    assert [d["kind"] for d in joined["documents"]] == ["scan", "catalogue"]


def _load(name: str, module_name: str):
    spec = importlib.util.spec_from_file_location(module_name, EXAMPLES / name)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("source, passed", [("trees.csv", True), ("residents.csv", False)])
def test_dagster_blocking_asset_check(files, tmp_path, monkeypatch, source, passed):
    dg = pytest.importorskip("dagster")
    monkeypatch.setenv("RELEASE_SOURCE", str(files[source]))
    monkeypatch.setenv("RELEASE_DIR", str(tmp_path / "release"))
    example = _load("dagster_example.py", f"dagster_example_{passed}")
    result = dg.materialize([example.tree_counts, example.published_tree_counts, example.tree_counts_sharecheck],
                            raise_on_error=False, instance=dg.DagsterInstance.ephemeral())
    (evaluation,) = result.get_asset_check_evaluations()
    assert evaluation.passed is passed
    assert (tmp_path / "release" / "published" / source).exists() is passed  # blocking: no publication


def test_prefect_task_fails_the_flow(files, tmp_path):
    pytest.importorskip("prefect")
    from prefect.testing.utilities import prefect_test_harness

    example = _load("prefect_example.py", "prefect_example")
    with prefect_test_harness(server_startup_timeout=300):  # a shared 2-core machine starts it slowly
        assert Path(example.publish_release(str(files["trees.csv"]), str(tmp_path / "out"))).is_file()
        with pytest.raises(ReleaseBlocked):
            example.publish_release(str(files["residents.csv"]), str(tmp_path / "out2"))
    assert not (tmp_path / "out2").exists()


def test_airflow_task_fails_the_run(files):
    pytest.importorskip("airflow")
    example = _load("airflow_example.py", "airflow_example")
    dag = example.publish_release()
    assert {t.task_id for t in dag.tasks} == {"sharecheck_release", "publish"}
    assert dag.get_task("publish").upstream_task_ids == {"sharecheck_release"}
    check = dag.get_task("sharecheck_release").python_callable
    assert check(params={"path": str(files["trees.csv"]), "catalogue": None}) == str(files["trees.csv"])
    with pytest.raises(example.AirflowFailException, match="ID101"):
        check(params={"path": str(files["residents.csv"]), "catalogue": None})
