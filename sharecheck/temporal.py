"""One date/time parser for profiling and joins: which moment each value is, and to what grain.

A column's format is decided once, on a sample of its distinct values: the candidate formats
whose shape fits are tried with polars' strptime and the one that reads most values wins (two
or three are combined when a column mixes, say, dates with and without times). The winner is
then applied to the whole column in one vectorised pass; no value is parsed in a Python loop.

- Orders: ISO (year first), US (MM/DD/YYYY) and European (DD/MM/YYYY, DD.MM.YYYY). When both
  day-month orders read every sampled value, a first field above 12 anywhere in the column
  settles it for the day-first order and a second field above 12 for the month-first one; left
  undecided, slashes read month-first (US portals) and dots day-first, and `order_decided` is False.
- Times: 24-hour, 12-hour with AM/PM (a.m., pm ...), fractional seconds, `T` or space.
- Time zones are a fact, not a transformation: `values` are the wall-clock times as written and
  `offset_minutes` holds each row's UTC offset (Z is +00:00), so a join can reconcile them.
- Numbers are moments only when the column's name says time (rules/temporal.yaml): epoch
  seconds or milliseconds in a plausible range, Excel serial days. A 10-digit phone number sits
  in the epoch range; its name is what tells them apart.

The granularity reported is the effective one: timestamps whose seconds are always :00 are
minute precision, and all-midnight timestamps are dates.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import polars as pl

from ._resources import load_yaml
from .errors import RuleError

GRANULARITY_ORDER = ("year", "month", "day", "hour", "minute", "second")
FORMAT_SAMPLE = 2000  # distinct values that decide a column's format

# (label, regex of the date part, strftime format, order)
_DATES: tuple[tuple[str, str, str, str], ...] = (
    ("iso", r"\d{4}-\d{1,2}-\d{1,2}", "%Y-%m-%d", "ymd"),
    ("ymd_slash", r"\d{4}/\d{1,2}/\d{1,2}", "%Y/%m/%d", "ymd"),
    ("ymd_dot", r"\d{4}\.\d{1,2}\.\d{1,2}", "%Y.%m.%d", "ymd"),
    ("mdy_slash", r"\d{1,2}/\d{1,2}/\d{4}", "%m/%d/%Y", "mdy"),
    ("dmy_slash", r"\d{1,2}/\d{1,2}/\d{4}", "%d/%m/%Y", "dmy"),
    ("mdy_dash", r"\d{1,2}-\d{1,2}-\d{4}", "%m-%d-%Y", "mdy"),
    ("dmy_dash", r"\d{1,2}-\d{1,2}-\d{4}", "%d-%m-%Y", "dmy"),
    ("dmy_dot", r"\d{1,2}\.\d{1,2}\.\d{4}", "%d.%m.%Y", "dmy"),
    ("mdy_dot", r"\d{1,2}\.\d{1,2}\.\d{4}", "%m.%d.%Y", "mdy"),
    ("mdy_slash_yy", r"\d{1,2}/\d{1,2}/\d{2}", "%m/%d/%y", "mdy"),
    ("dmy_slash_yy", r"\d{1,2}/\d{1,2}/\d{2}", "%d/%m/%y", "dmy"),
    ("dmy_dot_yy", r"\d{1,2}\.\d{1,2}\.\d{2}", "%d.%m.%y", "dmy"),
    ("compact", r"(?:19|20)\d{6}", "%Y%m%d", "ymd"),
    ("d_mon_y", r"\d{1,2}-[A-Za-z]{3}-\d{4}", "%d-%b-%Y", "dmy"),
    ("d_mon_y_space", r"\d{1,2} [A-Za-z]{3} \d{4}", "%d %b %Y", "dmy"),
    ("d_month_y", r"\d{1,2} [A-Za-z]{4,9} \d{4}", "%d %B %Y", "dmy"),
    ("mon_d_y", r"[A-Za-z]{3} \d{1,2},? \d{4}", "%b %d %Y", "mdy"),
    ("month_d_y", r"[A-Za-z]{4,9} \d{1,2},? \d{4}", "%B %d %Y", "mdy"),
)
# (regex of the time part, strftime format, granularity)
_TIMES: tuple[tuple[str, str, str], ...] = (
    (r"\d{1,2}:\d{2}:\d{2}\.\d+", "%H:%M:%S%.f", "second"),
    (r"\d{1,2}:\d{2}:\d{2}", "%H:%M:%S", "second"),
    (r"\d{1,2}:\d{2}", "%H:%M", "minute"),
    (r"\d{1,2}:\d{2}:\d{2}(?:\.\d+)? [AP]M", "%I:%M:%S %p", "second"),
    (r"\d{1,2}:\d{2} [AP]M", "%I:%M %p", "minute"),
)
_MONTHS: tuple[tuple[str, str], ...] = (  # month-only forms: (regex with year and month groups, order)
    (r"^(\d{4})-(\d{1,2})$", "ym"),
    (r"^(\d{4})/(\d{1,2})$", "ym"),
    (r"^(\d{1,2})/(\d{4})$", "my"),
)
_LOOKS_TEMPORAL = r"^(\d{1,4}[-/.]\d{1,2}|(?:19|20)\d{6}$|\d{1,2}[- ][A-Za-z]{3}|[A-Za-z]{3,9} \d{1,2})"
_ZONE = r"\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2}|[+-]\d{2})$"
_TIME_OF_DAY = r"^\d{1,2}:\d{2}(:\d{2})?( ?[AaPp]\.?[Mm]\.?)?$"


@dataclass(frozen=True)
class TemporalFormat:
    kind: str  # strptime | month | epoch_s | epoch_ms | excel | native
    patterns: tuple[str, ...]  # strftime formats combined, best first (empty for numbers)
    order: str | None  # ymd | mdy | dmy | None
    order_decided: bool  # False: both day-month orders fit; the default for the separator was taken
    has_time: bool
    twelve_hour: bool

    @property
    def label(self) -> str:
        if self.kind == "strptime":
            return self.patterns[0] if len(self.patterns) == 1 else " | ".join(self.patterns)
        return {"month": "year-month", "epoch_s": "epoch seconds", "epoch_ms": "epoch milliseconds",
                "excel": "Excel serial days", "native": "native"}[self.kind]


@dataclass(frozen=True)
class TemporalParse:
    """A column read as moments. `values` is Datetime('us'), wall-clock as written, null where a
    value could not be read; `offset_minutes` is row-aligned (null where no offset was written)."""

    values: pl.Series
    format: TemporalFormat
    granularity: str  # effective: year | month | day | hour | minute | second
    share: float  # share of non-null input values read
    offset_minutes: pl.Series | None = None
    time_zone: str | None = None  # a native Datetime's zone

    @property
    def offsets(self) -> tuple[int, ...]:
        if self.offset_minutes is None:
            return ()
        return tuple(sorted(int(v) for v in self.offset_minutes.drop_nulls().unique().to_list()))

    def describe(self) -> str:
        """In words, for evidence: no values."""
        text = f"{self.format.label}, to the {self.granularity}"
        if self.format.order and not self.format.order_decided:
            text += f" (day and month order ambiguous; read {self.format.order.upper()})"
        if self.offsets:
            text += f", UTC offsets written ({len(self.offsets)} distinct)"
        elif self.time_zone:
            text += f", time zone {self.time_zone}"
        return text


@lru_cache(maxsize=1)
def _config() -> dict:
    document = load_yaml("temporal.yaml")
    required = {"time_name_tokens": list, "epoch_seconds_range": list, "epoch_milliseconds_range": list,
                "excel_serial_range": list, "min_share": float}
    for key, kind in required.items():
        if not isinstance(document.get(key), kind):
            raise RuleError(f"rules/temporal.yaml: '{key}' must be a {kind.__name__}")
    for key in ("epoch_seconds_range", "epoch_milliseconds_range", "excel_serial_range"):
        low, high = document[key]
        if not low < high:
            raise RuleError(f"rules/temporal.yaml: '{key}' must be [low, high]")
    if any(not isinstance(word, str) or word != word.lower() for word in document["time_name_tokens"]):
        raise RuleError("rules/temporal.yaml: time_name_tokens must be lower-case words")
    return document


def name_says_time(name: str | None) -> bool:
    if not name:
        return False
    from .naming import match_column_name, normalise_column_name

    tokens = set(normalise_column_name(name).split("_"))
    if tokens & set(_config()["time_name_tokens"]):
        return True
    return any(hint.semantic_type in ("date", "datetime", "time") for hint in match_column_name(name))


def _min_share(given: float | None) -> float:
    """The share of values that must read for a column to be temporal: rules/temporal.yaml's
    unless a caller asks for another."""
    return _config()["min_share"] if given is None else given


def is_time_of_day(values: pl.Series, min_share: float | None = None) -> bool:
    threshold = _min_share(min_share)
    text = values.cast(pl.String).drop_nulls().str.strip_chars()
    return text.len() > 0 and float(text.str.contains(_TIME_OF_DAY).mean()) >= threshold


def _prepare(text: pl.Series) -> tuple[pl.Series, pl.Series]:
    """Values without their zone (T separator as a space, AM/PM spelled one way), and the zone text."""
    has_time = text.str.contains(r"\d:\d\d")
    zone = pl.select(pl.when(has_time).then(text.str.extract(_ZONE, 1))).to_series()
    body = pl.select(pl.when(zone.is_not_null()).then(text.str.replace(_ZONE, "")).otherwise(text)).to_series()
    body = body.str.replace(r"^(\d{4}-\d{1,2}-\d{1,2})T", "$1 ")
    if body.str.contains(r"(?i)\d\s*[ap]\.?m\.?$").any():
        body = body.str.replace(r"(?i)\s*([ap])\.?m\.?$", " ${1}M").str.replace(r" a M$", " AM").str.replace(r" p M$", " PM")
        body = body.str.to_uppercase()
    if body.str.contains(",").any():
        body = body.str.replace(r"^([A-Za-z]{3,9} \d{1,2}),", "$1")
    return body, zone


def _offset_minutes(zone: pl.Series) -> pl.Series | None:
    if zone.null_count() == zone.len():
        return None
    utc = zone.is_in(["Z", "UTC", "GMT"])
    parts = zone.str.extract_groups(r"^([+-])(\d{2}):?(\d{2})?$")
    sign = pl.select(pl.when(parts.struct.field("1") == "-").then(-1).otherwise(1)).to_series()
    hours = parts.struct.field("2").cast(pl.Int32, strict=False)
    minutes = parts.struct.field("3").cast(pl.Int32, strict=False).fill_null(0)
    offset = pl.select(pl.when(utc).then(0).otherwise(sign * (hours * 60 + minutes))).to_series()
    return offset.cast(pl.Int32).rename("offset_minutes")


def _candidates(sample: pl.Series) -> list[tuple[str, str, bool, bool]]:
    """(format, order, has_time, twelve_hour) whose shape fits at least a tenth of the sample."""
    out = []
    for _, date_regex, date_format, order in _DATES:
        if float(sample.str.contains(f"^{date_regex}").mean()) < 0.1:
            continue
        if float(sample.str.contains(f"^{date_regex}$").mean()) >= 0.1:
            out.append((date_format, order, False, False))
        for time_regex, time_format, _grain in _TIMES:
            if float(sample.str.contains(f"^{date_regex} {time_regex}$").mean()) >= 0.1:
                out.append((f"{date_format} {time_format}", order, True, "%p" in time_format))
    return out


def _parse(text: pl.Series, fmt: str) -> pl.Series:
    return text.str.strptime(pl.Datetime("us"), fmt, strict=False)


def _decide_order(body: pl.Series, orders: set[str], separator_hint: str) -> tuple[str, bool]:
    """Day-first or month-first, from the whole column: a field above 12 can only be a day."""
    if {"mdy", "dmy"} - orders:
        return next(iter(orders)), True
    fields = body.str.extract_groups(r"^(\d{1,2})[/.-](\d{1,2})[/.-]")
    first = fields.struct.field("1").cast(pl.Int32, strict=False)
    second = fields.struct.field("2").cast(pl.Int32, strict=False)
    day_first, month_first = bool((first > 12).any()), bool((second > 12).any())
    if day_first != month_first:
        return ("dmy" if day_first else "mdy"), True
    return ("dmy" if separator_hint == "." else "mdy"), False


def _strptime(text: pl.Series, min_share: float) -> TemporalParse | None:
    body, zone = _prepare(text.str.strip_chars())
    non_null = body.drop_nulls()
    if non_null.len() == 0:
        return None
    sample = non_null.unique(maintain_order=True).head(FORMAT_SAMPLE)
    if float(sample.str.contains(_LOOKS_TEMPORAL).mean()) < min_share:
        return _month(body, min_share)
    scored = []
    for fmt, order, has_time, twelve in _candidates(sample):
        parsed = _parse(sample, fmt)
        rate = 1.0 - parsed.null_count() / sample.len()
        if rate > 0:
            scored.append((rate, fmt, order, has_time, twelve))
    if not scored:
        return _month(body, min_share)
    orders = {order for rate, _, order, _, _ in scored if rate >= 0.99 * max(s[0] for s in scored)}
    separator = "." if sample.str.contains(r"^\d{1,2}\.").mean() >= 0.5 else "/"
    order, decided = _decide_order(body, orders, separator)
    scored = [s for s in scored if s[2] in (order, "ymd")] or scored
    scored.sort(key=lambda s: -s[0])
    # Columns that mix forms (dates with and without a time) are read with up to three formats.
    chosen, covered = [], pl.Series([None] * sample.len(), dtype=pl.Datetime("us"))
    for rate, fmt, *_ in scored[:6]:
        attempt = covered.fill_null(_parse(sample, fmt))
        if attempt.null_count() < covered.null_count():
            chosen.append(fmt)
            covered = attempt
        if len(chosen) == 3 or covered.null_count() == 0:
            break
    share = 1.0 - covered.null_count() / sample.len()
    if share < min_share:
        return _month(body, min_share)
    values = _parse(body, chosen[0])
    for fmt in chosen[1:]:
        values = values.fill_null(_parse(body, fmt))
    has_time = any(s[3] for s in scored if s[1] in chosen)
    twelve = any(s[4] for s in scored if s[1] in chosen)
    fmt = TemporalFormat("strptime", tuple(chosen), order, decided or order == "ymd", has_time, twelve)
    grain = effective_granularity(values, "second" if has_time else "day")
    offsets = _offset_minutes(zone) if has_time else None
    return TemporalParse(values.rename(text.name), fmt, grain, _share(text, values), offsets)


def _month(body: pl.Series, min_share: float) -> TemporalParse | None:
    """YYYY-MM, YYYY/MM, MM/YYYY: the first of the month, at month grain."""
    non_null = body.drop_nulls()
    for regex, order in _MONTHS:
        if float(non_null.head(FORMAT_SAMPLE).str.contains(regex).mean()) < min_share:
            continue
        groups = body.str.extract_groups(regex)
        year_field, month_field = ("1", "2") if order == "ym" else ("2", "1")
        year = groups.struct.field(year_field).cast(pl.Int32, strict=False)
        month = groups.struct.field(month_field).cast(pl.Int32, strict=False)
        valid = (month >= 1) & (month <= 12) & (year >= 1000) & (year <= 2200)
        frame = pl.DataFrame({"y": year, "m": month, "ok": valid})
        values = frame.select(pl.when(pl.col("ok")).then(pl.datetime(pl.col("y"), pl.col("m"), 1))).to_series()
        values = values.cast(pl.Datetime("us")).rename(body.name)
        if _share(body, values) >= min_share:
            return TemporalParse(values, TemporalFormat("month", (), None, True, False, False), "month", _share(body, values))
    return None


def _share(original: pl.Series, parsed: pl.Series) -> float:
    present = original.len() - original.null_count()
    return (parsed.len() - parsed.null_count()) / present if present else 0.0


def _numeric(series: pl.Series, name: str | None, min_share: float) -> TemporalParse | None:
    if not name_says_time(name):
        return None
    values = series.drop_nulls()
    if values.len() == 0:
        return None
    low, high = float(values.min()), float(values.max())
    config = _config()
    if not series.dtype.is_float() or bool((values == values.round(0)).all()):
        for kind, unit, (lo, hi) in (("epoch_s", "s", config["epoch_seconds_range"]),
                                     ("epoch_ms", "ms", config["epoch_milliseconds_range"])):
            if lo <= low and high <= hi:
                parsed = pl.from_epoch(series.cast(pl.Int64), time_unit=unit).cast(pl.Datetime("us")).rename(series.name)
                grain = effective_granularity(parsed, "second")
                return TemporalParse(parsed, TemporalFormat(kind, (), None, True, True, False), grain, 1.0)
    if not series.dtype.is_float() and 19000101 <= low and high <= 21001231:
        # 20230105 stored as a number: the compact ISO form
        parsed = _strptime(series.cast(pl.String), min_share)
        if parsed is not None:
            return parsed
    lo, hi = config["excel_serial_range"]
    if lo <= low and high <= hi:
        # Excel counts days from 1899-12-30 (its 1900 leap-year bug folded in); a fraction is the time of day.
        micro = (series.cast(pl.Float64) * 86_400_000_000).round(0).cast(pl.Int64)
        base = pl.Series([0], dtype=pl.Datetime("us")).dt.offset_by("-25569d").cast(pl.Int64)[0]
        parsed = (micro + base).cast(pl.Datetime("us")).rename(series.name)
        has_time = series.dtype.is_float() and not bool((values == values.round(0)).all())
        grain = effective_granularity(parsed, "second" if has_time else "day")
        return TemporalParse(parsed, TemporalFormat("excel", (), None, True, has_time, False), grain, 1.0)
    return None


def effective_granularity(values: pl.Series, grain: str) -> str:
    """Timestamps whose seconds are always :00 are to the minute; all midnight (or noon: 12-hour
    forms written 12:00:00) are dates."""
    if grain in ("year", "month", "day"):
        return grain
    present = values.drop_nulls()
    if present.len() == 0:
        return grain
    frame = pl.DataFrame({"t": present}).select(
        (pl.col("t").dt.second() != 0).any().alias("s") | (pl.col("t").dt.microsecond() != 0).any(),
        (pl.col("t").dt.minute() != 0).any().alias("m"),
        (~pl.col("t").dt.hour().is_in([0, 12])).any().alias("h"),
    ).row(0, named=True)
    if frame["s"]:
        return "second"
    if frame["m"]:
        return "minute"
    return "hour" if frame["h"] else "day"


def parse_temporal(series: pl.Series, *, name: str | None = None, min_share: float | None = None) -> TemporalParse | None:
    """The column as moments, or None when it is not temporal (fewer than `min_share` of its
    values read). `name` defaults to the series name; numbers need it to say time."""
    threshold = _min_share(min_share)
    dtype = series.dtype
    name = series.name if name is None else name
    if dtype == pl.Date:
        values = series.cast(pl.Datetime("us"))
        return TemporalParse(values, TemporalFormat("native", (), None, True, False, False), "day", 1.0)
    if isinstance(dtype, pl.Datetime):
        zone = dtype.time_zone
        values = series.dt.replace_time_zone(None) if zone else series
        values = values.cast(pl.Datetime("us"))
        return TemporalParse(values, TemporalFormat("native", (), None, True, True, False),
                             effective_granularity(values, "second"), 1.0, time_zone=zone)
    if dtype.is_numeric():
        return _numeric(series, name, threshold)
    if dtype not in (pl.String, pl.Categorical):
        return None
    return _strptime(series.cast(pl.String), threshold)


def granularity_of(values, *, name: str | None = None, min_share: float | None = None) -> tuple[str | None, bool]:
    """(granularity, is time of day) of a column's sampled text values: what a profile records.
    What counts as a date is decided once: the share of values that must read is rules/temporal.yaml's
    `min_share`, for profiling and joins alike."""
    min_share = _min_share(min_share)
    series = values if isinstance(values, pl.Series) else pl.Series(name or "", [str(v) for v in values], dtype=pl.String)
    if series.len() == 0:
        return None, False
    # Every form read below (a time of day, a date in any of _DATES, a month) has a digit, and
    # nothing before the test adds one: text without digits is settled in one query instead of
    # a dozen (most text columns of a release: categories, names, addresses without numbers).
    if series.dtype == pl.String and min_share > 0 and not series.str.contains(r"\d").any():
        return None, False
    return _parsed_granularity(series, name, min_share)


def _parsed_granularity(series: pl.Series, name: str | None, min_share: float) -> tuple[str | None, bool]:
    if series.dtype == pl.String and is_time_of_day(series, min_share):
        return None, True
    parsed = parse_temporal(series, name=name, min_share=min_share)
    if parsed is None or parsed.share < min_share:
        return None, False
    return parsed.granularity, False


def finer(a: str | None, b: str | None) -> bool:
    """Whether granularity `a` is finer than `b`."""
    return a in GRANULARITY_ORDER and (b not in GRANULARITY_ORDER or GRANULARITY_ORDER.index(a) > GRANULARITY_ORDER.index(b))

