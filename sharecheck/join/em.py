"""Fellegi–Sunter m estimated from the data: EM over agreement patterns, as splink trains it.

rules/join.yaml gives m per comparison form: the intruder's best case for values copied from one
system. Where two releases hold enough pairs of the same people, the data say how often those
people's records really agree (a survey wave that recodes education, an age one year older): m
is estimated by expectation–maximisation over the comparison vectors of candidate pairs, with
- u fixed at the chance agreement measured from each column's value frequencies (splink's
  `estimate_u_using_random_sampling`, here exact: Σ_v f_A(v) f_B(v));
- conditional independence of the columns given match status (the Fellegi–Sunter model);
- the rules' m as a Beta prior worth `PRIOR_PAIRS` pairs, so a column seen on few matches stays
  near it, and a fallback when the data cannot identify a match class at all.

Pairs come from blocking, as in splink: the pairs agreeing on one plan column, compared on the
others (a column blocked on agrees on every pair, so its m is read in the sessions of the other
blocks). splink itself was evaluated for this (README, Dependencies): it runs the same EM in SQL
over DuckDB on materialised pairs; this is the ~100 lines of it the check needs, over numpy.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import polars as pl

# Prior weight of the rules' m, in pairs: small against hundreds of true pairs, decisive on five.
PRIOR_PAIRS = 10.0
# Fewest expected true matches (Σ posterior) in a session for its m to be read.
MIN_MATCHES = 20.0
# Log-likelihood gain over "no pair is a match" (u alone) that shows a match class at all:
# half the 99.9 % point of χ² with one degree of freedom, about, per parameter.
MIN_GAIN_PER_PARAMETER = 5.5
MAX_ITERATIONS = 200
TOLERANCE = 1e-6
_EPS = 1e-9
_SMALL = 64  # whole numbers below this are ranked by counting (unique_rows)


@dataclass(frozen=True)
class EMResult:
    m: np.ndarray  # per column: the estimate, or the prior where not identified
    identified: bool  # the data showed a match class; else m is the prior
    share: float  # λ: the share of the pairs that are matches
    matches: float  # expected number of matching pairs, Σ posterior
    iterations: int


def _log_likelihoods(agree: np.ndarray, seen: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Per pair, Σ_k log P(g_k | class) over the columns both records have."""
    p = np.clip(p, _EPS, 1 - _EPS)
    return (seen * (agree * np.log(p) + (1 - agree) * np.log1p(-p))).sum(axis=1)


def unique_rows(matrix: np.ndarray, return_inverse: bool = False) -> tuple[np.ndarray, ...]:
    """`np.unique(matrix, axis=0, return_counts=True)` (and the inverse after the counts when
    asked), the same rows in the same order: numpy sorts rows as structured records, compared
    field by field (0.7 s on 200,000 x 6). Here each column is ranked by a 1-D unique and the
    ranks are combined into one integer key per row, whose order is the rows' lexicographic
    order: one integer sort."""
    matrix = np.asarray(matrix, dtype=float)
    if matrix.ndim != 2 or not matrix.shape[0] or not matrix.shape[1] or np.isnan(matrix).any():
        # NaN ordering left to numpy
        rows, inverse, counts = np.unique(matrix, axis=0, return_inverse=True, return_counts=True)
        return (rows, counts, inverse.reshape(-1)) if return_inverse else (rows, counts)
    key, size = np.zeros(matrix.shape[0], dtype=np.int64), 1
    for column in matrix.T:
        values, rank = _ranks(column)
        if size * values.size >= 2 ** 62:
            # Renumber the keys densely (order kept) before they could overflow.
            _, key = np.unique(key, return_inverse=True)
            size = int(key.max()) + 1
        key = key * values.size + rank.reshape(-1)
        size *= values.size
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    first = np.concatenate(([True], ordered[1:] != ordered[:-1]))
    starts = np.flatnonzero(first)
    rows, counts = matrix[order[starts]], np.diff(np.append(starts, ordered.size))
    if not return_inverse:
        return rows, counts
    inverse = np.empty(ordered.size, dtype=np.int64)
    inverse[order] = np.cumsum(first) - 1
    return rows, counts, inverse


