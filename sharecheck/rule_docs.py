"""`sharecheck rules`: the rule table and one rule's documentation, from the same YAML."""
from __future__ import annotations

import json
import textwrap

from .errors import UsageError
from .rules import default_rules


def list_rules(fmt: str = "text") -> str:
    rules = default_rules()
    if fmt == "markdown":
        lines = ["| code | name | severity | what it finds |", "|---|---|---|---|"]
        for rule in rules.values():
            status = "" if rule.status == "stable" else f" ({rule.status})"
            lines.append(f"| `{rule.code}` | {rule.name}{status} | {rule.severity} | {rule.summary} |")
        return "\n".join(lines) + "\n"
    if fmt == "json":
        return json.dumps([_rule_dict(rule) for rule in rules.values()], indent=2) + "\n"
    lines = [f"{'code':6} {'severity':8} {'status':8} name — summary"]
    for rule in rules.values():
        lines.append(f"{rule.code:6} {rule.severity:8} {rule.status:8} {rule.name} — {rule.summary}")
    lines.append("")
    lines.append("sharecheck rules CODE explains one rule.")
    return "\n".join(lines) + "\n"


def _rule_dict(rule) -> dict:
    return {"code": rule.code, "name": rule.name, "summary": rule.summary, "severity": rule.severity,
            "status": rule.status, "scope": rule.scope, "detector": rule.detector, "params": dict(rule.params),
            "why": rule.why, "fix": rule.fix, "example": rule.example, "references": list(rule.references)}


def explain_rule(code: str, fmt: str = "text") -> str:
    rules = default_rules()
    rule = rules.get(code.upper())
    if rule is None:
        raise UsageError(f"no rule {code!r}; `sharecheck rules` lists them")
    if fmt == "json":
        return json.dumps(_rule_dict(rule), indent=2) + "\n"
    wrap = lambda text: textwrap.fill(text, 80)  # noqa: E731
    parts = [f"{rule.code} {rule.name} ({rule.severity}, {rule.status}, {rule.scope})", "",
             "## What it does", wrap(rule.summary), "", "## Why is this bad?", wrap(rule.why), ""]
    if rule.example:
        parts += ["## Example", rule.example, ""]
    parts += ["## Fix", wrap(rule.fix), ""]
    if rule.params:
        parts += ["## Parameters"] + [f"- {key}: {value}" for key, value in rule.params.items()] + [""]
    if rule.references:
        parts += ["## References"] + [f"- {ref}" for ref in rule.references] + [""]
    return "\n".join(parts)
