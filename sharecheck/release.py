"""A release: one table a city is about to publish, plus what its publisher declared about it."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import polars as pl

# Tables up to this many bytes on disk are read into memory once; larger ones stay lazy so
# every pass streams instead of holding the whole file.
IN_MEMORY_LIMIT_BYTES = 1_500_000_000


@dataclass(frozen=True)
class FieldMeta:
    name: str
    type: str | None = None
    role: str | None = None
    semantic_type: str | None = None
    description: str | None = None
    title: str | None = None  # Table Schema's human-readable name of the field


@dataclass(frozen=True)
class Release:
    name: str
    frame: pl.LazyFrame
    format: str
    path: Path | None = None
    fields: Mapping[str, FieldMeta] = field(default_factory=dict)
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[Mapping, ...] = ()
    encoding: str | None = None
    delimiter: str | None = None
    size_bytes: int | None = None
    notes: tuple[str, ...] = ()
    about: str | None = None  # what a row is about, as the publisher declared it (sharecheck:about)

    @property
    def location(self) -> str:
        return str(self.path) if self.path else f"<{self.name}>"

    @property
    def columns(self) -> list[str]:
        return self.frame.collect_schema().names()

    @property
    def fits_in_memory(self) -> bool:
        return self.size_bytes is None or self.size_bytes <= IN_MEMORY_LIMIT_BYTES


def release_from_frame(frame: pl.DataFrame | pl.LazyFrame, name: str = "frame") -> Release:
    lazy = frame.lazy() if isinstance(frame, pl.DataFrame) else frame
    return Release(name=name, frame=lazy, format="frame")
