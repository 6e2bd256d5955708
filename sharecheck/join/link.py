"""Record linkage between two releases: exact keys, time windows and distances, all vectorised.

A link plan is a conjunction of components, each one candidate: exact equality of canonical
values, a timestamp within `window_minutes`, or a point within `distance_m`. The engine answers
two questions per plan: how many B records does each A record link to (the counts every measure
is computed from), and which (A row, B row) pairs link (the combined release).

Null never links: a record with a missing key is not matched to every other missing key.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from .candidates import SPATIAL, TEMPORAL, JoinCandidate
from .forms import PointColumns, ReleaseForms
from . import normalise as nz

_EARTH_RADIUS_M = 6_371_008.8
_A, _B = "_sc_a", "_sc_b"


@dataclass(frozen=True)
class Component:
    candidate: JoinCandidate
    a_values: pl.Series | None = None  # exact and temporal components
    b_values: pl.Series | None = None
    a_points: PointColumns | None = None  # spatial components
    b_points: PointColumns | None = None
    # (codes of A's values, codes of B's, bound): see `joint_codes`; made once per component.
    derived: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def kind(self) -> str:
        return self.candidate.kind

    def codes(self) -> tuple[np.ndarray, np.ndarray, int] | None:
        """Integer codes of both sides' values, equal exactly where the values are (-1 for null),
        or None where equality is not that of codes (floats: NaN and -0.0; time windows; points)."""
        if "codes" not in self.derived:
            exact = self.kind not in (TEMPORAL, SPATIAL) and self.a_values is not None
            self.derived["codes"] = joint_codes(self.a_values, self.b_values, self.derived.get("distinct")) if exact else None
        return self.derived["codes"]

    @property
    def label(self) -> str:
        return f"{self.candidate.a_column}={self.candidate.b_column}"


def make_component(candidate: JoinCandidate, fa: ReleaseForms, fb: ReleaseForms) -> Component:
    if candidate.kind == SPATIAL:
        a_points = next(p for p in fa.points if p.name == candidate.a_column)
        b_points = next(p for p in fb.points if p.name == candidate.b_column)
        return Component(candidate, a_points=a_points, b_points=b_points)
    a, b = fa.forms[candidate.a_column], fb.forms[candidate.b_column]
    domain = nz.common_domain(a, b)
    if domain is None:
        a_values, b_values = nz.text_form(a.values.cast(pl.String))[0], nz.text_form(b.values.cast(pl.String))[0]
    else:
        a_values, b_values = domain[0], domain[1]
    if candidate.kind == TEMPORAL:
        a_values = candidate.clock.apply(a_values)
    if a_values.dtype != b_values.dtype and candidate.kind != TEMPORAL:
        a_values, b_values = a_values.cast(pl.String), b_values.cast(pl.String)
    component = Component(candidate, a_values=a_values, b_values=b_values)
    if domain is not None and a_values is domain[0] and b_values is domain[1] and a_values.dtype == pl.String:
        from .candidates import _distinct

        # Each side's distinct values, kept by its form since the candidates were judged: the
        # joint codes' categories come from them instead of from every row of both sides.
        component.derived["distinct"] = (_distinct(a, a_values), _distinct(b, b_values))
    return component


def _coded_exactly(dtype) -> bool:
    """Types whose equal values (as a join and `==` compare them) are equal codes."""
    return dtype == pl.String or dtype.is_integer() or dtype in (pl.Date, pl.Boolean)


def joint_codes(a: pl.Series, b: pl.Series, distinct: tuple[pl.Series, pl.Series] | None = None
                ) -> tuple[np.ndarray, np.ndarray, int] | None:
    """Dense codes over the values of both sides together (A's rows, then B's): equal codes for
    equal values across the sides, -1 for null; with the number of codes. None for other types.
    `distinct`: each side's distinct non-null values (text), when known already."""
    if a.dtype != b.dtype or not _coded_exactly(a.dtype):
        return None
    from ..models._codes import _dense_codes

    if distinct is not None and a.dtype == pl.String:
        # The codes _dense_codes gives the two sides together: the rank among all distinct values.
        categories = pl.concat(distinct).unique().sort()
        enum = pl.Enum(categories)
        codes_a, codes_b = (side.cast(enum).to_physical().cast(pl.Int64).fill_null(-1).to_numpy() for side in (a, b))
        return codes_a, codes_b, categories.len()

    codes = _dense_codes(pl.concat([a, b]))
    return codes[: a.len()], codes[a.len():], int(codes.max()) + 1 if codes.size else 0


def plan_codes(plan: tuple[Component, ...]) -> tuple[np.ndarray, np.ndarray, int] | None:
    """One key per record of each side for an exact plan: equal keys where every component's
    values are equal, -1 where one is null; with a bound on the keys. None unless every
    component has codes."""
    from ..models._codes import combine

    coded = [c.codes() for c in plan]
    if not coded or any(codes is None for codes in coded):
        return None
    rows_a = coded[0][0].size
    key, slots = np.zeros(rows_a + coded[0][1].size, dtype=np.int64), 1
    missing = np.zeros(key.size, dtype=bool)
    for codes_a, codes_b, card in coded:
        # One key over both sides' rows: a re-densified key must number both sides alike.
        codes = np.concatenate([codes_a, codes_b])
        missing |= codes < 0
        key, slots = combine(key, slots, np.where(codes < 0, 0, codes), max(card, 1))
    key[missing] = -1
    return key[:rows_a], key[rows_a:], slots


