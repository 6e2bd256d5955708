"""What a table of linked records reveals: k, uniques and risk of a quasi-identifier set, and
groups whose sensitive value is the same for everyone."""
from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from ..models import frequency_table
from ..models.kanon import k_anonymity
from ..models.risk import reidentification_risk


@dataclass(frozen=True)
class ClassMeasures:
    """k, uniques and risk of one quasi-identifier set over one table."""

    qis: tuple[str, ...]
    records: int
    k: int | None
    classes: int | None
    sample_uniques: int | None
    records_below_k: int | None
    prosecutor_highest: float | None
    records_at_risk: float | None

    @classmethod
    def of(cls, frame: pl.DataFrame, qis, policy, null_mode: str) -> "ClassMeasures":
        qis = tuple(qis)
        if not qis or frame.height == 0:
            return cls(qis, frame.height, None, None, None, None, None, None)
        table = frequency_table(frame, qis, null_mode=null_mode)
        k_result = k_anonymity(table, policy.k_min)
        risk = reidentification_risk(table, tau=policy.risk_threshold)
        return cls(qis, frame.height, k_result.k, k_result.n_classes, risk.sample_uniques, k_result.records_below_threshold,
                   risk.prosecutor.highest, risk.prosecutor.records_at_risk)


def homogeneous_records(frame: pl.DataFrame, qis, attribute: str) -> int:
    """Records in groups of two or more whose known values of `attribute` are all the same: knowing
    someone is in the group tells the value without singling them out (the homogeneity attack)."""
    return homogeneous_counts(frame, qis, [attribute])[attribute]


def homogeneous_counts(frame: pl.DataFrame, qis, attributes) -> dict[str, int]:
    """`homogeneous_records` of several attributes over the same groups: one GROUP BY for all."""
    attributes = list(dict.fromkeys(attributes))
    if not qis or frame.height == 0 or not attributes:
        return {attribute: 0 for attribute in attributes}
    groups = frame.group_by(list(qis)).agg(
        pl.len().alias("_sc_size"),
        *[pl.col(attribute).drop_nulls().n_unique().alias(f"_sc_values_{i}") for i, attribute in enumerate(attributes)],
    ).filter(pl.col("_sc_size") >= 2)
    sums = groups.select(
        pl.col("_sc_size").filter(pl.col(f"_sc_values_{i}") == 1).sum().alias(f"_sc_{i}") for i in range(len(attributes))).row(0)
    return {attribute: int(total or 0) for attribute, total in zip(attributes, sums)}


@dataclass(frozen=True)
class Disclosure:
    attribute: str  # qualified: dataset.column
    homogeneous_alone: int
    homogeneous_joined: int
