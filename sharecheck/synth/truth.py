"""Ground truth measured on the published frames with plain polars group-bys.

Deliberately independent of sharecheck's own models: these figures are what sharecheck is
judged against, so they must not share its code (or its bugs).
Conventions: a null quasi-identifier is its own value (a record with a missing QI is kept);
a null join key never links.
"""
from __future__ import annotations

import polars as pl

from .plan import SAFE_K, SMALL_CELL_LIMIT, PlannedJoin, PlannedRelease, Risk


def class_summary(frame: pl.DataFrame, qis: list[str]) -> dict:
    """records, k (min class size), sample uniques (records alone in their class), classes."""
    if not qis or frame.height == 0:
        # No quasi-identifiers (a table about objects): k is not defined, not "all records".
        return {"records": frame.height, "k_anonymity": None, "sample_uniques": None, "classes": None}
    sizes = frame.group_by(qis).agg(pl.len().alias("size"))["size"]
    return {
        "records": frame.height,
        "k_anonymity": int(sizes.min()),
        "sample_uniques": int((sizes == 1).sum()),
        "classes": sizes.len(),
    }


def cell_summary(frame: pl.DataFrame, count_column: str) -> dict:
    counts = frame[count_column]
    return {
        "cells": frame.height,
        "total": int(counts.sum()),
        "min_count": int(counts.min()),
        "small_cells": int(((counts >= 1) & (counts < SMALL_CELL_LIMIT)).sum()),
        "zero_cells": int((counts == 0).sum()),
        "small_cell_limit": SMALL_CELL_LIMIT,
    }


def _key_frame(frame: pl.DataFrame, keys: dict[str, pl.Expr], time: pl.Expr | None = None) -> pl.DataFrame:
    columns = [expression.alias(name) for name, expression in keys.items()]
    if time is not None:
        columns.append(time.alias("_time"))
    return frame.select(columns).with_row_index("_row")