def _point_ids(radians: np.ndarray) -> tuple[np.ndarray, pl.Series]:
    """Distinct points and, per row, the index of its point (null where the row has none)."""
    from .em import unique_rows

    valid = ~np.isnan(radians).any(axis=1)
    ids = np.full(radians.shape[0], -1, dtype=np.int64)
    unique, _, inverse = unique_rows(radians[valid].reshape(-1, 2), return_inverse=True)
    ids[valid] = inverse
    return unique, pl.Series(ids).replace(-1, None)


def _point_ids_of(points: PointColumns) -> tuple[np.ndarray, pl.Series]:
    """`_point_ids` of a release's points, computed once for all its partners."""
    if "ids" not in points.derived:
        points.derived["ids"] = _point_ids(points.radians)
    return points.derived["ids"]


def _point_pairs(a: PointColumns, b: PointColumns, distance_m: float) -> tuple[pl.Series, pl.Series, pl.DataFrame]:
    """Per-row point ids on both sides and the (A point, B point) pairs within the distance.

    Neighbour search runs over distinct points, not rows: a million trips start at a few hundred
    stations, so the tree is small and the pairs table stays small.
    """
    from sklearn.neighbors import NearestNeighbors

    points_a, ids_a = _point_ids_of(a)
    points_b, ids_b = _point_ids_of(b)
    if len(points_a) == 0 or len(points_b) == 0:
        return ids_a, ids_b, pl.DataFrame({"_sc_pa": [], "_sc_pb": []}, schema={"_sc_pa": pl.Int64, "_sc_pb": pl.Int64})
    search = NearestNeighbors(metric="haversine", algorithm="ball_tree").fit(points_b)
    graph = search.radius_neighbors_graph(points_a, radius=distance_m / _EARTH_RADIUS_M, mode="connectivity").tocsr()
    a_index = np.repeat(np.arange(graph.shape[0], dtype=np.int64), np.diff(graph.indptr))
    pairs = pl.DataFrame({"_sc_pa": a_index, "_sc_pb": graph.indices.astype(np.int64)})
    return ids_a, ids_b, pairs


