"""Re-identification risk from class sizes: sample uniques, prosecutor, journalist, marketer.

Prosecutor (the attacker knows the person is in the release; El Emam, ARX
``RiskModelSampleSummary``): highest = 1/min f, average = #classes/n,
records at risk = sum of f_i over classes with 1/f_i > tau, divided by n.

Journalist and marketer (the attacker does not know who is in the release) need population class
sizes F_i. Three bases, reported in ``basis``:

* ``population_table``: F_i counted in a population frame over the same QIs (a sample class
  missing from the frame gets F_i = f_i: the release is part of the population);
* ``sampling_fraction``: each record's risk is the Benedetti-Franconi estimate of E[1/F | f]
  (sdcMicro ``measure_risk``) with p = sampling fraction;
* ``none``: journalist = prosecutor and marketer = prosecutor average, flagged in
  ``journalist_equals_prosecutor`` with a note, because without a population nothing better is
  known and the prosecutor figure is the conservative one.

With per-record risks r_i: highest = max r_i, average = marketer = sum f_i r_i / n,
records at risk = share of records with r_i > tau.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import polars as pl

from ._freq import FrequencyTable
from ._util import as_dict, safe_div


@dataclass(frozen=True)
class RiskFigures:
    highest: float | None
    average: float | None
    records_at_risk: float | None
    threshold: float

    def to_dict(self) -> dict:
        return as_dict(self)


@dataclass(frozen=True)
class RiskResult:
    n_records: int
    n_classes: int
    sample_uniques: int
    sample_uniqueness: float | None
    prosecutor: RiskFigures
    journalist: RiskFigures
    marketer: float | None
    basis: str  # none | population_table | sampling_fraction
    journalist_equals_prosecutor: bool
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return as_dict(self)


def _figures(sizes: np.ndarray, weights: np.ndarray, risks: np.ndarray, tau: float) -> RiskFigures:
    n = weights.sum()
    if n == 0:
        return RiskFigures(None, None, None, tau)
    return RiskFigures(
        highest=float(risks.max()),
        average=float((weights * risks).sum() / n),
        records_at_risk=float(weights[risks > tau].sum() / n),
        threshold=tau,
    )


def prosecutor_risk(table: FrequencyTable, tau: float = 0.2) -> RiskFigures:
    sizes = table.effective_class_sizes.astype(np.float64)
    weights = table.class_sizes.astype(np.float64)
    if sizes.size == 0:
        return RiskFigures(None, None, None, tau)
    figures = _figures(sizes, weights, 1.0 / sizes, tau)
    if table.null_mode == "value":
        # On a partition the record-weighted mean of 1/f is exactly #classes/n; dividing the
        # integers avoids the rounding of the float sum (ARX's published figure is this ratio).
        return RiskFigures(figures.highest, float(sizes.size / weights.sum()), figures.records_at_risk, tau)
    # Wildcard classes overlap, so only the record-weighted mean of 1/f is meaningful.
    return figures


def benedetti_franconi(f: np.ndarray, p: float) -> np.ndarray:
    """E[1/F | f] under a negative-binomial superpopulation with sampling probability p.

    Closed forms for f = 1 and f = 2 and the usual approximation p / (f - (1 - p)) above, as in
    sdcMicro's individual risk. With p = 1 the sample is the population and the risk is 1/f.
    """
    f = np.asarray(f, dtype=np.float64)
    if p >= 1.0:
        return 1.0 / f
    q = 1.0 - p
    log_term = math.log(1.0 / p)
    risk = p / (f - q)
    risk = np.where(f == 1, p / q * log_term, risk)
    risk = np.where(f == 2, p / (q * q) * (q - p * log_term), risk)
    return np.clip(risk, 0.0, 1.0)


def population_class_sizes(table: FrequencyTable, population: pl.DataFrame | pl.LazyFrame) -> np.ndarray:
    """F_i for each class of ``table``: matching records in the population frame."""
    keys = list(table.qis)
    lazy = population.lazy()
    if not keys:
        total = lazy.select(pl.len()).collect().item()
        return np.full(table.classes.height, total, dtype=np.int64)
    from ._freq import trimmed_codes

    # trimmed as the release's frequency table was, or "M " in one would never meet "M" in the other
    frame_counts = trimmed_codes(lazy, keys).group_by(keys).agg(pl.len().cast(pl.Int64).alias("_sc_population")).collect()
    joined = table.classes.join(frame_counts, on=keys, how="left", nulls_equal=True, maintain_order="left")
    population_sizes = joined["_sc_population"].fill_null(0).to_numpy()
    return np.maximum(population_sizes, table.class_sizes)


def reidentification_risk(
    table: FrequencyTable,
    *,
    tau: float = 0.2,
    population: pl.DataFrame | pl.LazyFrame | None = None,
    population_size: int | None = None,
    sampling_fraction: float | None = None,
) -> RiskResult:
    sizes = table.effective_class_sizes
    weights = table.class_sizes
    n = int(weights.sum())
    uniques = int(weights[sizes == 1].sum())
    prosecutor = prosecutor_risk(table, tau)
    notes: list[str] = []
    fraction = _sampling_fraction(n, population_size, sampling_fraction)
    if population is not None:
        population_sizes = population_class_sizes(table, population)
        risks = 1.0 / population_sizes
        journalist = _figures(sizes, weights.astype(np.float64), risks, tau)
        basis = "population_table"
    elif fraction is not None and n:
        risks = benedetti_franconi(sizes, fraction)
        journalist = _figures(sizes, weights.astype(np.float64), risks, tau)
        basis = "sampling_fraction"
        notes.append(f"journalist and marketer risk estimated from a sampling fraction of {fraction:.6g}")
    else:
        journalist = prosecutor
        basis = "none"
        notes.append(
            "no population table, population size or sampling fraction given: journalist and "
            "marketer risk are reported equal to the prosecutor risk"
        )
    return RiskResult(
        n_records=n,
        n_classes=int(sizes.size),
        sample_uniques=uniques,
        sample_uniqueness=safe_div(uniques, n),
        prosecutor=prosecutor,
        journalist=journalist,
        marketer=journalist.average,
        basis=basis,
        journalist_equals_prosecutor=basis == "none",
        notes=tuple(notes),
    )


def _sampling_fraction(n: int, population_size: int | None, sampling_fraction: float | None) -> float | None:
    if sampling_fraction is not None:
        if not 0 < sampling_fraction <= 1:
            raise ValueError("sampling_fraction must be in (0, 1]")
        return float(sampling_fraction)
    if population_size is not None and n:
        if population_size < n:
            raise ValueError("population_size is smaller than the number of records")
        return n / float(population_size)
    return None


