"""Types for columns read as text: cast only where every value agrees, in one lazy pass.

Reading as text first keeps what an automatic inference would destroy: the leading zero of a
ZIP code (02115), the exact spelling of a date, an ID that merely looks numeric.
"""
from __future__ import annotations

import polars as pl

_INTEGER = r"^[+-]?(0|[1-9][0-9]*)$"
_FLOAT_POINT = r"^[+-]?([0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)([eE][+-]?[0-9]+)?$"
_FLOAT_COMMA = r"^[+-]?([0-9]{1,3}(\.[0-9]{3})+|[0-9]+)(,[0-9]+)?$"
_BOOLEAN = r"^(?i)(true|false)$"
# The currency signs an amount may carry before or after its number (readers.py asks it too).
CURRENCY_SIGN = "[$£€¥]"
# An amount as payroll and finance systems export it: a currency sign, thousands grouped
# ($1,112.95; 116,147.36; 1.234,50 €). Plain numbers match too, so a column mixing both casts.
_AMOUNT_POINT = rf"^[+-]?{CURRENCY_SIGN}?\s?[+-]?([0-9]{{1,3}}(,[0-9]{{3}})+|[0-9]+)(\.[0-9]+)?\s?{CURRENCY_SIGN}?$"
_AMOUNT_COMMA = rf"^[+-]?{CURRENCY_SIGN}?\s?[+-]?([0-9]{{1,3}}(\.[0-9]{{3}})+|[0-9]+)(,[0-9]+)?\s?{CURRENCY_SIGN}?$"
# IDs longer than this stay text even when numeric: casting would only hide their nature.
_MAX_INTEGER_DIGITS = 15


def _amount_pattern(decimal_comma: bool) -> str:
    return _AMOUNT_COMMA if decimal_comma else _AMOUNT_POINT


def _float_text(position: int | pl.Expr, decimal_comma: bool) -> pl.Expr:
    text = (pl.nth(position) if isinstance(position, int) else position).str.strip_chars()
    if decimal_comma:
        return text.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True)
    return text


SAMPLE_ROWS = 20_000


def _shape_counts(frame: pl.LazyFrame, text_columns, decimal_comma: bool) -> dict:
    """Per column, how many distinct present values have each shape.

    Every use is "all present values have the shape" or "some value has it", which the
    distinct values decide exactly as the rows would: the patterns run over a column's few
    distinct values instead of every sampled row.
    """
    float_pattern = _FLOAT_COMMA if decimal_comma else _FLOAT_POINT
    # Strip each column once, and test the distinct (column, value) pairs of every column in one
    # query: a query per column compiled the six patterns once a column.
    distinct = (frame.select(pl.nth(position).str.strip_chars().alias(str(index)) for index, (position, _) in enumerate(text_columns))
                .unpivot(variable_name="c", value_name="v").unique())
    value = pl.col("v")
    present = value.is_not_null() & (value != "")
    tallies = distinct.group_by("c").agg(
        present.sum().alias("n"),
        (present & value.str.contains(_INTEGER) & (value.str.len_chars() <= _MAX_INTEGER_DIGITS)).sum().alias("i"),
        (present & value.str.contains(float_pattern)).sum().alias("f"),
        (present & value.str.contains(_BOOLEAN)).sum().alias("b"),
        (present & value.str.contains(_amount_pattern(decimal_comma))).sum().alias("a"),
        (present & value.str.contains(CURRENCY_SIGN if decimal_comma else CURRENCY_SIGN + r"|[0-9],[0-9]{3}")).sum().alias("g"),
        (present & value.str.contains(r"^[+-]?0[0-9]")).sum().alias("z"),
        (present & value.str.contains(r"[,eE]" if decimal_comma else r"[.eE]")).sum().alias("d"),
    ).collect()
    counts = {}
    for row in tallies.iter_rows(named=True):
        index = row.pop("c")
        counts.update({f"{key}{index}": value for key, value in row.items()})
    return counts


def _proposed_casts(counts: dict, text_columns, decimal_comma: bool) -> dict[int, str]:
    proposal = {}
    for index, (position, _name) in enumerate(text_columns):
        present = counts[f"n{index}"]
        if present == 0 or counts[f"z{index}"]:
            continue
        if counts[f"i{index}"] == present:
            proposal[position] = "int"
        elif counts[f"f{index}"] == present and counts[f"d{index}"]:
            proposal[position] = "float"
        elif counts[f"b{index}"] == present:
            proposal[position] = "bool"
        elif counts[f"a{index}"] == present and counts[f"g{index}"]:  # a sign or a grouping says amount, not ID
            proposal[position] = "amount"
    return proposal


def _cast_expression(position: int, name: str, kind: str, decimal_comma: bool) -> pl.Expr:
    if kind == "amount":
        digits = pl.nth(position).str.replace_all(CURRENCY_SIGN + r"|\s", "")
        if not decimal_comma:
            digits = digits.str.replace_all(",", "", literal=True)
        return _float_text(digits, decimal_comma).cast(pl.Float64, strict=False).alias(name)
    if kind == "int":
        return pl.nth(position).str.strip_chars().cast(pl.Int64, strict=False).alias(name)
    if kind == "float":
        return _float_text(position, decimal_comma).cast(pl.Float64, strict=False).alias(name)
    return pl.nth(position).str.to_lowercase().str.strip_chars().eq("true").alias(name)


def refine_types(frame: pl.LazyFrame, *, decimal_comma: bool = False) -> pl.LazyFrame:
    """Propose types from the first rows, then confirm them on every row.

    The confirmation casts instead of matching patterns: a cast that turns a present value
    into null, or a leading zero anywhere, vetoes the type. One cheap pass, not five regexes.
    """
    schema = frame.collect_schema()
    # Columns are addressed by position: a header such as "*" or "^x$" would be read as a pattern.
    text_columns = [(position, name) for position, (name, dtype) in enumerate(schema.items()) if dtype == pl.String]
    if not text_columns:
        return frame
    try:
        proposal = _proposed_casts(_shape_counts(frame.head(SAMPLE_ROWS), text_columns, decimal_comma),
                                   text_columns, decimal_comma)
        if not proposal:
            return frame
        names = dict(text_columns)
        checks = []
        for position, kind in proposal.items():
            text = pl.nth(position).str.strip_chars()
            present = text.is_not_null() & (text != "")
            cast = _cast_expression(position, names[position], kind, decimal_comma)
            if kind == "bool":
                failed = present & ~text.str.contains(_BOOLEAN)
            elif kind == "amount":
                # the cast alone would take `1,2,3` for 123: every value must be written as an amount
                failed = present & (~text.str.contains(_amount_pattern(decimal_comma)) | cast.is_null())
            else:
                failed = present & cast.is_null()
            if kind == "int":
                failed = failed | (present & (text.str.contains(r"^[+-]?0[0-9]") | (text.str.len_chars() > _MAX_INTEGER_DIGITS)))
            checks.append(failed.sum().alias(f"x{position}"))
        failures = frame.select(checks).collect().row(0, named=True)
    except pl.exceptions.PolarsError:
        # Unparseable input surfaces later with a clear error at the first real pass.
        return frame
    casts = [_cast_expression(position, names[position], kind, decimal_comma)
             for position, kind in proposal.items() if failures[f"x{position}"] == 0]
    return frame.with_columns(casts) if casts else frame
