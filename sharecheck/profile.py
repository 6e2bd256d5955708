"""Column profiles: the facts every later step reads, computed in one pass plus a bounded sample."""
from __future__ import annotations

import functools
import math
import re
import string
import unicodedata
from dataclasses import dataclass, field
from typing import Mapping

import polars as pl

from .redact import mask_examples
from .temporal import effective_granularity, granularity_of, parse_temporal

SAMPLE_ROWS = 20_000
SAMPLE_DISTINCT = 2_000

# Metres per degree of latitude; a coordinate with d decimals is precise to about 111 km / 10^d.
METRES_PER_DEGREE = 111_320.0



@dataclass(frozen=True)
class ColumnProfile:
    name: str
    dtype: str
    rows: int
    nulls: int
    distinct: int
    top_share: float  # share of non-null rows holding the most frequent value
    shapes: tuple[tuple[str, float], ...] = ()  # value shapes (9 = digit, A/a = letter) with their share
    mean_length: float | None = None
    mean_words: float | None = None
    decimals: int | None = None  # typical decimals of a float column
    precision_m: float | None = None  # what those decimals mean on the ground, for coordinates
    granularity: str | None = None  # year | month | day | hour | minute | second
    time_of_day: bool = False
    numeric_range: tuple[float, float] | None = None
    masked_examples: tuple[str, ...] = ()
    sample: tuple = field(default=(), repr=False, compare=False)  # distinct sampled values, never reported

    @property
    def non_null(self) -> int:
        return self.rows - self.nulls

    @property
    def null_share(self) -> float:
        return self.nulls / self.rows if self.rows else 0.0

    @property
    def uniqueness(self) -> float:
        """Distinct values per non-null row: 1.0 means every row has its own value."""
        return self.distinct / self.non_null if self.non_null else 0.0

    @property
    def is_numeric(self) -> bool:
        return self.dtype.startswith(("Int", "UInt", "Float", "Decimal"))

    @property
    def sampled_whole_numbers(self) -> bool:
        """Every sampled value of a numeric column is a whole number (a 0/1 dummy, a code, a day);
        False without a sample, and where a value is no number (NaN)."""
        if self.numeric_range is None or not self.sample:
            return False
        try:
            return all(float(value) == int(float(value)) for value in self.sample)
        except (TypeError, ValueError, OverflowError):
            return False

    @property
    def is_text(self) -> bool:
        return self.dtype in {"String", "Categorical", "Enum"}

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "dtype": self.dtype,
            "rows": self.rows,
            "nulls": self.nulls,
            "distinct": self.distinct,
            "uniqueness": round(self.uniqueness, 6),
            "top_share": round(self.top_share, 6),
            "shapes": [{"shape": shape, "share": round(share, 4)} for shape, share in self.shapes],
            "mean_length": None if self.mean_length is None else round(self.mean_length, 2),
            "decimals": self.decimals,
            "precision_m": self.precision_m,
            "granularity": self.granularity,
            "masked_examples": list(self.masked_examples),
        }


def value_shape(text: str) -> str:
    """Every character by its Unicode class: 9 digit, A upper-case, a lower-case, L a letter of a
    script without case (CJK, Arabic ...), ? anything else outside printable ASCII; combining marks
    are dropped. ASCII punctuation and space stay: they are the format."""
    shape = "".join(_shape_char(ch) for ch in text[:200])
    # Long runs say little beyond "text": collapse them so shapes can be compared.
    return re.sub(r"([AaL9])\1{6,}", r"\1+", shape)[:40]


@functools.lru_cache(maxsize=4096)
def _shape_char(ch: str) -> str:
    category = unicodedata.category(ch)
    if category == "Nd" or category == "No" or category == "Nl":
        return "9"
    if category in ("Lu", "Lt"):
        return "A"
    if category == "Ll":
        return "a"
    if category in ("Lo", "Lm"):
        return "L"
    if category.startswith("M"):
        return ""
    return ch if " " <= ch <= "~" else "?"


