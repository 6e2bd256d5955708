"""One date/time parser (sharecheck.temporal): every common form is a timestamp with its grain."""
from __future__ import annotations

from datetime import datetime, timedelta

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sharecheck.join.normalise import parse_temporal as join_parse
from sharecheck.profile import profile_frame
from sharecheck.temporal import _parsed_granularity, granularity_of, parse_temporal

# (strftime used to write the value, the format's grain)
FORMATS = [
    ("%Y-%m-%dT%H:%M:%S", "second"),
    ("%Y-%m-%d %H:%M:%S", "second"),
    ("%Y-%m-%dT%H:%M:%S.%f", "second"),
    ("%Y-%m-%dT%H:%M:%SZ", "second"),
    ("%Y-%m-%d %H:%M", "minute"),
    ("%Y-%m-%d", "day"),
    ("%Y/%m/%d %H:%M:%S", "second"),
    ("%Y/%m/%d", "day"),
    ("%m/%d/%Y", "day"),
    ("%m/%d/%Y %H:%M", "minute"),
    ("%m/%d/%Y %I:%M:%S %p", "second"),
    ("%m/%d/%Y %I:%M %p", "minute"),
    ("%d/%m/%Y", "day"),
    ("%d/%m/%Y %H:%M:%S", "second"),
    ("%d.%m.%Y", "day"),
    ("%d.%m.%Y %H:%M", "minute"),
    ("%m-%d-%Y", "day"),
    ("%d-%b-%Y", "day"),
    ("%b %d, %Y", "day"),
    ("%d %B %Y", "day"),
    ("%Y%m%d", "day"),
]

_TRUNCATE = {"day": "1d", "minute": "1m", "second": "1s"}
moments = st.datetimes(min_value=datetime(1950, 1, 1), max_value=datetime(2090, 12, 31))


def _truncate(value: datetime, grain: str) -> datetime:
    return pl.Series([value]).dt.truncate(_TRUNCATE[grain]).item()


@pytest.mark.parametrize("fmt,grain", FORMATS, ids=[f for f, _ in FORMATS])
@settings(max_examples=25, deadline=None)
@given(moment=moments)
def test_a_formatted_moment_parses_back_to_itself_at_the_formats_grain(fmt, grain, moment):
    # a second value with day 25 settles day/month order, as a real column's values do
    settler = datetime(2001, 3, 25, 17, 45, 30, 500000)
    column = pl.Series("when", [moment.strftime(fmt), settler.strftime(fmt)])
    parsed = parse_temporal(column)
    assert parsed is not None and parsed.share == 1.0
    expected = moment if ".%f" in fmt else _truncate(moment, grain)
    assert parsed.values[0] == expected
    order = ("year", "month", "day", "hour", "minute", "second")
    assert order.index(parsed.granularity) <= order.index(grain)


@settings(max_examples=40, deadline=None)
@given(moment=st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1)))
def test_epoch_seconds_and_milliseconds_under_a_time_name(moment):
    moment = moment.replace(microsecond=0)
    seconds = int((moment - datetime(1970, 1, 1)).total_seconds())
    parsed = parse_temporal(pl.Series("created_ts", [seconds, seconds + 61]))
    assert parsed is not None and parsed.format.kind == "epoch_s" and parsed.values[0] == moment
    parsed = parse_temporal(pl.Series("event_time", [seconds * 1000, seconds * 1000 + 7]))
    assert parsed is not None and parsed.format.kind == "epoch_ms" and parsed.values[0] == moment


@settings(max_examples=40, deadline=None)
@given(days=st.integers(min_value=20000, max_value=70000))
def test_excel_serial_days_under_a_date_name(days):
    parsed = parse_temporal(pl.Series("report_date", [days, days + 1]))
    assert parsed is not None and parsed.format.kind == "excel"
    assert parsed.values[0] == datetime(1899, 12, 30) + timedelta(days=days)
    assert parsed.granularity == "day"


def test_a_ten_digit_phone_number_is_not_an_epoch():
    phones = pl.Series("phone", [2125550134, 3125550199, 4155550100])
    assert parse_temporal(phones) is None
    assert parse_temporal(pl.Series("amount", [45000, 45001])) is None  # no time in the name: not Excel


def test_a_first_field_above_12_settles_the_european_order():
    parsed = parse_temporal(pl.Series("d", ["03/04/2023", "25/04/2023", "01/12/2023"]))
    assert parsed.format.order == "dmy" and parsed.format.order_decided
    assert parsed.values[0] == datetime(2023, 4, 3)
    us = parse_temporal(pl.Series("d", ["03/04/2023", "04/25/2023"]))
    assert us.format.order == "mdy" and us.values[0] == datetime(2023, 3, 4)


def test_an_undecidable_order_says_so_and_takes_the_separators_default():
    slashes = parse_temporal(pl.Series("d", ["03/04/2023", "05/06/2023"]))
    assert slashes.format.order == "mdy" and not slashes.format.order_decided
    dots = parse_temporal(pl.Series("d", ["03.04.2023", "05.06.2023"]))
    assert dots.format.order == "dmy" and not dots.format.order_decided
    assert "ambiguous" in slashes.describe()


