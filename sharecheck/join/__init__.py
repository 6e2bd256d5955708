"""The join check: two releases that each look safe, and a join that turns them into personal data.

    from sharecheck import check_join
    report = check_join("dispatch.csv", "outcomes.xlsx")            # candidate keys found by values
    report = check_join(a_frame, b_frame, on=[("case_id", "incident_ref")], window_minutes=10)
    report.verdict, report.metrics["linked_unique_share"], report.to_dict()
    report = check_analysed([analysed_a, analysed_b], options)      # releases already analysed (catalogue)

Pipeline: each release is analysed as a scan would (roles, semantic types) -> columns are brought
to the form an intruder would (normalise) -> candidate join columns by name, type and value
containment (candidates, sketch) -> the intruder's best link plan, exact / time window / distance
(pair, link) -> what the link yields: unique links, expected re-identifications, k of the combined
quasi-identifiers, identifiers attached to sensitive attributes, homogeneous groups -> LK6xx
findings (sharecheck.detectors.linkage, rules/checks/linkage.yaml).
"""
from __future__ import annotations

from .candidates import JoinCandidate
from .check import JOIN_SETTINGS, JoinContext, analyse_releases, check_analysed, check_join
from .pair import JoinSettings
from .report import JoinDataset, JoinReport, PairResult

__all__ = ["JOIN_SETTINGS", "JoinCandidate", "JoinContext", "JoinDataset", "JoinReport", "JoinSettings", "PairResult",
           "analyse_releases", "check_analysed", "check_join"]
