"""The result of `check_join`: findings about combinations, with counts and column names only."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from ..findings import Finding
from ..report import FindingsSummary, _sorted
from .candidates import JoinCandidate


@dataclass(frozen=True)
class JoinDataset:
    name: str
    location: str
    format: str
    records: int
    columns: tuple[tuple[str, str, str], ...]  # (name, role, semantic type)
    about_people: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "location": self.location,
            "format": self.format,
            "records": self.records,
            "about_people": self.about_people,
            "columns": [{"name": n, "role": r, "semantic_type": s} for n, r, s in self.columns],
        }


@dataclass(frozen=True)
class PairResult:
    a: str
    b: str
    metrics: Mapping[str, Any]
    finding_codes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "metrics": dict(self.metrics), "finding_codes": list(self.finding_codes)}


@dataclass(frozen=True)
class JoinReport(FindingsSummary):
    datasets: tuple[JoinDataset, ...]
    findings: tuple[Finding, ...]
    metrics: Mapping[str, Any]
    candidates: tuple[JoinCandidate, ...]
    pairs: tuple[PairResult, ...]
    chain: Mapping[str, Any] | None = None
    fail_on: str = "error"
    policy: str = "open-data"
    show_values: bool = False
    suppressed: tuple = ()  # sharecheck.waivers.Suppressed
    config_file: str | None = None
    kind: str = field(default="join", init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "findings", _sorted(self.findings))

    def to_dict(self) -> dict[str, Any]:
        document = {
            **self.document_header(),
            "datasets": [d.to_dict() for d in self.datasets],
            "candidates": [c.to_dict() for c in self.candidates],
            "pairs": [p.to_dict() for p in self.pairs],
        }
        if self.chain is not None:
            document["chain"] = dict(self.chain)
        return document
