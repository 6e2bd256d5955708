"""The intruder's normalisation: different spellings of one value must meet, different values must not."""
from __future__ import annotations

from datetime import date

import polars as pl
from hypothesis import given, settings, strategies as st

from sharecheck.join import normalise as nz
from sharecheck.join.sketch import NUM_PERM, exact_overlap, minhash, sampled_overlap


def test_zip_codes_zero_padded_and_zip4_cut():
    as_text, _ = nz.postal_form(pl.Series(["02118", "2118", "02118-1234", " 2118 ", None]))
    as_int, _ = nz.postal_form(pl.Series([2118, 90210]))
    assert as_text.to_list() == ["02118", "02118", "02118", "02118", None]
    assert as_int.to_list() == ["02118", "90210"]


def test_sex_spellings_and_iso_codes():
    words, _ = nz.sex_form(pl.Series(["Female", "male", "F", "M", "femme", "Homme", "X"]))
    codes, steps = nz.sex_form(pl.Series([1, 2, 0, 1]))
    assert words.to_list() == ["F", "M", "F", "M", "F", "M", None]
    assert codes.to_list() == ["M", "F", None, "M"]
    assert any("ISO 5218" in step for step in steps)


def test_dates_in_different_formats_meet():
    us = nz.temporal_form(pl.Series(["03/18/1994", "12/02/1972"]))
    iso = nz.temporal_form(pl.Series([date(1994, 3, 18), date(1972, 12, 2)]))
    assert us[1] == iso[1] == nz.DATE
    assert us[0].to_list() == iso[0].to_list() == [date(1994, 3, 18), date(1972, 12, 2)]


def test_timestamps_keep_minutes():
    values, form, _ = nz.temporal_form(pl.Series(["2023-06-04 07:55", "2023-06-05 08:34"]))
    assert form == nz.DATETIME
    assert values.dt.minute().to_list() == [55, 34]


def test_birth_year_derived_from_birth_date():
    birth = nz.column_form(pl.Series("dob", ["1994-03-18", "1972-12-02"]), "birth_date", "quasi_identifier")
    year = nz.column_form(pl.Series("yob", [1994, 1980]), "birth_year", "quasi_identifier")
    a, b, domain, steps = nz.common_domain(birth, year)
    assert domain == nz.YEAR and a.to_list() == [1994, 1972] and b.to_list() == [1994, 1980]
    event = nz.column_form(pl.Series("visit", ["2023-03-18", "2023-12-02"]), "date", "quasi_identifier")
    assert nz.common_domain(event, year) is None  # the year of a visit is not a birth year


def test_name_orders_meet():
    payroll = nz.column_form(pl.Series("employee_name", ["DOE, JOHN A", "O'NEIL,MARY", "Müller, Jürgen"]),
                             "person_name", "direct_identifier")
    register = nz.composite_name_form(pl.Series("first", ["John", "Mary", "Jurgen"]),
                                      pl.Series("last", ["Doe", "O'Neil", "MULLER"]), "direct_identifier")
    a, b, _, steps = nz.common_domain(payroll, register)
    assert a.to_list() == b.to_list() and a[0] == "DOE JOHN" and "middle initials ignored" in steps
    # Both sides write initials: they are kept, so J. Doe A and J. Doe B stay apart.
    details = nz.column_form(pl.Series("Emp_Name", ["DOE,JOHN A", "DOE,JOHN B"]), "person_name", "direct_identifier")
    earnings = nz.column_form(pl.Series("NAME", ["Doe, John A", "Doe,John B"]), "person_name", "direct_identifier")
    a, b, _, _ = nz.common_domain(details, earnings)
    assert a.to_list() == b.to_list() == ["A DOE JOHN", "B DOE JOHN"]


def test_text_ignores_case_spacing_and_leading_zeros():
    values, _ = nz.text_form(pl.Series(["  Ward  1 ", "ward 1", "007", "7"]))
    assert values.to_list() == ["WARD 1", "WARD 1", "7", "7"]


def test_whole_number_floats_meet_integer_codes():
    # A reader that meets a blank cell reads a code column as floats: 1.0 is still area 1.
    floats = nz.column_form(pl.Series("Community Area Number", [1.0, 2.0, None, 77.0]), "unknown", "other")
    ints = nz.column_form(pl.Series("area", ["01", "2", "77", "3"]), "unknown", "other")
    assert floats is not None and floats.values.to_list() == ["1", "2", None, "77"]
    a, b, _, _ = nz.common_domain(floats, ints)
    assert set(a.drop_nulls()) <= set(b.drop_nulls())
    assert not floats.by_name
    # Near miss: a measurement with fractions (or NaN) is no code: it meets only a column of its own name.
    assert nz.column_form(pl.Series("rate", [1.0, 2.5, 3.0]), "unknown", "other").by_name
    assert nz.column_form(pl.Series("rate", [1.0, float("nan"), 3.0]), "unknown", "other").by_name


