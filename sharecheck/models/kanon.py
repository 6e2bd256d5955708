"""k-anonymity with its class-size histogram, and (alpha, k)-anonymity."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from ._freq import CLASS, COUNT, FrequencyTable
from ._util import as_dict, safe_div


@dataclass(frozen=True)
class KAnonymityResult:
    k: int | None  # None when there are no records: nothing can be singled out
    n_records: int
    n_classes: int
    k_threshold: int
    records_below_threshold: int
    classes_below_threshold: int
    share_below_threshold: float | None
    class_size_histogram: tuple[tuple[int, int], ...]  # (class size, number of classes)
    null_mode: str

    def to_dict(self) -> dict:
        return as_dict(self)


def k_anonymity(table: FrequencyTable, k_threshold: int = 5) -> KAnonymityResult:
    """k = smallest class size; with wildcard nulls, the smallest compatible-record count."""
    sizes = table.effective_class_sizes
    weights = table.class_sizes  # records per distinct QI tuple
    n = int(weights.sum())
    if sizes.size == 0:
        return KAnonymityResult(None, 0, 0, k_threshold, 0, 0, None, (), table.null_mode)
    below = sizes < k_threshold
    values, counts = np.unique(sizes, return_counts=True)
    return KAnonymityResult(
        k=int(sizes.min()),
        n_records=n,
        n_classes=int(sizes.size),
        k_threshold=k_threshold,
        records_below_threshold=int(weights[below].sum()),
        classes_below_threshold=int(below.sum()),
        share_below_threshold=safe_div(weights[below].sum(), n),
        class_size_histogram=tuple((int(v), int(c)) for v, c in zip(values, counts)),
        null_mode=table.null_mode,
    )


@dataclass(frozen=True)
class AlphaKResult:
    attribute: str
    alpha: float | None  # largest share of one sensitive value within a class
    k: int | None
    classes_above_alpha: int | None = None
    alpha_threshold: float | None = None

    def to_dict(self) -> dict:
        return as_dict(self)


def alpha_k_anonymity(
    table: FrequencyTable, attribute: str, alpha_threshold: float | None = None
) -> AlphaKResult:
    """(alpha, k) as pyCANON computes it: alpha = max over classes of the top value's share."""
    from ._segments import segments, top_shares

    k = k_anonymity(table).k
    seg = segments(table, attribute)
    if seg is not None:
        shares = top_shares(seg)
    else:
        per_class = class_top_share(table, attribute)
        if per_class.height == 0:
            return AlphaKResult(attribute, None, k, None, alpha_threshold)
        shares = per_class["top_share"].to_numpy()
    above = int((shares > alpha_threshold).sum()) if alpha_threshold is not None else None
    return AlphaKResult(attribute, float(shares.max()), k, above, alpha_threshold)


def class_top_share(table: FrequencyTable, attribute: str) -> pl.DataFrame:
    return (
        table.sensitive_counts(attribute)
        .group_by(CLASS)
        .agg((pl.col(COUNT).max() / pl.col(COUNT).sum()).alias("top_share"))
    )
