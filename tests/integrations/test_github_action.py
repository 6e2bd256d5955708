"""The GitHub Action: action.yml's shape, and its scan script run locally with a fake GITHUB_* environment."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

from .conftest import RISKY, ROOT, SAFE, git

SCRIPT = ROOT / "integrations" / "github" / "scan_changed.py"


def _run(repo: Path, tmp_path: Path, event_name: str, event: dict, **inputs: str):
    event_path = tmp_path / "event.json"
    event_path.write_text(json.dumps(event))
    summary, output = tmp_path / "summary.md", tmp_path / "output.txt"
    summary.write_text(""), output.write_text("")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("GITHUB_", "INPUT_"))}
    env.update(GITHUB_EVENT_NAME=event_name, GITHUB_EVENT_PATH=str(event_path), GITHUB_STEP_SUMMARY=str(summary),
               GITHUB_OUTPUT=str(output), GITHUB_WORKSPACE=str(repo), PYTHONPATH=str(ROOT), **inputs)
    done = subprocess.run([sys.executable, str(SCRIPT)], cwd=repo, env=env, capture_output=True, text=True, timeout=600)
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines() if "=" in line)
    return done, outputs, summary.read_text()


def test_action_is_a_composite_that_runs_the_script_and_uploads_sarif():
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    assert steps[0]["uses"].startswith("actions/setup-python@")
    assert any("integrations/github/scan_changed.py" in step.get("run", "") for step in steps)
    upload = next(step for step in steps if step.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert upload["with"]["sarif_file"] == "${{ steps.scan.outputs.sarif }}" and "always()" in upload["if"]
    # The job fails after the upload, with the scan's exit code.
    assert steps[-1]["env"]["EXIT_CODE"] == "${{ steps.scan.outputs.exit-code }}"


def test_push_scans_only_the_changed_files_and_fails_on_the_risky_one(data_repo, tmp_path):
    (data_repo / "trees.csv").write_text(SAFE)
    git(data_repo, "add", ".")
    git(data_repo, "commit", "-qm", "trees")
    before = git(data_repo, "rev-parse", "HEAD")
    (data_repo / "residents.csv").write_text(RISKY)
    (data_repo / "notes.txt").write_text("not data\n")
    git(data_repo, "add", ".")
    git(data_repo, "commit", "-qm", "residents")
    done, outputs, summary = _run(data_repo, tmp_path, "push", {"before": before})
    assert done.returncode == 0, done.stderr  # the job fails in the action's last step, after the upload
    assert outputs["verdict"] == "fail" and outputs["exit-code"] == "1" and outputs["files"] == "1"
    sarif = json.loads((data_repo / outputs["sarif"]).read_text())
    results = sarif["runs"][0]["results"]
    assert "ID101" in {result["ruleId"] for result in results}
    uris = {loc["physicalLocation"]["artifactLocation"]["uri"] for r in results for loc in r["locations"]}
    assert uris == {"residents.csv"}  # trees.csv did not change
    assert summary.startswith("## sharecheck scan: **FAIL**") and "ID101" in summary
    assert "Moreau" not in summary and "Moreau" not in json.dumps(sarif)  # redacted by default


def test_pull_request_with_a_safe_file_passes(data_repo, tmp_path):
    (data_repo / "README.md").write_text("data\n")
    git(data_repo, "add", ".")
    git(data_repo, "commit", "-qm", "start")
    base = git(data_repo, "rev-parse", "HEAD")
    (data_repo / "trees.csv").write_text(SAFE)
    git(data_repo, "add", ".")
    git(data_repo, "commit", "-qm", "trees")
    done, outputs, summary = _run(data_repo, tmp_path, "pull_request", {"pull_request": {"base": {"sha": base}}})
    assert done.returncode == 0 and outputs["verdict"] == "pass" and outputs["exit-code"] == "0"
    assert "**PASS**" in summary


def test_no_changed_data_file_is_a_pass_with_a_note(data_repo, tmp_path):
    (data_repo / "trees.csv").write_text(SAFE)
    git(data_repo, "add", ".")
    git(data_repo, "commit", "-qm", "trees")
    before = git(data_repo, "rev-parse", "HEAD")
    (data_repo / "notes.txt").write_text("only notes\n")
    git(data_repo, "add", ".")
    git(data_repo, "commit", "-qm", "notes")
    done, outputs, summary = _run(data_repo, tmp_path, "push", {"before": before})
    assert outputs == {"verdict": "pass", "exit-code": "0", "sarif": "", "files": "0"}
    assert "No data files changed" in summary


def test_fail_on_input_and_the_repository_config_are_honoured(data_repo, tmp_path):
    (data_repo / "residents.csv").write_text(RISKY)
    git(data_repo, "add", ".")
    git(data_repo, "commit", "-qm", "residents")
    _, outputs, _ = _run(data_repo, tmp_path, "push", {"before": "0" * 40})  # a new branch: every file
    assert outputs["verdict"] == "fail" and outputs["exit-code"] == "1"
    # `fail-on: never` is the workflow's own decision (command line), never a repository file's.
    _, outputs, _ = _run(data_repo, tmp_path, "push", {"before": "0" * 40}, INPUT_FAIL_ON="never")
    assert outputs["exit-code"] == "0"
    # The repository's config is honoured: it declares both columns harmless.
    (data_repo / "sharecheck.toml").write_text('[roles]\nname = "other"\nbirth_date = "other"\n')
    git(data_repo, "add", ".")
    git(data_repo, "commit", "-qm", "config")
    _, outputs, _ = _run(data_repo, tmp_path, "push", {"before": "0" * 40})
    assert outputs["verdict"] == "pass" and outputs["exit-code"] == "0"
