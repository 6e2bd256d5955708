"""The releases safe to publish alone: street trees (things, not people), trees and residents
counted by ZIP (large cells), and dog licences generalised with small classes suppressed."""
from __future__ import annotations

import numpy as np
import polars as pl

from .draw import _coarse_age_band, _stream, _suppress_small_classes
from .plan import OTHER, QI, SAFE_K, PlannedRelease
from .population import EVENT_YEAR, WARD_OF_ZIP, ZIP_CODES, ZIP_SHARES, zip_centroids


_TREE_SPECIES = (
    ("Acer rubrum", "red maple"), ("Quercus palustris", "pin oak"), ("Platanus x acerifolia", "London planetree"),
    ("Gleditsia triacanthos", "honeylocust"), ("Tilia cordata", "littleleaf linden"), ("Pyrus calleryana", "Callery pear"),
    ("Zelkova serrata", "Japanese zelkova"), ("Ginkgo biloba", "ginkgo"), ("Prunus serrulata", "Japanese cherry"),
    ("Ulmus americana", "American elm"),
)


def street_trees(population: pl.DataFrame, seed: int) -> PlannedRelease:
    rng = _stream(seed, 80)
    count = max(100, population.height // 4)
    zip_index = rng.choice(len(ZIP_CODES), size=count, p=ZIP_SHARES)
    centroids = np.array([zip_centroids()[code] for code in ZIP_CODES])
    species = rng.integers(0, len(_TREE_SPECIES), count)
    zips = np.array(ZIP_CODES)[zip_index]
    frame = pl.DataFrame({
        "tree_id": [f"T{index + 1:07d}" for index in range(count)],
        "species_latin": np.array([latin for latin, _ in _TREE_SPECIES])[species],
        "species_common": np.array([common for _, common in _TREE_SPECIES])[species],
        "dbh_in": np.round(np.clip(rng.lognormal(np.log(11), 0.5, count), 2, 60), 1),
        "status": np.where(rng.random(count) < 0.95, "Alive", "Dead"),
        "ward": pl.Series(zips).replace_strict(WARD_OF_ZIP),
        "zip": zips,
        "longitude": np.round(centroids[zip_index, 1] + rng.normal(0, 0.006, count), 6),
        "latitude": np.round(centroids[zip_index, 0] + rng.normal(0, 0.005, count), 6),
    })
    return PlannedRelease(
        name="street_trees", file="street_trees.geojson", format="geojson", frame=frame,
        columns={
            "tree_id": (OTHER, "record_id"),
            "species_latin": (OTHER, "category"),
            "species_common": (OTHER, "category"),
            "dbh_in": (OTHER, "measure"),
            "status": (OTHER, "category"),
            # Places describe where a tree stands: no person is behind them.
            "ward": (OTHER, "place"),
            "zip": (OTHER, "postal_code"),
            "longitude": (OTHER, "longitude"),
            "latitude": (OTHER, "latitude"),
        },
        about_people=False, safe=True,
        notes="Point features; longitude/latitude come from the geometry.",
    )


def trees_by_zip(trees: PlannedRelease) -> PlannedRelease:
    frame = (
        trees.frame.group_by("zip")
        .agg(pl.len().cast(pl.Int64).alias("trees"), pl.col("dbh_in").mean().round(1).alias("mean_dbh_in"))
        .sort("zip")
    )
    return PlannedRelease(
        name="trees_by_zip", file="trees_by_zip.csv", format="csv", frame=frame,
        columns={"zip": (OTHER, "postal_code"), "trees": (OTHER, "count"), "mean_dbh_in": (OTHER, "measure")},
        about_people=False, safe=True, count_column="trees",
        notes="Street trees counted per ZIP.",
    )


def residents_by_zip(population: pl.DataFrame) -> PlannedRelease:
    frame = population.group_by("zip").agg(pl.len().cast(pl.Int64).alias("residents")).sort("zip")
    return PlannedRelease(
        name="residents_by_zip", file="residents_by_zip.csv", format="csv", frame=frame,
        columns={"zip": (QI, "postal_code"), "residents": (OTHER, "count")},
        about_people=True, safe=True, count_column="residents",
        notes="Resident counts per ZIP: every cell is large.",
    )


def dog_licences(population: pl.DataFrame, seed: int) -> PlannedRelease:
    """Generalised record-level release: year, age band, sex, 3-digit ZIP; small classes suppressed."""
    rng = _stream(seed, 90)
    adults = population.filter(pl.col("age") >= 18)
    owners = adults[rng.choice(adults.height, size=min(adults.height, max(60, int(population.height * 0.12))), replace=False)]
    lifetime = rng.random(owners.height) < 0.2
    frame = owners.select(
        pl.Series("licence_year", rng.choice(np.array([EVENT_YEAR - 1, EVENT_YEAR]), size=owners.height)),
        _coarse_age_band(pl.col("age")).alias("owner_age_band"),
        pl.col("sex").alias("owner_sex"),
        pl.col("zip").str.slice(0, 3).alias("zip3"),
        pl.Series("licence_type", np.where(lifetime, "Lifetime", "Annual")),
        pl.Series("fee_paid", np.where(lifetime, 150.0, 25.0)),
        pl.col("person_id"),
    )
    qis = ["licence_year", "owner_age_band", "owner_sex", "zip3"]
    frame, suppressed = _suppress_small_classes(frame, qis)
    frame = frame.sort(qis + ["licence_type", "person_id"])
    return PlannedRelease(
        name="dog_licences", file="dog_licences.csv", format="csv", frame=frame.drop("person_id"),
        columns={
            "licence_year": (QI, "date"),
            "owner_age_band": (QI, "age_group"),
            "owner_sex": (QI, "sex"),
            "zip3": (QI, "postal_code"),
            "licence_type": (OTHER, "category"),
            "fee_paid": (OTHER, "measure"),
        },
        about_people=True, safe=True,
        notes=f"Generalised (year, age band, sex, 3-digit ZIP); {suppressed} records in classes < {SAFE_K} suppressed.",
        person_ids=frame["person_id"].to_numpy(),
        extra={"suppressed": suppressed},
    )