def _decimals(values: list[float]) -> int | None:
    if not values:
        return None
    counts = []
    for value in values:
        text = repr(float(value))
        if "e" in text or "E" in text:
            continue
        counts.append(len(text.split(".")[1].rstrip("0")) if "." in text else 0)
    if not counts:
        return None
    counts.sort()
    return counts[int(0.9 * (len(counts) - 1))]


def precision_metres(decimals: int | None) -> float | None:
    if decimals is None:
        return None
    return round(METRES_PER_DEGREE / (10 ** decimals), 3)


def sample_frame(frame: pl.DataFrame, rows: int = SAMPLE_ROWS, seed: int = 0) -> pl.DataFrame:
    return frame if frame.height <= rows else frame.sample(n=rows, seed=seed)


def profile_frame(frame: pl.DataFrame, *, sample: pl.DataFrame | None = None) -> dict[str, ColumnProfile]:
    """Profiles for every column. Counts are exact over the whole frame; shapes come from a sample."""
    rows = frame.height
    if not frame.width:
        return {}
    stats = frame.select(
        # pl.nth, not pl.col: a header such as "*" or "^x$" would be read as a pattern.
        [pl.nth(index).null_count().alias(f"{index}_nulls") for index in range(frame.width)]
        + [pl.nth(index).n_unique().alias(f"{index}_distinct") for index in range(frame.width)]
        # The largest count is all a profile needs of the value counts: no sort of them.
        + [pl.nth(index).drop_nulls().unique_counts().max().alias(f"{index}_top") for index in range(frame.width)]
    ).row(0, named=True) if rows else {}
    sample = sample if sample is not None else sample_frame(frame)
    distinct_samples, text_values = {}, {}
    schema = frame.schema  # built once: frame.schema makes a new Schema of every column per call
    for name in frame.columns:
        distinct_samples[name], text_values[name] = _distinct_sample(schema[name], sample.get_column(name))
    # The shapes of every column in one pass over all their sampled values (nine passes on Adult).
    shapes = dict(zip(frame.columns, _shape_shares_of_columns(list(text_values.values()))))
    profiles = {}
    for index, name in enumerate(frame.columns):
        series = frame.get_column(name)
        nulls = int(stats.get(f"{index}_nulls", 0))
        distinct = int(stats.get(f"{index}_distinct", 0)) - (1 if nulls else 0)
        profiles[name] = _profile_column(name, series, sample.get_column(name), rows, nulls, max(distinct, 0),
                                         stats.get(f"{index}_top"), distinct_samples[name], text_values[name], shapes[name])
    return profiles


def _distinct_sample(dtype, sampled: pl.Series) -> tuple[pl.Series, list[str]]:
    """The sampled column's distinct values (at most SAMPLE_DISTINCT) and their text."""
    distinct_sample = sampled.drop_nulls().unique(maintain_order=True)
    if distinct_sample.len() > SAMPLE_DISTINCT:
        distinct_sample = distinct_sample.sample(n=SAMPLE_DISTINCT, seed=0)
    nested = isinstance(dtype, (pl.List, pl.Struct, pl.Array, pl.Object))
    text_values = [] if nested else [str(value) for value in distinct_sample.cast(pl.String, strict=False).to_list() if value is not None]
    return distinct_sample, text_values


