"""The one function every orchestrator example calls: check a release, alone and (given a
catalogue index) against what is already published, and fail the step on a failing verdict.
No orchestrator import here, so it is tested as a plain function."""
from __future__ import annotations

from pathlib import Path
from typing import Any


class ReleaseBlocked(Exception):
    """The release failed sharecheck; the message names the findings (never a cell value)."""

    def __init__(self, result: dict[str, Any]):
        self.result = result
        super().__init__(f"{result['path']}: sharecheck verdict fail ({', '.join(result['failing'])})")


def check_release(path: str | Path, *, catalogue: str | Path | None = None, config: str | None = None,
                  fail_on: str | None = None) -> dict[str, Any]:
    """Verdict, counts, failing codes and the redacted JSON documents of the check(s)."""
    import sharecheck
    from sharecheck.findings import severity_at_least

    settings = {"fail_on": fail_on} if fail_on else {}
    reports = [sharecheck.scan(path, config=config, **settings)]
    if catalogue is not None and Path(catalogue).is_file():
        reports.append(sharecheck.check_against_catalogue(path, catalogue, config=config, **settings))
    failing = sorted({finding.code for report in reports if report.fail_on != "never" for finding in report.findings
                      if severity_at_least(finding.severity, report.fail_on)})
    counts: dict[str, int] = {}
    for report in reports:
        for severity, number in report.counts().items():
            counts[severity] = counts.get(severity, 0) + number
    return {"path": str(path), "verdict": "fail" if any(r.verdict == "fail" for r in reports) else "pass",
            "counts": counts, "failing": failing, "documents": [r.to_dict() for r in reports]}


def require_pass(path: str | Path, **options: Any) -> dict[str, Any]:
    """check_release, raising ReleaseBlocked on a failing verdict: a task that fails the run."""
    result = check_release(path, **options)
    if result["verdict"] == "fail":
        raise ReleaseBlocked(result)
    return result
