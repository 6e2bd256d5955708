"""The one table of detectors. A rule in rules/checks/*.yaml names a detector from here."""
from __future__ import annotations

from . import assessment, identifiers, linkage, privacy
from ._base import Detector, ScanContext, make_finding

REGISTRY: dict[str, Detector] = {}
for _family in (assessment.DETECTORS, identifiers.DETECTORS, privacy.DETECTORS, linkage.DETECTORS):
    _clash = set(REGISTRY) & set(_family)
    if _clash:
        raise RuntimeError(f"detector names defined twice: {sorted(_clash)}")
    REGISTRY.update(_family)

__all__ = ["REGISTRY", "Detector", "ScanContext", "make_finding"]
