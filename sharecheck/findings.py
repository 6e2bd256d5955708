"""Findings: what a detector reports. Frozen, so a report cannot be edited after the fact."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Mapping

SEVERITIES = ("info", "warning", "error")
SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}


def severity_at_least(severity: str, threshold: str) -> bool:
    return SEVERITY_RANK[severity] >= SEVERITY_RANK[threshold]


@dataclass(frozen=True)
class Finding:
    code: str
    name: str
    severity: str
    message: str
    dataset: str
    columns: tuple[str, ...] = ()
    metrics: Mapping[str, Any] = field(default_factory=dict)
    # Redacted by construction: counts, shares and masked examples. Raw values only reach here
    # when the user asked for them with --show-values.
    evidence: Mapping[str, Any] = field(default_factory=dict)
    fix: str = ""

    @property
    def fingerprint(self) -> str:
        """Stable across runs and value changes, so baselines and waivers keep matching."""
        key = "\x1f".join((self.code, self.dataset, *sorted(self.columns)))
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "severity": self.severity,
            "message": self.message,
            "dataset": self.dataset,
            "columns": list(self.columns),
            "metrics": dict(self.metrics),
            "evidence": dict(self.evidence),
            "fix": self.fix,
            "fingerprint": self.fingerprint,
        }


def plural(count: int, noun: str, plural_form: str | None = None) -> str:
    """`1 record`, `2 records`, with thousands separators."""
    return f"{count:,} {noun if count == 1 else (plural_form or noun + 's')}"
