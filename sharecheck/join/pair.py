"""The attack on one pair of releases: pick the intruder's best link, then measure what it yields.

The intruder's objective is the expected number of correct re-identifications, Σ 1/|matches|
over A's linked records. Plans are grown greedily from the best-scored candidates: a column
both releases really share about the same person narrows the matches and raises the sum; a
column that merely looks alike (a visit date against a registration date) breaks true links and
lowers it, so it is left out without any rule about names.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from ..classify import semantic_types
from ..limits import check_column_pairs
from .agreement import OverlapEstimate, estimate_overlap
from .em import train_m
from .candidates import QUASI_IDENTIFIER, SHARED_KEY, SPATIAL, TEMPORAL, CandidateSettings, JoinCandidate, find_candidates
from .forms import release_forms
from .link import Component, Linker, LinkSummary, make_component, swapped
from .combined import _alone_beside, _combined
from .measures import ClassMeasures, Disclosure
from .population import PopulationTest, same_population
from .score import Comparison, comparisons, m_probability, posteriors
from .vocab import join_vocabulary

SPATIO_TEMPORAL = "spatio_temporal"


@dataclass(frozen=True)
class JoinSettings:
    window_minutes: float = 5.0
    distance_m: float = 100.0
    max_k: int | None = None  # None: the policy's k_min - 1 (linked to fewer than k records)
    exact_distinct_max: int = 50_000
    min_containment: float = 0.1
    pair_limit: int = 5_000_000
    plan_pool: int = 6
    plan_steps: int = 4
    overlap: float | None = None  # share of the smaller release's people in the larger; None: rules/join.yaml

    def candidate_settings(self) -> CandidateSettings:
        return CandidateSettings(self.window_minutes, self.distance_m, self.exact_distinct_max, self.min_containment)


def side_kind(analysed) -> str:
    """people: records describe persons; records: unit records of events or objects;
    areas: one row per area or cell (count tables, facts about ZIP codes), which a join can attach
    to a person without identifying anyone."""
    if any(c.role == "direct_identifier" for c in analysed.columns):
        return "people"  # a count table never names anyone; a misread count column must not hide names
    if analysed.aggregate_count_column is not None:
        return "areas"
    if analysed.about_people:
        return "people"
    subject = getattr(analysed, "subject", None)
    if subject is not None and subject.about == "places":
        return "areas"
    types = semantic_types()
    keyed = any(c.role in ("pseudonym", "direct_identifier") for c in analysed.columns)
    qi_about = {types.get(c.semantic_type, {}).get("about") for c in analysed.columns if c.role == "quasi_identifier"}
    # Only QIs that all describe places make a table of areas: a list of restaurants whose columns
    # were all set aside (no QI at all) is still one row per thing, and its owners can be people.
    if not keyed and qi_about and qi_about <= {"place"}:
        return "areas"
    return "records"


@dataclass(frozen=True)
class PairAnalysis:
    a: Any  # AnalysedRelease
    b: Any
    candidates: tuple[JoinCandidate, ...]
    plan: tuple[Component, ...]
    plan_kind: str | None
    counts_a: np.ndarray = field(repr=False)
    counts_b: np.ndarray = field(repr=False)
    link_a: LinkSummary | None
    link_b: LinkSummary | None
    alone_a: ClassMeasures
    alone_b: ClassMeasures
    combined: ClassMeasures | None
    combined_scope: str
    disclosures: tuple[Disclosure, ...]
    new_identifiers_for_a: tuple[str, ...]  # B's direct-identifier columns of types A lacks
    new_identifiers_for_b: tuple[str, ...]
    names_attached_a: int  # A records with sensitive attributes that gain B's identifiers
    names_attached_b: int
    kind_a: str  # people | records | areas (side_kind)
    kind_b: str
    settings: JoinSettings
    pairs: pl.DataFrame | None = field(default=None, repr=False)
    # Unique links left when one join column is dropped: which column the fix should target.
    without: tuple[tuple[str, int], ...] = ()
    comparisons: tuple[Comparison, ...] = ()
    match_probability: float = 1.0  # m of the whole comparison: product of the columns' m
    overlap: float = 1.0
    population: PopulationTest = PopulationTest("unknown")
    posterior_a: np.ndarray | None = field(default=None, repr=False)
    posterior_b: np.ndarray | None = field(default=None, repr=False)
    overlap_estimate: OverlapEstimate | None = None  # the overlap read from held-out columns, if it was

    @property
    def name(self) -> str:
        return f"{self.a.release.name} x {self.b.release.name}"

    @property
    def about_people(self) -> bool:
        """The join can identify someone: both sides are unit records and one describes people.
        A person linked to the facts of their ZIP code is not identified by it."""
        return "areas" not in (self.kind_a, self.kind_b) and "people" in (self.kind_a, self.kind_b)

    @property
    def different_populations(self) -> bool:
        """The releases cannot describe the same people (other places or periods): their coarse
        quasi-identifiers agree by chance."""
        return self.population.verdict == "different"

    @property
    def identifies(self) -> bool:
        """The link can identify someone: a release about people, the same population."""
        return self.links and self.about_people and not self.different_populations

    @property
    def exposed(self) -> str:
        """The side whose people the link exposes most (a for A's records, b for B's)."""
        if self.link_a is None or self.link_b is None:
            return "a"
        sides = [side for side, kind in (("a", self.kind_a), ("b", self.kind_b)) if kind == "people"] or ["a", "b"]
        # rounded: the two sums can tie but for their last bits, which multi-threaded sums vary
        # from run to run; a tie goes to A, so one report reads the same every time
        return max(sides, key=lambda side: round((self.link_a if side == "a" else self.link_b).expected_reidentifications, 6))

    @property
    def links(self) -> bool:
        return bool(self.plan) and self.link_a is not None and self.link_a.linked_any > 0

    def qualified(self, side: str, column: str) -> str:
        release = self.a if side == "a" else self.b
        return f"{release.release.name}.{column}"

    def join_columns(self) -> list[str]:
        return [component.label for component in self.plan]

    def plan_columns(self) -> list[str]:
        return [self.qualified("a", c.candidate.a_column) for c in self.plan] + [
            self.qualified("b", c.candidate.b_column) for c in self.plan]

    def metrics(self) -> dict[str, Any]:
        link, settings = self.link_a, self.settings
        exposed = (self.link_a if self.exposed == "a" else self.link_b) if link else None
        metrics: dict[str, Any] = {
            "records_a": self.a.frame.height,
            "records_b": self.b.frame.height,
            "join_kind": self.plan_kind,
            "join_columns": self.join_columns(),
            "about_people": self.about_people,
            "kind_a": self.kind_a,
            "kind_b": self.kind_b,
            "linked_any": link.linked_any if link else 0,
            "linked_exactly_one": link.linked_exactly_one if link else 0,
            "linked_unique_share": link.share(link.linked_exactly_one) if link else 0.0,
            "max_k": link.max_k if link else settings.max_k,
            "linked_at_most_k": link.linked_at_most_k if link else 0,
            "linked_at_most_k_share": link.share(link.linked_at_most_k) if link else 0.0,
            "linked_several": (link.linked_any - link.linked_exactly_one) if link else 0,
            "unlinked": (link.records - link.linked_any) if link else self.a.frame.height,
            "expected_reidentifications": round(exposed.expected_reidentifications, 4) if exposed else 0.0,
            "expected_reidentification_share": exposed.share(exposed.expected_reidentifications) if exposed else 0.0,
            "reidentified": exposed.reidentified if exposed else 0,
            "exposed_side": self.exposed if link else None,
            "expected_reidentifications_a": round(link.expected_reidentifications, 4) if link else 0.0,
            "expected_reidentifications_b": round(self.link_b.expected_reidentifications, 4) if self.link_b else 0.0,
            "reidentified_a": link.reidentified if link else 0,
            "reidentified_b": self.link_b.reidentified if self.link_b else 0,
            "overlap_assumed": self.overlap,
            "overlap_note": (f"assumes {self.overlap:.0%} of the smaller release's people are in the larger one"
                             + (f" ({self.overlap_estimate.describe()})" if self.overlap_estimate else "")),
            "match_probability": round(self.match_probability, 6),
            "comparisons": [c.to_dict() for c in self.comparisons],
            "population": self.population.to_dict(),
            "b_linked_exactly_one": self.link_b.linked_exactly_one if self.link_b else 0,
            "k_a": self.alone_a.k,
            "k_b": self.alone_b.k,
            "k_combined": self.combined.k if self.combined else None,
            "sample_uniques_a": self.alone_a.sample_uniques,
            "sample_uniques_b": self.alone_b.sample_uniques,
            "sample_uniques_combined": self.combined.sample_uniques if self.combined else None,
            "prosecutor_risk_highest_combined": self.combined.prosecutor_highest if self.combined else None,
            "records_at_risk_combined": self.combined.records_at_risk if self.combined else None,
            "records_combined": self.combined.records if self.combined else 0,
            "combined_scope": self.combined_scope,
            "quasi_identifiers_combined": list(self.combined.qis) if self.combined else [],
            "names_attached_a": self.names_attached_a,
            "names_attached_b": self.names_attached_b,
            "new_identifiers_for_a": list(self.new_identifiers_for_a),
            "new_identifiers_for_b": list(self.new_identifiers_for_b),
            "attribute_disclosure": [
                {"attribute": d.attribute, "homogeneous_alone": d.homogeneous_alone, "homogeneous_joined": d.homogeneous_joined}
                for d in self.disclosures
            ],
        }
        if any(c.kind == TEMPORAL for c in self.plan):
            metrics["window_minutes"] = settings.window_minutes
        if any(c.kind == SPATIAL for c in self.plan):
            metrics["distance_m"] = settings.distance_m
        return metrics


def _valid(plan: tuple[Component, ...]) -> bool:
    """Time alone or place alone does not single a record out of another release: two clocks are
    always close somewhere, and points cluster at stations and corners."""
    kinds = [c.kind for c in plan]
    if kinds.count(TEMPORAL) > 1 or kinds.count(SPATIAL) > 1:
        return False
    exact = [k for k in kinds if k not in (TEMPORAL, SPATIAL)]
    return bool(exact) or (TEMPORAL in kinds and SPATIAL in kinds)


def _compatible(plan: tuple[Component, ...], component: Component) -> bool:
    used_a = {c.candidate.a_column for c in plan}
    used_b = {c.candidate.b_column for c in plan}
    if component.candidate.a_column in used_a or component.candidate.b_column in used_b:
        return False
    kinds = [c.kind for c in plan]
    return component.kind not in (TEMPORAL, SPATIAL) or component.kind not in kinds


def _score(counts: np.ndarray) -> tuple[int, float, int]:
    linked = counts[counts > 0]
    return int((linked == 1).sum()), float((1.0 / linked).sum()) if linked.size else 0.0, int(linked.size)


def choose_plan(candidates, fa, fb, linker: Linker, settings: JoinSettings) -> tuple[Component, ...]:
    """The intruder's link: grown greedily by unique links (then expected re-identifications).

    A further column is kept when it singles out more records, or when (nearly) every linked
    record agrees on it: a fact both releases hold about the same person. A column that only
    looks alike breaks true links and is left out.
    """
    forced = [c for c in candidates if c.forced]
    if forced:
        return tuple(make_component(c, fa, fb) for c in forced)
    chosen = list(candidates[: settings.plan_pool])
    chosen += [c for c in candidates[settings.plan_pool:] if c.kind == SHARED_KEY]
    pool = [make_component(c, fa, fb) for c in chosen]
    plan: tuple[Component, ...] = ()
    current = (0, 0.0, 0)
    best_valid: tuple[Component, ...] = ()
    # A key (a name, a case number) is the intruder's first choice: it is the identity itself, while
    # a date or a ZIP code that happens to be unique in both releases is a coincidence.
    keys = [(c, _score(linker.counts((c,)))) for c in pool if c.kind == SHARED_KEY]
    keys = [(c, score) for c, score in keys if score[0] > 0]
    if keys:
        key, current = max(keys, key=lambda item: item[1][:2])
        plan = best_valid = (key,)
    for _ in range(settings.plan_steps):
        best_step, best_step_score = None, None
        for component in pool:
            if not _compatible(plan, component):
                continue
            trial = plan + (component,)
            score = _score(linker.counts(trial))
            if best_step_score is None or score[:2] > best_step_score[:2]:
                best_step, best_step_score = trial, score
        if best_step is None:
            break
        unique, expected, linked = best_step_score
        improves = unique > current[0] or (unique == current[0] and expected > current[1] + 1e-9)
        # Nearly every linked record agrees on the column: a fact both releases hold about the same
        # person. The few links it breaks were false ones (a namesake in another ZIP).
        # Only worth it while some record still links to several.
        ambiguous = current[2] > current[0]
        agrees = bool(plan) and ambiguous and linked >= 0.95 * current[2] and linked > 0
        # Time or place alone is not a link (see _valid): such a plan must take a further
        # component even if it drops links, since those links were coincidences of the clock.
        if not (improves or agrees or (plan and not _valid(plan) and linked > 0)):
            break
        plan, current = best_step, best_step_score
        if _valid(plan):
            best_valid = plan
    return best_valid


def _is_place(component: Component, fa, fb) -> bool:
    if component.kind == SPATIAL:
        return True
    types = semantic_types()
    forms = (fa.forms.get(component.candidate.a_column), fb.forms.get(component.candidate.b_column))
    return any(f is not None and (types.get(f.semantic_type, {}).get("about") == "place"
                                  or f.semantic_type == "street_address") for f in forms)


def plan_kind(plan: tuple[Component, ...], fa, fb) -> str | None:
    """LK604's link is time and place together (a minute at a station); a place without a time,
    or a time without a place, links like any other quasi-identifier (LK602)."""
    if not plan:
        return None
    kinds = {c.kind for c in plan}
    if TEMPORAL in kinds and any(_is_place(c, fa, fb) for c in plan if c.kind != TEMPORAL):
        return SPATIO_TEMPORAL
    if SHARED_KEY in kinds:
        return SHARED_KEY
    return QUASI_IDENTIFIER


_NAME_PARTS = {"person_name": "name", "first_name": "name", "last_name": "name"}


def _direct_identifier_types(analysed, partner_about_people: bool) -> dict[str, str]:
    """Direct-identifier columns by what they reveal: a full name and first+last name are the same
    news; as the columns read in this join (a permit's site address, `other` in the permit table,
    is where the person linked to it was: AnalysedRelease.role_in_join)."""
    identifiers = set(analysed.role_in_join("direct_identifier", partner_about_people))
    return {c.name: _NAME_PARTS.get(c.semantic_type, c.semantic_type) for c in analysed.columns
            if c.name in identifiers or c.semantic_type in _NAME_PARTS}


def _new_identifiers(source, target) -> tuple[str, ...]:
    """Direct-identifier columns of `source` whose kind `target` does not already carry."""
    known = set(_direct_identifier_types(target, False).values())  # what the target names on its own
    return tuple(name for name, semantic in _direct_identifier_types(source, target.about_people).items() if semantic not in known)


def _train_m(plan, fa, fb, linker):
    """EM estimate of m for the plan's exact columns (em.py)."""
    exact = tuple(c for c in plan if c.kind not in (TEMPORAL, SPATIAL) and c.a_values is not None)
    if not exact:
        return None
    return train_m(exact, linker, {c.label: m_probability(c, fa, fb) for c in exact})


