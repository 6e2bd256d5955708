"""People, not rows: k-anonymity over persons and unicity of their traces.

When one person has many rows (trips, visits, transactions), row-level k says little: an attacker
who knows a few of a person's rows can single the person out. Definitions used here:

* a person's QI signature is the SET of distinct QI tuples over all their rows; persons with the
  same set form a person-level class, and person-level k is the smallest such class;
* unicity (de Montjoye et al., "Unique in the Crowd", 2013): draw p distinct points (QI tuples) at
  random from a person's trace; the person is singled out when no other person's trace contains
  all p points. Unicity(p) = share of sampled persons (with at least p points) singled out. A
  bounded, seeded sample of persons is used; matching is done with joins, never per-person loops.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import polars as pl

from ._util import as_dict, safe_div

PERSON, TUPLE = "_sc_person", "_sc_tuple"


@dataclass(frozen=True)
class UnicityPoint:
    points: int
    persons_sampled: int
    persons_eligible: int  # sampled persons with at least `points` distinct points
    singled_out: int
    unicity: float | None

    def to_dict(self) -> dict:
        return as_dict(self)


@dataclass(frozen=True)
class PersonLevelResult:
    entity_column: str
    n_persons: int
    n_records: int
    n_distinct_points: int
    points_per_person_mean: float | None
    points_per_person_max: int
    k: int | None
    person_classes: int
    person_uniques: int
    person_uniqueness: float | None
    persons_below_k_threshold: int
    k_threshold: int
    unicity: tuple[UnicityPoint, ...]
    definition: str = "signature = set of distinct QI tuples of a person; unicity per de Montjoye et al. 2013"

    def to_dict(self) -> dict:
        return as_dict(self)


def person_points(frame: pl.DataFrame | pl.LazyFrame, entity_id: str, qis: Sequence[str]) -> pl.DataFrame:
    """Distinct (person, QI tuple id) pairs."""
    lazy = frame.lazy().select([pl.col(entity_id).alias(PERSON), *[pl.col(q) for q in qis]])
    if not qis:
        return lazy.select(PERSON).unique().with_columns(pl.lit(0, dtype=pl.UInt32).alias(TUPLE)).collect()
    pairs = lazy.unique().collect()
    # Sorted so that tuple ids, and with them the seeded draws, are the same on every run.
    tuples = pairs.select(list(qis)).unique().sort(list(qis), nulls_last=True).with_row_index(TUPLE)
    return pairs.join(tuples, on=list(qis), how="inner", nulls_equal=True).select([PERSON, TUPLE])


def person_level(
    frame: pl.DataFrame | pl.LazyFrame,
    entity_id: str,
    qis: Sequence[str],
    *,
    k_threshold: int = 5,
    points: Sequence[int] = (1, 2, 3, 4),
    max_persons: int = 2000,
    seed: int = 0,
) -> PersonLevelResult:
    n_records = frame.lazy().select(pl.len()).collect().item()
    pairs = person_points(frame, entity_id, qis)
    per_person = pairs.group_by(PERSON).agg(pl.col(TUPLE).sort().alias("_sc_signature"), pl.len().alias("_sc_points"))
    n_persons = per_person.height
    if n_persons == 0:
        return PersonLevelResult(entity_id, 0, n_records, 0, None, 0, None, 0, 0, None, 0, k_threshold, ())
    classes = per_person.group_by("_sc_signature").agg(pl.len().alias("_sc_size"))["_sc_size"].to_numpy()
    uniques = int((classes == 1).sum())
    below = int(classes[classes < k_threshold].sum())
    unicity = tuple(_unicity(pairs, per_person, p, max_persons, seed) for p in points)
    return PersonLevelResult(
        entity_column=entity_id,
        n_persons=n_persons,
        n_records=n_records,
        n_distinct_points=int(pairs[TUPLE].n_unique()),
        points_per_person_mean=float(per_person["_sc_points"].mean()),
        points_per_person_max=int(per_person["_sc_points"].max()),
        k=int(classes.min()),
        person_classes=int(classes.size),
        person_uniques=uniques,
        person_uniqueness=safe_div(uniques, n_persons),
        persons_below_k_threshold=below,
        k_threshold=k_threshold,
        unicity=unicity,
    )


def _unicity(pairs: pl.DataFrame, per_person: pl.DataFrame, p: int, max_persons: int, seed: int) -> UnicityPoint:
    persons = per_person.select(PERSON, "_sc_points").sort(PERSON)
    sampled = persons.sample(n=min(max_persons, persons.height), seed=seed, shuffle=True)
    eligible = sampled.filter(pl.col("_sc_points") >= p).select(PERSON)
    if eligible.height == 0:
        return UnicityPoint(p, sampled.height, 0, 0, None)
    rng = np.random.default_rng(seed + p)
    trace = eligible.join(pairs, on=PERSON, how="inner").sort([PERSON, TUPLE])
    trace = trace.with_columns(pl.Series("_sc_draw", rng.random(trace.height)))
    chosen = (
        trace.with_columns(pl.col("_sc_draw").rank("ordinal").over(PERSON).alias("_sc_rank"))
        .filter(pl.col("_sc_rank") <= p)
        .select(pl.col(PERSON).alias("_sc_target"), TUPLE)
    )
    support = pairs.group_by(TUPLE).agg(pl.len().alias("_sc_support"))
    # Only persons holding the target's rarest chosen point can hold all p of them.
    rarest = (
        chosen.join(support, on=TUPLE)
        .sort(["_sc_target", "_sc_support", TUPLE])
        .unique(subset="_sc_target", keep="first")
        .select("_sc_target", TUPLE)
    )
    candidates = rarest.join(pairs, on=TUPLE).select("_sc_target", pl.col(PERSON).alias("_sc_candidate"))
    matched = (
        candidates.join(chosen, on="_sc_target")
        .join(pairs, left_on=["_sc_candidate", TUPLE], right_on=[PERSON, TUPLE], how="semi")
        .group_by(["_sc_target", "_sc_candidate"])
        .agg(pl.len().alias("_sc_hits"))
        .filter(pl.col("_sc_hits") == p)
        .group_by("_sc_target")
        .agg(pl.len().alias("_sc_matching_persons"))
    )
    singled_out = int((matched["_sc_matching_persons"] == 1).sum())
    return UnicityPoint(p, sampled.height, eligible.height, singled_out, safe_div(singled_out, eligible.height))