def _profile_column(name: str, series: pl.Series, sampled: pl.Series, rows: int, nulls: int, distinct: int,
                    top: int | None, distinct_sample: pl.Series, text_values: list[str],
                    shapes: tuple[tuple[str, float], ...]) -> ColumnProfile:
    dtype = series.dtype
    top_share = top / (rows - nulls) if rows - nulls and top else 0.0
    mean_length = mean_words = None
    decimals = precision = None
    numeric_range = None
    granularity, time_of_day = None, False
    if dtype == pl.String:
        lengths = sampled.drop_nulls().str.len_chars()
        mean_length = float(lengths.mean()) if lengths.len() else None
        words = sampled.drop_nulls().str.count_matches(r"\S+")
        mean_words = float(words.mean()) if words.len() else None
        granularity, time_of_day = granularity_of(text_values[:500], name=name)
    elif dtype in (pl.Date,):
        granularity = "day"
    elif isinstance(dtype, pl.Datetime):
        granularity = effective_granularity(series, "second")
    elif dtype.is_numeric():
        non_null = series.drop_nulls()
        if non_null.len():
            numeric_range = (float(non_null.min()), float(non_null.max()))
        if dtype.is_float():
            decimals = _decimals(distinct_sample.to_list()[:1000])
            precision = precision_metres(decimals)
        elif numeric_range and 1000 <= numeric_range[0] and numeric_range[1] <= 2100 and distinct > 1:
            granularity = "year"
        if granularity is None and numeric_range:
            # epoch seconds or milliseconds, Excel serial days: only under a name that says time
            moments = parse_temporal(sampled, name=name)
            granularity = moments.granularity if moments is not None else None
    return ColumnProfile(
        name=name,
        dtype=str(dtype),
        rows=rows,
        nulls=nulls,
        distinct=distinct,
        top_share=top_share,
        shapes=shapes,
        mean_length=mean_length,
        mean_words=mean_words,
        decimals=decimals,
        precision_m=precision,
        granularity=granularity,
        time_of_day=time_of_day,
        numeric_range=numeric_range,
        masked_examples=mask_examples(text_values[:50]),
        sample=tuple(text_values),
    )


# ASCII text gets its shape from polars (one Aho-Corasick pass maps each character to its class);
# a value with any other character goes through `value_shape`, since polars' regex engine would
# take Unicode classes from another Unicode version than Python's.
_ASCII_FROM = [*string.digits, *string.ascii_uppercase, *string.ascii_lowercase, *map(chr, range(32)), "\x7f"]
_ASCII_TO = ["9"] * 10 + ["A"] * 26 + ["a"] * 26 + ["?"] * 33
_ASCII_RUNS = ((r"A{7,}", "A+"), (r"a{7,}", "a+"), (r"9{7,}", "9+"))


def value_shapes(values: pl.Series) -> pl.Series:
    """`value_shape` of every value of a string series, vectorised where it can be."""
    values = values.cast(pl.String)
    shapes = values.str.slice(0, 200).str.replace_many(_ASCII_FROM, _ASCII_TO)
    for pattern, replacement in _ASCII_RUNS:
        shapes = shapes.str.replace_all(pattern, replacement)
    shapes = shapes.str.slice(0, 40)
    other = values.str.contains(r"[^\x00-\x7f]").fill_null(False)
    if other.any():
        rows = other.arg_true()
        shapes = shapes.scatter(rows, [value_shape(value) for value in values.gather(rows).to_list()])
    return shapes


def _shape_shares(values: list[str]) -> tuple[tuple[str, float], ...]:
    return _shape_shares_of_columns([values])[0]


def _shape_shares_of_columns(columns: list[list[str]]) -> list[tuple[tuple[str, float], ...]]:
    """For each list of values, its five commonest shapes with their share, ties in order of
    first appearance: all lists shaped and tallied in one pass (shapes are per value)."""
    sizes = [len(values) for values in columns]
    if not any(sizes):
        return [() for _ in columns]
    flat = pl.Series([value for values in columns for value in values], dtype=pl.String)
    owner = pl.Series("column", [index for index, size in enumerate(sizes) for _ in range(size)], dtype=pl.UInt32)
    top = (pl.DataFrame({"column": owner, "shape": value_shapes(flat)}).with_row_index("first")
           .group_by("column", "shape").agg(pl.len().alias("count"), pl.col("first").min())
           .sort(["column", "count", "first"], descending=[False, True, False])
           .filter(pl.int_range(pl.len()).over("column") < 5))
    out: list[list[tuple[str, float]]] = [[] for _ in columns]
    for column, shape, count in zip(top["column"].to_list(), top["shape"].to_list(), top["count"].to_list()):
        out[column].append((shape, count / sizes[column]))
    return [tuple(shares) for shares in out]


def profiles_to_dict(profiles: Mapping[str, ColumnProfile]) -> list[dict]:
    return [profile.to_dict() for profile in profiles.values()]


def is_finite(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))
