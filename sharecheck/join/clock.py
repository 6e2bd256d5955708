"""Two clocks: a release in UTC against one in local time.

Police stops logged in UTC and use-of-force reports in local time are minutes apart only after
the offset is undone. The intruder tries the offsets a publisher would use (whole hours −12..+14,
and the daylight-saving rules of common zones, which move the offset during the year) and keeps
the one with a clear peak of matches within the window; without a clear peak the clocks are
taken to agree. Shares are measured on distinct instants (a sample for the search), vectorised.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from .kept import kept
from .vocab import join_vocabulary

_SEARCH_SAMPLE = 20_000


@dataclass(frozen=True)
class Clock:
    """How A's timestamps are moved onto B's clock: a fixed offset, or a zone conversion."""

    hours: int = 0
    zone: str | None = None
    a_is_utc: bool = True  # with a zone: A is UTC and B local (else A local and B UTC)

    @property
    def shifted(self) -> bool:
        return self.zone is not None or self.hours != 0

    def describe(self, a_name: str, b_name: str) -> str:
        if self.zone is not None:
            utc, local = (a_name, b_name) if self.a_is_utc else (b_name, a_name)
            return f"{utc} is in UTC and {local} in local time ({self.zone}, with daylight saving)"
        sign = "+" if self.hours > 0 else "−"
        return f"{a_name} is {sign}{abs(self.hours)} h off {b_name}'s clock (a UTC/local offset)"

    def apply(self, values: pl.Series) -> pl.Series:
        """A's timestamps (naive datetimes) on B's clock."""
        if self.zone is not None:
            if self.a_is_utc:
                moved = values.dt.replace_time_zone("UTC").dt.convert_time_zone(self.zone)
            else:
                moved = (values.dt.replace_time_zone(self.zone, ambiguous="earliest", non_existent="null")
                         .dt.convert_time_zone("UTC"))
            return moved.dt.replace_time_zone(None).cast(values.dtype)
        if self.hours:
            return values.dt.offset_by(f"{self.hours}h")
        return values


def _near_share(x: np.ndarray, y: np.ndarray, window: float) -> float:
    if x.size == 0 or y.size == 0:
        return 0.0
    position = np.searchsorted(y, x)
    before = np.abs(x - y[np.clip(position - 1, 0, y.size - 1)])
    after = np.abs(y[np.clip(position, 0, y.size - 1)] - x)
    return float((np.minimum(before, after) <= window).mean())


def _epochs(values: pl.Series) -> np.ndarray:
    return np.unique(values.drop_nulls().dt.epoch("s").to_numpy())


# What best_clock reads from one side's timestamps (its search sample, their epochs, the epochs
# moved by each zone), kept for its other partners: a release's clock meets every timestamp
# column of every partner (kept.py).
_SIDES: dict[int, tuple[pl.Series, dict]] = {}
_SIDES_KEPT = 32


def _side(values: pl.Series) -> dict:
    return kept(_SIDES, id(values), values, dict, _SIDES_KEPT)


def _kept(values: pl.Series, key, compute):
    side = _side(values)
    if key not in side:
        side[key] = compute()
    return side[key]


def _zone_epochs(distinct_a: pl.Series, a: pl.Series, clock: Clock) -> np.ndarray | None:
    """The sample's epochs on the zone clock, None where polars cannot convert them."""
    def compute():
        try:
            return _epochs(clock.apply(distinct_a))
        except pl.exceptions.PolarsError:
            return None

    return _kept(a, ("zone", clock.zone, clock.a_is_utc), compute)


def _search_sample(a: pl.Series) -> pl.Series:
    distinct_a = a.drop_nulls().unique()
    if distinct_a.len() > _SEARCH_SAMPLE:
        distinct_a = distinct_a.sample(_SEARCH_SAMPLE, seed=7)
    return distinct_a


def best_clock(a: pl.Series, b: pl.Series, window_minutes: float) -> tuple[Clock, float]:
    """The clock shift with a clear peak of A instants near a B instant, and that share (on the
    search sample). Clock() when offset 0 is as good as any."""
    vocabulary = join_vocabulary()
    window = window_minutes * 60
    distinct_a = _kept(a, "sample", lambda: _search_sample(a))
    base = _kept(a, "epochs", lambda: _epochs(distinct_a))
    tb = _kept(b, "all_epochs", lambda: _epochs(b))
    if base.size == 0 or tb.size == 0:
        return Clock(), 0.0
    fixed = {hours: _near_share(base + hours * 3600, tb, window) for hours in vocabulary["utc_offsets_hours"]}
    at_zero = fixed.get(0, _near_share(base, tb, window))
    chance = float(np.median(list(fixed.values())))
    best, best_share = Clock(), at_zero
    for hours, share in fixed.items():
        if share > best_share:
            best, best_share = Clock(hours=hours), share
    if best.hours != 0:
        # A zone whose daylight saving matches the peak's offset may explain both halves of the year.
        for zone in vocabulary["dst_zones"]:
            for a_is_utc in (True, False):
                clock = Clock(zone=zone, a_is_utc=a_is_utc)
                moved = _zone_epochs(distinct_a, a, clock)
                if moved is None:
                    continue
                share = _near_share(moved, tb, window)
                if share > best_share + 0.01:
                    best, best_share = clock, share
    clear = best_share >= vocabulary["peak_ratio"] * max(chance, 1e-9) and best_share >= at_zero + vocabulary["peak_margin"]
    return (best, best_share) if best.shifted and clear else (Clock(), at_zero)
