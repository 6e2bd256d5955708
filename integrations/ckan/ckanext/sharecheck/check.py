"""One release checked the way a portal needs it: alone (sharecheck.scan) and against everything the
portal already publishes (the catalogue). Plain Python, no CKAN import, so the CKAN job, the
synchronous block-mode check and the CLI share it."""
from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

# Supported by sharecheck's readers; anything else (PDF, ZIP, a web page) is not a table.
DEFAULT_FORMATS = ("csv", "tsv", "txt", "parquet", "xlsx", "xls", "json", "geojson", "ndjson", "jsonl")


def sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _compact(finding: dict[str, Any]) -> dict[str, Any]:
    # The page and the API summary: no evidence or metrics (already redacted, but long).
    return {key: finding.get(key) for key in ("code", "name", "severity", "message", "dataset", "columns", "fix")}


def check_release(path: str | Path, *, catalogue_path: str | Path, config: str | None = None,
                  fail_on: str | None = None, max_partners: int = 10) -> dict[str, Any]:
    """The stored report: verdict, findings of both checks, and each check's redacted JSON document.

    Raises sharecheck.SharecheckError for input sharecheck cannot read (the caller records it).
    """
    import sharecheck
    from sharecheck.catalogue import Catalogue, check_against_catalogue

    settings: dict[str, Any] = {"fail_on": fail_on} if fail_on else {}
    scan = sharecheck.scan(path, config=config, **settings)
    Path(catalogue_path).parent.mkdir(parents=True, exist_ok=True)
    with Catalogue(catalogue_path) as catalogue:
        joined = check_against_catalogue(path, catalogue, max_partners=max_partners, config=config, **settings)
    scan_doc, joined_doc = scan.to_dict(), joined.to_dict()
    findings = [_compact(f) for f in scan_doc["findings"]] + [_compact(f) for f in joined_doc["findings"]]
    counts = {severity: scan_doc["counts"].get(severity, 0) + joined_doc["counts"].get(severity, 0)
              for severity in scan_doc["counts"]}
    return {
        "status": "checked",
        "verdict": "fail" if "fail" in (scan.verdict, joined.verdict) else "pass",
        "alone": scan.verdict,
        "joined": joined.verdict,
        "partners": [p["release"] for p in joined_doc["partners"]],
        "counts": counts,
        "findings": findings,
        "sha256": sha256(path),
        "checked_at": now(),
        "scan": scan_doc,
        "catalogue": joined_doc,
    }


def failing_findings(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The findings that make the verdict fail (at or above the run's fail-on level)."""
    from sharecheck.findings import severity_at_least

    fail_on = (report.get("scan") or {}).get("fail_on", "error")
    if fail_on == "never":
        return []
    return [f for f in report.get("findings", []) if severity_at_least(f["severity"], fail_on)]


def describe(report: dict[str, Any], limit: int = 5) -> str:
    """One line naming the failing findings, for a ValidationError or a log line."""
    failing = failing_findings(report)
    parts = [f"{f['code']} {f['name']} ({f['dataset']})" for f in failing[:limit]]
    more = f" and {len(failing) - limit} more" if len(failing) > limit else ""
    return "; ".join(parts) + more


def index_release(path: str | Path, catalogue_path: str | Path, *, config: str | None = None) -> None:
    """Add (or refresh) a published release in the catalogue."""
    from sharecheck.catalogue import Catalogue
    from sharecheck.config import resolve_options

    Path(catalogue_path).parent.mkdir(parents=True, exist_ok=True)
    with Catalogue(catalogue_path) as catalogue:
        catalogue.add([path], options=resolve_options(config))


def unindex_release(path: str | Path, catalogue_path: str | Path) -> int:
    from sharecheck.catalogue import Catalogue

    if not Path(catalogue_path).is_file():
        return 0
    with Catalogue(catalogue_path) as catalogue:
        return catalogue.remove(path)


def indexed_paths(catalogue_path: str | Path) -> set[str]:
    from sharecheck.catalogue import Catalogue

    if not Path(catalogue_path).is_file():
        return set()
    with Catalogue(catalogue_path) as catalogue:
        return {release.path for release in catalogue.releases()}
