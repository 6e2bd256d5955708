"""Distinct, entropy and recursive (c, l)-diversity of one sensitive attribute.

Recursive (c, l)-diversity follows Machanavajjhala et al.: the counts r_1 >= r_2 >= ... >= r_m
of the sensitive values in a class are sorted in DESCENDING order and the class passes when
r_1 < c * (r_l + ... + r_m). pyCANON sorts ascending (``np.sort``), so for counts {5, 1, 1} and
l = 3 it reports c = 1 where the definition needs c = 6; we follow the definition.

The smallest integer c that makes a class pass is floor(r_1 / tail) + 1 (the inequality is
strict); a class with fewer than l distinct values has an empty tail and no c makes it pass
(reported as infinity).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import polars as pl

from ._freq import CLASS, COUNT, FrequencyTable
from ._util import as_dict


@dataclass(frozen=True)
class DiversityResult:
    attribute: str
    classes_with_values: int  # classes with at least one non-null sensitive value
    distinct_l: int | None
    entropy_l: float | None  # exp(min Shannon entropy, natural log)
    recursive_c: float
    recursive_l: int
    recursive_passes: bool | None
    recursive_classes_failing: int
    recursive_records_failing: int
    recursive_min_c: float | None  # smallest integer c for which every class passes at this l
    recursive_c_ratio: float | None  # max r_1/tail: the c must be strictly above this
    distinct_l_min: int
    distinct_classes_failing: int
    distinct_records_failing: int

    def to_dict(self) -> dict:
        return as_dict(self)


def class_diversity(table: FrequencyTable, attribute: str, l: int = 2) -> pl.DataFrame:
    """Per class: size (non-null sensitive), distinct values, entropy, top count and tail.

    One sort of the (class, value) counts by class and descending count; every statistic is then
    a segment reduction, which is much faster than a sort inside each of a million groups.
    """
    counts = table.sensitive_counts(attribute)
    classes = counts[CLASS].to_numpy()
    values = counts[COUNT].to_numpy().astype(np.float64)
    if classes.size == 0:
        return pl.DataFrame(schema={CLASS: pl.UInt32, "size": pl.Float64, "distinct": pl.Int64,
                                    "entropy": pl.Float64, "top": pl.Float64, "tail": pl.Float64})
    order = np.lexsort((-values, classes))
    classes, values = classes[order], values[order]
    starts = np.flatnonzero(np.r_[True, classes[1:] != classes[:-1]])
    lengths = np.diff(np.r_[starts, classes.size])
    position = np.arange(classes.size) - np.repeat(starts, lengths)
    size = np.add.reduceat(values, starts)
    share = values / np.repeat(size, lengths)
    return pl.DataFrame({
        CLASS: classes[starts],
        "size": size,
        "distinct": lengths,
        "entropy": -np.add.reduceat(share * np.log(share), starts),
        "top": values[starts],
        "tail": np.add.reduceat(np.where(position >= l - 1, values, 0.0), starts),
    })


def l_diversity(
    table: FrequencyTable,
    attribute: str,
    *,
    c: float = 3.0,
    l: int = 2,
    distinct_l_min: int = 2,
) -> DiversityResult:
    per_class = class_diversity(table, attribute, l)
    if per_class.height == 0:
        return DiversityResult(attribute, 0, None, None, c, l, None, 0, 0, None, None, distinct_l_min, 0, 0)
    sizes = per_class["size"].to_numpy()
    distinct = per_class["distinct"].to_numpy()
    top = per_class["top"].to_numpy().astype(np.float64)
    tail = per_class["tail"].to_numpy().astype(np.float64)
    failing = ~(top < c * tail)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(tail > 0, top / np.where(tail > 0, tail, 1.0), np.inf)
    max_ratio = float(ratio.max())
    min_c = math.floor(max_ratio) + 1 if math.isfinite(max_ratio) else math.inf
    distinct_failing = distinct < distinct_l_min
    return DiversityResult(
        attribute=attribute,
        classes_with_values=per_class.height,
        distinct_l=int(distinct.min()),
        entropy_l=float(math.exp(per_class["entropy"].min())),
        recursive_c=c,
        recursive_l=l,
        recursive_passes=not bool(failing.any()),
        recursive_classes_failing=int(failing.sum()),
        recursive_records_failing=int(sizes[failing].sum()),
        recursive_min_c=float(min_c),
        recursive_c_ratio=max_ratio,
        distinct_l_min=distinct_l_min,
        distinct_classes_failing=int(distinct_failing.sum()),
        distinct_records_failing=int(sizes[distinct_failing].sum()),
    )


def recursive_min_c(counts: list[int] | np.ndarray, l: int) -> float:
    """Smallest integer c for which one class with these value counts is recursive (c, l)-diverse."""
    ordered = np.sort(np.asarray(counts, dtype=np.float64))[::-1]
    tail = ordered[l - 1 :].sum()
    return float(math.floor(ordered[0] / tail) + 1) if tail > 0 else math.inf