@settings(max_examples=40, deadline=None)
@given(st.sets(st.integers(0, 10**6), min_size=50, max_size=400), st.sets(st.integers(0, 10**6), min_size=50, max_size=400))
def test_minhash_containment_close_to_exact(left, right):
    """MinHash estimates Jaccard, within its documented standard error sqrt(J(1-J)/k) (5 of them
    here, plus one slot for rounding). Containment derived from it is not bounded that way when
    one set is much smaller (the catalogue counts shared hashes instead): that is tested below."""
    shared = set(list(left)[: len(left) // 2])
    a = pl.Series([f"K{v}" for v in left])
    b = pl.Series([f"K{v}" for v in (right | shared)])
    truth = len(left & (right | shared)) / len(left | right | shared)
    estimate = minhash(a).jaccard(minhash(b))
    assert abs(estimate - truth) <= 5 * (truth * (1 - truth) / NUM_PERM) ** 0.5 + 1 / NUM_PERM


@settings(max_examples=40, deadline=None)
@given(st.sets(st.integers(0, 10**6), min_size=1, max_size=400), st.sets(st.integers(0, 10**6), min_size=1, max_size=4000))
def test_counted_containment_equals_exact(left, right):
    """The catalogue's path: shared keyed hashes counted, exact below the sample size, whatever
    the sizes (a small set inside a large one included)."""
    from sharecheck.catalogue.keys import keyed_hashes

    a = pl.Series([f"K{v}" for v in left])
    b = pl.Series([f"K{v}" for v in right | set(list(left)[: len(left) // 2])])
    ha, hb = keyed_hashes(a, b"k" * 32), keyed_hashes(b, b"k" * 32)
    counted = sampled_overlap(ha, 0, ha.size, hb, 0, hb.size)
    exact = exact_overlap(a, b)
    assert counted.shared == exact.shared and counted.a_in_b == exact.a_in_b and counted.b_in_a == exact.b_in_a

def test_namesakes_estimate_chance_collisions_of_names():
    import numpy as np

    from sharecheck.join.namesakes import namesakes

    rng = np.random.default_rng(1)

    def register(n):  # sorted-token names, as name_form writes them
        return pl.Series([" ".join(sorted((f"F{f}", f"L{l}"))) for f, l in zip(rng.integers(0, 60, n), rng.integers(0, 80, n))])

    a, other_people = register(1500), register(1500)
    real_other = int(a.unique().is_in(other_people.unique().implode()).sum())
    assert namesakes(a, other_people) >= real_other / 3  # different people: no more overlap than chance
    same_people = a.sample(fraction=1.0, shuffle=True, seed=2)
    real_same = int(a.unique().is_in(same_people.unique().implode()).sum())
    assert real_same >= 3 * namesakes(a, same_people)  # the same people: far more than chance
    assert namesakes(a, pl.Series([f"Z{i} Y{i}" for i in range(100)])) == 0.0


_NAME_PIECES = st.sampled_from(["DOE, JOHN A", "John A. Doe", "doe  john", "Zoë O’Brien", "O'BRIEN ZOE", "", "  ", "X",
                                "007", "7", "Jürgen\\tMüller", "van der Berg, Anna", "Ng Li Ng", "b a", None])


def _tokens_one_list_at_a_time(series):
    """name_form as first written: polars list operations on each value's token list."""
    tokens = (nz._folded_upper(series).str.replace_all(r"['’]", "").str.replace_all(r"[^A-Z]+", " ")
              .str.strip_chars().str.split(" "))
    return tokens.list.eval(pl.element().filter(pl.element().str.len_chars() > 0)).list.sort().list.join(" ").replace("", None)


def test_sorted_tokens_by_hand():
    got = nz.sorted_tokens(pl.Series("t", ["DOE JOHN A", None, "", "B A  C", "ZED"]))
    assert got.to_list() == ["A DOE JOHN", None, None, "A B C", "ZED"] and got.name == "t"


@settings(max_examples=100, deadline=None)
@given(st.lists(_NAME_PIECES, min_size=0, max_size=30))
def test_names_and_text_computed_on_distinct_values_equal_the_value_by_value_forms(values):
    """by_distinct spreads a transform of the distinct values back to the rows: the result is the
    transform of every row (repeats make the distinct path run; the accent and whitespace
    passes, decided on `any`, meet the same values)."""
    series = pl.Series("n", values * 3, dtype=pl.String)  # every value three times: the distinct path
    assert nz.name_form(series)[0].to_list() == _tokens_one_list_at_a_time(series).to_list()
    assert nz._name_tokens(series).to_list() == _tokens_one_list_at_a_time(series).to_list()
    assert nz.by_distinct(series, nz._folded_upper).to_list() == nz._folded_upper(series).to_list()


def test_names_by_hand_on_repeated_rows():
    rows = ["DOE, JOHN A", "John A. Doe", None, "DOE, JOHN A", "Zoë O’Brien", "  "] * 2  # 5 distinct in 12 rows
    values, _ = nz.name_form(pl.Series("n", rows))
    assert values.to_list() == ["A DOE JOHN", "A DOE JOHN", None, "A DOE JOHN", "OBRIEN ZOE", None] * 2
    assert values.name == "n"
