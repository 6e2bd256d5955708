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

from .population import build_population
from .releases import build_releases, planned_joins, write_release
from .truth import ground_truth

__all__ = ["generate_city", "build_city"]


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
