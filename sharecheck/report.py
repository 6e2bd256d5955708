"""Reports: what a run found, as data. Renderers (sharecheck.render) turn them into text, JSON, SARIF."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from . import __version__
from .findings import SEVERITY_RANK, Finding, severity_at_least

SCHEMA_VERSION = "1.0"


@dataclass(frozen=True)
class ColumnReport:
    name: str
    role: str
    semantic_type: str
    confidence: float
    source: str  # detected | user | datapackage
    evidence: tuple[str, ...] = ()
    profile: Mapping[str, Any] = field(default_factory=dict)
    classification: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self, show_values: bool = False) -> dict[str, Any]:
        # The profile dict carries counts and masked examples only (ColumnProfile.to_dict).
        return {
            "name": self.name,
            "role": self.role,
            "semantic_type": self.semantic_type,
            "confidence": round(self.confidence, 3),
            "source": self.source,
            "evidence": list(self.evidence),
            "profile": dict(self.profile),
        }


@dataclass(frozen=True)
class DatasetReport:
    name: str
    location: str
    format: str
    records: int
    columns: tuple[ColumnReport, ...]
    findings: tuple[Finding, ...]
    metrics: Mapping[str, Any]
    kind: str = "records"  # records | aggregate
    about_people: bool = True
    subject: Mapping[str, Any] = field(default_factory=dict)  # sharecheck.subject.Subject.to_dict()
    notes: tuple[str, ...] = ()
    assessment: Mapping[str, Any] = field(default_factory=dict)
    summary: tuple[str, ...] = ()  # plain-words lines for the top of the report
    suppressed: tuple = ()  # sharecheck.waivers.Suppressed: accepted findings, not counted

    def to_dict(self, show_values: bool = False) -> dict[str, Any]:
        return {
            "name": self.name,
            "location": self.location,
            "format": self.format,
            "kind": self.kind,
            "about_people": self.about_people,
            **({"subject": dict(self.subject)} if self.subject else {}),
            "records": self.records,
            "notes": list(self.notes),
            "summary": list(self.summary),
            "columns": [column.to_dict(show_values) for column in self.columns],
            "metrics": dict(self.metrics),
            "assessment": dict(self.assessment),
            "findings": [finding.to_dict() for finding in self.findings],
            "suppressed": [item.to_dict() for item in self.suppressed],
        }


def _verdict(findings, fail_on: str) -> str:
    if fail_on == "never":
        return "pass"
    return "fail" if any(severity_at_least(f.severity, fail_on) for f in findings) else "pass"


def _sorted(findings) -> tuple[Finding, ...]:
    return tuple(sorted(findings, key=lambda f: (-SEVERITY_RANK[f.severity], f.code, f.dataset, f.columns)))


class FindingsSummary:
    """Verdict and tallies shared by every report kind; needs `findings` and `fail_on`."""

    findings: tuple[Finding, ...]
    fail_on: str

    @property
    def verdict(self) -> str:
        return _verdict(self.findings, self.fail_on)

    def counts(self) -> dict[str, int]:
        counts = {severity: 0 for severity in SEVERITY_RANK}
        for finding in self.findings:
            counts[finding.severity] += 1
        return counts

    def flatten(self) -> list[tuple[str, str, tuple[str, ...]]]:
        """(code, dataset, columns) triples: compact assertions in tests, as frictionless does."""
        return [(f.code, f.dataset, f.columns) for f in self.findings]

    def codes(self, severity: str | None = None) -> set[str]:
        return {f.code for f in self.findings if severity is None or f.severity == severity}

    def accepted(self) -> tuple:
        """Findings waived or in the baseline (sharecheck.waivers.Suppressed)."""
        return tuple(getattr(self, "suppressed", ()))

    def document_header(self) -> dict[str, Any]:
        """The keys every JSON report starts with, whatever its kind (see the schema)."""
        return {
            "schema_version": SCHEMA_VERSION,
            "tool": {"name": "sharecheck", "version": __version__},
            "kind": self.kind,
            "verdict": self.verdict,
            "fail_on": self.fail_on,
            "policy": self.policy,
            "config": getattr(self, "config_file", None),  # the config file the run obeyed, if any
            "counts": self.counts(),
            "metrics": dict(self.metrics),
            "findings": [f.to_dict() for f in self.findings],
            "suppressed": [item.to_dict() for item in self.accepted()],
        }


@dataclass(frozen=True)
class Report(FindingsSummary):
    """The result of `sharecheck.scan`: one section per table that was read."""

    datasets: tuple[DatasetReport, ...]
    fail_on: str = "error"
    policy: str = "open-data"
    show_values: bool = False
    kind: str = "scan"
    config_file: str | None = None

    @property
    def findings(self) -> tuple[Finding, ...]:
        return _sorted(finding for dataset in self.datasets for finding in dataset.findings)

    @property
    def columns(self) -> tuple[ColumnReport, ...]:
        return tuple(column for dataset in self.datasets for column in dataset.columns)

    @property
    def metrics(self) -> dict[str, Any]:
        if len(self.datasets) == 1:
            return dict(self.datasets[0].metrics)
        ks = [d.metrics.get("k_anonymity") for d in self.datasets if d.metrics.get("k_anonymity") is not None]
        return {
            "records": sum(d.records for d in self.datasets),
            "k_anonymity": min(ks) if ks else None,
            "quasi_identifiers": sorted({f"{d.name}.{q}" for d in self.datasets for q in d.metrics.get("quasi_identifiers", [])}),
        }

    def accepted(self) -> tuple:
        return tuple(item for dataset in self.datasets for item in dataset.suppressed)

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.document_header(),
            "columns": [dict(c.to_dict(self.show_values), dataset=d.name) for d in self.datasets for c in d.columns],
            "datasets": [d.to_dict(self.show_values) for d in self.datasets],
        }
