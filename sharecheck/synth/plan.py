"""What a planned release is: the frame as written, each column's true role, the risks planted.

Each builder (`mobility`, `services`, `health`, `safe_releases`) returns a `PlannedRelease`: the
frame exactly as it is written (strings where the file holds formatted text), the truth about
every column's role, and the risks planted on purpose. The figures that depend on the random
draw (k, uniques, linkage shares) are not written here: `truth.py` measures them on the
published frames.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

DI, QI, SENSITIVE, PSEUDONYM, OTHER = "direct_identifier", "quasi_identifier", "sensitive", "pseudonym", "other"
SAFE_K = 5
SMALL_CELL_LIMIT = 10  # aggregate cells 1..9 are "small", the usual publication threshold


@dataclass
class Risk:
    id: str
    kind: str
    columns: tuple[str, ...]
    expected: dict = field(default_factory=dict)


@dataclass
class PlannedRelease:
    name: str
    file: str
    format: str
    frame: pl.DataFrame
    columns: dict[str, tuple[str, str]]  # column -> (role, semantic_type)
    about_people: bool
    safe: bool
    entity_id: str | None = None
    risks: list[Risk] = field(default_factory=list)
    count_column: str | None = None  # set for aggregate tables
    notes: str = ""
    # Row-aligned person ids, never written: lets the truth check that a link found the right person.
    person_ids: np.ndarray | None = None
    extra: dict = field(default_factory=dict)

    @property
    def qis(self) -> list[str]:
        return [name for name, (role, _) in self.columns.items() if role == QI]

    @property
    def sensitive(self) -> list[str]:
        return [name for name, (role, _) in self.columns.items() if role == SENSITIVE]


@dataclass
class PlannedJoin:
    id: str
    a: str
    b: str
    kind: str  # shared_key | shared_qi | spatio_temporal | harmless
    on: dict[str, str]
    identifies: bool
    normalisation: str
    # The intruder's normalisation: key name -> expression on each side; same key names on both.
    a_keys: dict[str, pl.Expr]
    b_keys: dict[str, pl.Expr]
    window_minutes: int | None = None
    a_time: pl.Expr | None = None
    b_time: pl.Expr | None = None
    notes: str = ""
