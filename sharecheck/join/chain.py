"""A⋈B⋈C...: following each release's links to the next carries the first release's records to the last."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from .link import _A, _B
from .measures import ClassMeasures
from .combined import combined_columns
from .pair import PairAnalysis


@dataclass(frozen=True)
class ChainAnalysis:
    releases: tuple[str, ...]
    hops: tuple[tuple[str, ...], ...]  # join columns of each consecutive pair
    records_first: int
    linked_any: int
    linked_exactly_one: int
    combined: ClassMeasures
    alone_k: tuple[int | None, ...]
    pairs_k: tuple[int | None, ...]
    about_people: bool
    columns: tuple[str, ...]

    @property
    def name(self) -> str:
        return " x ".join(self.releases)

    def metrics(self) -> dict[str, Any]:
        return {
            "releases": list(self.releases),
            "join_columns": [list(h) for h in self.hops],
            "records_first": self.records_first,
            "linked_any": self.linked_any,
            "linked_exactly_one": self.linked_exactly_one,
            "linked_unique_share": round(self.linked_exactly_one / self.records_first, 6) if self.records_first else 0.0,
            "k_alone": list(self.alone_k),
            "k_pairs": list(self.pairs_k),
            "k_combined": self.combined.k,
            "sample_uniques_combined": self.combined.sample_uniques,
            "quasi_identifiers_combined": list(self.combined.qis),
        }


def analyse_chain(analysed, pairs: list[PairAnalysis], policy, options, alone=None) -> ChainAnalysis | None:
    """A⋈B⋈C...: follow each release's links to the next, in the order given."""
    by_names = {(p.a.release.name, p.b.release.name): p for p in pairs}
    path = None
    hops = []
    for left, right in zip(analysed, analysed[1:]):
        pair = by_names.get((left.release.name, right.release.name))
        if pair is None or not pair.links or pair.pairs is None:
            return None
        step = pair.pairs.rename({_A: f"_sc_{len(hops)}", _B: f"_sc_{len(hops) + 1}"})
        path = step if path is None else path.join(step, on=f"_sc_{len(hops)}", how="inner")
        hops.append(tuple(pair.join_columns()))
        if path.height == 0:
            return None
    last = f"_sc_{len(hops)}"
    per_first = path.group_by("_sc_0").agg(pl.col(last).n_unique().alias("m"))
    frames, qis = [], []
    people = any(a.about_people for a in analysed)
    for position, release in enumerate(analysed):
        # a table of things in a chain that reaches people describes those people
        own_qis = release.role_in_join("quasi_identifier", people)
        if position > 0:
            _, own_qis, _, _ = combined_columns(analysed[position - 1], release, pairs_plan(by_names, analysed, position))
        if not own_qis:
            continue  # a release of things (a permit's district) adds no quasi-identifier of a person
        rows = path[f"_sc_{position}"].to_numpy()
        part = release.frame.select(own_qis)[rows].rename({q: f"{release.release.name}.{q}" for q in own_qis})
        frames.append(part)
        qis.extend(f"{release.release.name}.{q}" for q in own_qis)
    joined = pl.concat(frames, how="horizontal") if frames else path.select("_sc_0")
    combined = ClassMeasures.of(joined, qis, policy, options.null_mode)
    chain_pairs = [by_names[(l.release.name, r.release.name)] for l, r in zip(analysed, analysed[1:])]
    columns = tuple(dict.fromkeys(c for p in chain_pairs for c in p.plan_columns()))
    return ChainAnalysis(
        releases=tuple(a.release.name for a in analysed),
        hops=tuple(hops),
        records_first=analysed[0].frame.height,
        linked_any=per_first.height,
        linked_exactly_one=int((per_first["m"] == 1).sum()),
        combined=combined,
        alone_k=tuple((alone(a) if alone else ClassMeasures.of(a.frame, a.quasi_identifiers, policy, options.null_mode)).k
                      for a in analysed),
        pairs_k=tuple(p.combined.k for p in chain_pairs),
        about_people=any(a.about_people for a in analysed),
        columns=columns,
    )


def pairs_plan(by_names, analysed, position: int):
    return by_names[(analysed[position - 1].release.name, analysed[position].release.name)].plan
