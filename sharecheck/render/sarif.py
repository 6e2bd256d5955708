"""SARIF 2.1.0 for code-scanning dashboards. Every result carries a physical location: the
dataset's file, or for a join or catalogue finding the files of every release involved (the
first is the primary location), since GitHub rejects results without one."""
from __future__ import annotations

from pathlib import Path

from .json import _clean, render_json

_LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def _uri(location: str) -> str:
    if location.startswith("<"):
        return location.strip("<>") or "frame"
    path = Path(location)
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.resolve().as_uri()


def _locations(document: dict) -> dict[str, str]:
    locations = {d["name"]: d.get("location") or d.get("path") or d["name"] for d in document.get("datasets", [])}
    for entry in (*document.get("partners", []), *document.get("checked", [])):
        name, path = entry.get("release"), entry.get("path")
        if isinstance(name, str) and isinstance(path, str):
            locations.setdefault(name, path)
    return locations


def _finding_files(dataset: str, locations: dict[str, str]) -> list[str]:
    """The files a finding is about: its dataset, or each release of a pair or chain."""
    if dataset in locations:
        return [locations[dataset]]
    named = [name for name in sorted(locations, key=len, reverse=True) if name and name in dataset]
    files = [locations[name] for name in sorted(named, key=dataset.find)]
    return files or list(locations.values())[:1] or [dataset]


def render_sarif(document: dict) -> str:
    from ..rules import default_rules

    rules = default_rules()
    locations = _locations(document)
    used = sorted({f["code"] for f in document["findings"]})
    driver_rules = []
    for code in used:
        rule = rules.get(code)
        if rule is None:
            continue
        driver_rules.append({
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": rule.why},
            "help": {"text": f"{rule.why}\n\nFix: {rule.fix}"},
            "defaultConfiguration": {"level": _LEVELS[rule.severity]},
        })
    index = {rule["id"]: i for i, rule in enumerate(driver_rules)}
    results = []
    for finding in document["findings"]:
        files = dict.fromkeys(_uri(item) for item in _finding_files(finding["dataset"], locations))
        result = {
            "ruleId": finding["code"],
            "level": _LEVELS[finding["severity"]],
            "message": {"text": finding["message"]},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri}, "region": {"startLine": 1}}}
                          for uri in files],
            "partialFingerprints": {"sharecheck/v1": finding["fingerprint"]},
            "properties": {"dataset": finding["dataset"], "columns": finding["columns"],
                           "metrics": finding["metrics"], "fix": finding["fix"]},
        }
        if finding["code"] in index:
            result["ruleIndex"] = index[finding["code"]]
        results.append(result)
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "sharecheck", "version": document["tool"]["version"],
                                "informationUri": "https://pypi.org/project/sharecheck/", "rules": driver_rules}},
            "results": results,
            "properties": {"config": document.get("config")},
        }],
    }
    return render_json(_clean(sarif))