def _ranks(column: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`np.unique(column, return_inverse=True)`; a column of small whole numbers (agreement codes
    0, 1, 2) is ranked by counting, without the sort."""
    if column.size and column.min() >= 0 and column.max() < _SMALL:
        codes = column.astype(np.int64)
        if np.array_equal(codes, column):
            present = np.bincount(codes, minlength=_SMALL) > 0
            return np.flatnonzero(present).astype(float), (np.cumsum(present) - 1)[codes]
    values, rank = np.unique(column, return_inverse=True)
    return values, rank.reshape(-1)


def fit(agree: np.ndarray, u: np.ndarray, m_prior: np.ndarray, prior_pairs: float = PRIOR_PAIRS,
        max_matches: float | None = None, u_index: np.ndarray | None = None) -> EMResult:
    """EM for λ and m with u fixed. `agree`: pairs × columns, 1 agree, 0 disagree, NaN missing;
    `u`: per column, or per pair and column (strangers' agreement given the pair's block), or,
    with `u_index`, a table of block classes × columns with pair i's row at `u_index[i]`.
    `max_matches`: the most true pairs there can be (each record has one person behind it); a
    larger match class is columns that vary together among strangers (age and years married),
    not identity, and the data are taken not to identify m."""
    agree = np.asarray(agree, dtype=float)
    u, m_prior = np.asarray(u, dtype=float), np.asarray(m_prior, dtype=float)
    n, k = agree.shape if agree.ndim == 2 else (0, len(m_prior))
    if n == 0 or k == 0:
        return EMResult(m_prior.copy(), False, 0.0, 0.0, 0)
    # EM runs over the distinct (pattern, u) rows, each weighted by its count: at most 3^k
    # patterns per block class.
    codes = np.nan_to_num(agree, nan=2.0)
    if u_index is None:
        rows, counts = unique_rows(np.hstack([codes, np.broadcast_to(u, agree.shape)]))
        patterns, u = rows[:, :k], rows[:, k:]
    else:
        # The same rows in the same order without ranking n floats per column: a table row's
        # rank among the distinct table rows orders the pairs as its u values would.
        table, _, rank = unique_rows(u.reshape(-1, k), return_inverse=True)
        rows, counts = unique_rows(np.column_stack([codes, rank[np.asarray(u_index)]]))
        patterns, u = rows[:, :k], table[rows[:, k].astype(np.int64)]
    counts = counts.astype(float)
    seen = patterns != 2.0
    g = np.where(seen, patterns, 0.0)
    log_u = _log_likelihoods(g, seen, u)
    m, share, iterations = m_prior.copy(), 0.01, 0
    for iterations in range(1, MAX_ITERATIONS + 1):
        log_m = _log_likelihoods(g, seen, m)
        # Posterior of match, in logs so many columns' products do not underflow.
        a, b = np.log(share) + log_m, np.log1p(-share) + log_u
        w = np.exp(a - np.logaddexp(a, b)) * counts
        new_share = float(np.clip(w.sum() / n, _EPS, 1 - _EPS))
        weighted = w[:, None] * seen
        new_m = ((weighted * g).sum(axis=0) + prior_pairs * m_prior) / (weighted.sum(axis=0) + prior_pairs)
        done = abs(new_share - share) < TOLERANCE and np.max(np.abs(new_m - m)) < TOLERANCE
        m, share = new_m, new_share
        if done:
            break
    log_m = _log_likelihoods(g, seen, m)
    a, b = np.log(share) + log_m, np.log1p(-share) + log_u
    gain = float((counts * (np.logaddexp(a, b) - log_u)).sum())
    matches = float((np.exp(a - np.logaddexp(a, b)) * counts).sum())
    identified = (matches >= MIN_MATCHES and gain >= MIN_GAIN_PER_PARAMETER * (k + 1)
                  and (max_matches is None or matches <= max_matches)
                  and bool(np.all(m > (counts[:, None] * u).sum(axis=0) / n)))
    return EMResult(m if identified else m_prior.copy(), identified, share, matches, iterations)


# ----------------------------------------------------------------------------- blocking sessions

# Pairs drawn per blocking session: enough for hundreds of true pairs, bounded memory.
SESSION_PAIRS = 200_000


@dataclass(frozen=True)
class TrainedM:
    m: dict[str, float]  # comparison label -> m (estimated where identified, else the prior)
    estimated: dict[str, int]  # comparison label -> expected true pairs it was read from
    sessions: int


def _block_rows(counts: np.ndarray, limit: int) -> np.ndarray:
    """A rows, in a fixed random order, whose links on the block add up to at most `limit` pairs."""
    rows = np.random.default_rng(11).permutation(np.flatnonzero(counts > 0))
    kept = rows[np.cumsum(counts[rows]) <= limit]
    return kept if kept.size else rows[:1]


def _patterns(columns, rows_a: np.ndarray, rows_b: np.ndarray) -> np.ndarray:
    out = np.empty((rows_a.size, len(columns)), dtype=float)
    for j, component in enumerate(columns):
        codes = component.codes()
        if codes is not None:
            # The values' equality from their joint codes: integer gathers instead of text ones.
            left, right = codes[0][rows_a], codes[1][rows_b]
            out[:, j] = np.where((left < 0) | (right < 0), np.nan, left == right)
            continue
        left, right = component.a_values.gather(rows_a), component.b_values.gather(rows_b)
        out[:, j] = (left == right).cast(pl.Float64).to_numpy()  # NaN where either value is missing
    return out


def _distinct_rows(rows: np.ndarray) -> int:
    """np.unique(rows).size for row numbers (small non-negative integers), without a sort."""
    return int(np.count_nonzero(np.bincount(rows))) if rows.size else 0


def _block_classes(block_hashes: pl.Series, rows_a: np.ndarray) -> tuple[pl.DataFrame, np.ndarray]:
    """The block values of the session's pairs (as hashes, one row per distinct value) and each
    pair's row among them."""
    # np.unique(values, return_inverse=True) sorts every pair; sorting the distinct values and a
    # binary search per pair give the same keys and rows.
    values = block_hashes.gather(rows_a)
    keys = values.unique().sort().to_numpy()
    index = np.searchsorted(keys, values.to_numpy())
    return pl.DataFrame({"k": pl.Series(keys, dtype=pl.UInt64)}), index.astype(np.int64, copy=False)


def _conditional_u(block, column, classes: pl.DataFrame, hashed: Callable[[pl.Series], pl.Series] | None = None
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per block class of `classes`: the chance that two records sharing the block value agree on
    `column`, Σ_x P_A(x | block) P_B(x | block), with the block class's sizes on both sides.
    Blocking on age changes how often strangers share an education; the marginal u would count
    that as identity. `hashed(values)`: `values.hash(seed=3)`, kept across a plan's sessions."""
    hashed = hashed or (lambda values: values.hash(seed=3))

    def shares(block_values, values):
        frame = pl.DataFrame({"k": hashed(block_values), "v": hashed(values)})
        frame = frame.filter(values.is_not_null() & block_values.is_not_null())
        counts = frame.group_by("k", "v").len()
        return counts.with_columns(pl.col("len").sum().over("k").alias("n"))

    fa, fb = shares(block.a_values, column.a_values), shares(block.b_values, column.b_values)
    # Sorted before the sums: the join's row order varies between runs (threads), and so would
    # the last bits of u.
    per_key = (fa.join(fb, on=["k", "v"], how="inner").sort("k", "v")
               .group_by("k").agg((pl.col("len") * pl.col("len_right") / (pl.col("n") * pl.col("n_right"))).sum().alias("u"),
                                  pl.col("n").first().alias("na"), pl.col("n_right").first().alias("nb")))
    joined = classes.join(per_key, on="k", how="left", maintain_order="left").fill_null(0)
    return joined["u"].cast(pl.Float64).to_numpy(), joined["na"].cast(pl.Float64).to_numpy(), joined["nb"].cast(pl.Float64).to_numpy()


def _without_matches(u: np.ndarray, na: np.ndarray, nb: np.ndarray, m: np.ndarray, linked: float) -> np.ndarray:
    """u of strangers: the class's agreement minus that of its true pairs. A class of n_A by n_B
    records holds about `linked` x min(n_A, n_B) true pairs, each agreeing with probability m."""
    pairs = (na * nb)[:, None]
    true = (linked * np.minimum(na, nb))[:, None]
    return np.clip((u * pairs - m * true) / np.maximum(pairs - true, 1.0), 0.0, 1.0)


def train_m(blocks, linker, prior: dict[str, float]) -> TrainedM:
    """m for each of the plan's exact components (`blocks`), from sessions that block on one of
    them and compare on the others, u conditional on the block."""
    from .link import _A, _B

    kept: dict[int, tuple[pl.Series, pl.Series]] = {}

    def hashed(values: pl.Series) -> pl.Series:
        # Each column is a block once and compared in every other session: hashed once per side.
        known = kept.get(id(values))
        if known is None or known[0] is not values:
            known = kept[id(values)] = (values, values.hash(seed=3))
        return known[1]

    sums = {c.label: 0.0 for c in blocks}
    weights = {c.label: 0.0 for c in blocks}
    sessions = 0
    for block in blocks:
        compared = [c for c in blocks if c.label != block.label]
        if len(compared) < 2:
            continue  # one binary column cannot separate the share of matches from their m
        rows = _block_rows(linker.counts((block,)), SESSION_PAIRS)
        pairs = linker.pairs((block,), rows)
        if pairs.height == 0:
            continue
        rows_a, rows_b = pairs[_A].to_numpy(), pairs[_B].to_numpy()
        most = min(_distinct_rows(rows_a), _distinct_rows(rows_b))
        if most < MIN_MATCHES:
            # fit would need more true pairs than the records can hold: it cannot identify m
            sessions += 1
            continue
        agree = _patterns(compared, rows_a, rows_b)
        classes, index = _block_classes(hashed(block.a_values), rows_a)
        conditional = [_conditional_u(block, c, classes, hashed) for c in compared]
        u = np.column_stack([x[0] for x in conditional])  # per block class
        na, nb = conditional[0][1], conditional[0][2]
        m_prior = np.array([prior[c.label] for c in compared])
        result = fit(agree, u, m_prior, max_matches=most, u_index=index)
        if result.identified:
            # The class agreement counted the true pairs as strangers; taken out, fit again.
            linked = min(result.matches / most, 1.0)
            result = fit(agree, _without_matches(u, na, nb, result.m, linked), m_prior, max_matches=most, u_index=index)
        sessions += 1
        if not result.identified:
            continue
        for j, component in enumerate(compared):
            sums[component.label] += result.matches * float(result.m[j])
            weights[component.label] += result.matches
    m = {label: (sums[label] / weights[label] if weights[label] else prior[label]) for label in sums}
    estimated = {label: int(round(weights[label])) for label in sums if weights[label]}
    return TrainedM(m, estimated, sessions)
