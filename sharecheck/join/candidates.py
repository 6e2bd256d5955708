"""Which columns of two releases can be joined, and how sure we are.

Evidence comes from three places, as it does for an intruder: the names (normalised, and mapped
to semantic types through the 7-language vocabulary, so zip ~ code_postal ~ PLZ), the semantic
types the classifier assigned, and the values themselves (containment after normalisation).
Values decide: a renamed key (case_id vs incident_ref) is found by containment alone, while
two columns that share a name but no values are not a join.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from ..naming import match_column_name, normalise_column_name
from . import normalise as nz
from .clock import Clock, best_clock
from .forms import PointColumns, ReleaseForms
from .vocab import join_vocabulary
from .namesakes import NAMESAKE_FACTOR as _NAMESAKE_FACTOR, namesakes
from .sketch import SAMPLE_FROM_DISTINCT, Overlap, lsh_ensemble_pairs, minhash, overlap_of_distinct, sketched_overlap

SHARED_KEY, QUASI_IDENTIFIER, TEMPORAL, SPATIAL = "shared_key", "quasi_identifier", "temporal", "spatial"
_KEY_ROLES = {"pseudonym", "direct_identifier"}
_UNINFORMATIVE_TYPES = {"unknown", "category", "measure", "free_text", "count", "url"}
_EARTH_RADIUS_M = 6_371_008.8
# An untyped, unnamed pair of columns is a join only when its values look like keys and overlap
# broadly: dense small integers (ages, counts, years) overlap by chance.
_UNTYPED_MIN_SHARED = 20
_UNTYPED_MIN_CONTAINMENT = 0.5
_KEY_LIKE_RATIO = 0.5


@dataclass(frozen=True)
class JoinCandidate:
    a: str  # dataset names
    b: str
    a_column: str
    b_column: str
    kind: str  # shared_key | quasi_identifier | temporal | spatial
    score: float
    containment: float
    a_in_b: float
    b_in_a: float
    method: str  # exact | minhash | window | radius | forced
    evidence: tuple[str, ...]
    forced: bool = False
    clock: Clock = Clock()  # temporal candidates: how A's timestamps meet B's clock

    def to_dict(self) -> dict:
        return {
            "a": self.a,
            "b": self.b,
            "a_column": self.a_column,
            "b_column": self.b_column,
            "kind": self.kind,
            "score": round(self.score, 3),
            "containment": round(self.containment, 4),
            "containment_a_in_b": round(self.a_in_b, 4),
            "containment_b_in_a": round(self.b_in_a, 4),
            "method": self.method,
            "forced": self.forced,
            "evidence": list(self.evidence),
            **({"clock": {"shift_hours": self.clock.hours, "zone": self.clock.zone, "a_is_utc": self.clock.a_is_utc}}
               if self.clock.shifted else {}),
        }


# ----------------------------------------------------------------------------- evidence

def name_evidence(a_name: str, b_name: str) -> tuple[float, str | None]:
    """How strongly the two names alone say 'same thing' (0..1), and why."""
    na, nb = normalise_column_name(a_name), normalise_column_name(b_name)
    if na and na == nb:
        return 1.0, "same name after normalisation"
    hints_a = {hint.semantic_type: hint for hint in match_column_name(a_name)}
    hints_b = {hint.semantic_type: hint for hint in match_column_name(b_name)}
    best, reason = 0.0, None
    for semantic_type in hints_a.keys() & hints_b.keys():
        score = min(hints_a[semantic_type].score, hints_b[semantic_type].score)
        if score > best:
            best = score
            reason = (f"names both mean {semantic_type} ({hints_a[semantic_type].language} "
                      f"'{hints_a[semantic_type].term}' ~ {hints_b[semantic_type].language} '{hints_b[semantic_type].term}')")
    return best, reason


def _kind(a: nz.ColumnForm, b: nz.ColumnForm) -> str:
    if a.form == nz.DATETIME and b.form == nz.DATETIME:
        return TEMPORAL
    if a.by_name or b.by_name:
        return QUASI_IDENTIFIER  # an income unique in a small survey is a coincidence of values, not a key
    if a.role in _KEY_ROLES or b.role in _KEY_ROLES or a.form == nz.NAME or b.form == nz.NAME:
        return SHARED_KEY
    # A column unique per record is a key, unless it is a quasi-identifier that happens to be
    # unique in a small release (birth dates of 200 patients): that is still a QI linkage.
    not_qi = a.role not in ("quasi_identifier", "sensitive") and b.role not in ("quasi_identifier", "sensitive")
    if not_qi and max(a.distinct_ratio, b.distinct_ratio) >= 0.9 and min(a.distinct, b.distinct) >= _UNTYPED_MIN_SHARED:
        return SHARED_KEY
    return QUASI_IDENTIFIER


def _window_overlap(a: pl.Series, b: pl.Series, window_minutes: float) -> tuple[float, float]:
    """Share of distinct A instants with a B instant within the window, and vice versa."""
    ta = np.unique(a.drop_nulls().dt.epoch("s").to_numpy())
    tb = np.unique(b.drop_nulls().dt.epoch("s").to_numpy())
    if ta.size == 0 or tb.size == 0:
        return 0.0, 0.0
    window = window_minutes * 60

    def near(x: np.ndarray, y: np.ndarray) -> float:
        position = np.searchsorted(y, x)
        before = np.abs(x - y[np.clip(position - 1, 0, y.size - 1)])
        after = np.abs(y[np.clip(position, 0, y.size - 1)] - x)
        return float((np.minimum(before, after) <= window).mean())

    return near(ta, tb), near(tb, ta)


def _radius_overlap(a: PointColumns, b: PointColumns, distance_m: float) -> tuple[float, float, int, int]:
    (points_a, tree_a), (points_b, tree_b) = _point_tree(a), _point_tree(b)
    radius = distance_m / _EARTH_RADIUS_M
    a_near = tree_b.query_radius(points_a, r=radius, count_only=True)
    b_near = tree_a.query_radius(points_b, r=radius, count_only=True)
    return float((a_near > 0).mean()), float((b_near > 0).mean()), len(points_a), len(points_b)


def _point_tree(points: PointColumns):
    """The distinct points of a release and their BallTree, built once for all its partners."""
    if "tree" not in points.derived:
        from sklearn.neighbors import BallTree

        from .em import unique_rows

        distinct = unique_rows(points.radians[~np.isnan(points.radians).any(axis=1)].reshape(-1, 2))[0]
        points.derived["tree"] = (distinct, BallTree(distinct, metric="haversine"))
    return points.derived["tree"]


@dataclass(frozen=True)
class CandidateSettings:
    window_minutes: float
    distance_m: float
    exact_distinct_max: int
    min_containment: float


def _sketch(forms: ReleaseForms, column: str, values: pl.Series, distinct: int, sampled: bool):
    key = (column, values.dtype, sampled)
    if key not in forms.sketches:
        forms.sketches[key] = (minhash(values, sampled), distinct)
    return forms.sketches[key][0]


def _of_values(form: nz.ColumnForm, values: pl.Series, what: str, compute):
    """`compute(values)` for one of the form's value series (its own or one derived in
    `common_domain`), made once per form: the entry keeps the series, so its id stays its own."""
    key = (what, id(values))
    known = form.derived.get(key)
    if known is None or known[0] is not values:
        known = form.derived[key] = (values, compute(values))
    return known[1]


def _n_unique(form: nz.ColumnForm, values: pl.Series) -> int:
    return _distinct(form, values).len()


def _distinct(form: nz.ColumnForm, values: pl.Series) -> pl.Series:
    return _of_values(form, values, "distinct", lambda v: v.drop_nulls().unique())


def exact_overlap_of(a: nz.ColumnForm, b: nz.ColumnForm, va: pl.Series, vb: pl.Series):
    """`sketch.exact_overlap(va, vb)` for values of the forms `a` and `b`, each side's distinct
    values taken once per form. A form meets every column of every partner, and `is_in` would
    hash the other side each time: each side keeps its distinct values' hashes sorted, the
    smaller side is looked up in the larger, and every hash match is checked on the values, so
    the count stays exact (a side whose distinct values share a hash is counted by `is_in`)."""
    distinct_a, distinct_b = _distinct(a, va), _distinct(b, vb)
    if (distinct_a.dtype == distinct_b.dtype and _in_sets_exactly(distinct_a.dtype) and min(distinct_a.len(), distinct_b.len())
            and distinct_a.len() + distinct_b.len() < _HASHED_FROM):
        # Few values: each form's distinct values as a Python set, kept for all its partners; the
        # overlap is the size of the intersection (`is_in` hashed the other side every time).
        shared = len(_value_set(a, va) & _value_set(b, vb))
        return Overlap(float(shared), distinct_a.len(), distinct_b.len(), "exact")
    if (distinct_a.dtype != distinct_b.dtype or not _hashed_exactly(distinct_a.dtype)
            or min(distinct_a.len(), distinct_b.len()) == 0 or distinct_a.len() + distinct_b.len() < _HASHED_FROM):
        return overlap_of_distinct(distinct_a, distinct_b)
    (hashes_a, order_a), (hashes_b, order_b) = _sorted_hashes(a, va), _sorted_hashes(b, vb)
    if hashes_a is None or hashes_b is None:
        return overlap_of_distinct(distinct_a, distinct_b)
    position = np.minimum(np.searchsorted(hashes_b, hashes_a), hashes_b.size - 1)
    found = np.flatnonzero(hashes_b[position] == hashes_a)
    left = distinct_a.gather(order_a[found])
    right = distinct_b.gather(order_b[position[found]])
    shared = int((left == right).sum()) if found.size else 0
    return Overlap(float(shared), distinct_a.len(), distinct_b.len(), "exact")


# Below this many distinct values on both sides together `is_in` is quicker than the lookups
# (measured: 0.23 against 0.44 ms at 50 + 150 values, 0.54 against 0.38 ms at 2,000 + 6,000).
_HASHED_FROM = 1000


def _in_sets_exactly(dtype) -> bool:
    """Types whose values are equal in Python exactly where polars' `is_in` finds them (not
    floats: NaN; not datetimes: a Python datetime drops nanoseconds)."""
    return dtype == pl.String or dtype.is_integer() or dtype in (pl.Date, pl.Boolean)


def _value_set(form: nz.ColumnForm, values: pl.Series) -> frozenset:
    return _of_values(form, values, "set", lambda v: frozenset(_distinct(form, v).to_list()))


def _hashed_exactly(dtype) -> bool:
    """Types whose equal values hash equal and compare equal (not floats: NaN and -0.0)."""
    return dtype == pl.String or dtype.is_integer() or dtype in (pl.Date, pl.Boolean) or isinstance(dtype, pl.Datetime)


def _sorted_hashes(form: nz.ColumnForm, values: pl.Series) -> tuple[np.ndarray | None, np.ndarray | None]:
    """The form's distinct values' 64-bit hashes, sorted, and where each sits among the distinct
    values; (None, None) when two distinct values share a hash."""
    def compute(v: pl.Series):
        hashes = _distinct(form, v).hash(seed=5).to_numpy()
        order = np.argsort(hashes, kind="stable")
        ordered = hashes[order]
        return (None, None) if bool((ordered[1:] == ordered[:-1]).any()) else (ordered, order)

    return _of_values(form, values, "hashes", compute)


def _overlap(fa: ReleaseForms, fb: ReleaseForms, a: nz.ColumnForm, b: nz.ColumnForm, va, vb, settings):
    distinct_a, distinct_b = _n_unique(a, va), _n_unique(b, vb)
    if max(distinct_a, distinct_b) > settings.exact_distinct_max:
        sampled = min(distinct_a, distinct_b) > SAMPLE_FROM_DISTINCT
        return sketched_overlap(_sketch(fa, a.name, va, distinct_a, sampled), distinct_a,
                                _sketch(fb, b.name, vb, distinct_b, sampled), distinct_b)
    return exact_overlap_of(a, b, va, vb)


def find_candidates(fa: ReleaseForms, fb: ReleaseForms, settings: CandidateSettings,
                    forced: tuple[tuple[str, str], ...] = ()) -> list[JoinCandidate]:
    """Every plausible join column pair, best first. Forced pairs are always kept."""
    candidates: list[JoinCandidate] = []
    forced_set = set(forced)
    untyped_large = _untyped_large_pairs(fa, fb, settings)
    for a in fa.forms.values():
        for b in fb.forms.values():
            is_forced = (a.name, b.name) in forced_set
            candidate = _judge(fa, fb, a, b, settings, is_forced, untyped_large)
            if candidate is not None:
                candidates.append(candidate)
    candidates.extend(_spatial_candidates(fa, fb, settings))
    # Equally contained, the column with more distinct values narrows more: it is tried first.
    def distinct(c: JoinCandidate) -> int:
        sides = (fa.forms.get(c.a_column), fb.forms.get(c.b_column))
        return min(f.distinct for f in sides) if all(sides) else 0

    candidates.sort(key=lambda c: (-c.forced, -c.score, -distinct(c), c.a_column, c.b_column))
    return candidates


def _untyped_large_pairs(fa: ReleaseForms, fb: ReleaseForms, settings) -> set[tuple[str, str]] | None:
    """For large text columns without type evidence, an LSH Ensemble says which pairs to estimate."""
    def large(forms: ReleaseForms):
        return {f.name: f for f in forms.forms.values() if f.form == nz.TEXT and f.distinct > settings.exact_distinct_max}

    large_a, large_b = large(fa), large(fb)
    if not large_a or not large_b:
        return None
    sampled = min(f.distinct for f in [*large_a.values(), *large_b.values()]) > SAMPLE_FROM_DISTINCT
    sketches_a = {n: (_sketch(fa, n, f.values, f.distinct, sampled), f.distinct) for n, f in large_a.items()}
    sketches_b = {n: (_sketch(fb, n, f.values, f.distinct, sampled), f.distinct) for n, f in large_b.items()}
    threshold = _UNTYPED_MIN_CONTAINMENT * 0.8  # the ensemble's own error should not drop a true key
    forward = lsh_ensemble_pairs(sketches_a, sketches_b, threshold)
    backward = {(a, b) for b, a in lsh_ensemble_pairs(sketches_b, sketches_a, threshold)}
    return forward | backward


def _judge(fa, fb, a: nz.ColumnForm, b: nz.ColumnForm, settings, forced: bool, untyped_large) -> JoinCandidate | None:
    domain = nz.common_domain(a, b)
    if domain is None:
        if not forced:
            return None
        # The user says these columns hold the same thing although their forms differ: take
        # them at their word and compare them as text.
        domain = (nz.text_form(a.values.cast(pl.String))[0], nz.text_form(b.values.cast(pl.String))[0], nz.TEXT,
                  ("forms differ; compared as text",))
    va, vb, form, domain_steps = domain
    if a.row_range and b.row_range and not forced:
        return None  # both 0..n-1 or 1..n: row numbers of two tables, not a key they share
    name_score, name_reason = name_evidence(a.name, b.name)
    if (a.by_name or b.by_name) and not forced and (
            normalise_column_name(a.name) != normalise_column_name(b.name)):
        return None  # a measurement meets only its namesake: a count of visits is not an age
    same_type = a.semantic_type == b.semantic_type and a.semantic_type not in _UNINFORMATIVE_TYPES
    typed = same_type or name_score >= 0.7 or form in (nz.POSTAL, nz.SEX, nz.NAME, nz.YEAR)
    if not forced and name_score < 0.7 and not (same_type and _identifying_type(a.semantic_type)) \
            and form not in (nz.NAME, nz.POSTAL) and not (a.temporal and b.temporal) and _chance_domain(va, vb, a.distinct, b.distinct, (a, b)):
        return None
    kind = _kind(a, b)
    clock = Clock()
    if kind == TEMPORAL:
        clock, _ = best_clock(va, vb, settings.window_minutes)
        va = clock.apply(va)
        a_in_b, b_in_a = _window_overlap(va, vb, settings.window_minutes)
        method, shared = "window", None
    else:
        if not typed and not forced:
            if max(a.distinct_ratio, b.distinct_ratio) < _KEY_LIKE_RATIO:
                return None
            if (untyped_large is not None and form == nz.TEXT and max(a.distinct, b.distinct) > settings.exact_distinct_max
                    and (a.name, b.name) not in untyped_large):
                return None
        overlap = _overlap(fa, fb, a, b, va, vb, settings)
        a_in_b, b_in_a, method, shared = overlap.a_in_b, overlap.b_in_a, overlap.method, overlap.shared
        if not typed and not forced and (shared < _UNTYPED_MIN_SHARED or overlap.containment < _UNTYPED_MIN_CONTAINMENT):
            return None
    containment = max(a_in_b, b_in_a)
    # Names shared by dozens of people join two registers even when each holds thousands more.
    many_names = (form == nz.NAME and shared is not None and shared >= _UNTYPED_MIN_SHARED
                  and containment < settings.min_containment and shared >= _NAMESAKE_FACTOR * namesakes(va, vb))
    if containment < settings.min_containment and not forced and not many_names:
        return None
    if kind == TEMPORAL and not (same_type or name_score >= 0.7) and not forced:
        # Two clocks of different events are always close somewhere; time alone links only
        # together with a place (see link.py), and only when both really are timestamps.
        if min(a.distinct, b.distinct) < _UNTYPED_MIN_SHARED:
            return None
    evidence = []
    if forced:
        evidence.append("join forced by the user")
    if name_reason:
        evidence.append(name_reason)
    if same_type:
        evidence.append(f"both classified as {a.semantic_type}")
    evidence.extend(dict.fromkeys(a.steps + b.steps + domain_steps))
    if clock.shifted:
        evidence.append(f"clocks reconciled: {clock.describe(a.name, b.name)}")
    if kind == TEMPORAL:
        evidence.append(f"{a_in_b:.0%} of {a.name}'s instants have one of {b.name}'s within {settings.window_minutes:g} min")
    else:
        evidence.append(f"{a_in_b:.0%} of {a.distinct:,} distinct values of {a.name} occur in {b.name}; "
                        f"{b_in_a:.0%} of {b.distinct:,} the other way ({method})")
    if many_names:
        evidence.append(f"{shared:,} names in both, far more than recombined names meet by chance (namesakes)")
    if max(a.distinct_ratio, b.distinct_ratio) >= 0.9:
        evidence.append("values are (nearly) unique per record on at least one side")
    evidence_strength = max(name_score, 1.0 if same_type else 0.0, 0.8 if typed else 0.0)
    score = containment * (0.6 + 0.4 * evidence_strength)
    return JoinCandidate(fa.name, fb.name, a.name, b.name, kind, round(score, 4), containment, a_in_b, b_in_a,
                         method, tuple(evidence), forced, clock)


def _identifying_type(semantic_type: str) -> bool:
    """Both columns classified as a fact that identifies (sex, race, ZIP, birth date ...): agreement
    of small domains means something. Two outcome flags or two codes agree by chance."""
    from ..classify import semantic_types

    return semantic_types().get(semantic_type, {}).get("role") in ("quasi_identifier", "direct_identifier", "pseudonym")


def _chance_domain(va: pl.Series, vb: pl.Series, distinct_a: int, distinct_b: int, forms=None) -> bool:
    """Containment means nothing: few distinct values, or small integers filling most of [0, max]
    (hours 0..23 sit inside precinct numbers 1..123). `forms`: the column forms the values come
    from, which keep what is read from each side for its other partners."""
    vocabulary = join_vocabulary()
    if min(distinct_a, distinct_b) < vocabulary["chance_min_distinct"]:
        return True
    highs = []
    for form, values in zip(forms or (None, None), (va, vb)):
        integral, high = _integer_max(values) if form is None else _of_values(form, values, "integer_max", _integer_max)
        if not integral:
            return False  # not all integers: a text domain is large
        highs.append(high)
    high = max(int(h) for h in highs)
    return high <= 0 or max(distinct_a, distinct_b) / (high + 1) >= vocabulary["chance_max_density"]


def _integer_max(values: pl.Series) -> tuple[bool, object]:
    """(every value is an integer, the largest)."""
    numbers = values if values.dtype.is_integer() else values.cast(pl.Int64, strict=False)
    if numbers.null_count() > values.null_count():
        return False, None
    return True, numbers.max()


def _spatial_candidates(fa: ReleaseForms, fb: ReleaseForms, settings) -> list[JoinCandidate]:
    candidates = []
    for pa in fa.points:
        for pb in fb.points:
            a_in_b, b_in_a, na, nb = _radius_overlap(pa, pb, settings.distance_m)
            containment = max(a_in_b, b_in_a)
            if containment < settings.min_containment:
                continue
            evidence = (
                "latitude/longitude on both sides (haversine distance, BallTree)",
                f"{a_in_b:.0%} of {na:,} distinct points of {fa.name} lie within {settings.distance_m:g} m of one of {fb.name}'s; "
                f"{b_in_a:.0%} of {nb:,} the other way",
            )
            candidates.append(JoinCandidate(fa.name, fb.name, pa.name, pb.name, SPATIAL, round(containment, 4), containment,
                                            a_in_b, b_in_a, "radius", evidence))
    return candidates
