"""KA3xx (privacy models on one release) and SD4xx (aggregate tables).

Thresholds come from the release policy (rules/policy.yaml, ModelPolicy) so one number governs
both the metric's pass/fail in the assessment and the finding here.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Iterable

from ..findings import Finding, plural
from ._base import Detector, ScanContext


def _records(count: int) -> str:
    return plural(count, "record")


def _columns_text(columns) -> str:
    return "{" + ", ".join(columns) + "}"


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def _num(value) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _failed(ctx: ScanContext, name: str, attribute: str | None = None):
    for check in ctx.assessment.checks:
        if check.name == name and check.attribute == attribute and not check.passed:
            return check
    return None


def _unique_groups_text(ctx: ScanContext, limit: int = 3) -> str:
    msu = ctx.assessment.msu
    if not msu or not msu.groups:
        return ""
    parts = [f"{_columns_text(group.columns)} singles out {group.records:,}" for group in msu.groups[:limit]]
    return " Smallest column sets that do it: " + "; ".join(parts) + "."


def k_anonymity(ctx: ScanContext, rule) -> Iterable[Finding]:
    assessment = ctx.assessment
    if assessment is None or not assessment.qis:
        return
    persons = assessment.persons
    if persons is not None:
        if _failed(ctx, "person_k_anonymity") is None:
            return
        yield ctx.finding(
            rule,
            f"k = {persons.k} over persons ('{persons.entity_column}'): {persons.persons_below_k_threshold:,} of "
            f"{persons.n_persons:,} persons have a combination of {_columns_text(assessment.qis)} shared by fewer "
            f"than {ctx.policy.k_min} persons.",
            columns=assessment.qis,
            metrics={"k": persons.k, "k_min": ctx.policy.k_min, "persons": persons.n_persons,
                     "persons_below_k": persons.persons_below_k_threshold},
        )
        return
    result = assessment.k_anonymity
    if _failed(ctx, "k_anonymity") is None:
        return
    yield ctx.finding(
        rule,
        f"k = {result.k} over {_columns_text(assessment.qis)}: {result.records_below_threshold:,} records "
        f"({_pct(result.share_below_threshold)}) sit in {result.classes_below_threshold:,} groups smaller than "
        f"{result.k_threshold}.{_unique_groups_text(ctx)}",
        columns=assessment.qis,
        metrics={"k": result.k, "k_min": result.k_threshold, "records_below_k": result.records_below_threshold,
                 "classes_below_k": result.classes_below_threshold, "share_below_k": result.share_below_threshold,
                 "classes": result.n_classes},
    )


def sample_uniques(ctx: ScanContext, rule) -> Iterable[Finding]:
    assessment = ctx.assessment
    if assessment is None or not assessment.qis or _failed(ctx, "sample_uniqueness") is None:
        return
    risk = assessment.risk
    yield ctx.finding(
        rule,
        f"{risk.sample_uniques:,} records ({_pct(risk.sample_uniqueness)}) are the only one with their combination of "
        f"{_columns_text(assessment.qis)}: anyone who knows those facts about a person finds their record.{_unique_groups_text(ctx)}",
        columns=assessment.qis,
        metrics={"sample_uniques": risk.sample_uniques, "sample_uniqueness": risk.sample_uniqueness},
    )


def reidentification_risk(ctx: ScanContext, rule) -> Iterable[Finding]:
    assessment = ctx.assessment
    if assessment is None or not assessment.qis:
        return
    failed = [_failed(ctx, name) for name in ("records_at_risk", "highest_risk", "average_risk")]
    if not any(failed):
        return
    risk = assessment.risk
    prosecutor = risk.prosecutor
    if risk.journalist_equals_prosecutor:
        note = " Without a population table, journalist and marketer risk are taken as equal to prosecutor risk."
    else:
        note = (f" Journalist risk ({risk.basis}): highest {risk.journalist.highest:.2f}, average "
                f"{risk.journalist.average:.3f}.")
    yield ctx.finding(
        rule,
        f"Prosecutor re-identification risk: highest {prosecutor.highest:.2f}, average {prosecutor.average:.3f}; "
        f"{_pct(prosecutor.records_at_risk)} of records carry a risk above {prosecutor.threshold:g}.{note}",
        columns=assessment.qis,
        metrics={"highest": prosecutor.highest, "average": prosecutor.average,
                 "records_at_risk": prosecutor.records_at_risk, "threshold": prosecutor.threshold,
                 "journalist_average": risk.journalist.average if risk.journalist else None,
                 "marketer": risk.marketer if isinstance(risk.marketer, (int, float)) else None},
    )


def population_uniqueness(ctx: ScanContext, rule) -> Iterable[Finding]:
    assessment = ctx.assessment
    result = assessment.population_uniqueness if assessment is not None else None
    if result is None or _failed(ctx, "population_uniqueness") is None:
        return
    yield ctx.finding(
        rule,
        f"An estimated {_pct(result.dankar)} of the population is unique on {_columns_text(assessment.qis)} "
        f"({result.dankar_model} model, sampling fraction {result.sampling_fraction:.3g}): a unique record in this "
        "release is then a unique person, not just a unique row.",
        columns=assessment.qis,
        metrics={"dankar": result.dankar, "model": result.dankar_model, "zayatz": result.zayatz,
                 "pitman": result.pitman, "snb": result.snb, "sampling_fraction": result.sampling_fraction},
    )


def _dominated_by_table_value(ctx: ScanContext, attribute: str) -> float | None:
    """The share of the commonest value when the whole table, taken as one group, fails the
    policy's l-diversity AND every group that fails is dominated by that same value: no
    generalisation of the QIs can then reach l, and the groups reveal only what the table says
    of everyone. None when a group is dominated by a rarer value (a real disclosure) or the table passes."""
    import polars as pl

    from ..models._freq import CLASS, COUNT, frequency_table

    qis = list(ctx.assessment.qis)
    if not ctx.analysed.has_values(attribute) or not all(ctx.analysed.has_values(q) for q in qis):
        return None
    policy = ctx.policy
    table = ctx.assessment.records_table
    if table is None or attribute not in table.sensitive:
        table = frequency_table(ctx.analysed.frame, qis, [attribute], null_mode=ctx.options.null_mode)
    counts = table.sensitive_counts(attribute)
    if counts.height == 0:
        return None
    overall = counts.group_by(attribute).agg(pl.col(COUNT).sum()).sort(COUNT, descending=True)
    total = int(overall[COUNT].sum())
    tail = int(overall[COUNT][policy.l_recursive_l - 1:].sum())
    top_value, top = overall[attribute][0], int(overall[COUNT][0])
    if overall.height >= policy.l_distinct_min and top < policy.l_recursive_c * tail:
        return None  # the table itself is diverse: failing groups can be merged towards it
    per_class = (
        counts.sort([CLASS, COUNT], descending=[False, True])
        .with_columns(pl.int_range(pl.len()).over(CLASS).alias("_sc_position"))
        .group_by(CLASS)
        .agg(pl.col(attribute).first().alias("_sc_top_value"), pl.col(COUNT).first().alias("_sc_top"), pl.len().alias("_sc_distinct"),
             pl.col(COUNT).filter(pl.col("_sc_position") >= policy.l_recursive_l - 1).sum().alias("_sc_tail"))
    )
    failing = per_class.filter((pl.col("_sc_distinct") < policy.l_distinct_min)
                               | ~(pl.col("_sc_top") < policy.l_recursive_c * pl.col("_sc_tail")))
    if failing.filter(pl.col("_sc_top_value") != top_value).height:
        return None
    return top / total


def l_diversity(ctx: ScanContext, rule) -> Iterable[Finding]:
    assessment = ctx.assessment
    if assessment is None:
        return
    for result in assessment.l_diversity:
        check = _failed(ctx, "recursive_cl_diversity", result.attribute) or _failed(ctx, "distinct_l_diversity", result.attribute)
        if check is None:
            continue
        dominant = _dominated_by_table_value(ctx, result.attribute)
        if dominant is not None:
            # Merging groups only tends towards the table's own distribution, which fails too.
            finding = ctx.finding(
                rule,
                f"'{result.attribute}' is not diverse within groups of {_columns_text(assessment.qis)}, and cannot be: "
                f"its commonest value holds {dominant:.0%} of the whole table, so even one group of every record fails "
                f"l-diversity and no generalisation of the quasi-identifiers reaches it. Every group that fails is dominated "
                f"by that same value, so the groups reveal what the whole table already says of everyone.",
                columns=(*assessment.qis, result.attribute),
                metrics={"distinct_l": result.distinct_l, "entropy_l": result.entropy_l, "dominant_share": dominant,
                         "recursive_min_c": result.recursive_min_c, "classes_failing": result.recursive_classes_failing,
                         "records_failing": result.recursive_records_failing, "reachable_by_generalisation": False},
                severity="warning",
            )
            yield replace(finding, fix=(
                "Generalising the quasi-identifiers cannot fix this. If the rare values are what must not be learnt, "
                     "suppress or perturb them (or the attribute), or publish aggregates of it instead of records; "
                     "t-closeness (KA311) measures what the groups add to the table's own distribution."))
            continue
        if not result.recursive_passes:
            detail = (f"in {result.recursive_classes_failing:,} groups ({result.recursive_records_failing:,} records) "
                      f"one value dominates (recursive ({ctx.policy.l_recursive_c:g},{result.recursive_l})-diversity "
                      f"fails; distinct l = {result.distinct_l})")
        else:
            detail = (f"{result.distinct_classes_failing:,} groups ({result.distinct_records_failing:,} records) hold "
                      f"fewer than {result.distinct_l_min} distinct values (distinct l = {result.distinct_l})")
        yield ctx.finding(
            rule,
            f"'{result.attribute}' is not diverse within groups of {_columns_text(assessment.qis)}: {detail}, "
            f"so knowing a person's group reveals their {result.attribute}.",
            columns=(*assessment.qis, result.attribute),
            metrics={"distinct_l": result.distinct_l, "entropy_l": result.entropy_l,
                     "recursive_min_c": result.recursive_min_c, "classes_failing": result.recursive_classes_failing,
                     "records_failing": result.recursive_records_failing},
        )


def t_closeness(ctx: ScanContext, rule) -> Iterable[Finding]:
    assessment = ctx.assessment
    if assessment is None:
        return
    for result in assessment.t_closeness:
        if _failed(ctx, "t_closeness", result.attribute) is None:
            continue
        yield ctx.finding(
            rule,
            f"The distribution of '{result.attribute}' in some groups is far from the whole table's: t = {result.t:.3f} "
            f"> {result.t_threshold:g} ({result.classes_above_threshold:,} groups, {result.records_above_threshold:,} records).",
            columns=(*assessment.qis, result.attribute),
            metrics={"t": result.t, "t_max": result.t_threshold, "distance": result.distance,
                     "classes_above": result.classes_above_threshold, "records_above": result.records_above_threshold},
        )


def disclosure(ctx: ScanContext, rule) -> Iterable[Finding]:
    assessment = ctx.assessment
    if assessment is None:
        return
    alpha = {result.attribute: result for result in assessment.alpha_k}
    for result in assessment.disclosure:
        failed = (_failed(ctx, "delta_disclosure", result.attribute) or _failed(ctx, "basic_beta_likeness", result.attribute)
                  or _failed(ctx, "alpha_k_anonymity", result.attribute))
        if failed is None:
            continue
        yield ctx.finding(
            rule,
            f"Groups shift the odds of '{result.attribute}' values too far: δ = {_num(result.delta)}, "
            f"β = {_num(result.basic_beta)}, α = {_num(getattr(alpha.get(result.attribute), 'alpha', None))}.",
            columns=(*assessment.qis, result.attribute),
            metrics={"delta": result.delta, "basic_beta": result.basic_beta, "enhanced_beta": result.enhanced_beta,
                     "alpha": getattr(alpha.get(result.attribute), "alpha", None)},
        )


def _stopped_short(msu) -> str:
    if not msu.stopped_short():
        return ""
    import math

    return (f" The search stopped at sets of {msu.max_size}: {msu.n_qis} quasi-identifiers make "
            f"{math.comb(msu.n_qis, msu.requested_size):,} sets of {msu.requested_size} (--max-msu-size); "
            "larger minimal sets were not looked for.")


def unique_combinations(ctx: ScanContext, rule) -> Iterable[Finding]:
    assessment = ctx.assessment
    msu = assessment.msu if assessment is not None else None
    if msu is None or not msu.groups:
        return
    groups = msu.groups[: rule.params["max_groups"]]
    lines = "; ".join(f"{_columns_text(group.columns)}: {_records(group.records)} ({_pct(group.share)})" for group in groups)
    top = [c for c in sorted(msu.contributions, key=lambda c: -c.score_share) if c.score_share > 0][:3]
    blame = ", ".join(f"'{c.column}' ({c.score_share:.0%})" for c in top)
    yield ctx.finding(
        rule,
        f"Minimal column sets that single people out (up to {msu.max_size} columns): {lines}. "
        f"Columns carrying most of the risk: {blame}." + _stopped_short(msu),
        columns=tuple(dict.fromkeys(column for group in groups for column in group.columns)),
        metrics={"records_with_msu": msu.records_with_msu, "total_msus": msu.total_msus,
                 "suda_score_max": msu.suda_score_max,
                 "groups": [{"columns": list(g.columns), "records": g.records, "share": g.share} for g in groups],
                 "contributions": [{"column": c.column, "score_share": c.score_share} for c in msu.contributions]},
    )


def trace_unicity(ctx: ScanContext, rule) -> Iterable[Finding]:
    persons = ctx.assessment.persons if ctx.assessment is not None else None
    if persons is None or not persons.unicity:
        return
    worst = [point for point in persons.unicity if point.unicity is not None and point.unicity > rule.params["max_unicity"]]
    if not worst:
        return
    first = worst[0]
    yield ctx.finding(
        rule,
        f"{first.points} known point(s) of a person's trace single out {_pct(first.unicity)} of persons "
        f"('{persons.entity_column}', {persons.n_persons:,} persons): "
        + ", ".join(f"p={p.points}: {_pct(p.unicity)}" for p in persons.unicity if p.unicity is not None) + ".",
        columns=(persons.entity_column, *ctx.assessment.qis),
        metrics={"unicity": {str(p.points): p.unicity for p in persons.unicity}, "persons": persons.n_persons},
    )


def inference(ctx: ScanContext, rule) -> Iterable[Finding]:
    assessment = ctx.assessment
    if assessment is None:
        return
    for result in assessment.inference:
        if _failed(ctx, "inference_lift", result.attribute) is None:
            continue
        yield ctx.finding(
            rule,
            f"'{result.attribute}' can be predicted from {_columns_text(assessment.qis)}: cross-validated "
            f"{result.metric} {result.score:.2f} against {result.baseline:.2f} for always guessing the commonest value.",
            columns=(*assessment.qis, result.attribute),
            metrics={"score": result.score, "baseline": result.baseline, "lift": result.lift, "metric": result.metric},
        )


def small_cells(ctx: ScanContext, rule) -> Iterable[Finding]:
    from ..models.aggregate import small_cells as count_small_cells

    count_column = ctx.analysed.aggregate_count_column
    if count_column is None:
        return
    dimensions = [c.name for c in ctx.analysed.columns if c.name != count_column]
    result = count_small_cells(ctx.analysed.frame, count_column, dimensions, threshold=ctx.policy.small_cell_threshold)
    if not result.small_cells:
        return
    # Neighbours, colleagues or witnesses recognise a small cell's members only where a dimension
    # places them: an area, a day, an employer. Without one (sex x outcome of a whole population)
    # the cell is small but its members are no one's neighbours: worth a look, not a stop.
    locating = set(rule.params["locating_types"])
    places = [c.name for c in ctx.analysed.columns if c.name in dimensions and c.semantic_type in locating]
    note = "" if places else (" No dimension places its members (no area, date, employer or occupation), so no "
                              "neighbour or colleague can pick them out: review rather than stop.")
    yield ctx.finding(
        rule,
        f"{result.small_cells:,} of {result.n_cells:,} cells of '{count_column}' count between 1 and "
        f"{result.threshold - 1} people ({result.people_in_small_cells:,} people in all): a small cell tells its "
        f"few members' neighbours who they are.{note}",
        columns=(count_column, *dimensions),
        metrics={"small_cells": result.small_cells, "cells": result.n_cells, "threshold": result.threshold,
                 "people_in_small_cells": result.people_in_small_cells, "min_positive_count": result.min_positive_count,
                 "locating_dimensions": places},
        severity=None if places else "warning",
    )


DETECTORS = {
    "k_anonymity": Detector(k_anonymity),
    "sample_uniques": Detector(sample_uniques),
    "reidentification_risk": Detector(reidentification_risk),
    "population_uniqueness": Detector(population_uniqueness),
    "l_diversity": Detector(l_diversity),
    "t_closeness": Detector(t_closeness),
    "disclosure": Detector(disclosure),
    "unique_combinations": Detector(unique_combinations, {"max_groups": 5}),
    "trace_unicity": Detector(trace_unicity, {"max_unicity": 0.5}),
    "inference": Detector(inference),
    "small_cells": Detector(small_cells, {"locating_types": ["postal_code", "place", "street", "street_address", "date", "datetime",
                                                             "time", "employer", "occupation", "latitude", "longitude", "coordinates"]}),
}
