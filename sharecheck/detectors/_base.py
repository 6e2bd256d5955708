"""What a detector receives and how it reports. Detectors never format raw values themselves."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

from ..findings import Finding


@dataclass(frozen=True)
class Detector:
    run: Callable[..., Iterable[Finding]]
    params: Mapping[str, Any] = field(default_factory=dict)
    scope: str = "scan"  # scan: one release (ScanContext); join: two releases (JoinContext)


def make_finding(rule, dataset: str, message: str, columns=(), metrics=None, evidence=None, severity: str | None = None) -> Finding:
    return Finding(
        code=rule.code,
        name=rule.name,
        severity=severity or rule.severity,
        message=message,
        dataset=dataset,
        columns=tuple(columns),
        metrics=dict(metrics or {}),
        evidence=dict(evidence or {}),
        fix=rule.fix,
    )


@dataclass(frozen=True)
class ScanContext:
    """One analysed release with its privacy-model results, as every scan detector sees it."""

    analysed: Any  # sharecheck.pipeline.AnalysedRelease
    assessment: Any  # sharecheck.models.Assessment, or None for aggregate tables
    policy: Any  # sharecheck.models.ModelPolicy
    options: Any  # sharecheck.config.Options

    @property
    def dataset(self) -> str:
        return self.analysed.release.name

    def finding(self, rule, message: str, columns=(), metrics=None, evidence=None, severity: str | None = None) -> Finding:
        return make_finding(rule, self.dataset, message, columns, metrics, evidence, severity)

    def examples(self, column: str) -> tuple[str, ...]:
        """Masked examples, or raw ones only when the user asked with --show-values."""
        if self.options.show_values:
            return tuple(self.analysed.profiles[column].sample[:3])
        return tuple(self.analysed.column(column).classification.get("masked_examples") or
                     self.analysed.profiles[column].masked_examples)
