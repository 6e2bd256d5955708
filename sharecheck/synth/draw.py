"""What the builders share: a random stream each, unique codes, minute and day arithmetic, MD5,
age bands, and the small-class suppression a careful publisher applies.

Every builder draws from its own random stream (`[seed, stream]`), so changing one release
never shifts the values of another.
"""
from __future__ import annotations

import hashlib
from datetime import date, datetime

import numpy as np
import polars as pl

from .plan import SAFE_K
from .population import EVENT_YEAR


def _stream(seed: int, number: int) -> np.random.Generator:
    return np.random.default_rng([seed, number])


def _minutes_to_datetime(minutes: np.ndarray) -> pl.Series:
    return pl.Series(minutes.astype(np.int64) * 60_000_000, dtype=pl.Int64).cast(pl.Datetime("us"))


def _event_year_start_minutes() -> int:
    return int((datetime(EVENT_YEAR, 1, 1) - datetime(1970, 1, 1)).total_seconds() // 60)


def _days_since_epoch(day: date) -> int:
    return day.toordinal() - date(1970, 1, 1).toordinal()


def _md5_upper(values: list[str]) -> list[str]:
    return [hashlib.md5(value.encode("ascii")).hexdigest().upper() for value in values]


def _unique_codes(rng: np.random.Generator, count: int, low: int, high: int) -> np.ndarray:
    """`count` distinct integers in [low, high), in random order."""
    return low + rng.choice(high - low, size=count, replace=False)


def _age_band(age: pl.Expr, width: int, top: int = 80) -> pl.Expr:
    low = (age // width * width).clip(upper_bound=top)
    return (
        pl.when(age.is_null()).then(pl.lit("Unknown"))
        .when(low >= top).then(pl.lit(f"{top}+"))
        .otherwise(pl.concat_str([low.cast(pl.String), (low + width - 1).cast(pl.String)], separator="-"))
    )


def _coarse_age_band(age: pl.Expr) -> pl.Expr:
    return (
        pl.when(age.is_null()).then(pl.lit("Unknown"))
        .when(age < 18).then(pl.lit("0-17"))
        .when(age < 35).then(pl.lit("18-34"))
        .when(age < 50).then(pl.lit("35-49"))
        .when(age < 65).then(pl.lit("50-64"))
        .otherwise(pl.lit("65+"))
    )


def _suppress_small_classes(frame: pl.DataFrame, qis: list[str], k: int = SAFE_K) -> tuple[pl.DataFrame, int]:
    """What a careful publisher does: drop the records of classes smaller than k."""
    sizes = pl.len().over(qis) if qis else pl.lit(frame.height)
    kept = frame.filter(sizes >= k)
    return kept, frame.height - kept.height


def _share_in_safe_classes(frame: pl.DataFrame, qis: list[str]) -> float:
    if frame.height == 0:
        return 0.0
    return frame.select((pl.len().over(qis) >= SAFE_K).mean()).item()
