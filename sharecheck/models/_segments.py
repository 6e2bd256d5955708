"""One sensitive attribute's (class, value, count) cells as numpy segments, one per class.

δ-disclosure, β-likeness and α-k are maxima over classes of per-cell ratios. As polars queries
they were a join of every cell with the table's distribution, a window sum per class and a
GROUP BY of the classes (4 of 13 s at 6 M cells); over cells grouped by class they are segment
reductions. The arithmetic is the same IEEE operations on the same operands (integer sums,
then one division each), so the floats are the same to the last bit.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._freq import CLASS, COUNT, FrequencyTable, _exactly_coded

# Whole classes go through in chunks of about this many cells: each temporary is one chunk,
# not one 20 M-cell column.
_CHUNK_CELLS = 1 << 20


@dataclass(frozen=True)
class Segments:
    counts: np.ndarray  # int64 count of each cell, the cells of a class contiguous
    codes: np.ndarray  # dense code of each cell's value (0..n_values-1)
    n_values: int
    starts: np.ndarray  # first cell of each class
    classes: np.ndarray  # class id of each segment, ascending

    def chunks(self):
        """(lo, hi, starts within lo..hi) over whole classes."""
        edges = np.r_[self.starts, self.counts.size]
        cuts = np.unique(np.r_[edges[np.searchsorted(edges, np.arange(0, self.counts.size, _CHUNK_CELLS))], self.counts.size])
        for lo, hi in zip(cuts[:-1], cuts[1:]):
            first, last = np.searchsorted(self.starts, [lo, hi])
            yield int(lo), int(hi), self.starts[first:last] - lo


def segments(table: FrequencyTable, attribute: str) -> Segments | None:
    """The segments of ``attribute``, or None when its type has no exact code (floats) or no
    cell holds a value: the polars queries decide then."""
    cache = table._sensitive_cache
    key = ("segments", attribute)  # never an attribute's own name
    if key in cache:
        return cache[key]
    from ._codes import encode_column

    cells = table.sensitive_counts(attribute)
    found = None
    if cells.height and _exactly_coded(cells.schema[attribute]):
        classes = cells[CLASS].to_numpy()
        counts = cells[COUNT].to_numpy().astype(np.int64, copy=False)
        codes, n_values = encode_column(cells[attribute])  # nulls were dropped: codes are the values'
        if classes.size > 1 and not bool((classes[1:] >= classes[:-1]).all()):
            order = np.argsort(classes, kind="stable")
            classes, counts, codes = classes[order], counts[order], codes[order]
        starts = np.flatnonzero(np.r_[True, classes[1:] != classes[:-1]])
        found = Segments(counts, codes, n_values, starts, classes[starts])
    cache[key] = found
    return found


def value_shares(seg: Segments) -> tuple[np.ndarray, int]:
    """(p of each value code, records with a value): the table's distribution."""
    totals = np.bincount(seg.codes, weights=seg.counts, minlength=seg.n_values)  # exact below 2**53
    n_known = int(seg.counts.sum())
    # polars divides a column by a scalar as a product with its reciprocal, and so must this,
    # for the same last bit (total / n differs from total * (1 / n) in about 4 values of 10).
    return totals * (1.0 / n_known), n_known


def disclosure_maxima(seg: Segments, delta_threshold: float | None, beta_threshold: float | None):
    """(delta, basic beta, min p, classes above delta, classes above beta), as
    disclosure.delta_disclosure_and_beta defines them."""
    p, _ = value_shares(seg)
    r_max, r_min, beta_max = -math.inf, math.inf, -math.inf
    above_delta = above_beta = 0
    for lo, hi, starts in seg.chunks():
        counts = seg.counts[lo:hi]
        lengths = np.diff(np.r_[starts, hi - lo])
        q = counts / np.repeat(np.add.reduceat(counts, starts), lengths)
        p_cell = p[seg.codes[lo:hi]]
        ratio = q / p_cell
        beta = (q - p_cell) / p_cell
        class_max, class_min = np.maximum.reduceat(ratio, starts), np.minimum.reduceat(ratio, starts)
        class_beta = np.maximum.reduceat(beta, starts)
        r_max, r_min = max(r_max, float(class_max.max())), min(r_min, float(class_min.min()))
        beta_max = max(beta_max, float(class_beta.max()))
        if delta_threshold is not None:
            # |ln r| over a class peaks at its largest or smallest r (ln is monotone).
            class_delta = np.maximum(np.abs(np.log(class_max)), np.abs(np.log(class_min)))
            near = np.abs(class_delta - delta_threshold) <= 1e-9 * max(1.0, abs(delta_threshold))
            above_delta += int((class_delta[~near] > delta_threshold).sum())
            # A class within rounding of the threshold is decided with math.log (libm, as polars).
            above_delta += sum(max(abs(math.log(a)), abs(math.log(b))) > delta_threshold
                               for a, b in zip(class_max[near].tolist(), class_min[near].tolist()))
        if beta_threshold is not None:
            above_beta += int((class_beta > beta_threshold).sum())
    delta = max(abs(math.log(r_max)), abs(math.log(r_min)))
    return (delta, beta_max, float(p.min()), above_delta if delta_threshold is not None else None,
            above_beta if beta_threshold is not None else None)


def top_shares(seg: Segments) -> np.ndarray:
    """Share of each class's commonest value (α of α-k), one per class."""
    out = []
    for lo, hi, starts in seg.chunks():
        counts = seg.counts[lo:hi]
        out.append(np.maximum.reduceat(counts, starts) / np.add.reduceat(counts, starts))
    return np.concatenate(out)


def class_sizes(seg: Segments) -> np.ndarray:
    """Records with a value in each class (int64), one per segment."""
    return np.add.reduceat(seg.counts, seg.starts)


def ordered_rows(seg: Segments):
    """closeness._ordered_rows from the segments: the value index is the dense code already (codes
    follow the sorted values), so only the sort by (class, value) and the divisions remain."""
    import polars as pl

    from ._codes import stable_argsort

    lengths = np.diff(np.r_[seg.starts, seg.counts.size])
    cls = np.repeat(seg.classes.astype(np.int64), lengths)
    order = stable_argsort(cls * seg.n_values + seg.codes)
    cls, idx, count = cls[order], seg.codes[order], seg.counts[order]
    q = count / np.repeat(np.add.reduceat(count, seg.starts), lengths)
    return pl.DataFrame({CLASS: pl.Series(cls, dtype=pl.UInt32), "_sc_idx": pl.Series(idx, dtype=pl.UInt32), "_sc_q": q})
