"""Which releases of a portal could be joined, and what each such join reveals.

Screening compares the hashes of every joinable column's canonical values (the join check's
own forms: zero-padded ZIPs, M/F, ISO dates, name tokens) with every column of the same form in
the other releases, and scores a pair as the catalogue does: a shared high-cardinality key counts
fully, a quasi-identifier by its distinct ratio, so a shared sex column alone adds almost
nothing. The best partners of each release then get the full join check, on the releases the
scan analysed already.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np

from .worker import ColumnHashes

MIN_CONTAINMENT = 0.5
# Columns this poor in values (sex, a year, a status) say nothing on their own.
_LOW_INFORMATION_DISTINCT = 12
_MIN_WEIGHT = 0.05


@dataclass(frozen=True)
class Screened:
    a: int  # indices into the audited releases
    b: int
    score: float
    shared: tuple[tuple[str, str, float], ...]  # (column of a, column of b, containment of a in b)


def _containment(a: ColumnHashes, b: ColumnHashes) -> float:
    if not a.hashes.size:
        return 0.0
    if a.sampled != b.sampled:
        # Compare like with like: the unsampled side is cut down to the same hash range.
        a_hashes = a.hashes if a.sampled else a.hashes[a.hashes < np.uint64(2**61)]
        b_hashes = b.hashes if b.sampled else b.hashes[b.hashes < np.uint64(2**61)]
    else:
        a_hashes, b_hashes = a.hashes, b.hashes
    if not a_hashes.size:
        return 0.0
    return float(np.intersect1d(a_hashes, b_hashes, assume_unique=True).size / a_hashes.size)


def screen(columns: list[tuple[ColumnHashes, ...]]) -> list[Screened]:
    """Scored (a, b) pairs of releases sharing joinable values, a before b in the list."""
    by_form: dict[str, list[tuple[int, ColumnHashes]]] = {}
    for index, release_columns in enumerate(columns):
        for column in release_columns:
            if column.distinct >= 2:
                by_form.setdefault(column.form, []).append((index, column))
    scores: dict[tuple[int, int], float] = {}
    shared: dict[tuple[int, int], list[tuple[str, str, float]]] = {}
    for entries in by_form.values():
        for (i, a), (j, b) in combinations(entries, 2):
            if i == j:
                continue
            if i > j:
                (i, a), (j, b) = (j, b), (i, a)
            # Containment of the smaller column in the larger: a join links the smaller side.
            value = max(_containment(a, b), _containment(b, a))
            if value < MIN_CONTAINMENT:
                continue
            weight = 0.0 if min(a.distinct, b.distinct) <= _LOW_INFORMATION_DISTINCT else min(a.distinct_ratio, b.distinct_ratio)
            scores[(i, j)] = scores.get((i, j), 0.0) + value * max(weight, _MIN_WEIGHT)
            shared.setdefault((i, j), []).append((a.name, b.name, value))
    return sorted((Screened(i, j, score, tuple(shared[(i, j)])) for (i, j), score in scores.items()),
                  key=lambda s: (-s.score, s.a, s.b))


def choose(screened: list[Screened], about_people: list[bool], max_partners: int) -> list[Screened]:
    """Each release's best partners (by score); a pair where neither release is about people
    can single nobody out and is left to the per-release scans."""
    taken: dict[int, int] = {}
    chosen = []
    for pair in screened:
        if not (about_people[pair.a] or about_people[pair.b]):
            continue
        if taken.get(pair.a, 0) >= max_partners and taken.get(pair.b, 0) >= max_partners:
            continue
        taken[pair.a] = taken.get(pair.a, 0) + 1
        taken[pair.b] = taken.get(pair.b, 0) + 1
        chosen.append(pair)
    return chosen


def check_pair(a, b, options, join_values: dict[str, Any], cache: dict | None = None):
    """The join check of two releases analysed already, as `check_join` runs it for a pair;
    `cache` holds their join forms and class sizes when they are known already."""
    from ..join.check import check_analysed, join_settings

    return check_analysed([a, b], options, join=join_settings(join_values), cache=cache)
