"""Fellegi–Sunter scoring of the intruder's link, counted per person.

For a record a of A and a candidate b of B that agree on every comparison column, the posterior
that they are the same person is the prior chance of a true match times m (the chance that the
same person's records agree on all columns: the product of the columns' m probabilities,
rules/join.yaml) over the chance agreement, which is measured, not modelled: the n_B(a) records of
B that agree with a (term-frequency adjusted in splink's sense, without assuming the columns
independent). With the smaller release's people assumed in the larger one (share `overlap`):

    P(a, b) = min(overlap * m / n_large, 1 / n_small)

where n_large is the number of the larger release's records agreeing with the record of the
smaller one, and n_small the number of the smaller release's records agreeing with the record
of the larger one. The second term is the bound that makes many-to-one agreement harmless: 512
records of one demographic group linked to the single person of that group in a 63-person
release share one true match between them, P = 1/512 each. Summed over a side, each record of
the other side is credited at most once, so the expected correct re-identifications never exceed
either release's number of records.

The intruder links each record to its best candidate: a record's posterior is the largest P over
its candidates. Vectorised over the linked pairs; records whose pairs were not materialised (more
than max_k candidates in a very large join) get the upper bound min(1, overlap * m) / n.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import polars as pl

from .candidates import SHARED_KEY, SPATIAL, TEMPORAL
from .link import _A, _B, Component
from .vocab import join_vocabulary


@dataclass(frozen=True)
class Comparison:
    """One comparison column of the link: m, u (chance agreement of two random records) and the
    Fellegi–Sunter agreement weight log2(m/u)."""

    label: str
    m: float
    u: float | None
    # Where m comes from: the rules' value for the column's form, or EM over this pair's data
    # (with the expected number of true pairs it was read from).
    m_source: str = "rules/join.yaml"

    @property
    def weight(self) -> float | None:
        return math.log2(self.m / self.u) if self.u else None

    def to_dict(self) -> dict:
        return {"columns": self.label, "m": round(self.m, 4), "u": None if self.u is None else round(self.u, 6),
                "agreement_weight": None if self.weight is None else round(self.weight, 3), "m_source": self.m_source}


def m_probability(component: Component, fa, fb) -> float:
    m = join_vocabulary()["m_probability"]
    if component.kind == SPATIAL:
        return float(m["spatial"])
    if component.kind == SHARED_KEY:
        return float(m["shared_key"])
    if component.kind == TEMPORAL:
        return float(m["datetime"])
    form = fa.forms[component.candidate.a_column].form if component.candidate.a_column in fa.forms else "text"
    return float(m.get(form, m["text"]))


def chance_agreement(component: Component) -> float | None:
    """u = Σ_v f_A(v) f_B(v): the chance that two records taken at random agree on the column."""
    if component.kind in (TEMPORAL, SPATIAL) or component.a_values is None:
        return None
    # Hashes stand in for the values: a million case numbers are counted as integers.
    fa = component.a_values.drop_nulls().hash(seed=3).value_counts(normalize=True, name="fa")
    fb = component.b_values.drop_nulls().hash(seed=3).value_counts(normalize=True, name="fb")
    if fa.height == 0 or fb.height == 0:
        return None
    joined = fa.rename({fa.columns[0]: "v"}).join(fb.rename({fb.columns[0]: "v"}), on="v", how="inner")
    return float((joined["fa"] * joined["fb"]).sum())


def comparisons(plan, fa, fb, trained=None) -> tuple[Comparison, ...]:
    """`trained`: an em.TrainedM; its m replaces the rules' where the data identified it."""
    out = []
    for c in plan:
        if trained is not None and c.label in trained.estimated:
            out.append(Comparison(c.label, trained.m[c.label], chance_agreement(c),
                                  f"EM over this pair's agreement patterns (~{trained.estimated[c.label]:,} true pairs)"))
        else:
            out.append(Comparison(c.label, m_probability(c, fa, fb), chance_agreement(c)))
    return tuple(out)


@dataclass(frozen=True)
class Posteriors:
    a: np.ndarray  # per A record: P(its best link is the same person)
    b: np.ndarray
    prior: float  # overlap * m
    overlap: float
    a_smaller: bool


def posteriors(plan, linker, pairs: pl.DataFrame, counts_a: np.ndarray, counts_b: np.ndarray, m: float,
               overlap: float, complete: bool = True) -> Posteriors:
    """`complete`: `pairs` holds every linked pair (else only those of records with few candidates)."""
    a_smaller = counts_a.size <= counts_b.size
    prior = min(1.0, overlap * m)
    if not complete and not any(c.kind in (TEMPORAL, SPATIAL) for c in plan):
        return _class_posteriors(plan, linker, counts_a.size, counts_b.size, prior, overlap, a_smaller)
    rows_a = pairs[_A].to_numpy()
    rows_b = pairs[_B].to_numpy()
    n_a = counts_a[rows_a].astype(float)  # B records agreeing with the pair's A record
    n_b = counts_b[rows_b].astype(float)  # A records agreeing with the pair's B record
    if a_smaller:
        p = np.minimum(prior / n_a, 1.0 / n_b)
    else:
        p = np.minimum(1.0 / n_a, prior / n_b)
    scored = pl.DataFrame({_A: rows_a, _B: rows_b, "p": p})
    return Posteriors(_best(scored, _A, counts_a, prior if a_smaller else 1.0),
                      _best(scored, _B, counts_b, 1.0 if a_smaller else prior), prior, overlap, a_smaller)


def _class_posteriors(plan, linker, rows_a: int, rows_b: int, prior: float, overlap: float, a_smaller: bool) -> Posteriors:
    """Exact links: every record of a class of equal values has the same posterior, computed from
    the class's sizes on both sides without materialising pairs."""
    left, right, keys, _ = linker._sides(plan)
    sizes = (left.group_by(keys).agg(pl.len().alias("n_a"))
             .join(right.group_by(keys).agg(pl.len().alias("n_b")), on=keys, how="inner"))
    n_a, n_b = pl.col("n_a").cast(pl.Float64), pl.col("n_b").cast(pl.Float64)
    # counts_a of an A record is n_b of its class, counts_b of a B record n_a.
    p = pl.min_horizontal(prior / n_b, 1.0 / n_a) if a_smaller else pl.min_horizontal(1.0 / n_b, prior / n_a)
    sizes = sizes.with_columns(p.alias("p")).select(*keys, "p")
    out = []
    for frame, side, rows in ((left, _A, rows_a), (right, _B, rows_b)):
        scored = frame.join(sizes, on=keys, how="inner")
        values = np.zeros(rows, dtype=float)
        values[scored[side].to_numpy()] = scored["p"].to_numpy()
        out.append(values)
    return Posteriors(out[0], out[1], prior, overlap, a_smaller)


def _best(scored: pl.DataFrame, side: str, counts: np.ndarray, bound: float) -> np.ndarray:
    out = np.zeros(counts.size, dtype=float)
    linked = counts > 0
    out[linked] = bound / counts[linked]  # upper bound where pairs were not materialised
    if scored.height:
        best = scored.group_by(side).agg(pl.col("p").max())
        out[best[side].to_numpy()] = best["p"].to_numpy()
    return out
