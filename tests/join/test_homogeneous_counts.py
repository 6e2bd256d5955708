"""One GROUP BY for every sensitive attribute gives what the definition gives attribute by attribute."""
from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from sharecheck.join.measures import homogeneous_counts, homogeneous_records


def _reference(rows: list[dict], qis: list[str], attribute: str) -> int:
    groups: dict[tuple, list] = {}
    for row in rows:
        groups.setdefault(tuple(row[q] for q in qis), []).append(row[attribute])
    return sum(len(values) for values in groups.values()
               if len(values) >= 2 and len({v for v in values if v is not None}) == 1)


def test_hand_built_groups():
    frame = pl.DataFrame({"zip": ["1", "1", "1", "2", "2", "3"], "sex": ["f"] * 6,
                          "diagnosis": ["x", "x", None, "y", "z", "x"], "income": [1, 2, 3, 4, 4, 5]})
    # zip 1: diagnosis x for every known value (3 records); zip 2 mixed; zip 3 alone.
    # income: only zip 2 shares one value.
    assert homogeneous_counts(frame, ["zip", "sex"], ["diagnosis", "income"]) == {"diagnosis": 3, "income": 2}
    assert homogeneous_records(frame, ["zip"], "diagnosis") == 3
    assert homogeneous_counts(frame, [], ["diagnosis"]) == {"diagnosis": 0}
    assert homogeneous_counts(frame.clear(), ["zip"], ["diagnosis"]) == {"diagnosis": 0}


values = st.one_of(st.none(), st.integers(min_value=0, max_value=2))


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(st.fixed_dictionaries({"q1": values, "q2": values, "s1": values, "s2": values}), max_size=30),
       qis=st.sampled_from([["q1"], ["q2"], ["q1", "q2"], ["q1", "s1"]]))
def test_counts_match_the_definition(rows, qis):
    frame = pl.DataFrame(rows, schema={name: pl.Int64 for name in ("q1", "q2", "s1", "s2")})
    got = homogeneous_counts(frame, qis, ["s1", "s2", "s1"])
    assert got == {attribute: _reference(rows, qis, attribute) for attribute in ("s1", "s2")}
