"""How many of the intruder's unique links are the same person: measured on the columns left out.

A quasi-identifier link assumes (by default) that every person of the smaller release is in the
larger one, so a record that agrees with exactly one other is taken as its person. Between two
surveys of different people, or two months of trips, unique agreement on age and occupation, or
on a station and a gender, is chance all the same. The data can tell the two apart where the
releases share further columns the link did not use: a true link agrees on them as often as the
same person's records do (m), a chance link only as often as two strangers' do (u). The share of
true links among the unique ones is then, by the method of moments (one step of the EM that
splink runs over all comparison patterns),

    pi = (agreement among unique links - u) / (m - u), clipped to [0, 1]

over held-out columns both releases give one name (one fact), with u measured on the links that are not unique (records agreeing on the plan with several
others: strangers who share the plan's values, so a column that only restates the plan, a
station's name beside its id, agrees there too and is set aside as uninformative). The largest
pi over the held-out columns is used: the publisher's worst case. Without a usable held-out column
the default overlap stands.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from ..naming import normalise_column_name
from .candidates import SPATIAL, TEMPORAL
from .heldout import same_fact_pairs
from .link import _A, _B, make_component
from .score import chance_agreement, m_probability

# Fewest unique links (with both values present) that an agreement rate is read from.
MIN_LINKS = 5
# Fewest non-unique links for a conditional u; below it the column's marginal u is used.
MIN_AMBIGUOUS = 30
# A held-out column tells true from chance links only when m and u are this far apart.
MIN_SEPARATION = 0.3
MAX_HELD_OUT = 8
SAMPLE_PAIRS = 200_000


@dataclass(frozen=True)
class OverlapEstimate:
    share: float  # estimated share of unique links that are the same person
    column: str  # the held-out comparison it was read from
    agreement: float
    u: float

    def describe(self) -> str:
        return (f"estimated from {self.column}, which the link did not use: {self.agreement:.0%} of the unique "
                f"links agree on it, against {self.u:.0%} of chance pairs")


def _agreement(component, rows_a: np.ndarray, rows_b: np.ndarray) -> tuple[float, int]:
    """Share of the pairs (rows_a[i], rows_b[i]) whose values agree, among those with both
    values present, and how many those are."""
    if rows_a.size == 0:
        return 0.0, 0
    codes = component.codes()
    if codes is not None:
        # Joint codes are equal exactly where the values are (-1: null): no text gathered.
        left, right = codes[0][rows_a], codes[1][rows_b]
        present = (left >= 0) & (right >= 0)
        count = int(present.sum())
        if count == 0:
            return 0.0, 0
        return float(np.count_nonzero(left[present] == right[present]) / count), count
    left, right = component.a_values.gather(rows_a), component.b_values.gather(rows_b)
    present = left.is_not_null() & right.is_not_null()
    count = int(present.sum())
    if count == 0:
        return 0.0, 0
    return float((left.filter(present) == right.filter(present)).mean()), count


def _estimate(component, fa, fb, rows_a, rows_b, unique, ambiguous) -> OverlapEstimate | None:
    """pi from one comparison the links in (rows_a, rows_b) did not use."""
    agree, count = _agreement(component, rows_a[unique], rows_b[unique])
    if count < MIN_LINKS:
        return None
    u, seen = _agreement(component, rows_a[ambiguous], rows_b[ambiguous])
    if seen < MIN_AMBIGUOUS:
        u = chance_agreement(component)
        if u is None:
            return None
    m = m_probability(component, fa, fb)
    if m - u < MIN_SEPARATION:
        return None  # agrees about as often for strangers: it restates the links or is too coarse
    return OverlapEstimate(float(np.clip((agree - u) / (m - u), 0.0, 1.0)), component.label, agree, u)


def _sample(indices: np.ndarray, size: int) -> np.ndarray:
    return np.random.default_rng(5).choice(indices, size, replace=False) if indices.size > size else indices


def held_out_comparisons(plan, candidates, fa, fb) -> list:
    """Components for the columns outside the plan that both releases hold as one fact."""
    used_a = {c.candidate.a_column for c in plan}
    used_b = {c.candidate.b_column for c in plan}
    # Only a column both releases name as one fact is surely one fact: a visit date and a
    # registration date disagree for the same person, and would pass true links off as chance.
    held_out = [c for c in candidates if c.kind not in (TEMPORAL, SPATIAL) and c.a_column not in used_a
                and c.b_column not in used_b and c.a_column in fa.forms and c.b_column in fb.forms
                and normalise_column_name(c.a_column) == normalise_column_name(c.b_column)]
    seen = {(c.a_column, c.b_column) for c in held_out}
    held_out += [c for c in same_fact_pairs(fa, fb, used_a, used_b) if (c.a_column, c.b_column) not in seen]
    return [make_component(c, fa, fb) for c in held_out[:MAX_HELD_OUT]]


def _held_out(plan, candidates, fa, fb, pairs, counts_a, counts_b) -> list[OverlapEstimate]:
    """Columns outside the plan, read on the plan's own links."""
    rows_a, rows_b = pairs[_A].to_numpy(), pairs[_B].to_numpy()
    # Links that single a record out on either side: those the posterior credits.
    unique = (counts_a[rows_a] == 1) | (counts_b[rows_b] == 1)
    if int(unique.sum()) < MIN_LINKS:
        return []
    ambiguous = _sample(np.flatnonzero(~unique), SAMPLE_PAIRS)
    held_out = held_out_comparisons(plan, candidates, fa, fb)
    found = (_estimate(c, fa, fb, rows_a, rows_b, unique, ambiguous) for c in held_out)
    return [estimate for estimate in found if estimate is not None]


def _left_out(plan, fa, fb, linker) -> list[OverlapEstimate]:
    """Each exact plan column read on the links the rest of the plan makes: when the releases
    share nothing beyond the plan (two surveys asking age, education and vote), the plan checks
    itself. Unique links are A records with one match; u comes from records with a few."""
    found = []
    exact = [c for c in plan if c.kind not in (TEMPORAL, SPATIAL)]
    for component in exact if len(plan) > 1 else ():
        rest = tuple(c for c in plan if c is not component)
        counts = linker.counts(rest)
        unique_rows = _sample(np.flatnonzero(counts == 1), SAMPLE_PAIRS)
        if unique_rows.size < MIN_LINKS:
            continue
        few = _sample(np.flatnonzero((counts >= 2) & (counts <= 50)), SAMPLE_PAIRS // 50)
        pairs = linker.pairs(rest, np.concatenate([unique_rows, few]))
        rows_a, rows_b = pairs[_A].to_numpy(), pairs[_B].to_numpy()
        unique = counts[rows_a] == 1
        estimate = _estimate(component, fa, fb, rows_a, rows_b, unique, np.flatnonzero(~unique))
        if estimate is not None:
            found.append(estimate)
    return found


def estimate_overlap(plan, candidates, fa, fb, pairs: pl.DataFrame | None, counts_a: np.ndarray,
                     counts_b: np.ndarray, linker=None) -> OverlapEstimate | None:
    """The share of the plan's unique links that are the same person, or None when no column can
    tell (then the default overlap, the publisher's worst case, stands)."""
    if pairs is None or pairs.height == 0:
        return None
    estimates = _held_out(plan, candidates, fa, fb, pairs, counts_a, counts_b)
    if linker is not None:
        estimates += _left_out(plan, fa, fb, linker)
    return max(estimates, key=lambda e: e.share, default=None)
