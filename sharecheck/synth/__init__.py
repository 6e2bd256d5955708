"""A synthetic city with ground truth: the yardstick for every claim sharecheck makes.

    from sharecheck.synth import generate_city
    truth = generate_city("out/city", people=2000, seed=7)

writes the releases a city would publish (CSV, Parquet, NDJSON, Excel, GeoJSON, a Frictionless
data package, a Latin-1 French CSV) and `ground_truth.json`, and returns the ground truth.
The same (people, seed) always gives byte-identical files.
"""
from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from .health import clinic_visits, ems_counts, ems_dispatch_and_outcomes, ems_incidents
from .joins import planned_joins
from .mobility import bike_crash_reports, bike_stations, bike_trips, taxi_trips
from .plan import PlannedRelease
from .population import build_population
from .safe_releases import dog_licences, residents_by_zip, street_trees, trees_by_zip
from .services import payroll, service_requests, subventions_associations, voter_register
from .truth import ground_truth
from .writers import write_release

__all__ = ["generate_city", "build_city"]


def build_releases(population: pl.DataFrame, seed: int) -> list[PlannedRelease]:
    stations = bike_stations(population.height, seed)
    trips, hidden_trips = bike_trips(population, stations, seed)
    incidents = ems_incidents(population, seed)
    dispatch, outcomes = ems_dispatch_and_outcomes(incidents, seed)
    trees = street_trees(population, seed)
    return [
        trips,
        bike_crash_reports(trips, hidden_trips, stations, seed),
        service_requests(population, seed),
        payroll(population),
        voter_register(population, seed),
        incidents,
        ems_counts(incidents),
        clinic_visits(population, seed),
        dispatch,
        outcomes,
        taxi_trips(population, seed),
        trees,
        trees_by_zip(trees),
        residents_by_zip(population),
        dog_licences(population, seed),
        subventions_associations(population, seed),
    ]


def build_city(people: int = 2000, seed: int = 7):
    """The population, the planned releases and the planned joins, in memory (nothing written)."""
    population = build_population(people, seed)
    return population, build_releases(population, seed), planned_joins()


def generate_city(out_dir: str | Path, people: int = 2000, seed: int = 7) -> dict:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    _population, releases, joins = build_city(people, seed)
    for release in releases:
        write_release(release, out_dir)
    truth = ground_truth(releases, joins, seed=seed, people=people)
    (out_dir / "ground_truth.json").write_text(json.dumps(truth, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return truth
