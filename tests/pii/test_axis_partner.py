"""A bare axis name (`x`, `y`, `long`, `breite`) names a coordinate only beside the other axis.

Statistics packages call a model's outcome `y` and a regressor `x`; `long` and the German
`breite`/`lange` are also a length and a width. Alone, such a header must not make a column a
position (a quasi-identifier that places a person); beside its partner it still does.
"""
import random

import polars as pl

from sharecheck.naming import match_column_name, table_name_hints

RNG = random.Random(7)


def _types(hints):
    return {name: {hint.semantic_type for hint in found} for name, found in hints.items()}


def test_a_lone_y_or_x_names_no_coordinate():
    assert _types(table_name_hints(["id", "y"])) == {"id": _types({"id": match_column_name("id")})["id"], "y": set()}
    assert _types(table_name_hints(["x", "treatment"]))["x"] == set()
    # the name alone still reads as an axis: only the table's context takes it away
    assert {hint.semantic_type for hint in match_column_name("y")} == {"latitude"}


def test_an_axis_beside_its_partner_stays_a_coordinate():
    assert _types(table_name_hints(["x", "y", "count"])) == {"x": {"longitude"}, "y": {"latitude"}, "count": _types(
        {"count": match_column_name("count")})["count"]}
    # the partner may be named with any term of its type, whole-only or not
    assert _types(table_name_hints(["Y", "longitude"]))["Y"] == {"latitude"}
    assert _types(table_name_hints(["lat", "long"]))["long"] == {"longitude"}
    assert _types(table_name_hints(["breite", "lange"])) == {"breite": {"latitude"}, "lange": {"longitude"}}


def test_terms_that_need_no_partner_are_kept_alone():
    # near miss: `latitude` and `ycoord` say what they are without the other axis
    assert _types(table_name_hints(["latitude", "speed"]))["latitude"] == {"latitude"}
    assert _types(table_name_hints(["ycoord"]))["ycoord"] == {"latitude"}
    assert _types(table_name_hints(["breite"]))["breite"] == set()
    assert _types(table_name_hints(["long"]))["long"] == set()


def test_a_scan_reads_a_lone_y_as_the_outcome_it_is(classify):
    frame = pl.DataFrame({
        "id": [f"P{i:04d}" for i in range(300)],
        "treatment": [RNG.choice(["a", "b"]) for _ in range(300)],
        "y": [RNG.randrange(1, 6) for _ in range(300)],  # a rating of 1 to 5: degrees in range, no position
    })
    result = classify(frame)
    assert result["y"].semantic_type not in ("latitude", "longitude", "coordinates")
    assert not any("degrees" in line for line in result["y"].evidence)


def test_a_pair_of_axes_in_degrees_is_a_position(classify):
    frame = pl.DataFrame({
        "x": [round(-71.1 + RNG.random() / 10, 5) for _ in range(200)],
        "y": [round(42.3 + RNG.random() / 10, 5) for _ in range(200)],
    })
    result = classify(frame)
    assert result["x"].semantic_type == "longitude" and result["y"].semantic_type == "latitude"
    assert any("degrees with 5 decimals" in line for line in result["y"].evidence)
