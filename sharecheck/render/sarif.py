"""SARIF 2.1.0 for code-scanning dashboards. Every result carries a physical location (the
dataset's path), since GitHub rejects results without one."""
from __future__ import annotations

import json
from pathlib import Path

from .json import _clean

_LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def _uri(location: str) -> str:
    if location.startswith("<"):
        return location.strip("<>") or "frame"
    path = Path(location)
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.resolve().as_uri()


def render_sarif(document: dict) -> str:
    from ..rules import default_rules

    rules = default_rules()
    locations = {d["name"]: d.get("location", d["name"]) for d in document.get("datasets", [])}
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
        location = locations.get(finding["dataset"], finding["dataset"])
        result = {
            "ruleId": finding["code"],
            "level": _LEVELS[finding["severity"]],
            "message": {"text": finding["message"]},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(location)},
                                                "region": {"startLine": 1}}}],
            "partialFingerprints": {"sharecheck/v1": finding["fingerprint"]},
            "properties": {"columns": finding["columns"], "metrics": finding["metrics"], "fix": finding["fix"]},
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
        }],
    }
    return json.dumps(_clean(sarif), indent=2, ensure_ascii=False) + "\n"