def link_counts(a: pl.DataFrame, b: pl.DataFrame, join: PlannedJoin) -> pl.DataFrame:
    """For every record of A: `_row` and how many B records it links to (`matches`)."""
    keys = list(join.a_keys)
    left = _key_frame(a, join.a_keys, join.a_time)
    right = _key_frame(b, join.b_keys, join.b_time)
    if join.window_minutes is None:
        per_key = right.drop_nulls(keys).group_by(keys).agg(pl.len().alias("matches"))
        linked = left.join(per_key, on=keys, how="left")
        return linked.select("_row", pl.col("matches").fill_null(0))
    # Within-window matching: bucket time so the candidate pairs stay small at a million trips.
    window = join.window_minutes
    bucket = (pl.col("_time").dt.epoch("s") // (window * 60)).alias("_bucket")
    left = left.drop_nulls(keys + ["_time"]).with_columns(bucket)
    right = right.drop_nulls(keys + ["_time"]).with_columns(bucket).rename({"_row": "_row_b", "_time": "_time_b"})
    candidates = pl.concat([
        left.with_columns(pl.col("_bucket") + shift).join(right, on=keys + ["_bucket"], how="inner")
        for shift in (-1, 0, 1)
    ])
    within = candidates.filter((pl.col("_time") - pl.col("_time_b")).abs() <= pl.duration(minutes=window))
    matches = within.group_by("_row").agg(pl.col("_row_b").n_unique().alias("matches"))
    all_rows = pl.DataFrame({"_row": pl.Series(range(a.height), dtype=pl.UInt32)})
    return all_rows.join(matches, on="_row", how="left").select("_row", pl.col("matches").fill_null(0))


def join_truth(join: PlannedJoin, releases: dict[str, PlannedRelease]) -> dict:
    a, b = releases[join.a], releases[join.b]
    counts = link_counts(a.frame, b.frame, join)["matches"]
    exactly_one = int((counts == 1).sum())
    expected = {
        "records_a": a.frame.height,
        "records_b": b.frame.height,
        "linked_exactly_one": exactly_one,
        "linked_unique_share": round(exactly_one / a.frame.height, 6) if a.frame.height else 0.0,
        "linked_several": int((counts > 1).sum()),
        "unlinked": int((counts == 0).sum()),
    }
    if join.kind == "shared_key":
        joined = a.frame.join(b.frame, left_on=list(join.on), right_on=list(join.on.values()), how="inner")
        expected["k_a"] = class_summary(a.frame, a.qis)["k_anonymity"]
        expected["k_b"] = class_summary(b.frame, b.qis)["k_anonymity"]
        combined = class_summary(joined, sorted(set(a.qis) | set(b.qis)))
        expected["k_combined"] = combined["k_anonymity"]
        expected["sample_uniques_combined"] = combined["sample_uniques"]
    if a.person_ids is not None and b.person_ids is not None and join.window_minutes is None:
        expected["linked_exactly_one_correct"] = _correct_unique_links(a, b, join)
    return expected


def _correct_unique_links(a: PlannedRelease, b: PlannedRelease, join: PlannedJoin) -> int:
    """How many of the unique links point at the right person (a false unique link is possible
    when the true person is missing from B and a look-alike is there)."""
    keys = list(join.a_keys)
    left = _key_frame(a.frame, join.a_keys).with_columns(pl.Series("_person_a", a.person_ids))
    right = _key_frame(b.frame, join.b_keys).with_columns(pl.Series("_person_b", b.person_ids)).drop_nulls(keys)
    unique_right = right.filter(pl.len().over(keys) == 1)
    linked = left.join(unique_right.drop("_row"), on=keys, how="inner")
    return int((linked["_person_a"] == linked["_person_b"]).sum())


def release_truth(release: PlannedRelease) -> dict:
    if release.count_column:
        expected = {"records": release.frame.height, **cell_summary(release.frame, release.count_column)}
    else:
        expected = class_summary(release.frame, release.qis)
    risks = [_risk_entry(risk) for risk in release.risks]
    k = expected.get("k_anonymity")
    small_k = release.about_people and not release.count_column and k is not None and k < SAFE_K
    if small_k:
        # Measured, not planted by hand: any release about people that is not k>=5 carries the risk.
        risks.append(_risk_entry(Risk(f"{release.name}-k-anonymity", "k_anonymity", tuple(release.qis), {
            "k_anonymity": expected["k_anonymity"], "sample_uniques": expected["sample_uniques"],
        })))
    if release.count_column and release.about_people and expected["small_cells"]:
        # Measured too: whether cells fall below the threshold depends on the city's size.
        risks.append(_risk_entry(Risk(f"{release.name}-small-cells", "small_cells", (release.count_column,), {
            "small_cells": expected["small_cells"], "min_count": expected["min_count"], "cells": expected["cells"]})))
    # A release is safe exactly when nothing risky was planted or measured (a release planned as
    # safe that a tiny city pushes below k=5 is reported as it is).
    safe = not risks
    return {
        "file": release.file,
        "format": release.format,
        "about_people": release.about_people,
        "safe": safe,
        "entity_id": release.entity_id,
        "columns": {name: {"role": role, "semantic_type": semantic} for name, (role, semantic) in release.columns.items()},
        "qis": release.qis,
        "sensitive": release.sensitive,
        "expected": expected,
        "risks": risks,
        "notes": release.notes,
        **({"aggregate": True, "count_column": release.count_column} if release.count_column else {}),
        **({"resource": release.name, "resource_path": release.extra["resource_path"]} if release.format == "datapackage" else {}),
        **({"encoding": release.extra["encoding"], "delimiter": release.extra["delimiter"], "decimal": release.extra["decimal"]}
           if "encoding" in release.extra else {}),
    }


def _risk_entry(risk: Risk) -> dict:
    return {"id": risk.id, "kind": risk.kind, "columns": list(risk.columns), "expected": dict(risk.expected)}


def ground_truth(releases: list[PlannedRelease], joins: list[PlannedJoin], *, seed: int, people: int) -> dict:
    by_name = {release.name: release for release in releases}
    joins_truth = []
    for join in joins:
        expected = join_truth(join, by_name)
        entry = {
            "id": join.id, "a": join.a, "b": join.b, "kind": join.kind, "on": join.on,
            "window": {"minutes": join.window_minutes} if join.window_minutes else None,
            "identifies": join.identifies, "normalisation": join.normalisation,
            "expected": expected, "notes": join.notes,
        }
        if join.kind == "spatio_temporal":
            expected.update({key: by_name[join.a].extra[key] for key in ("planted", "decoys")})
        joins_truth.append(entry)
    truth = {
        "generator": "sharecheck.synth",
        "seed": seed,
        "people": people,
        "conventions": {
            "k_anonymity": "minimum equivalence-class size over the release's quasi-identifiers; null is its own value",
            "sample_uniques": "records in classes of size 1",
            "linked_unique_share": "share of A's records linking to exactly one B record after the stated normalisation; null keys never link",
            "safe": "safe when published alone; joins list the risks of combinations",
            "small_cells": f"aggregate cells with counts 1..{SMALL_CELL_LIMIT - 1}",
        },
        "releases": {release.name: release_truth(release) for release in releases},
        "joins": joins_truth,
    }
    _attach_linkage_figures(truth)
    return truth


def _attach_linkage_figures(truth: dict) -> None:
    joins = {join["id"]: join for join in truth["joins"]}
    for release in truth["releases"].values():
        for risk in release["risks"]:
            if risk["kind"] == "linkage":
                join = joins[risk["expected"]["join"]]
                risk["expected"].update({
                    "linked_exactly_one": join["expected"]["linked_exactly_one"],
                    "linked_unique_share": join["expected"]["linked_unique_share"],
                })