def analyse_pair(a, b, options, policy, settings: JoinSettings, forced=(), forms=None, alone=None) -> PairAnalysis:
    """`forms` (analysed, keep) -> ReleaseForms and `alone` (analysed) -> ClassMeasures: callables
    that cache each release's join forms and class sizes across pairs."""
    keep_a = tuple(x for x, _ in forced)
    keep_b = tuple(y for _, y in forced)
    forms = forms or release_forms
    fa, fb = forms(a, keep_a), forms(b, keep_b)
    check_column_pairs(a.release.name, b.release.name, len(fa.forms), len(fb.forms))
    candidates = tuple(find_candidates(fa, fb, settings.candidate_settings(), tuple(forced)))
    max_k = settings.max_k if settings.max_k is not None else max(policy.k_min - 1, 1)
    linker = Linker(a.frame.height, b.frame.height, settings.window_minutes, settings.distance_m)
    kind_a, kind_b = side_kind(a), side_kind(b)
    alone = alone or (lambda release: ClassMeasures.of(release.frame, release.quasi_identifiers, policy, options.null_mode))
    alone_a, alone_b = _alone_beside(a, b, alone, policy, options), _alone_beside(b, a, alone, policy, options)
    plan = choose_plan(candidates, fa, fb, linker, settings)
    empty = np.zeros(0, dtype=np.int64)
    if not plan:
        return PairAnalysis(a, b, candidates, (), None, empty, empty, None, None, alone_a, alone_b, None, "none", (),
                            (), (), 0, 0, kind_a, kind_b, settings)
    counts_a = linker.counts(plan)
    reverse = Linker(b.frame.height, a.frame.height, settings.window_minutes, settings.distance_m)
    counts_b = reverse.counts(swapped(plan))

    total_pairs = int(counts_a.sum())
    if total_pairs <= settings.pair_limit:
        pairs, scope = linker.pairs(plan), "all linked pairs"
    else:
        # Records linked to many others are not singled out by this join; the combined release is
        # measured on the records that are, so memory stays bounded.
        rows = np.flatnonzero((counts_a > 0) & (counts_a <= max_k))
        pairs, scope = linker.pairs(plan, rows), f"linked pairs of records with at most {max_k} matches"
    vocabulary = join_vocabulary()
    overlap = settings.overlap if settings.overlap is not None else float(vocabulary["default_overlap"])
    estimate = None
    kind = plan_kind(plan, fa, fb)
    if settings.overlap is None and kind != SHARED_KEY:
        # A key is the identity itself; agreement of coarse values may be chance: measured where it can be.
        estimate = estimate_overlap(plan, candidates, fa, fb, pairs, counts_a, counts_b, linker)
        if estimate is not None:
            overlap = min(overlap, estimate.share)
    compared = comparisons(plan, fa, fb, _train_m(plan, fa, fb, linker))
    m = float(np.prod([c.m for c in compared]))
    scored = posteriors(plan, linker, pairs, counts_a, counts_b, m, overlap, complete=total_pairs <= settings.pair_limit)
    confident = float(vocabulary["confident_posterior"])
    link_a = LinkSummary.of(counts_a, max_k, scored.a, confident)
    link_b = LinkSummary.of(counts_b, max_k, scored.b, confident)
    coarse = kind in (QUASI_IDENTIFIER, SPATIO_TEMPORAL) and not any(
        c.kind == SHARED_KEY for c in plan)
    population = same_population(a, b, fa, fb, plan) if coarse else PopulationTest("unknown")

    without = tuple(
        (component.label, int((linker.counts(tuple(c for c in plan if c is not component)) == 1).sum()))
        for component in plan) if len(plan) > 1 else ((plan[0].label, 0),)
    combined, disclosures = _combined(a, b, plan, pairs, policy, options)
    new_for_a, new_for_b = _new_identifiers(b, a), _new_identifiers(a, b)
    # A name reaches a sensitive record only through a link more likely right than wrong: 512
    # records matched to the one person of their group in a small release get no name.
    attached_a = link_a.reidentified if new_for_a and a.sensitive else 0
    attached_b = link_b.reidentified if new_for_b and b.sensitive else 0
    return PairAnalysis(a, b, candidates, plan, kind, counts_a, counts_b, link_a, link_b, alone_a, alone_b,
                        combined, scope, tuple(disclosures), new_for_a, new_for_b, attached_a, attached_b,
                        kind_a, kind_b, settings, pairs, without, compared, m, overlap, population, scored.a, scored.b,
                        estimate)
