"""LK6xx: joins that identify people. Join-check work (sharecheck.join): fill in DETECTORS with
Detector(run, params, scope="join") entries; rules go to rules/checks/linkage.yaml."""
from __future__ import annotations

DETECTORS: dict = {}
