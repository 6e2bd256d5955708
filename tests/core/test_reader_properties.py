"""Property: whatever text a publisher writes to CSV, sharecheck reads the same values back."""
from __future__ import annotations

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sharecheck.readers import read_release

# Printable text without the characters that no CSV writer round-trips (\r) and without
# values that a reader must treat as missing (empty, NULL ...).
_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12).filter(
    lambda value: value.strip() == value and value not in {"NULL", "null", "N/A", "n/a", "NaN", "None"})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(_TEXT, min_size=2, max_size=12),
       numbers=st.lists(st.integers(min_value=-10**12, max_value=10**12), min_size=2, max_size=12),
       separator=st.sampled_from([",", ";", "\t", "|"]))
def test_csv_values_survive_reading(tmp_path_factory, texts, numbers, separator):
    rows = min(len(texts), len(numbers))
    frame = pl.DataFrame({"label": texts[:rows], "amount": numbers[:rows]})
    path = tmp_path_factory.mktemp("prop") / "data.csv"
    frame.write_csv(path, separator=separator)
    read = read_release(path).frame.collect()
    assert read.columns == ["label", "amount"]
    assert read["label"].cast(pl.String).to_list() == frame["label"].to_list()
    assert read["amount"].cast(pl.Int64).to_list() == frame["amount"].to_list()
