"""What a table of linked records reveals: k, uniques and risk of a quasi-identifier set, and
groups whose sensitive value is the same for everyone."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
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


def _text(dtype: pl.DataType) -> bool:
    return dtype in (pl.String, pl.Categorical) or isinstance(dtype, pl.Enum)


def codable(dtype: pl.DataType) -> bool:
    """Types whose dense codes (models._codes) group exactly as polars' GROUP BY does (floats
    included: rank and GROUP BY both take -0.0 as 0.0 and every NaN as one value)."""
    return _text(dtype) or dtype == pl.Boolean or dtype.is_integer() or dtype.is_float() or dtype.is_temporal()


class ReleaseCodes:
    """Integer codes of one release's columns, made once for all its pairs' combined releases.

    Grouping the linked pairs by every QI of both sides is grouping them by two integers: the
    code of A's QI tuple and the code of B's, each a dense code of that tuple over the release
    alone. Text is stripped for the frequency table (as models._freq.trimmed_codes does) and kept
    as it is for homogeneity (as homogeneous_counts groups and counts values)."""

    def __init__(self, frame: pl.DataFrame):
        self.frame = frame
        self._values: dict[tuple[str, bool], np.ndarray] = {}
        self._keys: dict[tuple[tuple[str, ...], bool], tuple[np.ndarray, int]] = {}

    def codable(self, names) -> bool:
        return all(codable(self.frame.schema[name]) for name in names)

    def values(self, name: str, stripped: bool) -> np.ndarray:
        """Dense codes of one column's values, -1 for null."""
        stripped = stripped and _text(self.frame.schema[name])
        known = self._values.get((name, stripped))
        if known is None:
            from ..models._codes import _dense_codes

            series = self.frame[name]
            if _text(series.dtype):
                series = series.cast(pl.String)
                if stripped:
                    series = series.str.strip_chars()
            known = self._values[(name, stripped)] = _dense_codes(series)
        return known

    def key(self, names, stripped: bool) -> tuple[np.ndarray, int]:
        """An integer code of each record's tuple of `names` (null a value of its own; equal
        codes for equal tuples) and a bound on the codes (at most 8 per record, models._codes)."""
        names = tuple(names)
        known = self._keys.get((names, stripped))
        if known is None:
            from ..models._codes import combine

            key, slots = np.zeros(self.frame.height, dtype=np.int64), 1
            for name in names:
                codes = self.values(name, stripped)
                card = int(codes.max()) + 2 if codes.size else 1
                key, slots = combine(key, slots, np.where(codes < 0, card - 1, codes), card)
            known = self._keys[(names, stripped)] = (key, slots)
        return known


def _pair_key(a: ReleaseCodes, rows_a: np.ndarray, qis_a, b: ReleaseCodes, rows_b: np.ndarray, qis_b,
              stripped: bool) -> np.ndarray:
    """One integer per linked pair, equal for pairs whose QIs of both sides are equal (each
    side's bound is at most 8 per record, so the product stays far inside 64 bits)."""
    key_a, _ = a.key(qis_a, stripped)
    key_b, slots_b = b.key(qis_b, stripped)
    return key_a[rows_a] * slots_b + key_b[rows_b]


def combined_measures(a: ReleaseCodes, rows_a: np.ndarray, qis_a, sens_a, b: ReleaseCodes, rows_b: np.ndarray, qis_b, sens_b,
                      qis, attributes, policy) -> tuple[ClassMeasures, dict[str, int]]:
    """ClassMeasures.of and homogeneous_counts of the joined release (row rows_a[i] of A beside
    row rows_b[i] of B; null as a value) from the sides' codes, without building the joined frame.
    `qis` and `attributes`: the joined release's names for qis_a + qis_b and sens_a + sens_b."""
    from ..models._freq import COUNT, FrequencyTable

    qis, attributes = tuple(qis), list(attributes)
    records = rows_a.size if (qis or attributes) else 0
    if not qis or records == 0:
        return ClassMeasures(qis, records, None, None, None, None, None, None), {attribute: 0 for attribute in attributes}
    key = _pair_key(a, rows_a, qis_a, b, rows_b, qis_b, stripped=True)
    # polars' hash GROUP BY on one integer (the classes' order does not matter to the measures)
    sizes = pl.DataFrame({"k": key}).group_by("k").len()["len"].cast(pl.Int64).to_numpy()
    table = FrequencyTable(("_sc_key",), (), pl.DataFrame({"_sc_key": np.arange(sizes.size), COUNT: sizes}), "value")
    k_result = k_anonymity(table, policy.k_min)
    risk = reidentification_risk(table, tau=policy.risk_threshold)
    measures = ClassMeasures(qis, records, k_result.k, k_result.n_classes, risk.sample_uniques,
                             k_result.records_below_threshold, risk.prosecutor.highest, risk.prosecutor.records_at_risk)
    homogeneous: dict[str, int] = {}
    if attributes:
        sides = [(a, rows_a, name) for name in sens_a] + [(b, rows_b, name) for name in sens_b]
        wanted = {}
        for attribute, (side, rows, name) in zip(attributes, sides):
            wanted.setdefault(attribute, side.values(name, stripped=False)[rows])  # -1: null
        columns = {f"v{i}": values for i, values in enumerate(wanted.values())}
        groups = pl.DataFrame({"g": _pair_key(a, rows_a, qis_a, b, rows_b, qis_b, stripped=False), **columns}).group_by("g").agg(
            pl.len().alias("_sc_size"), *[pl.col(c).filter(pl.col(c) >= 0).n_unique().alias(c) for c in columns],
        ).filter(pl.col("_sc_size") >= 2)
        sums = groups.select(pl.col("_sc_size").filter(pl.col(c) == 1).sum().alias(c) for c in columns).row(0)
        homogeneous = {attribute: int(total or 0) for attribute, total in zip(wanted, sums)}
    return measures, homogeneous
