"""``assess``: every privacy model for one release, computed from one frequency table."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Sequence

import polars as pl

from ._freq import FrequencyTable, frequency_table
from ._util import plain
from .closeness import ClosenessResult, t_closeness
from .contribution import QIContribution, drop_one_uniques
from .disclosure import DisclosureResult, delta_disclosure_and_beta
from .diversity import DiversityResult, l_diversity
from .inference import InferenceResult, predictability
from .kanon import AlphaKResult, KAnonymityResult, alpha_k_anonymity, k_anonymity
from .msu import MSUResult, SubsetMetric, analyse_subsets
from .policy import ModelPolicy
from .risk import RiskResult, reidentification_risk

if TYPE_CHECKING:  # imported where used: most scans have no population figures and no entity id
    from .population import PopulationUniquenessResult
    from .unicity import PersonLevelResult


@dataclass(frozen=True)
class PolicyCheck:
    """One threshold of the policy applied to one metric (and attribute, when it has one)."""

    name: str
    value: float | None
    threshold: float
    comparison: str  # ">=", "<=" or "<": how value must relate to threshold to pass
    passed: bool
    attribute: str | None = None

    def to_dict(self) -> dict:
        return {k: plain(v) for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class Assessment:
    qis: tuple[str, ...]
    sensitive: tuple[str, ...]
    n_records: int
    null_mode: str
    policy: ModelPolicy
    k_anonymity: KAnonymityResult
    alpha_k: tuple[AlphaKResult, ...]
    l_diversity: tuple[DiversityResult, ...]
    t_closeness: tuple[ClosenessResult, ...]
    disclosure: tuple[DisclosureResult, ...]  # delta-disclosure and beta-likeness
    risk: RiskResult
    population_uniqueness: PopulationUniquenessResult | None
    subsets: tuple[SubsetMetric, ...]  # distinction / separation per QI subset
    msu: MSUResult | None
    persons: PersonLevelResult | None
    inference: tuple[InferenceResult, ...]
    checks: tuple[PolicyCheck, ...]
    timings: dict[str, float] = field(default_factory=dict, compare=False)
    qi_contribution: tuple[QIContribution, ...] = ()  # uniques when each QI is dropped
    # The frequency table assess built from the records (None when the caller passed one): the
    # scan's detectors read it instead of grouping the records again. Never exported.
    records_table: FrequencyTable | None = field(default=None, repr=False, compare=False)

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)

    @property
    def failed_checks(self) -> tuple[PolicyCheck, ...]:
        return tuple(c for c in self.checks if not c.passed)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: counts, metrics and column names only, never a data value."""
        return {
            "qis": list(self.qis),
            "sensitive": list(self.sensitive),
            "n_records": self.n_records,
            "null_mode": self.null_mode,
            "policy": self.policy.to_dict(),
            "passed": self.passed,
            "checks": [c.to_dict() for c in self.checks],
            "k_anonymity": self.k_anonymity.to_dict(),
            "alpha_k": [r.to_dict() for r in self.alpha_k],
            "l_diversity": [r.to_dict() for r in self.l_diversity],
            "t_closeness": [r.to_dict() for r in self.t_closeness],
            "disclosure": [r.to_dict() for r in self.disclosure],
            "risk": self.risk.to_dict(),
            "population_uniqueness": self.population_uniqueness.to_dict() if self.population_uniqueness else None,
            "subsets": [s.to_dict() for s in self.subsets],
            "msu": self.msu.to_dict() if self.msu else None,
            "persons": self.persons.to_dict() if self.persons else None,
            "inference": [r.to_dict() for r in self.inference],
            "qi_contribution": [r.to_dict() for r in self.qi_contribution],
            "timings_s": {k: round(v, 4) for k, v in self.timings.items()},
        }


class _Stopwatch:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    def __call__(self, name: str):
        watch = self

        class _Lap:
            def __enter__(self):
                self.start = time.perf_counter()

            def __exit__(self, *exc):
                watch.timings[name] = watch.timings.get(name, 0.0) + time.perf_counter() - self.start

        return _Lap()


