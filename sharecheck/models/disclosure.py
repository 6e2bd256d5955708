"""delta-disclosure privacy and basic / enhanced beta-likeness, as pyCANON computes them.

With p the table's and q a class's distribution of the sensitive attribute:

* delta = max over classes and values with q > 0 of |ln(q / p)|;
* basic beta = max over classes and values of (q - p) / p;
* enhanced beta (pyCANON's formula) = max over values v of min(basic beta, -ln p_v),
  which equals min(basic beta, -ln(min p)).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import polars as pl

from ._freq import CLASS, COUNT, FrequencyTable
from ._util import as_dict


@dataclass(frozen=True)
class DisclosureResult:
    attribute: str
    delta: float | None
    basic_beta: float | None
    enhanced_beta: float | None
    delta_threshold: float | None = None
    beta_threshold: float | None = None
    classes_above_delta: int | None = None
    classes_above_beta: int | None = None

    def to_dict(self) -> dict:
        return as_dict(self)


def _distribution_ratios(table: FrequencyTable, attribute: str) -> pl.DataFrame:
    counts = table.sensitive_counts(attribute)
    overall = counts.group_by(attribute).agg(pl.col(COUNT).sum().alias("_sc_total"))
    n_known = overall["_sc_total"].sum()
    overall = overall.with_columns((pl.col("_sc_total") / n_known).alias("p"))
    return counts.join(overall.select([attribute, "p"]), on=attribute).with_columns(
        (pl.col(COUNT) / pl.col(COUNT).sum().over(CLASS)).alias("q")
    )


def delta_disclosure_and_beta(
    table: FrequencyTable,
    attribute: str,
    *,
    delta_threshold: float | None = None,
    beta_threshold: float | None = None,
) -> DisclosureResult:
    from ._segments import disclosure_maxima, segments

    seg = segments(table, attribute)
    if seg is not None:
        delta, basic_beta, p_min, above_delta, above_beta = disclosure_maxima(seg, delta_threshold, beta_threshold)
        return DisclosureResult(attribute, delta, basic_beta, min(basic_beta, -math.log(p_min)), delta_threshold,
                                beta_threshold, above_delta, above_beta)
    ratios = _distribution_ratios(table, attribute)
    if ratios.height == 0:
        return DisclosureResult(attribute, None, None, None, delta_threshold, beta_threshold)
    per_class = ratios.group_by(CLASS).agg(
        (pl.col("q") / pl.col("p")).log().abs().max().alias("delta"),
        ((pl.col("q") - pl.col("p")) / pl.col("p")).max().alias("beta"),
    )
    delta = float(per_class["delta"].max())
    basic_beta = float(per_class["beta"].max())
    enhanced_beta = min(basic_beta, -math.log(float(ratios["p"].min())))
    return DisclosureResult(
        attribute=attribute,
        delta=delta,
        basic_beta=basic_beta,
        enhanced_beta=enhanced_beta,
        delta_threshold=delta_threshold,
        beta_threshold=beta_threshold,
        classes_above_delta=int((per_class["delta"] > delta_threshold).sum()) if delta_threshold is not None else None,
        classes_above_beta=int((per_class["beta"] > beta_threshold).sum()) if beta_threshold is not None else None,
    )
