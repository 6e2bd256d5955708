"""Same population or not: can the two releases describe the same people at all?

Coarse quasi-identifiers (race, sex, age group, precinct) agree between any two releases of the
same kind; they identify someone only if both releases cover the same people. Before such a link
is believed, the places and times the releases cover are compared: the value sets of their
geography columns (ZIP codes, cities, places, streets), the extents of their coordinates, the
ranges of their event dates, and the vocabularies of the linking columns. Precinct 1 of one
city is not precinct 1 of another, and a stop in 2019 is not a use of force in 2021.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from . import normalise as nz
from .candidates import SPATIAL, TEMPORAL, _chance_domain, name_evidence
from .vocab import join_vocabulary

_GEOGRAPHY = {"postal_code", "place", "street"}
_EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class PopulationTest:
    verdict: str  # same | different | unknown
    evidence: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"verdict": self.verdict, "evidence": list(self.evidence)}


def _jaccard(a: pl.Series, b: pl.Series) -> tuple[float, int, int]:
    sa, sb = a.drop_nulls().unique(), b.drop_nulls().unique()
    if sa.dtype != sb.dtype:
        sa, sb = sa.cast(pl.String), sb.cast(pl.String)
    shared = int(sa.is_in(sb.implode()).sum())
    union = sa.len() + sb.len() - shared
    return (shared / union if union else 0.0), sa.len(), sb.len()


def _geography(a, b, fa, fb, settings) -> tuple[list[str], list[str]]:
    same, different = [], []
    for ca in a.columns:
        if ca.semantic_type not in _GEOGRAPHY or ca.name not in fa.forms:
            continue
        for cb in b.columns:
            if cb.name not in fb.forms or cb.semantic_type not in _GEOGRAPHY:
                continue
            if ca.semantic_type != cb.semantic_type and name_evidence(ca.name, cb.name)[0] < 0.7:
                continue
            domain = nz.common_domain(fa.forms[ca.name], fb.forms[cb.name])
            if domain is None:
                continue
            jaccard, na, nb = _jaccard(domain[0], domain[1])
            if min(na, nb) < settings["min_distinct"]:
                continue
            text = f"{ca.name} ~ {cb.name} ({ca.semantic_type}): {jaccard:.0%} of the {na + nb:,} distinct values shared"
            if jaccard <= settings["max_disjoint_jaccard"]:
                different.append(text)
            elif not _chance_domain(domain[0], domain[1], na, nb):
                same.append(text)  # shared precinct numbers 1..20 say nothing; shared ZIP codes do
    return same, different


def _box(radians: np.ndarray) -> np.ndarray | None:
    points = np.degrees(radians[~np.isnan(radians).any(axis=1)])
    if len(points) < 2:
        return None
    return np.percentile(points, [1, 99], axis=0)  # [[lat_lo, lon_lo], [lat_hi, lon_hi]]


def _box_gap_km(box_a: np.ndarray, box_b: np.ndarray) -> float:
    lat_gap = max(0.0, box_b[0, 0] - box_a[1, 0], box_a[0, 0] - box_b[1, 0])
    lon_gap = max(0.0, box_b[0, 1] - box_a[1, 1], box_a[0, 1] - box_b[1, 1])
    mid_lat = np.radians((box_a[0, 0] + box_a[1, 0] + box_b[0, 0] + box_b[1, 0]) / 4)
    return float(np.hypot(np.radians(lat_gap), np.radians(lon_gap) * np.cos(mid_lat)) * _EARTH_RADIUS_KM)


def _coordinates(fa, fb, settings) -> tuple[list[str], list[str]]:
    same, different = [], []
    for pa in fa.points:
        for pb in fb.points:
            box_a, box_b = _box(pa.radians), _box(pb.radians)
            if box_a is None or box_b is None:
                continue
            gap = _box_gap_km(box_a, box_b)
            text = f"{pa.name} ~ {pb.name}: the point extents are {gap:,.0f} km apart" if gap else \
                f"{pa.name} ~ {pb.name}: the point extents overlap"
            (different if gap >= settings["min_gap_km"] else same).append(text)
    return same, different


def _period(forms) -> tuple[np.ndarray | None, str | None]:
    epochs, names = [], []
    for form in forms.values():
        if form.temporal and form.semantic_type != "birth_date":
            values = form.values.drop_nulls()
            if values.len():
                epochs.append(values.cast(pl.Datetime("us")).dt.epoch("s").to_numpy())
                names.append(form.name)
    if not epochs:
        return None, None
    return np.percentile(np.concatenate(epochs), [1, 99]), ", ".join(names[:3])


def _periods(fa, fb, settings) -> tuple[list[str], list[str]]:
    (range_a, names_a), (range_b, names_b) = _period(fa.forms), _period(fb.forms)
    if range_a is None or range_b is None:
        return [], []
    gap_days = max(0.0, range_b[0] - range_a[1], range_a[0] - range_b[1]) / 86400
    if gap_days >= settings["min_gap_days"]:
        return [], [f"their dates ({names_a} / {names_b}) cover periods {gap_days:,.0f} days apart"]
    return [f"their dates ({names_a} / {names_b}) cover overlapping periods"], []


def _vocabularies(plan, settings) -> list[str]:
    different = []
    for component in plan:
        if component.kind in (TEMPORAL, SPATIAL) or component.a_values is None:
            continue
        if not (component.a_values.dtype == pl.String and component.b_values.dtype == pl.String):
            continue
        jaccard, na, nb = _jaccard(component.a_values, component.b_values)
        if min(na, nb) < 5 or max(na, nb) > settings["vocabulary_max_distinct"]:
            continue  # not a categorical vocabulary (birth dates, names)
        shared = round(jaccard * (na + nb) / (1 + jaccard))
        contained = shared / min(na, nb)
        if contained <= settings["max_vocabulary_containment"]:
            different.append(f"{component.label}: only {shared} of the smaller vocabulary's {min(na, nb)} values "
                             f"occur in the other release (different coding)")
    return different


def coarse(plan, fa, fb, settings) -> bool:
    """A link on categorical values only (race, sex, age group, precinct, hour): it can single
    someone out only within one population and one period. ZIP codes, dates and names are not
    coarse: people keep them across the years."""
    for component in plan:
        if component.kind in (TEMPORAL, SPATIAL):
            continue
        values = (component.a_values, component.b_values)
        if any(v is None or v.dtype in (pl.Date, pl.Datetime("us")) for v in values):
            return False
        if max(v.drop_nulls().n_unique() for v in values) > settings["vocabulary_max_distinct"]:
            return False
        forms = (fa.forms.get(component.candidate.a_column), fb.forms.get(component.candidate.b_column))
        if any(f is not None and f.form in (nz.POSTAL, nz.NAME) for f in forms):
            return False
    return True


def same_population(a, b, fa, fb, plan) -> PopulationTest:
    """Whether two releases can describe the same people, with the evidence in words. Places are
    compared for every quasi-identifier link; periods only for coarse ones (see `coarse`)."""
    settings = join_vocabulary()["population"]
    same_geo, different_geo = _geography(a, b, fa, fb, settings)
    same_xy, different_xy = _coordinates(fa, fb, settings)
    same_time, different_time = _periods(fa, fb, settings) if coarse(plan, fa, fb, settings) else ([], [])
    different_vocabulary = _vocabularies(plan, settings)
    # Coordinates outweigh codes: two cities both number their precincts from 1.
    place_differs = (different_xy and not same_xy) or (different_geo and not same_geo and not same_xy)
    if place_differs or different_time or different_vocabulary:
        return PopulationTest("different", tuple(different_geo + different_xy + different_time + different_vocabulary))
    same = same_geo + same_xy + same_time
    return PopulationTest("same" if same else "unknown", tuple(same))
