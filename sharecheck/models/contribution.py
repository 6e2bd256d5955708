"""Each quasi-identifier's contribution: how many sample uniques remain when it is dropped.

A data officer's first question after "is it risky?" is "which column do I coarsen or drop?".
MSU contributions (``msu``) answer it in SUDA terms; this answers it in records: the sample
uniques on all QIs but one, next to the uniques on all of them. A column whose removal leaves
the uniques unchanged is not what singles people out; one whose removal clears most of them is.

Computed on the frequency table's classes with the same integer codes as the MSU search (null
is a value of its own), so it costs one bincount per QI and never reads the records again.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._codes import combine, densify, encode_classes, group_counts
from ._freq import FrequencyTable
from ._util import as_dict


@dataclass(frozen=True)
class QIContribution:
    column: str
    uniques_without: int  # sample uniques on the other QIs
    uniques_removed: int  # sample uniques on all QIs minus uniques_without (>= 0: uniqueness is monotone)

    def to_dict(self) -> dict:
        return as_dict(self)


def drop_one_uniques(table: FrequencyTable) -> tuple[QIContribution, ...]:
    """Sample uniques without each QI in turn, most decisive column first."""
    if not table.qis or table.classes.height == 0:
        return ()
    encoded = encode_classes(table)
    weights = encoded.weights
    everything = int(weights[weights == 1].sum())  # classes on all QIs are distinct
    counts = []
    for i in range(len(encoded.columns)):
        # A class is unique without column i when the records sharing its other codes number
        # one: one integer key of the other columns and a bincount, as in the MSU search.
        others = [(codes, card) for j, (codes, card) in enumerate(zip(encoded.codes, encoded.cardinalities)) if j != i]
        span = math.prod(card for _, card in others)
        if span < 1 << 62:
            # The mixed-radix key fits: one pass finds the groups (a presence table when the
            # key's range is small, else a sort), no re-densifying per column.
            key = np.zeros(weights.size, dtype=np.int64)
            for codes, card in others:
                key = key * card + codes
            key, slots = densify(key, span)
        else:
            key, slots = np.zeros(weights.size, dtype=np.int64), 1
            for codes, card in others:
                key, slots = combine(key, slots, codes, card)
        sizes = group_counts(key, slots, weights)
        counts.append(int(weights[sizes[key] == 1].sum()))
    results = [QIContribution(column, int(without), everything - int(without))
               for column, without in zip(encoded.columns, counts)]
    return tuple(sorted(results, key=lambda r: (-r.uniques_removed, r.column)))
