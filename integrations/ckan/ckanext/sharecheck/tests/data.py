"""Small synthetic tables with known answers (made up here; no real person in them)."""
from __future__ import annotations

import csv
import io
import random

_FIRST = ["Ana", "Ben", "Cleo", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jun", "Kai", "Lea", "Mo", "Nia", "Oto", "Pia"]
_LAST = ["Moreau", "Okafor", "Lindqvist", "Tanaka", "Silva", "Novak", "Haddad", "Kowalski", "Byrne", "Rossi"]
_DIAGNOSES = ["asthma", "diabetes", "hypertension", "migraine", "eczema"]


def _csv(header, rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _voters(n: int = 200, seed: int = 3) -> list[tuple[str, str, str, str]]:
    rng = random.Random(seed)
    zips = [f"021{i:02d}" for i in range(4)]
    return [(f"{rng.choice(_FIRST)} {rng.choice(_LAST)}", rng.choice(zips),
             f"{rng.randint(1940, 2004)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", rng.choice("MF"))
            for _ in range(n)]


def people() -> str:
    """Names with full birth dates: risky on its own (a direct identifier and unique dates)."""
    return _csv(["name", "birth_date"], [(name, born) for name, _, born, _ in _voters(40)])


def trees() -> str:
    """Counts of trees by ward and species: about places, nobody in it."""
    rng = random.Random(5)
    rows = [(ward, species, rng.randint(20, 400)) for ward in ["North", "South", "East", "West", "Central"]
            for species in ["oak", "plane", "lime", "birch"]]
    return _csv(["ward", "species", "trees"], rows)


def voters() -> str:
    """A published voter-like list: names with ZIP, birth date and sex."""
    return _csv(["name", "zip", "birth_date", "sex"], _voters())


def clinic() -> str:
    """A release without names: ZIP, birth date, sex and a diagnosis of half the voters."""
    rng = random.Random(11)
    return _csv(["zip", "birth_date", "sex", "diagnosis"],
                [(zip_, born, sex, rng.choice(_DIAGNOSES)) for _, zip_, born, sex in _voters()[:100]])
