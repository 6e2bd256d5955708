"""What the values of date, time and numeric columns show: calendar grain, birth dates and the
ages they imply, coordinates, ZIP numbers, ages, years and integer identifiers.

Part of the evidence step (evidence.py reads text columns and dispatches the others here); like
it, it reports `TypeEvidence` and never decides a role.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Mapping

import polars as pl

from ..naming import NameHint
from ..profile import ColumnProfile, precision_metres
from .evidence import ColumnEvidence, Context, TypeEvidence, zip_distribution


# --------------------------------------------------------------------------------------------
# dates and ages

_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")


def years_from_text(values: list[str]) -> list[int]:
    return [int(match.group(1)) for match in (_YEAR.search(value) for value in values[:1000]) if match]


def implied_ages(years: list[int], today: date) -> tuple[float, float] | None:
    """(median age, interquartile range) the years imply, if they read as birth years."""
    if len(years) < 20:
        return None
    ages = sorted(today.year - year for year in years)
    return float(ages[len(ages) // 2]), float(ages[(3 * len(ages)) // 4] - ages[len(ages) // 4])


def looks_like_birth(years: list[int], today: date) -> bool:
    implied = implied_ages(years, today)
    if not implied:
        return False
    median, iqr = implied
    young = sum(1 for year in years if today.year - year < 14) / len(years)
    return 18 <= median <= 90 and iqr >= 10 and young <= 0.05


def date_evidence(profile: ColumnProfile, by_type: Mapping[str, NameHint], context: Context, years: list[int]) -> list[TypeEvidence]:
    if profile.time_of_day:
        return [TypeEvidence("time", "date", 1.0, ["time-of-day values"], share=1.0, details={"granularity": "time"}, decides=True, fact=True)]
    grain = profile.granularity
    details = {"granularity": grain}
    birth_kind = "birth_year" if grain == "year" else "birth_date"
    if "birth_date" in by_type or "birth_year" in by_type:
        return [TypeEvidence(birth_kind, "date", 1.0, [f"column name says birth; values are dates to the {grain}"], share=1.0,
                             details=details, decides=True)]
    named_event = {"date", "datetime", "time"} & set(by_type)
    if not named_event and grain in ("day", "month", "year") and looks_like_birth(years, context.today):
        median, iqr = implied_ages(years, context.today)
        return [TypeEvidence(birth_kind, "date", 1.0, [f"dates imply ages with median {median:.0f} and spread {iqr:.0f} years, as birth dates do"],
                             share=1.0, details=details, decides=True)]
    out = []
    event_kind = "datetime" if grain in ("hour", "minute", "second") else "date"
    out.append(TypeEvidence(event_kind, "date", 1.0, [f"calendar values to the {grain}"], share=1.0, details=details, decides=True))
    return out


def temporal_evidence(series: pl.Series, out: ColumnEvidence, by_type: Mapping[str, NameHint], context: Context) -> None:
    profile = out.profile
    if series.dtype == pl.Time:
        out.items.append(TypeEvidence("time", "date", 1.0, ["time-of-day values"], share=1.0, details={"granularity": "time"}, decides=True))
        return
    present = series.drop_nulls()
    years = present.dt.year().sample(n=min(1000, present.len()), seed=0).to_list()
    grain = profile.granularity or ("day" if series.dtype == pl.Date else "second")
    like = ColumnProfile(name=profile.name, dtype=profile.dtype, rows=profile.rows, nulls=profile.nulls,
                         distinct=profile.distinct, top_share=profile.top_share, granularity=grain)
    out.items += date_evidence(like, by_type, context, years)


# --------------------------------------------------------------------------------------------
# numeric columns


def numeric_evidence(series: pl.Series, out: ColumnEvidence, by_type: Mapping[str, NameHint], context: Context) -> None:
    profile = out.profile
    values = series.drop_nulls()
    if not values.len():
        return
    low, high = profile.numeric_range or (float(values.min()), float(values.max()))
    is_float = series.dtype.is_float()
    integral = not is_float or bool((values == values.round(0)).all())
    sequential = integral and high - low + 1 == profile.distinct
    out.facts.update(integral=float(integral), sequential=float(sequential and profile.distinct >= 20))
    coordinates = _coordinate_evidence(values, profile, by_type, low, high, is_float)
    if coordinates:
        out.items.append(coordinates)
        return
    if integral:
        out.items += _integer_evidence(values, profile, by_type, context, low, high, sequential)


def _coordinate_evidence(values: pl.Series, profile: ColumnProfile, by_type: Mapping[str, NameHint], low: float, high: float,
                         is_float: bool) -> TypeEvidence | None:
    hinted = next((by_type[kind] for kind in ("latitude", "longitude", "coordinates") if kind in by_type), None)
    decimals = profile.decimals
    precision = profile.precision_m if profile.precision_m is not None else precision_metres(decimals or 0)
    details = {"precision_m": precision, "decimals": decimals}
    if hinted:
        kind = hinted.semantic_type
        # a few garbage rows (0.0, 999) must not hide a column of real coordinates
        low, high = float(values.quantile(0.02)), float(values.quantile(0.98))
        if kind == "latitude" and -90 <= low and high <= 90 or kind == "longitude" and -180 <= low and high <= 180:
            return TypeEvidence(kind, "coordinates", 1.0, [f"degrees with {decimals} decimals: about {precision} m on the ground"],
                                share=1.0, details=details)
        if max(abs(low), abs(high)) >= 1000 and not (hinted.term in {"x", "y"} and not is_float and high - low < 1000):
            # state-plane or UTM coordinates: a metre or a foot per unit
            details = {"precision_m": 1.0 if not is_float else round(10 ** -(decimals or 0), 3), "projected": True}
            return TypeEvidence("coordinates", "coordinates", 0.9, ["projected coordinates (values in feet or metres)"], share=1.0, details=details)
        return None
    # no name: a float column of many decimals confined to a city-sized box of degrees
    span = high - low
    if is_float and (decimals or 0) >= 4 and 0 < span <= 3 and 1 <= abs((low + high) / 2) <= 180 and profile.distinct >= 20:
        kind = "latitude" if -90 <= low and high <= 90 and abs(low) < 90 else "longitude"
        return TypeEvidence("coordinates", "coordinates", 0.7, [f"{decimals}-decimal degrees within a {span:.2f}° box, as a city's coordinates are"],
                            share=1.0, details={**details, "axis_guess": kind})
    return None


def _integer_evidence(values: pl.Series, profile: ColumnProfile, by_type: Mapping[str, NameHint], context: Context, low: float, high: float,
                      sequential: bool) -> list[TypeEvidence]:
    out = []
    if "postal_code" in by_type and 0 <= low and high <= 99999:
        five = float(((values >= 501) & (values <= 99950)).mean())
        out.append(TypeEvidence("postal_code", "numeric", five, [f"{five:.0%} of values are valid 5-digit ZIP numbers (leading zeros lost)"], share=five))
    elif 10000 <= low and high <= 99999 and zip_distribution(values.cast(pl.String)):
        out.append(TypeEvidence("postal_code", "numeric", 0.8, ["5-digit codes clustered on a few prefixes, as a city's ZIP codes are"],
                                share=1.0, decides=True))
    if "phone" in by_type and 10 ** 9 <= low and high < 10 ** 13:
        out.append(TypeEvidence("phone", "numeric", 1.0, ["10 to 13-digit numbers under a phone column name"], share=1.0))
    if "age" in by_type and 0 <= low and high <= 120:
        out.append(TypeEvidence("age", "numeric", 1.0, ["whole years between 0 and 120 under an age column name"], share=1.0))
    if 1870 <= low and high <= context.today.year:
        years = values.sample(n=min(1000, values.len()), seed=0).cast(pl.Int64).to_list()
        if "birth_year" in by_type or "birth_date" in by_type:
            out.append(TypeEvidence("birth_year", "numeric", 1.0, ["years under a birth column name"], share=1.0, details={"granularity": "year"}))
        elif looks_like_birth(years, context.today):
            median, iqr = implied_ages(years, context.today)
            out.append(TypeEvidence("birth_year", "numeric", 0.7, [f"years imply ages with median {median:.0f} and spread {iqr:.0f}, as birth years do"],
                                    share=1.0, details={"granularity": "year"}))
        out.append(TypeEvidence("date", "numeric", 0.6, ["calendar years"], share=1.0, details={"granularity": "year"}))
    if profile.uniqueness >= 0.95 and profile.distinct >= 100:
        kind = "license_number" if "license_number" in by_type else "record_id"
        reason = "consecutive integers: a row number" if sequential else f"integers, {profile.uniqueness:.0%} distinct per row: an identifier"
        out.append(TypeEvidence(kind, "id", profile.uniqueness, [reason], share=1.0, decides=True))
    return out
