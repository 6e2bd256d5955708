"""Integer codes of the QI columns of a frequency table, and counts over QI subsets.

Subset searches (distinction/separation per subset, minimal sample uniques) group the same
classes by many different column subsets. Encoding each column once as dense integers and
combining codes arithmetically turns every such grouping into a ``bincount`` over the classes
of the frequency table, which is far cheaper than a hash GROUP BY on the raw values.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from ._freq import FrequencyTable

# Mixed-radix keys are kept dense enough for bincount; above this many slots per class they
# are re-densified.
_MAX_SLOTS_PER_ROW = 8
# Up to this many slots per row, densifying is a presence table and a cumulative sum (linear);
# beyond it, a sort.
_TABLE_SLOTS_PER_ROW = 16
_TABLE_MIN_SLOTS = 1 << 12


@dataclass(frozen=True)
class EncodedClasses:
    columns: tuple[str, ...]
    codes: tuple[np.ndarray, ...]  # one int64 array per column, length = number of classes
    cardinalities: tuple[int, ...]
    weights: np.ndarray  # records per class


def _dense_codes(series: pl.Series) -> np.ndarray:
    """0..card-1 for the distinct values (in sorted order), -1 for null: polars' dense rank.

    A rank sorts every row; text and integers (the usual QIs) get the same codes from sorting
    only the distinct values (an Enum cast) or from a presence table over the integer range,
    at a fifth of the cost on a scan's small tables."""
    if series.dtype in (pl.Null, pl.Object) or isinstance(series.dtype, (pl.List, pl.Struct, pl.Array)):
        series = series.cast(pl.String, strict=False)
    if series.dtype == pl.String:
        categories = series.drop_nulls().unique().sort()
        return series.cast(pl.Enum(categories)).to_physical().cast(pl.Int64).fill_null(-1).to_numpy()
    if series.dtype == pl.Boolean or (series.dtype.is_integer() and series.dtype != pl.UInt64) or series.dtype.is_temporal():
        return _integer_codes(series.cast(pl.UInt8) if series.dtype == pl.Boolean else series.to_physical())
    ranks = series.rank(method="dense")
    return (ranks.fill_null(0).cast(pl.Int64) - 1).to_numpy()


def _integer_codes(series: pl.Series) -> np.ndarray:
    nulls = series.null_count()
    values = series.drop_nulls().cast(pl.Int64).to_numpy()
    if values.size == 0:
        return np.full(series.len(), -1, dtype=np.int64)
    low = int(values.min())
    span = int(values.max()) - low + 1
    # Shifting by the minimum is exact only over a small range; a wide one is sorted as it is.
    small = span <= max(_TABLE_SLOTS_PER_ROW * values.size, _TABLE_MIN_SLOTS)
    dense, _ = densify(values - low, span) if small else densify(values)
    if not nulls:
        return dense
    codes = np.full(series.len(), -1, dtype=np.int64)
    codes[series.is_not_null().to_numpy()] = dense
    return codes


def encode_column(series: pl.Series) -> tuple[np.ndarray, int]:
    """Dense codes 0..card-1 with null as a code of its own."""
    codes = _dense_codes(series.to_physical() if series.dtype == pl.Categorical else series)
    card = int(codes.max()) + 1 if codes.size else 0
    if (codes < 0).any():
        codes = np.where(codes < 0, card, codes)
        card += 1
    return codes, max(card, 1)


def encode_classes(table: FrequencyTable) -> EncodedClasses:
    return table.encoded


def _encode_classes(table: FrequencyTable) -> EncodedClasses:
    classes = table.classes
    encoded = [encode_column(classes[q]) for q in table.qis]
    return EncodedClasses(
        columns=table.qis,
        codes=tuple(c for c, _ in encoded),
        cardinalities=tuple(k for _, k in encoded),
        weights=table.class_sizes.astype(np.int64),
    )


def densify(keys: np.ndarray, slots: int | None = None) -> tuple[np.ndarray, int]:
    """0..card-1 for the distinct keys, in sorted order. With `slots` (an upper bound on the keys)
    small next to the rows, a presence table does it in one pass instead of a sort."""
    if slots is not None and slots <= max(_TABLE_SLOTS_PER_ROW * keys.size, _TABLE_MIN_SLOTS):
        present = np.zeros(slots, dtype=np.int32)
        present[keys] = 1
        remap = np.cumsum(present, dtype=np.int32)
        return (remap[keys] - 1).astype(np.int64, copy=False), int(remap[-1]) if slots else 0
    if not keys.size:
        return keys.astype(np.int64, copy=True), 0
    unique, codes = np.unique(keys, return_inverse=True)
    return codes.reshape(-1).astype(np.int64, copy=False), int(unique.size)


def stable_argsort(keys: np.ndarray) -> np.ndarray:
    """np.argsort(keys, kind="stable"), for non-negative integer keys. Below 2**32 it is two
    stable passes over 16-bit digits, which numpy sorts by radix (linear), low digit first: the
    same permutation (a stable sort has only one) at about half the time of a merge sort."""
    if keys.size < (1 << 16) or keys.min() < 0 or keys.max() >= (1 << 32):
        return np.argsort(keys, kind="stable")
    low = np.argsort((keys & 0xFFFF).astype(np.uint16), kind="stable")
    return low[np.argsort((keys[low] >> 16).astype(np.uint16), kind="stable")]


def combine(prefix: np.ndarray, prefix_card: int, codes: np.ndarray, card: int,
            dense_prefix: tuple[np.ndarray, int] | None = None) -> tuple[np.ndarray, int]:
    """Key of (prefix, column): dense enough for bincount, re-densified when it is not.
    `dense_prefix`: the prefix densified already (siblings share it)."""
    n_rows = max(prefix.size, 1)
    if prefix_card * card > _MAX_SLOTS_PER_ROW * n_rows:
        prefix, prefix_card = dense_prefix or densify(prefix, prefix_card)
        if prefix_card * card > _MAX_SLOTS_PER_ROW * n_rows:
            return densify(prefix * card + codes, prefix_card * card)
    return prefix * card + codes, prefix_card * card


def needs_dense_prefix(prefix_card: int, n_rows: int, cards) -> bool:
    """Whether some sibling's combine will densify this prefix (then it is done once for all)."""
    return any(prefix_card * card > _MAX_SLOTS_PER_ROW * max(n_rows, 1) for card in cards)


def group_counts(keys: np.ndarray, slots: int, weights: np.ndarray) -> np.ndarray:
    """Records per key, as an array indexed by key."""
    return np.bincount(keys, weights=weights, minlength=slots).astype(np.int64)
