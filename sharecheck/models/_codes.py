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
# are re-densified with a hash factorisation.
_MAX_SLOTS_PER_ROW = 8


@dataclass(frozen=True)
class EncodedClasses:
    columns: tuple[str, ...]
    codes: tuple[np.ndarray, ...]  # one int64 array per column, length = number of classes
    cardinalities: tuple[int, ...]
    weights: np.ndarray  # records per class


def _dense_codes(series: pl.Series) -> np.ndarray:
    """0..card-1 for the distinct values (in sorted order), -1 for null: polars' dense rank."""
    if series.dtype in (pl.Null, pl.Object) or isinstance(series.dtype, (pl.List, pl.Struct, pl.Array)):
        series = series.cast(pl.String, strict=False)
    ranks = series.rank(method="dense")
    return (ranks.fill_null(0).cast(pl.Int64) - 1).to_numpy()


def encode_column(series: pl.Series) -> tuple[np.ndarray, int]:
    """Dense codes 0..card-1 with null as a code of its own."""
    codes = _dense_codes(series.to_physical() if series.dtype == pl.Categorical else series)
    card = int(codes.max()) + 1 if codes.size else 0
    if (codes < 0).any():
        codes = np.where(codes < 0, card, codes)
        card += 1
    return codes, max(card, 1)


def encode_classes(table: FrequencyTable) -> EncodedClasses:
    classes = table.classes
    encoded = [encode_column(classes[q]) for q in table.qis]
    return EncodedClasses(
        columns=table.qis,
        codes=tuple(c for c, _ in encoded),
        cardinalities=tuple(k for _, k in encoded),
        weights=table.class_sizes.astype(np.int64),
    )


def densify(keys: np.ndarray) -> tuple[np.ndarray, int]:
    codes = _dense_codes(pl.Series(keys))
    return codes, int(codes.max()) + 1 if codes.size else 0


def combine(prefix: np.ndarray, prefix_card: int, codes: np.ndarray, card: int) -> tuple[np.ndarray, int]:
    """Key of (prefix, column): dense enough for bincount, re-densified when it is not."""
    n_rows = max(prefix.size, 1)
    if prefix_card * card > _MAX_SLOTS_PER_ROW * n_rows:
        prefix, prefix_card = densify(prefix)
        if prefix_card * card > _MAX_SLOTS_PER_ROW * n_rows:
            return densify(prefix * card + codes)
    return prefix * card + codes, prefix_card * card


def group_counts(keys: np.ndarray, slots: int, weights: np.ndarray) -> np.ndarray:
    """Records per key, as an array indexed by key."""
    return np.bincount(keys, weights=weights, minlength=slots).astype(np.int64)


def iter_subsets(encoded: EncodedClasses, max_size: int):
    """Yield ``(column indices, per-class key, key slots)`` for every subset of 1..max_size columns.

    Depth-first, so each subset's key extends its prefix's key and only a stack of max_size keys
    is alive at any time.
    """
    n_columns = len(encoded.columns)
    max_size = min(max_size, n_columns)

    def visit(prefix: tuple[int, ...], key: np.ndarray | None, slots: int, start: int):
        for j in range(start, n_columns):
            if key is None:
                child_key, child_slots = encoded.codes[j], encoded.cardinalities[j]
            else:
                child_key, child_slots = combine(key, slots, encoded.codes[j], encoded.cardinalities[j])
            subset = (*prefix, j)
            yield subset, child_key, child_slots
            if len(subset) < max_size:
                yield from visit(subset, child_key, child_slots, j + 1)

    if max_size >= 1:
        yield from visit((), None, 0, 0)
