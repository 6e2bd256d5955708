"""The EM session's block classes and distinct-row counts without sorting every pair: the same as
np.unique gives, on hand-built inputs."""
import numpy as np
import polars as pl

from sharecheck.join.em import _block_classes, _distinct_rows


def test_block_classes_are_the_sorted_distinct_hashes_and_each_pairs_position():
    hashes = pl.Series([9, 3, 3, 2**63 + 5, 7, 9], dtype=pl.UInt64)
    rows = np.array([0, 1, 2, 3, 4, 5, 0, 3, 3])
    classes, index = _block_classes(hashes, rows)
    assert classes["k"].to_list() == [3, 7, 9, 2**63 + 5]
    assert index.tolist() == [2, 0, 0, 3, 1, 2, 2, 3, 3]
    keys, inverse = np.unique(hashes.gather(rows).to_numpy(), return_inverse=True)
    assert classes["k"].to_list() == keys.tolist() and index.tolist() == inverse.reshape(-1).tolist()


def test_distinct_rows():
    assert _distinct_rows(np.array([4, 4, 0, 7, 0], dtype=np.int64)) == 3
    assert _distinct_rows(np.array([], dtype=np.int64)) == 0
    rng = np.random.default_rng(5)
    rows = rng.integers(0, 1000, size=5000)
    assert _distinct_rows(rows) == np.unique(rows).size
