"""t-closeness: the largest Earth Mover's Distance between a class and the whole table.

Three ground distances:

* ordered (numbers, dates, ``pl.Enum`` categories): over the m sorted distinct values,
  EMD = (1/(m-1)) * sum_i |sum_{j<=i} (q_j - p_j)|  (Li et al. 2007; pyCANON ``aux_t_closeness_num``);
* nominal (other strings): equal distance, EMD = 1/2 * sum_v |q_v - p_v|;
* hierarchical, when a generalisation hierarchy is given: Li et al.'s formula
  EMD = sum over inner nodes N of height(N)/H * min(pos_extra(N), neg_extra(N)).

All three are computed sparsely: a class only contributes rows for the values it contains, so
the cost is proportional to the size of the frequency table, never classes x values.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
import polars as pl

from ._freq import CLASS, COUNT, FrequencyTable, integer_like
from ._util import as_dict

ORDERED, NOMINAL, HIERARCHICAL = "ordered", "nominal", "hierarchical"


@dataclass(frozen=True)
class ClosenessResult:
    attribute: str
    distance: str  # ordered | nominal | hierarchical
    t: float | None
    t_threshold: float | None
    classes_above_threshold: int
    records_above_threshold: int
    distinct_values: int

    def to_dict(self) -> dict:
        return as_dict(self)


def default_distance(dtype: pl.DataType, has_hierarchy: bool = False) -> str:
    if has_hierarchy:
        return HIERARCHICAL
    if dtype.is_numeric() or dtype.is_temporal() or isinstance(dtype, pl.Enum) or dtype == pl.Boolean:
        return ORDERED
    return NOMINAL


def class_emd(
    table: FrequencyTable,
    attribute: str,
    distance: str,
    hierarchy: Any = None,
) -> tuple[pl.DataFrame, int]:
    """Per-class EMD ``[class id, size, emd]`` and the number of distinct values."""
    counts = table.sensitive_counts(attribute)
    if distance == ORDERED and integer_like(counts.schema[attribute]):
        from ._segments import class_sizes, ordered_rows, segments, value_shares

        seg = segments(table, attribute)
        if seg is not None:
            # The distribution, the class sizes and the rows without a GROUP BY or a join.
            sizes = pl.DataFrame({CLASS: pl.Series(seg.classes, dtype=pl.UInt32), "size": class_sizes(seg)})
            if seg.n_values == 1:
                return sizes.with_columns(pl.lit(0.0).alias("emd")), 1
            emd = _ordered_emd(ordered_rows(seg), value_shares(seg)[0])
            return sizes.with_columns(emd["emd"]), seg.n_values
    overall = counts.group_by(attribute).agg(pl.col(COUNT).sum().alias("_sc_total")).sort(attribute)
    m = overall.height
    if m == 0:
        return pl.DataFrame(schema={CLASS: pl.UInt32, "size": pl.Int64, "emd": pl.Float64}), 0
    n_known = float(overall["_sc_total"].sum())
    overall = overall.with_row_index("_sc_idx").with_columns((pl.col("_sc_total") / n_known).alias("_sc_p"))
    sizes = counts.group_by(CLASS).agg(pl.col(COUNT).sum().alias("size"))
    if m == 1:
        return sizes.with_columns(pl.lit(0.0).alias("emd")), m
    if distance == ORDERED and integer_like(counts.schema[attribute]):
        emd = _ordered_emd(_ordered_rows(counts, attribute, overall[attribute]), overall["_sc_p"].to_numpy())
        return sizes.join(emd, on=CLASS, how="left"), m
    # Only the columns the distance reads, built lazily: at 20 M cells every extra column of
    # this frame is 160 MB.
    wanted = [CLASS, "_sc_idx", "_sc_q"] if distance == ORDERED else [CLASS, "_sc_idx", attribute, "_sc_p", "_sc_q"]
    rows = (counts.lazy().join(overall.lazy().select([attribute, "_sc_idx", "_sc_p"]), on=attribute, how="inner")
            .with_columns((pl.col(COUNT) / pl.col(COUNT).sum().over(CLASS)).alias("_sc_q"))
            .select(wanted))
    # sorted for every distance: the join's row order varies between runs, and a float sum in
    # another order differs in the last bit, so the same release gave two values of t
    rows = rows.sort([CLASS, "_sc_idx"]).collect()
    if distance == NOMINAL:
        emd = rows.group_by(CLASS).agg(
            (0.5 * ((pl.col("_sc_q") - pl.col("_sc_p")).abs().sum() + 1.0 - pl.col("_sc_p").sum())).alias("emd")
        )
    elif distance == ORDERED:
        emd = _ordered_emd(rows, overall["_sc_p"].to_numpy())
    elif distance == HIERARCHICAL:
        if hierarchy is None:
            raise ValueError("hierarchical distance needs a hierarchy")
        emd = _hierarchical_emd(rows, attribute, hierarchy)
    else:
        raise ValueError(f"unknown distance {distance!r}")
    return sizes.join(emd, on=CLASS, how="left"), m


def _ordered_rows(counts: pl.DataFrame, attribute: str, values: pl.Series) -> pl.DataFrame:
    """``[class id, value index, q]`` sorted by class, then value, as the join below makes them:
    for integer-like values the index is a binary search in the sorted distinct values and q a
    division by the class's total, in numpy (the join, window sum and two-key sort were a
    quarter of the models' time at 6 M cells). The same divisions give the same floats."""
    def physical(series: pl.Series) -> np.ndarray:
        series = series.cast(pl.UInt8) if series.dtype == pl.Boolean else series.to_physical()
        return series.cast(pl.Int64).to_numpy()

    cls = counts[CLASS].to_numpy().astype(np.int64)
    idx = np.searchsorted(physical(values), physical(counts[attribute]))
    count = counts[COUNT].to_numpy()
    order = np.argsort(cls * values.len() + idx, kind="stable")
    cls, idx, count = cls[order], idx[order], count[order]
    starts = np.flatnonzero(np.r_[True, cls[1:] != cls[:-1]]) if cls.size else cls
    lengths = np.diff(np.r_[starts, cls.size])
    q = count / np.repeat(np.add.reduceat(count, starts) if cls.size else count, lengths)
    return pl.DataFrame({CLASS: pl.Series(cls, dtype=pl.UInt32), "_sc_idx": pl.Series(idx, dtype=pl.UInt32), "_sc_q": q})