def assess(
    frame: pl.DataFrame | pl.LazyFrame,
    qis: Sequence[str],
    sensitive: Sequence[str] = (),
    *,
    policy: ModelPolicy | None = None,
    entity_id: str | None = None,
    population_size: int | None = None,
    sampling_fraction: float | None = None,
    population: pl.DataFrame | None = None,
    hierarchies: dict | None = None,
    null_mode: str = "value",
    max_msu_size: int = 4,
    subset_limit: int = 3,
    inference: bool = True,
    seed: int = 0,
    table: FrequencyTable | None = None,
) -> Assessment:
    """Run every model on one release.

    ``table`` lets a caller that built (or merged) the frequency table elsewhere skip the scan;
    the person-level and inference parts still need ``frame``. ``hierarchies`` maps a sensitive
    attribute to a generalisation hierarchy (rows: leaf, then ever more general values) and
    switches its t-closeness to the hierarchical distance.
    """
    policy = policy or ModelPolicy()
    hierarchies = hierarchies or {}
    watch = _Stopwatch()
    qis = tuple(dict.fromkeys(qis))
    sensitive = tuple(s for s in dict.fromkeys(sensitive) if s not in qis)
    if entity_id is not None:
        qis = tuple(q for q in qis if q != entity_id)
        sensitive = tuple(s for s in sensitive if s != entity_id)
    own_table = table is None
    with watch("frequency_table"):
        if table is None:
            table = frequency_table(frame, qis, sensitive, null_mode=null_mode)
        schema = table.cells.schema

    with watch("k_anonymity"):
        k_result = k_anonymity(table, policy.k_min)
    alpha_results, diversity_results, closeness_results, disclosure_results = [], [], [], []
    for attribute in sensitive:
        with watch("alpha_k"):
            alpha_results.append(alpha_k_anonymity(table, attribute, policy.alpha_max))
        with watch("l_diversity"):
            diversity_results.append(
                l_diversity(table, attribute, c=policy.l_recursive_c, l=policy.l_recursive_l, distinct_l_min=policy.l_distinct_min)
            )
        with watch("t_closeness"):
            closeness_results.append(
                t_closeness(table, attribute, t_threshold=policy.t_max, hierarchy=hierarchies.get(attribute), dtype=schema[attribute])
            )
        with watch("disclosure"):
            disclosure_results.append(
                delta_disclosure_and_beta(table, attribute, delta_threshold=policy.delta_max, beta_threshold=policy.beta_max)
            )
    with watch("risk"):
        risk = reidentification_risk(
            table,
            tau=policy.risk_threshold,
            population=population,
            population_size=population_size,
            sampling_fraction=sampling_fraction,
        )
    population_result = None
    with watch("population_uniqueness"):
        if table.n and (sampling_fraction is not None or population_size is not None or population is not None):
            from .population import population_uniqueness

            size = population_size if population_size is not None else (population.height if population is not None and sampling_fraction is None else None)
            population_result = population_uniqueness(
                table.effective_class_sizes if null_mode == "value" else table.class_sizes,
                sampling_fraction=sampling_fraction if size is None else None,
                population_size=size,
            )
    with watch("subsets_and_msu"):
        msu_result, subset_results = analyse_subsets(table, max_msu_size=max_msu_size, subset_limit=subset_limit)
        if max_msu_size < 1:
            msu_result = None
    with watch("qi_contribution"):
        contribution = drop_one_uniques(table)
    persons = None
    if entity_id is not None:
        with watch("persons"):
            from .unicity import person_level

            persons = person_level(
                frame,
                entity_id,
                qis,
                k_threshold=policy.k_min,
                points=policy.unicity_points,
                max_persons=policy.unicity_max_persons,
                seed=seed,
            )
    inference_results: list[InferenceResult] = []
    if inference and sensitive:
        with watch("inference"):
            for attribute in sensitive:
                inference_results.append(
                    predictability(frame, qis, attribute, max_rows=policy.inference_max_rows, folds=policy.inference_folds, seed=seed)
                )
    checks = _checks(policy, k_result, diversity_results, closeness_results, disclosure_results, alpha_results,
                     risk, population_result, persons, inference_results)
    return Assessment(
        qis=qis,
        sensitive=sensitive,
        n_records=table.n,
        null_mode=null_mode,
        policy=policy,
        k_anonymity=k_result,
        alpha_k=tuple(alpha_results),
        l_diversity=tuple(diversity_results),
        t_closeness=tuple(closeness_results),
        disclosure=tuple(disclosure_results),
        risk=risk,
        population_uniqueness=population_result,
        subsets=subset_results,
        msu=msu_result,
        persons=persons,
        inference=tuple(inference_results),
        checks=tuple(checks),
        timings=watch.timings,
        qi_contribution=contribution,
        records_table=table if own_table else None,
    )


def _check(name: str, value: float | None, threshold: float | None, comparison: str, attribute: str | None = None) -> PolicyCheck | None:
    if threshold is None:
        return None
    # An undefined metric (no records, no non-null sensitive values) cannot disclose anything.
    if value is None:
        passed = True
    elif comparison == ">=":
        passed = value >= threshold
    elif comparison == "<":
        passed = value < threshold
    else:
        passed = value <= threshold + 1e-12
    return PolicyCheck(name, value, threshold, comparison, bool(passed), attribute)


def _checks(policy, k_result, diversity_results, closeness_results, disclosure_results, alpha_results,
            risk, population_result, persons, inference_results) -> list[PolicyCheck]:
    checks = [
        _check("k_anonymity", k_result.k, policy.k_min, ">="),
        _check("sample_uniqueness", risk.sample_uniqueness, policy.sample_uniqueness_max, "<="),
        _check("records_at_risk", risk.prosecutor.records_at_risk, policy.records_at_risk_max, "<="),
        _check("highest_risk", risk.prosecutor.highest, policy.highest_risk_max, "<="),
        _check("average_risk", risk.prosecutor.average, policy.average_risk_max, "<="),
    ]
    for result in diversity_results:
        checks.append(_check("distinct_l_diversity", result.distinct_l, policy.l_distinct_min, ">=", result.attribute))
        checks.append(_check("entropy_l_diversity", result.entropy_l, policy.l_entropy_min, ">=", result.attribute))
        # Passing means r_1 < c * tail in every class, i.e. the largest r_1/tail is below c.
        checks.append(_check("recursive_cl_diversity", result.recursive_c_ratio, policy.l_recursive_c, "<", result.attribute))
    for result in closeness_results:
        checks.append(_check("t_closeness", result.t, policy.t_max, "<=", result.attribute))
    for result in disclosure_results:
        checks.append(_check("delta_disclosure", result.delta, policy.delta_max, "<=", result.attribute))
        checks.append(_check("basic_beta_likeness", result.basic_beta, policy.beta_max, "<=", result.attribute))
    for result in alpha_results:
        checks.append(_check("alpha_k_anonymity", result.alpha, policy.alpha_max, "<=", result.attribute))
    if population_result is not None:
        checks.append(_check("population_uniqueness", population_result.dankar, policy.population_uniqueness_max, "<="))
    if persons is not None:
        checks.append(_check("person_k_anonymity", persons.k, policy.k_min, ">="))
    for result in inference_results:
        checks.append(_check("inference_lift", result.lift, policy.inference_lift_max, "<=", result.attribute))
    return [c for c in checks if c is not None]
