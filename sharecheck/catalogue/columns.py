"""What the catalogue keeps of one release's columns: keyed hashes of their canonical values.

Per joinable column (the canonical forms the join check uses: zero-padded ZIPs, M/F, ISO dates,
sorted name tokens): a MinHash over the keyed hashes (for LSH Ensemble retrieval) and a
threshold sample of the keyed hashes themselves (all of them up to SAMPLE_MAX distinct values),
from which containment is counted. Sensitive attributes and free text are never stored: no join
needs them, and a hash of a diagnosis is still a diagnosis to whoever holds the key. Row
numbers (1..n in every export) are left out too: they would match every release.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from .keys import keyed_hashes

# Name columns are also stored without middle initials: when only one of two releases writes
# them, an intruder drops them (sharecheck.join.normalise.common_domain does the same).
NO_INITIALS = "no_initials"
_NEVER_SKETCHED_ROLES = {"sensitive"}
_NEVER_SKETCHED_TYPES = {"free_text"}


@dataclass(frozen=True)
class StoredColumn:
    name: str
    role: str
    semantic_type: str
    form: str
    variant: str  # "" or NO_INITIALS
    distinct: int
    distinct_ratio: float
    initials_share: float
    dense_integers: bool  # whole numbers filling most of their range (hours, ranks, row ids)
    shift: int  # the hashes kept are those below 2^64 / 2^shift
    hashes: np.ndarray  # sorted unique uint64
    minhash: np.ndarray  # NUM_PERM uint64


def _is_row_number(series: pl.Series) -> bool:
    """1..n (or 0..n-1) in row order or not: a row index, whatever its name."""
    if series.null_count() or series.len() < 3:
        return False
    if not series.dtype.is_integer():
        if series.dtype != pl.String:
            return False
        series = series.str.strip_chars().cast(pl.Int64, strict=False)
        if series.null_count():
            return False
    low, high = series.min(), series.max()
    return low in (0, 1) and high - low == series.len() - 1 and series.n_unique() == series.len()


def _dense_integers(values: pl.Series) -> bool:
    """Small whole numbers that fill their range overlap with any other such column by chance."""
    distinct = values.drop_nulls().unique()
    if distinct.len() == 0:
        return False
    numbers = distinct if distinct.dtype.is_integer() else distinct.cast(pl.String).cast(pl.Int64, strict=False)
    if numbers.null_count():
        return False
    return distinct.len() / (int(numbers.max()) - int(numbers.min()) + 1) >= 0.5


def _skip(analysed, form) -> bool:
    for source in form.sources:
        column = analysed.column(source)
        if column.role in _NEVER_SKETCHED_ROLES or column.semantic_type in _NEVER_SKETCHED_TYPES:
            return True
        if column.source == "user" and column.role == "other":
            return True  # --ignore / role other: the user's word holds in the catalogue too
    return len(form.sources) == 1 and _is_row_number(analysed.frame[form.sources[0]])


def _stored(form, variant: str, values: pl.Series, key: bytes, share: float) -> StoredColumn:
    from ..join.sketch import minhash_of_hashes, threshold_sample

    hashes = keyed_hashes(values, key)
    sample, shift = threshold_sample(hashes)
    signature = np.asarray(minhash_of_hashes(hashes).hashvalues, dtype=np.uint64)
    dense = form.form == "text" and _dense_integers(values)
    return StoredColumn(form.name, form.role, form.semantic_type, form.form, variant, int(hashes.size),
                        float(form.distinct_ratio), share, dense, shift, sample, signature)


def stored_columns(analysed, key: bytes, forms=None) -> list[StoredColumn]:
    """The keyed sketches of every joinable column of an analysed release."""
    from ..join import normalise as nz
    from ..join.forms import release_forms

    forms = forms if forms is not None else release_forms(analysed)
    stored = []
    for form in forms.forms.values():
        if form.distinct < 1 or form.by_name or _skip(analysed, form):
            # A measurement joins only its namesake in a pair check; values alone do not find partners.
            continue
        share = nz.initials_share(form.values) if form.form == nz.NAME else 0.0
        stored.append(_stored(form, "", form.values, key, share))
        if form.form == nz.NAME and share > 0:
            stored.append(_stored(form, NO_INITIALS, nz.without_initials(form.values), key, share))
    return stored
