"""Rules are data (rules/checks/*.yaml); detectors are code (sharecheck.detectors.REGISTRY).

Loading is strict: an unknown detector, an unknown parameter or a reused code is an error,
because a silently ignored threshold is worse than a refusal to start.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping

from ._resources import load_yaml_file, rules_dir
from .errors import RuleError
from .findings import SEVERITIES

STATUSES = ("preview", "stable", "deprecated")
_CODE = re.compile(r"^(AS0\d\d|ID1\d\d|PS15\d|QI2\d\d|KA3\d\d|SD4\d\d|LK6\d\d)$")
_REQUIRED = ("code", "name", "summary", "severity", "detector", "why", "fix")


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    summary: str
    severity: str
    detector: str
    why: str
    fix: str
    status: str = "stable"
    params: Mapping[str, Any] = field(default_factory=dict)
    example: str = ""
    references: tuple[str, ...] = ()
    scope: str = "scan"  # scan | join

    @property
    def family(self) -> str:
        return self.code[:2]

    def with_params(self, overrides: Mapping[str, Any]) -> "Rule":
        return replace(self, params={**self.params, **overrides})


def _parse_rule(raw: Mapping[str, Any], source: Path, registry) -> Rule:
    missing = [key for key in _REQUIRED if key not in raw]
    if missing:
        raise RuleError(f"{source.name}: rule {raw.get('code', '?')} lacks {', '.join(missing)}")
    known = set(_REQUIRED) | {"status", "params", "example", "references", "scope"}
    unknown = set(raw) - known
    if unknown:
        raise RuleError(f"{source.name}: rule {raw['code']} has unknown keys {sorted(unknown)}")
    code = str(raw["code"])
    if not _CODE.match(code):
        raise RuleError(f"{source.name}: {code} is not a code of a known family (AS0xx, ID1xx, PS15x, QI2xx, KA3xx, SD4xx, LK6xx)")
    if raw["severity"] not in SEVERITIES:
        raise RuleError(f"{source.name}: {code} has severity {raw['severity']!r}; use one of {SEVERITIES}")
    status = raw.get("status", "stable")
    if status not in STATUSES:
        raise RuleError(f"{source.name}: {code} has status {status!r}; use one of {STATUSES}")
    detector = registry.get(raw["detector"])
    if detector is None:
        raise RuleError(f"{source.name}: {code} names unknown detector {raw['detector']!r}")
    params = dict(raw.get("params") or {})
    unknown_params = set(params) - set(detector.params)
    if unknown_params:
        raise RuleError(f"{source.name}: {code} passes unknown parameters {sorted(unknown_params)} to {raw['detector']}")
    return Rule(
        code=code,
        name=str(raw["name"]),
        summary=str(raw["summary"]).strip(),
        severity=raw["severity"],
        detector=raw["detector"],
        why=str(raw["why"]).strip(),
        fix=str(raw["fix"]).strip(),
        status=status,
        params={**detector.params, **params},
        example=str(raw.get("example", "")).strip(),
        references=tuple(raw.get("references") or ()),
        scope=detector.scope,
    )


def load_rules(directory: Path | None = None, registry=None) -> dict[str, Rule]:
    if registry is None:
        from .detectors import REGISTRY as registry
    directory = directory or rules_dir() / "checks"
    rules: dict[str, Rule] = {}
    for path in sorted(directory.glob("*.yaml")):
        try:
            document = load_yaml_file(path) or {}
        except Exception as exc:
            import yaml

            if not isinstance(exc, yaml.YAMLError):
                raise
            raise RuleError(f"{path.name}: not valid YAML: {exc}") from None
        for raw in document.get("rules", []):
            rule = _parse_rule(raw, path, registry)
            if rule.code in rules:
                raise RuleError(f"{path.name}: code {rule.code} is defined twice; codes are never reused")
            rules[rule.code] = rule
    return dict(sorted(rules.items()))


@lru_cache(maxsize=1)
def default_rules() -> dict[str, Rule]:
    return load_rules()


def select_rules(rules: Mapping[str, Rule], select: Iterable[str] = (), ignore: Iterable[str] = (),
                 preview: bool = True, scope: str = "scan") -> list[Rule]:
    """`select`/`ignore` take codes or prefixes (KA3, ID1 ...), as ruff does."""
    select, ignore = tuple(select), tuple(ignore)
    chosen = []
    for rule in rules.values():
        if rule.scope != scope or rule.status == "deprecated":
            continue
        if rule.status == "preview" and not preview:
            continue
        if select and not rule.code.startswith(select):
            continue
        if ignore and rule.code.startswith(ignore):
            continue
        chosen.append(rule)
    return chosen