def _ordered_emd(rows: pl.DataFrame, p: np.ndarray) -> pl.DataFrame:
    """Sparse ordered EMD.

    Within a class the cumulative class distribution Q is a step function that only moves at the
    values the class holds, while the cumulative table distribution P is non-decreasing. On each
    step [a, b] with constant Q = c the sum of |c - P_i| splits where P crosses c (a binary search),
    and both halves are differences of prefix sums of P.
    """
    m = p.size
    cls = rows[CLASS].to_numpy()  # rows come sorted by class, then value index
    idx = rows["_sc_idx"].to_numpy().astype(np.int64)
    q = rows["_sc_q"].to_numpy()
    del rows
    if cls.size == 0:
        return pl.DataFrame(schema={CLASS: pl.UInt32, "emd": pl.Float64})
    cumulative_p = np.cumsum(p)
    prefix = np.concatenate(([0.0], np.cumsum(cumulative_p)))  # prefix[i] = sum_{j<i} P_j
    starts = np.flatnonzero(np.r_[True, cls[1:] != cls[:-1]])
    # Every step below is local to a class, so whole classes go through in chunks: a dozen
    # temporary arrays per row over 20 M cells would otherwise need 2 GB at once.
    edges = np.r_[starts, cls.size]
    bounds = np.unique(np.r_[edges[np.searchsorted(edges, np.arange(0, cls.size, _EMD_CHUNK_ROWS))], cls.size])
    parts = [_ordered_chunk(cls[lo:hi], idx[lo:hi], q[lo:hi], cumulative_p, prefix, m) for lo, hi in zip(bounds[:-1], bounds[1:])]
    return pl.DataFrame({CLASS: np.concatenate([c for c, _ in parts]), "emd": np.concatenate([e for _, e in parts])})


_EMD_CHUNK_ROWS = 1 << 20


def _ordered_chunk(cls: np.ndarray, idx: np.ndarray, q: np.ndarray, cumulative_p: np.ndarray, prefix: np.ndarray,
                   m: int) -> tuple[np.ndarray, np.ndarray]:
    """Class ids and EMDs of the whole classes in ``cls`` (sorted by class, then value)."""
    starts = np.flatnonzero(np.r_[True, cls[1:] != cls[:-1]])
    ends = np.r_[starts[1:], cls.size]
    # Q after each value: cumulative q within the class.
    cq = np.cumsum(q)
    offsets = np.repeat(np.r_[0.0, cq[ends[:-1] - 1]], ends - starts)
    step_value = cq - offsets
    last_in_class = np.zeros(cls.size, dtype=bool)
    last_in_class[ends - 1] = True
    step_end = np.where(last_in_class, m - 1, np.r_[idx[1:], 0] - 1)

    a, b, c = idx, step_end, step_value
    split = np.clip(np.searchsorted(cumulative_p, c, side="right"), a, b + 1)
    below = c * (split - a) - (prefix[split] - prefix[a])
    above = (prefix[b + 1] - prefix[split]) - c * (b + 1 - split)
    per_row = below + above
    # Before a class's first value its Q is 0, contributing the sum of P there.
    leading = prefix[idx[starts]]
    totals = np.add.reduceat(per_row, starts) + leading
    return cls[starts], totals / (m - 1)


