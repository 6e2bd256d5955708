"""Each quasi-identifier's contribution: how many sample uniques remain when it is dropped.

A data officer's first question after "is it risky?" is "which column do I coarsen or drop?".
MSU contributions (``msu``) answer it in SUDA terms; this answers it in records: the sample
uniques on all QIs but one, next to the uniques on all of them. A column whose removal leaves
the uniques unchanged is not what singles people out; one whose removal clears most of them is.

Computed on the frequency table's classes with the same integer codes as the MSU search (null
is a value of its own), so it costs one ``bincount`` per QI and never reads the records again.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._codes import combine, encode_classes, group_counts
from ._freq import FrequencyTable
from ._util import as_dict


@dataclass(frozen=True)
class QIContribution:
    column: str
    uniques_without: int  # sample uniques on the other QIs
    uniques_removed: int  # sample uniques on all QIs minus uniques_without (>= 0: uniqueness is monotone)

    def to_dict(self) -> dict:
        return as_dict(self)


def _uniques(codes: list[np.ndarray], cards: list[int], weights: np.ndarray) -> int:
    if not codes:
        # No QI left: everyone shares one class, unique only if the release has one record.
        return int(weights.sum() == 1)
    key, slots = codes[0], cards[0]
    for column, card in zip(codes[1:], cards[1:]):
        key, slots = combine(key, slots, column, card)
    counts = group_counts(key, slots, weights)
    return int(weights[counts[key] == 1].sum())


def drop_one_uniques(table: FrequencyTable) -> tuple[QIContribution, ...]:
    """Sample uniques without each QI in turn, most decisive column first."""
    if not table.qis or table.classes.height == 0:
        return ()
    encoded = encode_classes(table)
    codes, cards, weights = list(encoded.codes), list(encoded.cardinalities), encoded.weights
    everything = _uniques(codes, cards, weights)
    results = []
    for i, column in enumerate(encoded.columns):
        without = _uniques(codes[:i] + codes[i + 1:], cards[:i] + cards[i + 1:], weights)
        results.append(QIContribution(column, without, everything - without))
    return tuple(sorted(results, key=lambda r: (-r.uniques_removed, r.column)))
