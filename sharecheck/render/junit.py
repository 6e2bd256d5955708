"""JUnit XML, for CI systems that show test reports: one test case per rule and dataset.

A rule with findings at or above the report's fail level is a failure; below it, the findings
are written to the case's system-out, so nothing is hidden from the dashboard.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

from ..findings import severity_at_least


def render_junit(document: dict) -> str:
    from ..rules import default_rules
    from .escape import clean_document, plain, xml_safe

    # ElementTree escapes <, > and &, but writes characters XML forbids as they are.
    document = clean_document(document, lambda text: xml_safe(plain(text)))

    scope = "scan" if document["kind"] == "scan" else "join"
    rules = [rule for rule in default_rules().values() if rule.scope == scope]
    by_dataset: dict[str, list[dict]] = {}
    for finding in document["findings"]:
        by_dataset.setdefault(finding["dataset"], []).append(finding)
    datasets = [d["name"] for d in document.get("datasets", [])] if scope == "scan" else sorted(by_dataset) or ["join"]
    suites = ET.Element("testsuites", name=f"sharecheck {document['kind']}")
    for dataset in datasets:
        findings = by_dataset.get(dataset, [])
        suite = ET.SubElement(suites, "testsuite", name=dataset)
        properties = ET.SubElement(suite, "properties")
        ET.SubElement(properties, "property", name="config", value=document.get("config") or "none")
        failures = 0
        for rule in rules:
            case = ET.SubElement(suite, "testcase", classname=f"sharecheck.{dataset}", name=f"{rule.code} {rule.name}")
            hits = [f for f in findings if f["code"] == rule.code]
            failing = [f for f in hits if document["fail_on"] != "never" and severity_at_least(f["severity"], document["fail_on"])]
            if failing:
                failures += 1
                failure = ET.SubElement(case, "failure", message=failing[0]["message"][:200], type=failing[0]["severity"])
                failure.text = "\n\n".join(f"{f['message']}\nfix: {f['fix']}" for f in failing)
            elif hits:
                ET.SubElement(case, "system-out").text = "\n\n".join(f"[{f['severity']}] {f['message']}" for f in hits)
        suite.set("tests", str(len(rules)))
        suite.set("failures", str(failures))
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"
