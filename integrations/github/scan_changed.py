"""The GitHub Action's step: scan the data files a push or pull request changed.

Writes a SARIF file for code scanning, a Markdown job summary ($GITHUB_STEP_SUMMARY) and step
outputs ($GITHUB_OUTPUT: verdict, exit-code, sarif, files); exits 0 so the SARIF is uploaded
even when the scan fails, and the action's last step fails the job with `exit-code`.
Runs anywhere: a fake GITHUB_* environment and a git repository are all it needs.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

DATA_FILES = re.compile(r"\.(csv|tsv|parquet|xlsx|json|geojson)$", re.IGNORECASE)
_NO_COMMIT = re.compile(r"^0+$")


def _git(*args: str) -> list[str]:
    done = subprocess.run(["git", *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"sharecheck action: git {' '.join(args)}: {done.stderr.strip()}")
    return [line for line in done.stdout.splitlines() if line]


def _event() -> dict:
    path = os.environ.get("GITHUB_EVENT_PATH")
    if path and Path(path).is_file():
        return json.loads(Path(path).read_text(encoding="utf-8"))
    return {}


def changed_files() -> list[str]:
    """Files added or modified by this pull request or push; every tracked file when there is no base."""
    base = os.environ.get("INPUT_BASE", "").strip()
    event = _event()
    if not base and os.environ.get("GITHUB_EVENT_NAME", "").startswith("pull_request"):
        base = (event.get("pull_request", {}).get("base", {}).get("sha")
                or (f"origin/{os.environ['GITHUB_BASE_REF']}" if os.environ.get("GITHUB_BASE_REF") else ""))
    if not base and os.environ.get("GITHUB_EVENT_NAME") == "push":
        before = event.get("before", "")
        base = "" if _NO_COMMIT.match(before or "0") else before
    names = _git("diff", "--name-only", "--diff-filter=ACMR", f"{base}...HEAD") if base else _git("ls-files")
    return sorted(name for name in names if DATA_FILES.search(name) and Path(name).is_file())


def _write(variable: str, text: str) -> None:
    target = os.environ.get(variable)
    if target:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(text)


def main() -> int:
    from sharecheck.render.markdown import render_markdown
    from sharecheck.render.sarif import render_sarif

    files = changed_files()
    sarif = Path(os.environ.get("INPUT_SARIF", "sharecheck.sarif"))
    if not files:
        _write("GITHUB_STEP_SUMMARY", "## sharecheck\n\nNo data files changed.\n")
        _write("GITHUB_OUTPUT", "verdict=pass\nexit-code=0\nsarif=\nfiles=0\n")
        print("sharecheck: no data files changed")
        return 0
    command = [sys.executable, "-m", "sharecheck", "scan", *files, "--format", "json", "--quiet"]
    for flag, variable in (("--fail-on", "INPUT_FAIL_ON"), ("--config", "INPUT_CONFIG"), ("--policy", "INPUT_POLICY")):
        if os.environ.get(variable, "").strip():
            command += [flag, os.environ[variable].strip()]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode == 2 or not done.stdout.strip():
        message = (done.stderr.strip().splitlines() or ["no report"])[-1]
        _write("GITHUB_STEP_SUMMARY", f"## sharecheck\n\nCould not scan: {message}\n")
        _write("GITHUB_OUTPUT", "verdict=error\nexit-code=2\nsarif=\nfiles=%d\n" % len(files))
        print(f"sharecheck: {message}", file=sys.stderr)
        return 0
    document = json.loads(done.stdout)
    sarif.write_text(render_sarif(document), encoding="utf-8")
    _write("GITHUB_STEP_SUMMARY", render_markdown(document))
    _write("GITHUB_OUTPUT", f"verdict={document['verdict']}\nexit-code={done.returncode}\nsarif={sarif}\nfiles={len(files)}\n")
    print(f"sharecheck: {len(files)} data files, verdict {document['verdict']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