def hierarchy_levels(hierarchy: Any) -> pl.DataFrame:
    """Normalise a hierarchy to columns ``leaf, level_1 .. level_H`` ending in a single root.

    Accepts a polars DataFrame or a list of rows (ARX's CSV layout: leaf first, then ever more
    general values). A root is appended when the last column is not already one value.
    """
    if isinstance(hierarchy, pl.DataFrame):
        frame = hierarchy.select([pl.col(c).cast(pl.String) for c in hierarchy.columns])
    else:
        rows = [list(map(str, row)) for row in hierarchy]
        width = max(len(r) for r in rows)
        rows = [r + [r[-1]] * (width - len(r)) for r in rows]
        frame = pl.DataFrame(rows, schema=[f"c{i}" for i in range(width)], orient="row")
    frame = frame.rename({old: ("leaf" if i == 0 else f"level_{i}") for i, old in enumerate(frame.columns)})
    last = frame.columns[-1]
    if frame.width == 1 or frame[last].n_unique() > 1:
        frame = frame.with_columns(pl.lit("*").alias(f"level_{frame.width}"))
    return frame.unique(subset="leaf", keep="first")


def _hierarchical_emd(rows: pl.DataFrame, attribute: str, hierarchy: Any) -> pl.DataFrame:
    levels = hierarchy_levels(hierarchy)
    height = levels.width - 1
    level_cols = [f"level_{h}" for h in range(1, height + 1)]
    rows = rows.with_columns(pl.col(attribute).cast(pl.String).alias("leaf")).join(levels, on="leaf", how="left")
    # A value missing from the hierarchy hangs directly under the root.
    rows = rows.with_columns(
        [pl.col(c).fill_null(pl.col("leaf")) for c in level_cols[:-1]] + [pl.col(level_cols[-1]).fill_null(levels[level_cols[-1]][0])]
    )
    node_cols = ["leaf", *level_cols]
    costs = []
    for h in range(1, height + 1):
        child, parent = node_cols[h - 1], node_cols[h]
        children = rows.group_by([CLASS, parent, child]).agg(pl.col("_sc_q").sum().alias("q"))
        child_p = rows.unique(subset=[child, "leaf"]).group_by(child).agg(pl.col("_sc_p").sum().alias("p"))
        parent_p = rows.unique(subset=[parent, "leaf"]).group_by(parent).agg(pl.col("_sc_p").sum().alias("pp"))
        children = children.join(child_p, on=child, how="left").with_columns((pl.col("q") - pl.col("p")).alias("extra"))
        parents = (
            children.group_by([CLASS, parent])
            .agg(pl.col("extra").clip(lower_bound=0).sum().alias("pos"), pl.col("q").sum().alias("qn"))
            .join(parent_p, on=parent, how="left")
            .with_columns((pl.col("pos") - (pl.col("qn") - pl.col("pp"))).alias("neg"))
            .with_columns((h / height * pl.min_horizontal("pos", "neg")).alias("cost"))
        )
        costs.append(parents.select([CLASS, "cost"]))
    return pl.concat(costs).group_by(CLASS).agg(pl.col("cost").sum().alias("emd"))


def t_closeness(
    table: FrequencyTable,
    attribute: str,
    *,
    t_threshold: float | None = 0.2,
    distance: str | None = None,
    hierarchy: Any = None,
    dtype: pl.DataType | None = None,
) -> ClosenessResult:
    if distance is None:
        dtype = dtype if dtype is not None else table.cells.schema[attribute]
        distance = default_distance(dtype, hierarchy is not None)
    per_class, m = class_emd(table, attribute, distance, hierarchy)
    if per_class.height == 0:
        return ClosenessResult(attribute, distance, None, t_threshold, 0, 0, 0)
    emd = per_class["emd"].fill_null(0.0).to_numpy()
    emd = np.clip(emd, 0.0, None)  # prefix-sum rounding can leave -1e-17 on identical distributions
    above = emd > t_threshold + 1e-12 if t_threshold is not None else np.zeros(emd.size, dtype=bool)
    return ClosenessResult(
        attribute=attribute,
        distance=distance,
        t=float(emd.max()),
        t_threshold=t_threshold,
        classes_above_threshold=int(above.sum()),
        records_above_threshold=int(per_class["size"].to_numpy()[above].sum()),
        distinct_values=m,
    )


def emd_reference(q: Sequence[float], p: Sequence[float], distance: str) -> float:
    """Dense textbook EMD of two aligned distributions (used by tests and small inputs)."""
    q_arr, p_arr = np.asarray(q, dtype=float), np.asarray(p, dtype=float)
    if distance == NOMINAL:
        return float(0.5 * np.abs(q_arr - p_arr).sum())
    if distance == ORDERED:
        m = q_arr.size
        return float(np.abs(np.cumsum(q_arr - p_arr)).sum() / (m - 1)) if m > 1 else 0.0
    raise ValueError(distance)