def test_time_zones_are_kept_as_a_fact():
    parsed = parse_temporal(pl.Series("t", ["2023-01-05T10:00:00+02:00", "2023-01-05T10:30:00Z", "2023-01-05 11:00:00-0530"]))
    assert parsed.values.to_list() == [datetime(2023, 1, 5, 10), datetime(2023, 1, 5, 10, 30), datetime(2023, 1, 5, 11)]
    assert parsed.offset_minutes.to_list() == [120, 0, -330]
    assert parsed.offsets == (-330, 0, 120)


def test_twelve_hour_spellings():
    parsed = parse_temporal(pl.Series("t", ["1/5/2023 1:05 PM", "1/6/2023 11:05 am", "1/7/2023 12:10 a.m."]))
    assert parsed.values.to_list() == [datetime(2023, 1, 5, 13, 5), datetime(2023, 1, 6, 11, 5), datetime(2023, 1, 7, 0, 10)]
    assert parsed.format.twelve_hour and parsed.granularity == "minute"


def test_effective_granularity_and_month_forms():
    assert parse_temporal(pl.Series("t", ["2023-01-05 10:00:00", "2023-01-06 11:00:00"])).granularity == "hour"
    assert parse_temporal(pl.Series("t", ["2023-01-05 00:00:00", "2023-01-06 00:00:00"])).granularity == "day"
    assert parse_temporal(pl.Series("t", ["2023-01", "2023-02"])).granularity == "month"
    assert parse_temporal(pl.Series("t", ["abc", "12.5", "x1"])) is None
    assert granularity_of(["10:00", "11:30 PM"]) == (None, True)


def test_slashed_iso_timestamps_are_timestamps_in_profiles_not_codes():
    frame = pl.DataFrame({"call_received": ["2023/01/01 01:55:36", "2023/01/01 03:59:51", "2023/01/02 14:49:10"]})
    assert profile_frame(frame)["call_received"].granularity == "second"


def test_the_join_reads_dates_with_the_same_parser():
    values, fmt = join_parse(pl.Series("d", ["2023/01/01 01:55:36", "2023/01/02 03:59:51"]))
    assert fmt == "%Y/%m/%d %H:%M:%S"
    assert values.to_list() == [datetime(2023, 1, 1, 1, 55), datetime(2023, 1, 2, 3, 59)]  # minute precision for joins
    values, fmt = join_parse(pl.Series("d", ["25.12.2023", "01.02.2023"]))
    assert values.to_list() == [datetime(2023, 12, 25), datetime(2023, 2, 1)]


# Text a date parser might be tempted by, without a digit: month and day names, AM/PM, zones,
# separators, commas.
_DIGITLESS = st.lists(st.sampled_from(["Jan", "January", "Mar", "Sept", "Monday", "AM", "PM", "p.m.", "Z", "UTC",
                                       "GMT", "T", "-", "/", ".", ",", ":", " ", "x", "Ünter", "nineteen"]),
                      min_size=1, max_size=6).map("".join)


@settings(max_examples=150, deadline=None)
@given(st.lists(_DIGITLESS, min_size=1, max_size=12), st.sampled_from([None, "date", "month", "created_at"]),
       st.sampled_from([0.9, 0.5, 0.1]))
def test_text_without_digits_has_no_granularity_and_the_short_cut_agrees_with_the_parser(values, name, min_share):
    # No time of day, date or month form can be written without a digit.
    assert granularity_of(values, name=name, min_share=min_share) == (None, False)
    series = pl.Series(name or "", values, dtype=pl.String)
    assert _parsed_granularity(series, name, min_share) == (None, False)


def test_one_digit_is_enough_to_go_to_the_parser():
    assert granularity_of(["Jan 5, 2023", "Mar 7, 2023"]) == ("day", False)
    assert granularity_of(["10:00", "11:30 PM"]) == (None, True)


def test_profiling_and_joins_agree_on_what_a_date_is():
    # 17 of 20 values are dates (85 %), three are typing slips: between the 0.8 the join used and
    # the 0.9 profiling used before both read rules/temporal.yaml's one `min_share` (0.8).
    dates = [f"2023-01-{day:02d}" for day in range(1, 18)] + ["unknown", "tbc", "n.k."]
    series = pl.Series("date_of_breach", dates)
    assert profile_frame(pl.DataFrame({"date_of_breach": dates}))["date_of_breach"].granularity == "day"
    values, _fmt = join_parse(series)
    assert values is not None and values.null_count() == 3
    # 15 of 20 (75 %) is under the share for both (distinct values: profiles read a distinct sample).
    fewer = dates[:15] + ["unknown", "tbc", "n.k.", "none", "?"]
    assert profile_frame(pl.DataFrame({"d": fewer}))["d"].granularity is None
    assert join_parse(pl.Series("d", fewer)) == (None, None)


def test_a_time_of_day_column_follows_the_same_share():
    times = ["10:00", "11:30", "12:15", "13:45", "09:05", "08:00", "17:30", "18:00", "07:45"] + ["closed"]
    assert granularity_of(times) == (None, True)  # 90 %
    assert granularity_of(times[:7] + ["closed", "shut", "n/a"]) == (None, False)  # 70 %
