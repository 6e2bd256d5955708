"""The catalogue: every release a portal has published, indexed, so a new release is checked
against the whole chain and not one file at a time.

files (what to index, fingerprints) -> analysis -> columns (keyed sketches; keys) -> store
(SQLite) ; check: new release -> columns -> match (LSH Ensemble retrieval, counted containment)
-> join check of the best partners -> CatalogueReport.
"""
from __future__ import annotations

from .check import CatalogueReport, _existing, check_against_catalogue, check_analysed_pair
from .match import Partner
from .store import Catalogue, IndexedRelease

__all__ = ["Catalogue", "CatalogueReport", "IndexedRelease", "Partner", "check_against_catalogue",
           "check_analysed_pair", "_existing"]
