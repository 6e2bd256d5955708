"""The joined release of one pair: its QIs and sensitive attributes, its classes and the
disclosures the join adds, and what is kept about each release across its pairs.

A release's measures alone (homogeneity, class sizes over the columns it brings to a join, its
column codes) are the same for each of its partners, so they are computed once per release and
kept beside its frame (kept.py); `forget` drops them at the end of an audit's pair checks.
"""
from __future__ import annotations

import numpy as np
import polars as pl

from .candidates import SPATIAL, TEMPORAL
from .link import _A, _B
from .kept import kept as _kept
from .measures import ClassMeasures, Disclosure, ReleaseCodes, combined_measures, homogeneous_counts


def _qualified_frame(analysed, rows: np.ndarray, columns) -> pl.DataFrame:
    name = analysed.release.name
    part = analysed.frame.select(list(columns))[rows]
    return part.rename({column: f"{name}.{column}" for column in columns})


def combined_columns(a, b, plan) -> tuple[list[str], list[str], list[str], list[str]]:
    """QIs and sensitive attributes of the joined release; B's copies of exact join columns are
    left out (after normalisation they repeat A's)."""
    duplicated = {c.candidate.b_column for c in plan if c.kind not in (TEMPORAL, SPATIAL)}
    qis_a = a.role_in_join("quasi_identifier", b.about_people)
    qis_b = [q for q in b.role_in_join("quasi_identifier", a.about_people) if q not in duplicated]
    return qis_a, qis_b, a.role_in_join("sensitive", b.about_people), b.role_in_join("sensitive", a.about_people)


# A release's homogeneity alone is the same for each of its partners: one GROUP BY per release
# (object), not per pair (kept.py).
_ALONE_HOMOGENEOUS: dict[tuple, tuple[pl.DataFrame, dict[str, int]]] = {}


_ALONE_JOINED: dict[tuple, tuple[pl.DataFrame, ClassMeasures]] = {}


def _alone_beside(side, other, alone, policy, options) -> ClassMeasures:
    """The side's classes alone, over the columns it brings to this join: a table of things joined
    to records about people brings the QIs the classifier saw (combined_columns), so its k alone is
    counted over those, or every such join would look like an amplification from 'no QIs' to k 1."""
    qis = side.role_in_join("quasi_identifier", other.about_people)
    if qis == side.quasi_identifiers:
        return alone(side)
    key = (id(side.frame), tuple(qis), policy.k_min, policy.risk_threshold, options.null_mode)
    return _kept(_ALONE_JOINED, key, side.frame,
                 lambda: ClassMeasures.of(side.frame, qis, policy, options.null_mode))


def _homogeneous_alone(side, attributes) -> dict[str, int]:
    return _kept(_ALONE_HOMOGENEOUS, (id(side.frame), tuple(side.quasi_identifiers), tuple(attributes)), side.frame,
                 lambda: homogeneous_counts(side.frame, side.quasi_identifiers, attributes))


# Each release's column codes for the combined releases of its pairs (measures.ReleaseCodes),
# kept with its frame like _ALONE_HOMOGENEOUS.
_CODES: dict[tuple, tuple[pl.DataFrame, ReleaseCodes]] = {}


def _codes(side) -> ReleaseCodes:
    return _kept(_CODES, (id(side.frame),), side.frame, lambda: ReleaseCodes(side.frame))


def forget() -> None:
    """Drop what was kept about releases across pairs."""
    from . import clock

    _ALONE_HOMOGENEOUS.clear()
    _ALONE_JOINED.clear()
    _CODES.clear()
    clock._SIDES.clear()


def _combined(a, b, plan, pairs: pl.DataFrame, policy, options) -> tuple[ClassMeasures, list[Disclosure]]:
    qis_a, qis_b, sens_a, sens_b = combined_columns(a, b, plan)
    rows_a, rows_b = pairs[_A].to_numpy(), pairs[_B].to_numpy()
    codes_a, codes_b = _codes(a), _codes(b)
    if options.null_mode == "value" and codes_a.codable(qis_a + sens_a) and codes_b.codable(qis_b + sens_b):
        # Grouped by each side's codes, not by the joined frame's values: the same classes and
        # groups (measures.combined_measures), without gathering and hashing every QI's text.
        names_a, names_b = f"{a.release.name}.", f"{b.release.name}."
        names = [names_a + s for s in sens_a] + [names_b + s for s in sens_b]
        measures, joined = combined_measures(codes_a, rows_a, qis_a, sens_a, codes_b, rows_b, qis_b, sens_b,
                                             [names_a + q for q in qis_a] + [names_b + q for q in qis_b], names, policy)
        disclosures = []
        for side, attributes, prefix in ((a, sens_a, names_a), (b, sens_b, names_b)):
            alone = _homogeneous_alone(side, attributes)
            disclosures += [Disclosure(prefix + attribute, alone[attribute], joined[prefix + attribute]) for attribute in attributes]
        return measures, disclosures
    parts = [_qualified_frame(side, rows, columns) for side, rows, columns in (
        (a, rows_a, dict.fromkeys(qis_a + sens_a)), (b, rows_b, dict.fromkeys(qis_b + sens_b))) if columns]
    frame = pl.concat(parts, how="horizontal") if parts else pl.DataFrame()
    qis = [f"{a.release.name}.{q}" for q in qis_a] + [f"{b.release.name}.{q}" for q in qis_b]
    measures = ClassMeasures.of(frame, qis, policy, options.null_mode)
    disclosures = []
    sides = ((a, sens_a, [f"{a.release.name}.{s}" for s in sens_a]), (b, sens_b, [f"{b.release.name}.{s}" for s in sens_b]))
    joined = homogeneous_counts(frame, qis, [name for *_, names in sides for name in names])
    for side, attributes, names in sides:
        alone = _homogeneous_alone(side, attributes)
        disclosures += [Disclosure(name, alone[attribute], joined[name]) for attribute, name in zip(attributes, names)]
    return measures, disclosures
