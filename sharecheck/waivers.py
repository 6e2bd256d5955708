"""Accepted risks: waivers from the config and a baseline report, matched by finding fingerprint.

A data officer who has judged a finding acceptable (a DPIA covers it, the columns are already
public) waives it with a reason; a pipeline that adopts sharecheck on an existing portal passes
last run's report as a baseline so only new findings fail the build. Waived findings are never
dropped silently: the report lists them with the reason, and they no longer count for the verdict.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from .errors import UsageError
from .findings import Finding

_KEYS = {"code", "dataset", "columns", "fingerprint", "reason", "expires"}


@dataclass(frozen=True)
class Waiver:
    reason: str
    code: str | None = None  # a code or a prefix (KA3)
    dataset: str | None = None
    columns: tuple[str, ...] = ()  # the finding must involve all of these
    fingerprint: str | None = None
    expires: date | None = None

    def active(self, today: date) -> bool:
        return self.expires is None or today <= self.expires

    def matches(self, finding: Finding) -> bool:
        if self.fingerprint is not None:
            return finding.fingerprint == self.fingerprint
        return ((self.code is None or finding.code.startswith(self.code))
                and (self.dataset is None or finding.dataset == self.dataset)
                and set(self.columns) <= set(finding.columns))


@dataclass(frozen=True)
class Suppressed:
    finding: Finding
    reason: str
    expires: date | None = None  # the waiver's expiry, for the assessment record

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.finding.code, "severity": self.finding.severity, "dataset": self.finding.dataset,
                "columns": list(self.finding.columns), "fingerprint": self.finding.fingerprint, "reason": self.reason,
                "expires": self.expires.isoformat() if self.expires else None}


def parse_waivers(entries: Sequence[Mapping[str, Any]], source: str = "config") -> tuple[Waiver, ...]:
    waivers = []
    for index, entry in enumerate(entries or ()):
        if not isinstance(entry, Mapping):
            raise UsageError(f"{source}: waiver {index + 1} must be a table")
        unknown = set(entry) - _KEYS
        if unknown:
            raise UsageError(f"{source}: waiver {index + 1} has unknown keys {sorted(unknown)}")
        if not str(entry.get("reason", "")).strip():
            raise UsageError(f"{source}: waiver {index + 1} needs a reason")
        if not (entry.get("code") or entry.get("fingerprint")):
            raise UsageError(f"{source}: waiver {index + 1} needs a code or a fingerprint")
        expires = entry.get("expires")
        if isinstance(expires, str):
            try:
                expires = date.fromisoformat(expires)
            except ValueError:
                raise UsageError(f"{source}: waiver {index + 1}: expires must be a date (YYYY-MM-DD)") from None
        columns = entry.get("columns") or ()
        waivers.append(Waiver(reason=str(entry["reason"]).strip(), code=entry.get("code"), dataset=entry.get("dataset"),
                              columns=(columns,) if isinstance(columns, str) else tuple(columns),
                              fingerprint=entry.get("fingerprint"), expires=expires))
    return tuple(waivers)


def load_baseline(path: str | Path) -> frozenset[str]:
    """Fingerprints of every finding in an earlier JSON report (scan, join or catalogue)."""
    path = Path(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the baseline: {exc.strerror}") from None
    except ValueError:
        raise UsageError(f"{path}: the baseline is not a sharecheck JSON report") from None
    if not isinstance(document, dict) or "findings" not in document:
        raise UsageError(f"{path}: the baseline is not a sharecheck JSON report")
    return frozenset(f["fingerprint"] for f in document["findings"] if "fingerprint" in f)


def apply_waivers(findings: Iterable[Finding], waivers: Sequence[Waiver], baseline: frozenset[str] = frozenset(),
                  today: date | None = None) -> tuple[list[Finding], list[Suppressed]]:
    today = today or date.today()
    active = [w for w in waivers if w.active(today)]
    kept, suppressed = [], []
    for finding in findings:
        waiver = next((w for w in active if w.matches(finding)), None)
        if waiver is not None:
            suppressed.append(Suppressed(finding, waiver.reason, waiver.expires))
        elif finding.fingerprint in baseline:
            suppressed.append(Suppressed(finding, "in the baseline report"))
        else:
            kept.append(finding)
    return kept, suppressed
