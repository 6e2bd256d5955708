"""Which columns make people unique: minimal sample uniques (SUDA) and per-subset statistics.

A minimal sample unique (MSU) of a record is a set of QIs on which the record is unique while it
is not unique on any proper subset (Elliot & Manning's SUDA). Uniqueness is monotone (unique on
a subset implies unique on every superset), so a set S is an MSU of a record exactly when the
record is unique on S and on none of the |S| subsets one column smaller.

Everything runs on the frequency table, one pass over column subsets:

* only classes of size 1 on all QIs can be unique on a subset (uniqueness is monotone), so MSU
  masks are kept for those classes only;
* each subset's class counts are one ``bincount`` over integer keys (see ``_codes``).

SUDA score of a record = sum over its MSUs of (M - |MSU|)!, M = number of QIs (ARX, sdcMicro).
Column contribution = share of the total SUDA score coming from MSUs that contain the column
(sdcMicro's "contribution" of a variable), plus the plain share of MSU occurrences.

The same pass yields distinction (#classes / n) and separation ((n^2 - sum f^2) / (n(n-1)),
Motwani & Xu; ARX ``RiskModelAttributes``) for every subset up to ``subset_limit`` columns.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from ._codes import combine, densify, encode_classes, needs_dense_prefix
from ._freq import FrequencyTable
from ._util import as_dict, safe_div


@dataclass(frozen=True)
class SubsetMetric:
    columns: tuple[str, ...]
    n_classes: int
    distinction: float | None
    separation: float | None
    sample_uniques: int
    sample_uniqueness: float | None

    def to_dict(self) -> dict:
        return as_dict(self)


@dataclass(frozen=True)
class MSUGroup:
    columns: tuple[str, ...]
    records: int  # records for which this column set is a minimal sample unique
    share: float | None

    def sentence(self) -> str:
        share = f" ({self.share * 100:.1f} %)" if self.share is not None else ""
        return f"{{{', '.join(self.columns)}}} singles out {self.records} record{'s' if self.records != 1 else ''}{share}"

    def to_dict(self) -> dict:
        return {**as_dict(self), "sentence": self.sentence()}


@dataclass(frozen=True)
class ColumnContribution:
    column: str
    msu_share: float  # share of MSU occurrences that involve the column
    score_share: float  # share of the total SUDA score from MSUs that involve the column
    records: int  # records with at least one MSU involving the column

    def to_dict(self) -> dict:
        return as_dict(self)


@dataclass(frozen=True)
class MSUResult:
    max_size: int  # the largest column set searched (under the budget: see searchable_size)
    n_records: int
    n_qis: int
    records_with_msu: int
    sample_uniques: int
    total_msus: int
    groups: tuple[MSUGroup, ...]  # sorted by records singled out, then smaller sets first
    contributions: tuple[ColumnContribution, ...]
    suda_score_max: float
    suda_score_mean: float | None  # over all records (records without MSU score 0)
    suda_scores: np.ndarray  # per class of the frequency table (not exported)
    requested_size: int | None = None  # the size asked for, where the budget searched less

    def stopped_short(self) -> bool:
        return self.requested_size is not None and self.requested_size > self.max_size

    def summary(self, limit: int = 10) -> list[str]:
        return [g.sentence() for g in self.groups[:limit]]

    def to_dict(self, group_limit: int = 50) -> dict:
        return {
            "max_size": self.max_size,
            "requested_max_size": self.requested_size if self.requested_size is not None else self.max_size,
            "n_records": self.n_records,
            "n_qis": self.n_qis,
            "records_with_msu": self.records_with_msu,
            "sample_uniques": self.sample_uniques,
            "total_msus": self.total_msus,
            "groups": [g.to_dict() for g in self.groups[:group_limit]],
            "groups_omitted": max(0, len(self.groups) - group_limit),
            "contributions": [c.to_dict() for c in self.contributions],
            "suda_score_max": float(self.suda_score_max),
            "suda_score_mean": self.suda_score_mean,
            "summary": self.summary(),
        }


# Every set of up to max_msu_size QIs may be visited, each keeping a mask over the sample uniques:
# with 82 QIs the sets of 4 are 1.7 million (64 s and 3.9 GB on 2,000 rows; 13 s and 0.4 GB for
# sets of 3). The search goes as deep as the number of sets of the deepest size stays within this.
SUBSET_BUDGET = 100_000


def searchable_size(qis: int, requested: int) -> int:
    """The largest size <= requested whose column sets number at most SUBSET_BUDGET (at least 1)."""
    size = requested  # sets larger than the QIs there are: none (math.comb 0), no budget spent
    while size > 1 and math.comb(qis, size) > SUBSET_BUDGET:
        size -= 1
    return size


def analyse_subsets(
    table: FrequencyTable, *, max_msu_size: int = 4, subset_limit: int = 3
) -> tuple[MSUResult, tuple[SubsetMetric, ...]]:
    """One pass over QI subsets producing the MSU result and the per-subset metrics."""
    requested = max_msu_size
    max_msu_size = searchable_size(len(table.qis), max_msu_size) if max_msu_size >= 1 else max_msu_size
    subset_limit = searchable_size(len(table.qis), subset_limit) if subset_limit >= 1 else subset_limit
    encoded = encode_classes(table)
    weights = encoded.weights
    n = int(weights.sum())
    m = len(encoded.columns)
    # Records unique on all QIs are the only ones that can be unique on a subset.
    full_unique = np.flatnonzero(weights == 1) if table.classes.height else np.zeros(0, dtype=np.int64)
    # No record unique on all QIs: none is unique on a subset, and no subset beyond the metrics'
    # needs a count.
    msu_size = max_msu_size if full_unique.size else 0
    search = _Search(table, encoded, full_unique, msu_size, subset_limit, n)
    search.children((), None, 0, None, np.arange(full_unique.size), full_unique)
    msu_result = _collect_msus(table, encoded.columns, search.unique_masks, full_unique, max_msu_size, n, m)
    if requested > max_msu_size:
        msu_result = replace(msu_result, requested_size=requested)
    search.subset_metrics.sort(key=lambda s: (len(s.columns), s.columns))
    return msu_result, tuple(search.subset_metrics)


class _Search:
    """Depth-first over QI subsets; each subset's key extends its prefix's key.

    Beyond the subsets that need metrics (all classes counted), only MSU masks are wanted, and a
    record's count on S = P + {j} involves only the classes that share its key on P. So below P
    the search keeps just the classes of P's groups that hold a sample unique not yet unique on
    P; a record unique on P is unique on every superset (its mask is true without counting).
    """

    def __init__(self, table, encoded, full_unique, msu_size, subset_limit, n):
        self.table, self.codes, self.cards = table, encoded.codes, encoded.cardinalities
        self.weights, self.n, self.m = encoded.weights, n, len(encoded.columns)
        # bincount sums float weights: converting the class sizes once, not at every subset, and
        # keeping the (exact, below 2**53) float counts saves two casts per subset.
        self.float_weights = encoded.weights.astype(np.float64)
        self.msu_size, self.subset_limit = msu_size, subset_limit
        self.depth = min(max(msu_size, subset_limit), self.m)
        self.every = np.ones(full_unique.size, dtype=bool)
        self.every.flags.writeable = False  # shared by every subset on which all are unique
        self.unique_masks: dict[tuple[int, ...], np.ndarray] = {}
        self.subset_metrics: list[SubsetMetric] = []

    def children(self, prefix, key, slots, rows, inside, at) -> None:
        """Subsets prefix + (j,), j after the prefix's last column. `rows`: the classes kept (None:
        all), `key`/`slots` the prefix's key over them; `inside`: the sample uniques among them
        (indices into full_unique), `at`: their positions in `rows`."""
        start = prefix[-1] + 1 if prefix else 0
        n_rows = self.weights.size if rows is None else rows.size
        weights = self.float_weights if rows is None else self.float_weights[rows]
        dense = densify(key, slots) if key is not None and needs_dense_prefix(slots, n_rows, self.cards[start:]) else None
        for j in range(start, self.m):
            column = self.codes[j] if rows is None else self.codes[j][rows]
            if key is None:
                child, child_slots = column, self.cards[j]
            else:
                child, child_slots = combine(key, slots, column, self.cards[j], dense)
            subset = (*prefix, j)
            counts = np.bincount(child, weights=weights, minlength=child_slots)
            if len(subset) <= self.subset_limit:
                self.subset_metrics.append(_subset_metric(self.table, subset, counts, self.n))
            at_counts = None
            if len(subset) <= self.msu_size:
                at_counts = counts[child[at]]
                if rows is None:
                    mask = at_counts == 1
                else:
                    mask = self.every.copy()
                    mask[inside] = at_counts == 1
                if mask.any():
                    self.unique_masks[subset] = mask
            if len(subset) >= self.depth:
                continue
            if len(subset) < self.subset_limit or at_counts is None:
                self.children(subset, child, child_slots, rows, inside, at)
                continue
            shared = at_counts >= 2
            if not shared.any():
                self._all_unique(subset)
                continue
            groups = np.zeros(child_slots, dtype=bool)
            groups[child[at[shared]]] = True
            member = groups[child]
            local = np.flatnonzero(member)
            # The kept positions of the shared uniques: each is in `local`, at its rank among the
            # members (a running count, linear, instead of a binary search per unique).
            self.children(subset, child[local], child_slots, local if rows is None else rows[local],
                          inside[shared], np.cumsum(member)[at[shared]] - 1)

    def _all_unique(self, prefix) -> None:
        """Every sample unique is unique on `prefix`, hence on each subset below it."""
        for j in range(prefix[-1] + 1, self.m):
            subset = (*prefix, j)
            if len(subset) <= self.msu_size:
                self.unique_masks[subset] = self.every
            if len(subset) < self.depth:
                self._all_unique(subset)


def _subset_metric(table: FrequencyTable, subset: tuple[int, ...], counts: np.ndarray, n: int) -> SubsetMetric:
    present = counts[counts > 0].astype(np.float64)
    uniques = int((present == 1).sum())
    separation = (n * n - float((present * present).sum())) / (n * (n - 1)) if n > 1 else None
    return SubsetMetric(
        columns=tuple(table.qis[i] for i in subset),
        n_classes=int(present.size),
        distinction=safe_div(present.size, n),
        separation=separation,
        sample_uniques=uniques,
        sample_uniqueness=safe_div(uniques, n),
    )


def _collect_msus(
    table: FrequencyTable,
    columns: tuple[str, ...],
    unique_masks: dict[tuple[int, ...], np.ndarray],
    candidates: np.ndarray,
    max_size: int,
    n: int,
    m: int,
) -> MSUResult:
    scores = np.zeros(candidates.size, dtype=np.float64)
    has_msu = np.zeros(candidates.size, dtype=bool)
    column_records = [np.zeros(candidates.size, dtype=bool) for _ in columns]
    column_msus = np.zeros(m, dtype=np.int64)
    column_score = np.zeros(m, dtype=np.float64)
    groups: list[MSUGroup] = []
    for subset, mask in unique_masks.items():
        minimal = mask.copy()
        if len(subset) > 1:
            for drop in range(len(subset)):
                smaller = subset[:drop] + subset[drop + 1 :]
                smaller_mask = unique_masks.get(smaller)
                if smaller_mask is not None:
                    minimal &= ~smaller_mask
        found = int(minimal.sum())
        if not found:
            continue
        weight = math.factorial(m - len(subset))
        scores[minimal] += weight
        has_msu |= minimal
        for i in subset:
            column_records[i] |= minimal
            column_msus[i] += found
            column_score[i] += found * weight
        groups.append(MSUGroup(tuple(columns[i] for i in subset), found, safe_div(found, n)))
    groups.sort(key=lambda g: (-g.records, len(g.columns), g.columns))
    total_msus = sum(g.records for g in groups)
    total_score = float(scores.sum())
    contributions = tuple(
        sorted(
            (
                ColumnContribution(
                    column=columns[i],
                    msu_share=float(column_msus[i] / total_msus) if total_msus else 0.0,
                    score_share=float(column_score[i] / total_score) if total_score else 0.0,
                    records=int(column_records[i].sum()),
                )
                for i in range(m)
            ),
            key=lambda c: (-c.score_share, c.column),
        )
    )
    class_scores = np.zeros(table.classes.height, dtype=np.float64)
    class_scores[candidates] = scores
    return MSUResult(
        max_size=max_size,
        n_records=n,
        n_qis=m,
        records_with_msu=int(has_msu.sum()),
        sample_uniques=int(candidates.size),
        total_msus=total_msus,
        groups=tuple(groups),
        contributions=contributions,
        suda_score_max=float(scores.max()) if scores.size else 0.0,
        suda_score_mean=safe_div(total_score, n),
        suda_scores=class_scores,
    )


def minimal_sample_uniques(table: FrequencyTable, max_size: int = 4) -> MSUResult:
    return analyse_subsets(table, max_msu_size=max_size, subset_limit=0)[0]


def distinction_separation(table: FrequencyTable, max_size: int = 3) -> tuple[SubsetMetric, ...]:
    return analyse_subsets(table, max_msu_size=0, subset_limit=max_size)[1]
