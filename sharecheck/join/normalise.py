"""Values in the form an intruder would bring them to before joining two releases.

Two releases rarely spell a value the same way: one writes ZIP 02118, the other 2118 (Excel
dropped the zero) or 02118-1234; one writes Female, the other F or 2; one writes dates
MM/DD/YYYY, the other ISO; one writes "DOE, JOHN A", the other "John Doe". A join check that
compares raw strings would call these releases unlinkable when any motivated person links them
in an afternoon. Every normaliser here is vectorised polars; no value is ever printed.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Callable

import polars as pl

# The comparison domain of a column. Two columns can be compared when their forms meet in a
# common domain (see `common_domain`).
POSTAL, SEX, DATE, DATETIME, YEAR, NAME, TEXT = "postal_code", "sex", "date", "datetime", "year", "person_name", "text"

_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%d/%m/%Y", "%Y/%m/%d", "%d.%m.%Y", "%d-%m-%Y", "%m-%d-%Y", "%Y%m%d")
_DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p",
    "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%Y/%m/%d %H:%M:%S", "%d.%m.%Y %H:%M",
)
# How many distinct values decide a column's date format: enough to tell 03/04 from 13/04.
_FORMAT_SAMPLE = 2000

_MALE = ("M", "MALE", "MAN", "H", "HOMME", "MASCULIN", "MANNLICH", "MASCULINO", "MASCHIO", "MAN", "MANNELIJK", "HOMBRE")
_FEMALE = ("F", "FEMALE", "WOMAN", "FEMME", "FEMININ", "W", "WEIBLICH", "FEMENINO", "FEMMINA", "VROUW", "VROUWELIJK",
           "MUJER", "V")

TEMPORAL_TYPES = {"date", "datetime", "birth_date"}
NAME_PART_TYPES = {"first_name", "last_name"}


@dataclass(frozen=True)
class ColumnForm:
    """One column (or a composite of columns) of a release, canonicalised for joining."""

    name: str  # the column's name, or "last_name+first_name" for a composite
    sources: tuple[str, ...]  # the release columns it is made of
    semantic_type: str
    role: str
    form: str  # POSTAL, SEX, DATE, DATETIME, YEAR, NAME or TEXT
    values: pl.Series  # row-aligned canonical values; null where nothing could be decoded
    steps: tuple[str, ...]  # what was done to the values, in words, for the evidence
    distinct: int
    rows: int
    row_range: bool = False  # values are 0..n-1 or 1..n, each once: shaped like a row number
    # A measurement or count (a visit count, an income): no key by its type, but two releases of
    # one survey carry it under one name with the same values, and an intruder joins on whatever
    # they share. It is compared only with a column of the same name (candidates._judge).
    by_name: bool = False
    # What is derived from the values for comparisons (as text, as dates, without initials,
    # distinct values): a release meets many partners in an audit or a catalogue check, and
    # each derivation depends on this column alone. Not an init field, so `replace` starts afresh.
    derived: dict = field(default_factory=dict, init=False, compare=False, repr=False)

    def derive(self, key: Any, compute: Callable[[], Any]) -> Any:
        """`compute()`, made once per column form and key."""
        if key not in self.derived:
            self.derived[key] = compute()
        return self.derived[key]

    @property
    def distinct_ratio(self) -> float:
        non_null = self.rows - self.values.null_count()
        return self.distinct / non_null if non_null else 0.0

    @property
    def temporal(self) -> bool:
        return self.form in (DATE, DATETIME)


def _folded_upper(series: pl.Series) -> pl.Series:
    """Upper case, accents folded, runs of spaces collapsed: how two spellings meet.

    The Unicode and regex passes are the slow ones on a million values: they run only when some
    value needs them."""
    text = series.cast(pl.String)
    if text.str.contains(r"[^\x00-\x7F]").any():
        text = text.str.normalize("NFKD").str.replace_all(r"\p{M}", "")
    text = text.str.to_uppercase()
    if text.str.contains(r"\s\s|[\t\n\r]").any():
        text = text.str.replace_all(r"\s+", " ")
    return text.str.strip_chars().replace("", None)


def integral_floats(series: pl.Series) -> pl.Series | None:
    """A float column whose every value is whole (1.0, 2.0: a code read by a reader that met a
    blank cell) as integers, or None. A code does not become a measurement by its storage."""
    if not series.dtype.is_float():
        return None
    present = series.drop_nulls().drop_nans()
    if present.len() == 0 or present.len() < series.len() - series.null_count():
        return None
    if not bool((present == present.floor()).all()) or float(present.abs().max()) >= 2 ** 53:
        return None
    return series.cast(pl.Int64)


def text_form(series: pl.Series) -> tuple[pl.Series, tuple[str, ...]]:
    """Generic identifiers and categories: trimmed, case-folded; digit strings lose leading zeros
    (spreadsheets drop them, so an intruder ignores them)."""
    whole = integral_floats(series)
    if whole is not None:
        return whole.cast(pl.String).rename(series.name), ("whole-number floats compared as integers",)
    if series.dtype.is_integer():
        return series.cast(pl.String), ("integers compared as text",)
    folded = by_distinct(series, _folded_upper)
    digits = folded.str.contains(r"^\d+$")
    stripped = pl.select(
        pl.when(digits).then(folded.str.strip_chars_start("0").replace("", "0")).otherwise(folded)
    ).to_series()
    return stripped.rename(series.name), ("trimmed and case-folded", "leading zeros of numbers ignored")


def postal_form(series: pl.Series) -> tuple[pl.Series, tuple[str, ...]]:
    """US ZIPs to 5 digits (zero-padded, ZIP+4 cut); other postcodes upper case without spaces."""
    if series.dtype.is_integer():
        text = series.cast(pl.String)
    elif series.dtype.is_float():
        text = series.cast(pl.Int64, strict=False).cast(pl.String)
    else:
        text = series.cast(pl.String).str.strip_chars()
    us = text.str.extract(r"^(\d{1,5})(?:[-\s]?\d{4})?$", 1)
    other = text.str.to_uppercase().str.replace_all(r"\s+", "")
    values = pl.select(pl.when(us.is_not_null()).then(us.str.zfill(5)).otherwise(other.replace("", None))).to_series()
    return values.rename(series.name), ("ZIP codes zero-padded to 5 digits", "ZIP+4 cut to 5 digits")


def sex_form(series: pl.Series) -> tuple[pl.Series, tuple[str, ...]]:
    """M/F, male/female, homme/femme ... to M/F; the ISO 5218 codes 1/2 when the column holds
    nothing else (0 and 9 mean unknown and never link)."""
    text = _folded_upper(series)
    distinct = set(text.drop_nulls().unique().to_list())
    steps = ["sex spellings mapped to M/F"]
    if distinct and distinct <= {"0", "1", "2", "9"}:
        mapping = {"1": "M", "2": "F"}
        steps.append("codes 1/2 decoded as M/F (ISO 5218)")
    else:
        mapping = {**{word: "M" for word in _MALE}, **{word: "F" for word in _FEMALE}}
    values = text.replace_strict(mapping, default=None, return_dtype=pl.String)
    return values.rename(series.name), tuple(steps)


def _best_format(text: pl.Series, formats: tuple[str, ...], to_datetime: bool) -> tuple[str | None, float]:
    sample = text.drop_nulls().unique().head(_FORMAT_SAMPLE)
    if sample.len() == 0:
        return None, 0.0
    best, best_rate = None, 0.0
    for fmt in formats:
        parsed = sample.str.to_datetime(fmt, strict=False) if to_datetime else sample.str.to_date(fmt, strict=False)
        rate = 1.0 - parsed.null_count() / sample.len()
        if rate > best_rate:
            best, best_rate = fmt, rate
    return best, best_rate


def parse_temporal(series: pl.Series) -> tuple[pl.Series | None, str | None]:
    """A Datetime series (minute precision) and the format it was read with, or (None, None).

    The reading itself is sharecheck.temporal's, the one parser profiling uses too; UTC offsets
    it reports are not applied here."""
    from ..temporal import parse_temporal as read_moments

    parsed = read_moments(series)
    if parsed is None:
        return None, None
    values = parsed.values.cast(pl.Datetime("us"))
    if parsed.format.has_time:
        values = values.dt.truncate("1m")
    fmt = parsed.format
    label = "date" if fmt.kind == "native" and not fmt.has_time else "datetime" if fmt.kind == "native" else fmt.label
    return values.rename(series.name), label


def temporal_form(series: pl.Series) -> tuple[pl.Series, str, tuple[str, ...]] | None:
    parsed, fmt = parse_temporal(series)
    if parsed is None:
        return None
    non_null = parsed.drop_nulls()
    has_time = non_null.len() > 0 and bool((non_null.dt.truncate("1d") != non_null).any())
    steps = (f"dates read as {fmt}" if fmt not in ("date", "datetime") else "dates read natively",)
    if has_time:
        return parsed.rename(series.name), DATETIME, steps + ("timestamps to the minute",)
    return parsed.cast(pl.Date).rename(series.name), DATE, steps + ("compared as ISO dates",)


def by_distinct(series: pl.Series, transform: Callable[[pl.Series], pl.Series]) -> pl.Series:
    """`transform(series)` for a value-by-value transform (null to null), computed once per
    distinct value and spread back to the rows: a register repeats each name on many rows, and
    the list operations cost per value. `transform` may decide on `any` over its values (as
    `_folded_upper` does): the distinct values give the same answer."""
    text = series.cast(pl.String)
    distinct = text.unique()
    if 2 * distinct.len() > text.len():
        return transform(text).rename(series.name)
    lookup = pl.DataFrame({"v": distinct, "out": transform(distinct)})
    joined = pl.DataFrame({"v": text}).join(lookup, on="v", how="left", maintain_order="left")
    return joined["out"].rename(series.name)


def _name_tokens(series: pl.Series) -> pl.Series:
    text = _folded_upper(series).str.replace_all(r"['’]", "").str.replace_all(r"[^A-Z]+", " ").str.strip_chars()
    return sorted_tokens(text)


def sorted_tokens(text: pl.Series) -> pl.Series:
    """Each value's space-separated tokens in sorted order, null when it has none. polars'
    `list.sort` of strings costs about 16 µs a value (3 s for 200,000 names); one explode, one
    sort by (row, token) and a join per row do the same in a sixth of the time."""
    rows = pl.DataFrame({"t": text.str.split(" ")}).with_row_index("_sc_i")
    tokens = rows.explode("t").filter(pl.col("t").str.len_chars() > 0).sort("_sc_i", "t")
    joined = tokens.group_by("_sc_i", maintain_order=True).agg(pl.col("t").str.join(" "))
    return rows.select("_sc_i").join(joined, on="_sc_i", how="left", maintain_order="left")["t"].rename(text.name)


def name_form(series: pl.Series) -> tuple[pl.Series, tuple[str, ...]]:
    """'DOE, JOHN A', 'John A. Doe' and 'Doe John A' all become the sorted token set 'A DOE JOHN';
    `without_initials` drops the 'A' when only one side writes initials."""
    return by_distinct(series, _name_tokens), (
        "names reduced to their sorted tokens (order, commas and case ignored)",)


def without_initials(values: pl.Series) -> pl.Series:
    return (values.str.split(" ").list.eval(pl.element().filter(pl.element().str.len_chars() > 1))
            .list.join(" ").replace("", None))


def initials_share(values: pl.Series) -> float:
    non_null = values.drop_nulls()
    return float(non_null.str.contains(r"(^| )[A-Z]( |$)").mean()) if non_null.len() else 0.0


def composite_name(first: pl.Series, last: pl.Series) -> tuple[pl.Series, tuple[str, ...]]:
    combined = pl.select(pl.concat_str([last.cast(pl.String), first.cast(pl.String)], separator=" ")).to_series()
    values, steps = name_form(combined)
    return values, ("first and last name columns combined",) + steps


def year_of(values: pl.Series) -> pl.Series:
    return values.dt.year().cast(pl.Int32) if values.dtype in (pl.Date, pl.Datetime("us")) else values


def year_form(series: pl.Series) -> pl.Series | None:
    if series.dtype.is_integer():
        return series.cast(pl.Int32)
    if series.dtype == pl.String:
        parsed = series.str.strip_chars().cast(pl.Int32, strict=False)
        if parsed.null_count() <= series.null_count() + 0.2 * series.len():
            return parsed
    return None


def column_form(series: pl.Series, semantic_type: str, role: str) -> ColumnForm | None:
    """The canonical form of one column, or None when it cannot serve as a join key."""
    dtype = series.dtype
    if dtype == pl.Boolean or dtype == pl.Null or isinstance(dtype, (pl.List, pl.Struct, pl.Array)):
        return None
    if semantic_type in ("free_text", "latitude", "longitude", "coordinates"):
        return None
    if semantic_type in ("count", "measure"):
        return measured_form(series, semantic_type, role)
    form, steps, values = TEXT, (), None
    if semantic_type == "postal_code":
        values, steps = postal_form(series)
        form = POSTAL
    elif semantic_type == "sex":
        values, steps = sex_form(series)
        form = SEX
    elif semantic_type in TEMPORAL_TYPES or dtype in (pl.Date,) or isinstance(dtype, pl.Datetime):
        parsed = temporal_form(series)
        if parsed is not None:
            values, form, steps = parsed
        elif semantic_type in TEMPORAL_TYPES:
            return None
    elif semantic_type == "birth_year":
        values = year_form(series)
        if values is None:
            return None
        form, steps = YEAR, ("birth years compared as numbers",)
    elif semantic_type == "person_name":
        values, steps = name_form(series)
        form = NAME
    if values is None:
        if dtype.is_float() and integral_floats(series) is None:
            return measured_form(series, semantic_type, role)  # measurements, money, rates: by name only
        if dtype == pl.String:
            lengths = series.drop_nulls().head(5000).str.len_chars()
            if lengths.len() and lengths.mean() > 60:
                return None  # free text
        values, steps = text_form(series)
    return _finish(series.name, (series.name,), semantic_type, role, form, values, steps)


def measured_form(series: pl.Series, semantic_type: str, role: str) -> ColumnForm | None:
    """A measurement as the exact value written (3.05 stays 3.05), for a join by name only."""
    if not (series.dtype.is_numeric() or series.dtype == pl.String):
        return None
    whole = integral_floats(series)
    values = (whole if whole is not None else series).cast(pl.String).str.strip_chars().replace("", None)
    form = _finish(series.name, (series.name,), semantic_type, role, TEXT, values.rename(series.name),
                   ("measurement compared as written, with a column of the same name only",))
    return None if form is None else replace(form, by_name=True)


def _finish(name, sources, semantic_type, role, form, values, steps) -> ColumnForm | None:
    distinct = values.drop_nulls().n_unique()
    if distinct < 2:
        return None  # a constant links nothing
    return ColumnForm(name, tuple(sources), semantic_type, role, form, values, tuple(steps), distinct, values.len())


def composite_name_form(first: pl.Series, last: pl.Series, role: str) -> ColumnForm | None:
    values, steps = composite_name(first, last)
    return _finish(f"{last.name}+{first.name}", (last.name, first.name), "person_name", role, NAME, values, steps)


def common_domain(a: ColumnForm, b: ColumnForm) -> tuple[pl.Series, pl.Series, str, tuple[str, ...]] | None:
    """Both columns' values in one domain they can be compared in, or None when they cannot meet.
    Each side's values are derived once per column form (`ColumnForm.derive`)."""
    if a.form == b.form == NAME:
        # Both write middle initials: they tell namesakes apart. Only one does: an intruder drops them.
        if min(_initials_share(a), _initials_share(b)) >= 0.2:
            return a.values, b.values, NAME, ("middle initials kept (both releases write them)",)
        return _without_initials(a), _without_initials(b), NAME, ("middle initials ignored",)
    if a.form == b.form:
        return a.values, b.values, a.form, ()
    if {a.form, b.form} == {DATE, DATETIME}:
        return _dates(a), _dates(b), DATE, ("timestamps compared by calendar day",)
    if {a.form, b.form} <= {DATE, DATETIME, YEAR} and YEAR in (a.form, b.form):
        birth_side = a if a.form != YEAR else b
        if birth_side.semantic_type != "birth_date":
            return None  # the year of an event is not the year of a birth
        return _years(a), _years(b), YEAR, ("birth year derived from birth date",)
    if TEXT in (a.form, b.form) and {a.form, b.form} <= {TEXT, POSTAL}:
        left = a.values if a.form == TEXT else a.derive("text", lambda: text_form(a.values)[0])
        right = b.values if b.form == TEXT else b.derive("text", lambda: text_form(b.values)[0])
        return left, right, TEXT, ("compared as text",)
    return None


def _initials_share(form: ColumnForm) -> float:
    return form.derive("initials_share", lambda: initials_share(form.values))


def _without_initials(form: ColumnForm) -> pl.Series:
    return form.derive("without_initials", lambda: without_initials(form.values))


def _dates(form: ColumnForm) -> pl.Series:
    return form.derive("date", lambda: _as_date(form.values))


def _years(form: ColumnForm) -> pl.Series:
    return form.derive("year", lambda: year_of(_dates(form)))


def _as_date(values: pl.Series) -> pl.Series:
    if values.dtype == pl.Date or values.dtype.is_integer():
        return values
    return values.cast(pl.Date)