class Linker:
    """Evaluates link plans between two releases; caches the neighbour searches."""

    def __init__(self, rows_a: int, rows_b: int, window_minutes: float, distance_m: float) -> None:
        self.rows_a, self.rows_b = rows_a, rows_b
        self.window_seconds = int(round(window_minutes * 60))
        self.distance_m = distance_m
        self._spatial: dict[tuple[str, str], tuple] = {}
        self._counts: dict[tuple[str, ...], np.ndarray] = {}

    def _sides(self, plan: tuple[Component, ...]) -> tuple[pl.DataFrame, pl.DataFrame, list[str], str | None]:
        left = {_A: np.arange(self.rows_a, dtype=np.int64)}
        right = {_B: np.arange(self.rows_b, dtype=np.int64)}
        keys: list[str] = []
        time_key = None
        for position, component in enumerate(plan):
            if component.kind == SPATIAL:
                continue
            name = f"_sc_k{position}"
            if component.kind == TEMPORAL:
                time_key = name
                left[name] = component.a_values.dt.epoch("s")
                right[name] = component.b_values.dt.epoch("s")
            else:
                keys.append(name)
                left[name] = component.a_values
                right[name] = component.b_values
        left_frame = pl.DataFrame({k: (v if isinstance(v, pl.Series) else pl.Series(v)) for k, v in left.items()})
        right_frame = pl.DataFrame({k: (v if isinstance(v, pl.Series) else pl.Series(v)) for k, v in right.items()})
        non_null = keys + ([time_key] if time_key else [])
        left_frame, right_frame = left_frame.drop_nulls(non_null), right_frame.drop_nulls(non_null)
        spatial = [c for c in plan if c.kind == SPATIAL]
        if spatial:
            component = spatial[0]
            cache_key = (component.candidate.a_column, component.candidate.b_column)
            if cache_key not in self._spatial:
                self._spatial[cache_key] = _point_pairs(component.a_points, component.b_points, self.distance_m)
            ids_a, ids_b, pairs = self._spatial[cache_key]
            left_frame = (left_frame.with_columns(ids_a.gather(left_frame[_A]).alias("_sc_pa")).drop_nulls("_sc_pa")
                          .join(pairs, on="_sc_pa", how="inner").drop("_sc_pa"))
            right_frame = right_frame.with_columns(ids_b.gather(right_frame[_B]).alias("_sc_pb")).drop_nulls("_sc_pb")
            keys.append("_sc_pb")
        return left_frame, right_frame, keys, time_key

    def _window_pairs(self, left: pl.DataFrame, right: pl.DataFrame, keys: list[str], time_key: str) -> pl.DataFrame:
        # Buckets one window wide: every partner within the window sits in the same or a
        # neighbouring bucket, so three equi-joins find all of them without a cross join.
        window = max(self.window_seconds, 1)
        bucket = (pl.col(time_key) // window).alias("_sc_bucket")
        left = left.with_columns(bucket)
        right = right.with_columns(bucket).rename({time_key: "_sc_tb"})
        joined = pl.concat([
            left.with_columns(pl.col("_sc_bucket") + shift).join(right, on=[*keys, "_sc_bucket"], how="inner")
            for shift in (-1, 0, 1)
        ])
        return joined.filter((pl.col(time_key) - pl.col("_sc_tb")).abs() <= self.window_seconds)

    def counts(self, plan: tuple[Component, ...]) -> np.ndarray:
        """For every A row, the number of B rows it links to."""
        memo = tuple(sorted(c.label for c in plan))
        if memo not in self._counts:
            self._counts[memo] = self._count(plan)
        return self._counts[memo]

    def _count(self, plan: tuple[Component, ...]) -> np.ndarray:
        coded = plan_codes(plan) if plan else None
        if coded is not None and coded[0].size == self.rows_a:
            # The equi-join's counts from integer keys: B's records per key, looked up for A's.
            key_a, key_b, slots = coded
            per_key = np.bincount(key_b[key_b >= 0], minlength=slots)
            return np.where(key_a >= 0, per_key[np.maximum(key_a, 0)], 0).astype(np.int64)
        left, right, keys, time_key = self._sides(plan)
        if time_key is not None:
            per_row = self._window_pairs(left, right, keys, time_key).group_by(_A).agg(pl.len().alias("_sc_m"))
        elif keys:
            per_key = right.group_by(keys).agg(pl.len().alias("_sc_m"))
            per_row = left.join(per_key, on=keys, how="inner")
            if "_sc_pb" in keys:  # one row per nearby point: add up
                per_row = per_row.group_by(_A).agg(pl.col("_sc_m").sum())
        else:
            return np.zeros(self.rows_a, dtype=np.int64)
        counts = np.zeros(self.rows_a, dtype=np.int64)
        counts[per_row[_A].to_numpy()] = per_row["_sc_m"].to_numpy()
        return counts

    def pairs(self, plan: tuple[Component, ...], a_rows: np.ndarray | None = None) -> pl.DataFrame:
        """(A row, B row) for every link; only for the A rows given, when given."""
        left, right, keys, time_key = self._sides(plan)
        if a_rows is not None:
            left = left.filter(pl.col(_A).is_in(pl.Series(a_rows).implode()))
        if time_key is not None:
            return self._window_pairs(left, right, keys, time_key).select(_A, _B)
        if not keys:
            return pl.DataFrame({_A: [], _B: []}, schema={_A: pl.Int64, _B: pl.Int64})
        return left.join(right, on=keys, how="inner").select(_A, _B)


def swapped(plan: tuple[Component, ...]) -> tuple[Component, ...]:
    """The same plan seen from B: to count how many A records each B record links to."""
    from dataclasses import replace

    out = []
    for c in plan:
        candidate = replace(c.candidate, a=c.candidate.b, b=c.candidate.a, a_column=c.candidate.b_column,
                            b_column=c.candidate.a_column, a_in_b=c.candidate.b_in_a, b_in_a=c.candidate.a_in_b)
        turned = Component(candidate, c.b_values, c.a_values, c.b_points, c.a_points)
        if c.derived.get("codes") is not None:
            codes_a, codes_b, card = c.derived["codes"]
            turned.derived["codes"] = (codes_b, codes_a, card)
        out.append(turned)
    return tuple(out)


@dataclass(frozen=True)
class LinkSummary:
    """One side's view of the link: how many records have candidates, how many exactly one, and
    what an intruder gains in people (sharecheck.join.score): the sum of posteriors, and the records
    whose best link is more likely right than wrong."""

    records: int
    linked_any: int
    linked_exactly_one: int
    linked_at_most_k: int
    expected_reidentifications: float
    max_k: int
    reidentified: int = 0

    @classmethod
    def of(cls, counts: np.ndarray, max_k: int, posterior: np.ndarray | None = None,
           confident: float = 0.5) -> "LinkSummary":
        linked = counts[counts > 0]
        if posterior is None:
            posterior = np.where(counts > 0, 1.0 / np.maximum(counts, 1), 0.0)
        return cls(
            records=int(counts.size),
            linked_any=int(linked.size),
            linked_exactly_one=int((linked == 1).sum()),
            linked_at_most_k=int((linked <= max_k).sum()),
            expected_reidentifications=float(posterior.sum()),
            max_k=max_k,
            reidentified=int((posterior >= confident).sum()),
        )

    def share(self, count: int | float) -> float:
        return round(count / self.records, 6) if self.records else 0.0
