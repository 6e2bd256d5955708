"""Population uniqueness estimated from a sample: Zayatz, Pitman, SNB and Dankar's rule.

Follows ARX (``RiskModelPopulationUniqueness``, ``ModelZayatz``, ``ModelPitman``, ``ModelSNB``):
the input is only the class-size histogram of the sample, the sample size n and the population
size N = n / sampling fraction. Each model estimates the number of population uniques; the
reported uniqueness is that number divided by N, as ARX's ``getFractionOfUniqueTuples``.

Dankar et al.'s decision rule: with a sampling fraction <= 0.1 use Pitman (Zayatz when Pitman
does not converge); above, use the smaller of Zayatz and SNB (Zayatz when SNB does not converge).

ARX solves the maximum-likelihood equations with its own Newton-Raphson; we solve the same
equations with scipy's root finder. The SNB equations are taken literally from ARX (including its
Shlosser estimate of the number of non-empty population classes).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._util import as_dict

PITMAN, ZAYATZ, SNB, DANKAR = "pitman", "zayatz", "snb", "dankar"


@dataclass(frozen=True)
class PopulationUniquenessResult:
    sample_size: int
    population_size: float
    sampling_fraction: float
    sample_uniques: int
    zayatz: float | None  # share of the population that is unique; None = did not converge
    pitman: float | None
    snb: float | None
    dankar: float | None
    dankar_model: str | None

    def to_dict(self) -> dict:
        return as_dict(self)


def size_histogram(class_sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    sizes, counts = np.unique(np.asarray(class_sizes, dtype=np.int64), return_counts=True)
    return sizes, counts.astype(np.float64)


def zayatz_uniques(sizes: np.ndarray, counts: np.ndarray, n: int, population: float) -> float:
    from scipy import stats  # scipy only when a population model is asked for

    fraction = n / population
    u = counts.sum()
    c1 = counts[sizes == 1].sum()
    population_int = int(population)  # ARX truncates the population size to an int here
    draws = min(int(n), population_int)
    p_one = stats.hypergeom.pmf(1, population_int, sizes, draws)
    weighted = float(((counts / u) * p_one).sum())
    p_unique = float(stats.hypergeom.pmf(1, population_int, 1, draws))
    if weighted == 0:
        return math.nan
    conditional = (c1 / u) * p_unique / weighted
    return c1 * conditional / fraction


def pitman_uniques(sizes: np.ndarray, counts: np.ndarray, n: int, population: float) -> float:
    from scipy import optimize, special

    u = counts.sum()
    c1 = counts[sizes == 1].sum()
    c2 = counts[sizes == 2].sum() or 1.0  # ARX: overestimate when there are no pairs
    c = c1 * (c1 - 1) / c2
    denominator = 2 * c1 * u + c1 * c - n * c
    if denominator == 0:
        return math.nan
    theta0 = (n * u * c - c1 * (n - 1) * (2 * u + c)) / denominator
    alpha0 = (theta0 * (c1 - n) + (n - 1) * c1) / (n * u)
    multi = sizes != 1
    k_multi, count_multi = sizes[multi].astype(np.float64), counts[multi]

    def equations(x: np.ndarray) -> list[float]:
        t, a = x
        v0 = u - 1.0
        psi_top = special.digamma(v0 + t / a + 1.0)
        psi_low = special.digamma(t / a + 1.0)
        o1 = (psi_top - psi_low) / a
        o2 = special.digamma(n + t) - special.digamma(t + 1.0)
        o3 = (-t * psi_top + a * v0 + t * psi_low) / (a * a)
        o4 = float((count_multi * (special.digamma(k_multi - a) - special.digamma(1.0 - a))).sum())
        return [o1 - o2, o3 - o4]

    try:
        with np.errstate(all="ignore"):
            solution = optimize.root(equations, [theta0, alpha0], method="hybr", options={"xtol": 1e-12})
    except (ValueError, ZeroDivisionError, FloatingPointError):
        return math.nan
    t, a = solution.x
    if not solution.success or not np.isfinite([t, a]).all() or a == 0 or t < 0:
        return math.nan
    residual = np.abs(equations(solution.x))
    if not np.all(residual < 1e-6):
        return math.nan
    try:
        estimate = math.exp(math.lgamma(t + 1.0) - math.lgamma(t + a)) * population**a
    except (OverflowError, ValueError):
        return math.nan
    return estimate if 0.0 <= estimate <= population else math.nan


def _shlosser_classes(sizes: np.ndarray, counts: np.ndarray, u: float, c1: float, f: float) -> float:
    """ARX's Shlosser estimate of the number of non-empty population classes (taken literally)."""
    f2 = f * f
    sizes = sizes.astype(np.float64)
    scaled = (1 - f) ** sizes * counts
    var1 = float((sizes * f2 * (1 - f2) ** (sizes - 1) * counts).sum())
    var2 = float((scaled * (1 + f) ** sizes - 1).sum())
    var3 = float(scaled.sum())
    var4 = float((sizes * f * (1 - f) ** (sizes - 1) * counts).sum())
    return u + c1 * (var1 / var2) * (var3 / var4) ** 2


