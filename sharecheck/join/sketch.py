"""Value overlap between columns: exact on small columns, MinHash (datasketch) on large ones,
and for the catalogue, which stores hashes and never values, coordinated threshold samples.

A column with more than `exact_distinct_max` distinct values is summarised by a MinHash
signature; containment is estimated from the Jaccard estimate and the exact distinct counts
(|A∩B| = J/(1+J)·(|A|+|B|)). The signatures are computed with numpy over polars' 64-bit value
hashes, using datasketch's affine64 permutations, so they are ordinary datasketch MinHash
objects (for LSH Ensemble queries and for a catalogue that stores sketches, not values).

MinHash estimates Jaccard with standard error sqrt(J(1-J)/128); turned into the containment of
a small set in a large one, J is tiny and the estimate useless (1,009 names inside 23,000 come
out at 0.37). The catalogue therefore keeps, per column, the hashes themselves when there are at
most SAMPLE_MAX of them, and otherwise those below 2^64 / 2^shift: a sample coordinated across
columns (a shared value is kept on both sides or on neither), from which containment is counted,
exactly when neither side was sampled.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import polars as pl

NUM_PERM = 128
_SEED = 7
_CHUNK = 65_536
# Very large columns keep the distinct values whose hash falls in the lowest 1/8 of the hash space.
# Applied to both columns of a comparison it is a consistent sample: a shared value is kept on both
# sides or on neither, so the samples' Jaccard estimates the columns' Jaccard, eight times faster.
_SAMPLE_BELOW = np.uint64(2**61)
SAMPLE_FROM_DISTINCT = 400_000


@lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    from datasketch import MinHash

    a, b = MinHash(num_perm=NUM_PERM, seed=_SEED, scheme="affine64").permutations
    return a.astype(np.uint64), b.astype(np.uint64)


def value_hashes(values: pl.Series) -> np.ndarray:
    """64-bit hashes of the distinct non-null values, on their text (so 2021 and '2021' meet)."""
    distinct = values.drop_nulls().unique()
    if distinct.dtype != pl.String:
        distinct = distinct.cast(pl.String)
    return distinct.hash(seed=_SEED).to_numpy()


def minhash(values: pl.Series, sampled: bool = False):
    """A datasketch MinHash of the column's distinct values, computed without a Python loop per value."""
    hashes = value_hashes(values)
    if sampled:
        hashes = hashes[hashes < _SAMPLE_BELOW]
    return minhash_of_hashes(hashes)


def minhash_of_hashes(hashes: np.ndarray):
    """A datasketch MinHash over 64-bit value hashes already computed (keyed ones, in the catalogue)."""
    from datasketch import MinHash

    a, b = _permutations()
    signature = np.full(NUM_PERM, np.iinfo(np.uint64).max, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for start in range(0, hashes.size, _CHUNK):
            chunk = hashes[start:start + _CHUNK]
            # affine64 scheme: h -> a*h + b mod 2^64, exactly numpy's wrapping uint64 arithmetic.
            permuted = np.multiply.outer(chunk, a) + b
            np.minimum(signature, permuted.min(axis=0), out=signature)
    return MinHash(num_perm=NUM_PERM, seed=_SEED, hashvalues=signature, permutations=(a, b), scheme="affine64")


@dataclass(frozen=True)
class Overlap:
    shared: float  # distinct values in both (estimated when method is minhash)
    distinct_a: int
    distinct_b: int
    method: str  # exact | minhash

    @property
    def a_in_b(self) -> float:
        return min(1.0, self.shared / self.distinct_a) if self.distinct_a else 0.0

    @property
    def b_in_a(self) -> float:
        return min(1.0, self.shared / self.distinct_b) if self.distinct_b else 0.0

    @property
    def containment(self) -> float:
        return max(self.a_in_b, self.b_in_a)


def exact_overlap(a: pl.Series, b: pl.Series) -> Overlap:
    return overlap_of_distinct(a.drop_nulls().unique(), b.drop_nulls().unique())


def overlap_of_distinct(distinct_a: pl.Series, distinct_b: pl.Series) -> Overlap:
    """`exact_overlap` from each side's distinct non-null values (computed once per column)."""
    if distinct_a.dtype != distinct_b.dtype:
        distinct_a, distinct_b = distinct_a.cast(pl.String), distinct_b.cast(pl.String)
    shared = int(distinct_a.is_in(distinct_b.implode()).sum()) if distinct_a.len() and distinct_b.len() else 0
    return Overlap(float(shared), distinct_a.len(), distinct_b.len(), "exact")


def sketched_overlap(sketch_a, distinct_a: int, sketch_b, distinct_b: int) -> Overlap:
    jaccard = float(sketch_a.jaccard(sketch_b))
    shared = jaccard / (1.0 + jaccard) * (distinct_a + distinct_b)
    return Overlap(min(shared, float(min(distinct_a, distinct_b))), distinct_a, distinct_b, "minhash")


def lsh_ensemble_pairs(queries: dict, indexed: dict, threshold: float) -> set[tuple[str, str]]:
    """(query key, indexed key) pairs whose containment of the query in the indexed set may reach
    `threshold`: the LSH Ensemble prunes untyped large-column pairs before any estimate."""
    if not queries or not indexed:
        return set()
    from datasketch import MinHashLSHEnsemble

    ensemble = MinHashLSHEnsemble(threshold=threshold, num_perm=NUM_PERM, num_part=min(8, len(indexed)))
    ensemble.index([(key, sketch, max(size, 1)) for key, (sketch, size) in indexed.items()])
    found = set()
    for key, (sketch, size) in queries.items():
        for hit in ensemble.query(sketch, max(size, 1)):
            found.add((key, hit))
    return found


# The catalogue keeps at most this many hashes per column (8 bytes each).
SAMPLE_MAX = 50_000


def threshold_sample(hashes: np.ndarray, max_size: int = SAMPLE_MAX) -> tuple[np.ndarray, int]:
    """The sorted hashes below 2^64 / 2^shift, for the smallest shift that keeps at most `max_size`."""
    hashes = np.unique(np.asarray(hashes, dtype=np.uint64))
    shift = 0
    while hashes.size > max_size:
        shift += 1
        hashes = hashes[hashes < np.uint64(1 << (64 - shift))]
    return hashes, shift


def sampled_overlap(a: np.ndarray, shift_a: int, distinct_a: int, b: np.ndarray, shift_b: int, distinct_b: int) -> Overlap:
    """Shared distinct values of two columns from their threshold samples (sorted unique hashes):
    both cut to the coarser sample, the shared ones counted and scaled back up."""
    shift = max(shift_a, shift_b)
    if shift:
        bound = np.uint64(1 << (64 - shift))
        a, b = a[: np.searchsorted(a, bound)], b[: np.searchsorted(b, bound)]
    shared = np.intersect1d(a, b, assume_unique=True).size * float(1 << shift)
    return Overlap(min(shared, float(min(distinct_a, distinct_b))), distinct_a, distinct_b, "sampled" if shift else "exact")