def snb_uniques(sizes: np.ndarray, counts: np.ndarray, n: int, population: float) -> float:
    from scipy import optimize

    f = n / population
    u = counts.sum()
    c1 = counts[sizes == 1].sum()
    c2 = counts[sizes == 2].sum()
    if f >= 1.0:
        return math.nan
    with np.errstate(all="ignore"):
        k = _shlosser_classes(sizes, counts, u, c1, f)
    if not math.isfinite(k) or k <= 0:
        return math.nan

    def equations(x: np.ndarray) -> list[float]:
        a, b = x
        d = (1 - f) * (1 - b)
        first = k * f * (b / (1 - d)) ** a * ((a * d) / (1 - d) + 1) - c1
        second = k * a * b**a * (f * f) * (1 - b) / 2 * (1 - d) ** (a + 2) * (2 - (1 - a) * d) - c2
        return [first / max(c1, 1.0), second / max(c2, 1.0)]

    best = math.nan
    # ARX's solver starts from its own default points; we try a small grid of starting points
    # and accept only a converged root inside the model's domain (a > 0, 0 < b < 1).
    for a0 in (0.1, 0.5, 1.0, 2.0):
        for b0 in (0.001, 0.01, 0.1, 0.5):
            try:
                with np.errstate(all="ignore"):
                    solution = optimize.root(equations, [a0, b0], method="hybr")
            except (ValueError, ZeroDivisionError, FloatingPointError):
                continue
            a, b = solution.x
            if not solution.success or not (a > 0 and 0 < b < 1):
                continue
            if not np.all(np.abs(equations(solution.x)) < 1e-8):
                continue
            estimate = k * b**a
            if math.isfinite(estimate) and 0 < estimate <= population:
                return estimate
    return best


def population_uniqueness(
    class_sizes: np.ndarray,
    *,
    sampling_fraction: float | None = None,
    population_size: float | None = None,
) -> PopulationUniquenessResult:
    """All four estimates; give either the sampling fraction or the population size."""
    sizes, counts = size_histogram(class_sizes)
    n = int((sizes * counts).sum())
    if sampling_fraction is None and population_size is None:
        raise ValueError("population uniqueness needs a sampling fraction or a population size")
    if population_size is None:
        if not 0 < sampling_fraction <= 1:
            raise ValueError("sampling_fraction must be in (0, 1]")
        population_size = n / sampling_fraction
    population_size = float(population_size)
    fraction = n / population_size if population_size else 1.0
    c1 = int(counts[sizes == 1].sum())
    if n == 0 or c1 == 0:
        return PopulationUniquenessResult(n, population_size, fraction, c1, 0.0, 0.0, 0.0, 0.0, DANKAR)

    def share(estimate: float) -> float | None:
        return None if not _valid(estimate) else float(estimate / population_size)

    zayatz = zayatz_uniques(sizes, counts, n, population_size)
    pitman = pitman_uniques(sizes, counts, n, population_size)
    snb = snb_uniques(sizes, counts, n, population_size)
    if fraction <= 0.1:
        dankar, model = (pitman, PITMAN) if _valid(pitman) else (zayatz, ZAYATZ)
    elif _valid(snb):
        dankar, model = (zayatz, ZAYATZ) if zayatz < snb else (snb, SNB)
    else:
        dankar, model = zayatz, ZAYATZ
    return PopulationUniquenessResult(
        sample_size=n,
        population_size=population_size,
        sampling_fraction=fraction,
        sample_uniques=c1,
        zayatz=share(zayatz),
        pitman=share(pitman),
        snb=share(snb),
        dankar=share(dankar),
        dankar_model=model if _valid(dankar) else None,
    )


def _valid(value: float) -> bool:
    return value is not None and not math.isnan(value) and value != 0.0
