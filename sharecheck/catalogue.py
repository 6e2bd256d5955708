"""The catalogue: every release a portal has published, indexed, so a new release is checked
against the whole chain and not one file at a time.

The index is an embedded SQLite database: per release its fingerprint (sha256), size, column
roles and, per joinable column, a MinHash sketch of its canonical values (the same canonical
forms the join check uses: zero-padded ZIPs, M/F, ISO dates, name token sets). Checking a new
release compares its sketches with every indexed column of the same form in one vectorised
step, ranks the releases it could join, and runs the full join check on the best of them only.
No value is stored: a sketch is 128 minimum hash values, from which no value can be read back.
"""
from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Mapping

import numpy as np

from .config import Options, resolve_options
from .errors import InputError, SharecheckError, UsageError
from .findings import Finding
from .readers import read_releases, supported_extensions
from .report import FindingsSummary, _sorted

log = logging.getLogger("sharecheck")

INDEX_VERSION = 1
# Forms whose values are so few that sharing them says nothing (every table has M and F).
_LOW_INFORMATION_DISTINCT = 12
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS releases (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, path TEXT NOT NULL, resource TEXT NOT NULL,
    sha256 TEXT NOT NULL, size INTEGER, records INTEGER, about_people INTEGER, kind TEXT, indexed_at TEXT,
    UNIQUE (path, resource)
);
CREATE TABLE IF NOT EXISTS columns (
    release_id INTEGER NOT NULL REFERENCES releases(id) ON DELETE CASCADE,
    name TEXT NOT NULL, role TEXT, semantic_type TEXT, form TEXT, distinct_values INTEGER,
    distinct_ratio REAL, minhash BLOB
);
CREATE INDEX IF NOT EXISTS columns_form ON columns(form);
"""


@dataclass(frozen=True)
class IndexedRelease:
    id: int
    name: str
    path: str
    resource: str
    records: int
    about_people: bool
    kind: str

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "path": self.path, "resource": self.resource, "records": self.records,
                "about_people": self.about_people, "kind": self.kind}


@dataclass(frozen=True)
class Partner:
    """An indexed release the new one could be joined with, and why."""

    release: IndexedRelease
    score: float
    shared_columns: tuple[tuple[str, str, float], ...]  # (new column, indexed column, containment)

    def to_dict(self) -> dict[str, Any]:
        return {"release": self.release.name, "path": self.release.path, "score": round(self.score, 4),
                "shared_columns": [{"new": a, "indexed": b, "containment": round(c, 4)} for a, b, c in self.shared_columns]}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _release_files(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """Files to index: the paths given, and inside folders every file of a supported type."""
    suffixes = {ext for ext in supported_extensions() if ext.startswith(".")}
    found: list[Path] = []
    for item in map(Path, paths):
        if item.is_dir() and not (item / "datapackage.json").is_file():
            found += sorted(p for p in item.rglob("*") if p.is_file() and p.suffix.lower() in suffixes
                            and not p.name.startswith("."))
        else:
            found.append(item)
    return found


def _sketch_bytes(form) -> bytes:
    from .join.sketch import minhash

    return np.asarray(minhash(form.values).hashvalues, dtype=np.uint64).tobytes()


class Catalogue:
    """An index of published releases in one SQLite file."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        if self.path.is_dir():
            raise UsageError(f"{self.path}: the catalogue index is a file, not a directory")
        self._db = sqlite3.connect(self.path)
        self._db.execute("PRAGMA foreign_keys = ON")
        self._db.executescript(_SCHEMA)
        stored = self._db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
        if stored is None:
            self._db.execute("INSERT INTO meta VALUES ('version', ?)", (str(INDEX_VERSION),))
            self._db.commit()
        elif int(stored[0]) != INDEX_VERSION:
            raise UsageError(f"{self.path}: index version {stored[0]}; this sharecheck reads version {INDEX_VERSION} (rebuild it)")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> "Catalogue":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------ indexing

    def add(self, paths: Iterable[str | os.PathLike], *, options: Options | None = None) -> list[IndexedRelease]:
        """Index (or re-index, when their content changed) the releases under `paths`."""
        from .join.candidates import release_forms
        from .analysis import analyse

        options = options or resolve_options()
        added = []
        self.skipped: list[str] = []
        for path in _release_files(paths):
            digest = _sha256(path) if path.is_file() else None
            try:
                releases = read_releases(path, sheet=options.sheet)
            except SharecheckError as exc:
                # One unreadable file in a portal must not stop the index of the others.
                log.warning("skipped %s", exc)
                self.skipped.append(str(exc))
                continue
            for release in releases:
                resource = release.name
                key = str(path.resolve())
                row = self._db.execute("SELECT id, sha256 FROM releases WHERE path = ? AND resource = ?",
                                       (key, resource)).fetchone()
                if row is not None and digest is not None and row[1] == digest:
                    continue  # unchanged since it was indexed
                try:
                    analysed = analyse(release, options)
                except SharecheckError as exc:
                    log.warning("skipped %s", exc)
                    self.skipped.append(str(exc))
                    continue
                forms = release_forms(analysed)
                with self._db:
                    if row is not None:
                        self._db.execute("DELETE FROM releases WHERE id = ?", (row[0],))
                    cursor = self._db.execute(
                        "INSERT INTO releases (name, path, resource, sha256, size, records, about_people, kind, indexed_at)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (release.name, key, resource, digest or "", release.size_bytes, analysed.frame.height,
                         int(analysed.about_people), "aggregate" if analysed.is_aggregate else "records",
                         datetime.now(timezone.utc).isoformat(timespec="seconds")))
                    release_id = cursor.lastrowid
                    for name, form in forms.forms.items():
                        self._db.execute(
                            "INSERT INTO columns VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                            (release_id, name, form.role, form.semantic_type, form.form, form.distinct,
                             form.distinct_ratio, _sketch_bytes(form)))
                added.append(self._release(release_id))
                log.info("indexed %s (%d joinable columns)", release.name, len(forms.forms))
        return added

    def remove(self, path: str | os.PathLike) -> int:
        with self._db:
            return self._db.execute("DELETE FROM releases WHERE path = ?", (str(Path(path).resolve()),)).rowcount

    def releases(self) -> list[IndexedRelease]:
        rows = self._db.execute("SELECT id FROM releases ORDER BY name, path").fetchall()
        return [self._release(row[0]) for row in rows]

    def _release(self, release_id: int) -> IndexedRelease:
        row = self._db.execute("SELECT id, name, path, resource, records, about_people, kind FROM releases WHERE id = ?",
                               (release_id,)).fetchone()
        return IndexedRelease(row[0], row[1], row[2], row[3], row[4], bool(row[5]), row[6])

    # ------------------------------------------------------------------ matching

    def partners(self, analysed, *, exclude_path: str | None = None, min_containment: float = 0.5) -> list[Partner]:
        """Indexed releases that share joinable values with the analysed new release, best first.

        Score: a shared high-cardinality key counts fully; quasi-identifier columns count by how
        much they narrow people down (their distinct ratio), so a shared sex column alone adds
        almost nothing and ZIP + birth date + sex add up.
        """
        from .join.candidates import release_forms

        new_forms = release_forms(analysed).forms
        scores: dict[int, float] = {}
        shared: dict[int, list[tuple[str, str, float]]] = {}
        for name, form in new_forms.items():
            if form.distinct < 2:
                continue
            rows = self._db.execute(
                "SELECT c.release_id, c.name, c.distinct_values, c.distinct_ratio, c.minhash FROM columns c "
                "JOIN releases r ON r.id = c.release_id WHERE c.form = ? AND (? IS NULL OR r.path != ?)",
                (form.form, exclude_path, exclude_path)).fetchall()
            if not rows:
                continue
            signature = np.frombuffer(_sketch_bytes(form), dtype=np.uint64)
            indexed = np.stack([np.frombuffer(row[4], dtype=np.uint64) for row in rows])
            jaccard = (indexed == signature).mean(axis=1)
            sizes = np.array([row[2] for row in rows], dtype=float)
            # |A ∩ B| = J (|A| + |B|) / (1 + J); containment of the new column in the indexed one.
            containment = np.minimum(1.0, jaccard * (form.distinct + sizes) / ((1 + jaccard) * form.distinct))
            for row, value in zip(rows, containment):
                if value < min_containment:
                    continue
                weight = 0.0 if min(form.distinct, row[2]) <= _LOW_INFORMATION_DISTINCT else min(form.distinct_ratio, row[3])
                weight = max(weight, 0.05)
                scores[row[0]] = scores.get(row[0], 0.0) + float(value) * weight
                shared.setdefault(row[0], []).append((name, row[1], float(value)))
        partners = [Partner(self._release(release_id), score, tuple(shared[release_id]))
                    for release_id, score in scores.items()]
        return sorted(partners, key=lambda p: (-p.score, p.release.name))


@dataclass(frozen=True)
class CatalogueReport(FindingsSummary):
    """A new release checked against every indexed release it could be joined with."""

    release: str
    location: str
    findings: tuple[Finding, ...]
    partners: tuple[Partner, ...]
    checked: tuple[Mapping[str, Any], ...]  # one join check summary per partner checked
    indexed_releases: int
    fail_on: str = "error"
    policy: str = "open-data"
    datasets: tuple[Mapping[str, Any], ...] = field(default=())
    suppressed: tuple = ()  # sharecheck.waivers.Suppressed
    kind: str = field(default="catalogue", init=False)

    @property
    def metrics(self) -> dict[str, Any]:
        return {"indexed_releases": self.indexed_releases, "candidate_partners": len(self.partners),
                "partners_checked": len(self.checked),
                "identifying_partners": sum(1 for c in self.checked if c["verdict"] == "fail")}

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.document_header(),
            "datasets": list(self.datasets),
            "partners": [p.to_dict() for p in self.partners],
            "checked": list(self.checked),
        }


def check_against_catalogue(source, index: str | os.PathLike | Catalogue, *, max_partners: int = 10,
                            config: str | None = None, **settings: Any) -> CatalogueReport:
    """Check one new release against every indexed release it could be joined with."""
    from .join import check_join
    from .analysis import analyse

    if max_partners < 1:
        raise UsageError("max partners must be at least 1")
    catalogue = index if isinstance(index, Catalogue) else Catalogue(_existing(index))
    try:
        options = resolve_options(config, **{k: v for k, v in settings.items() if k not in _JOIN_ONLY})
        releases = read_releases(source, sheet=options.sheet)
        if len(releases) != 1:
            raise UsageError(f"{source}: holds {len(releases)} tables; check one release at a time")
        new = releases[0]
        analysed = analyse(new, options)
        exclude = str(new.path.resolve()) if new.path else None
        partners = tuple(catalogue.partners(analysed, exclude_path=exclude))
        findings: list[Finding] = []
        suppressed = []
        checked = []
        datasets = [{"name": new.name, "location": new.location, "format": new.format,
                     "records": analysed.frame.height,
                     "columns": [{"name": c.name, "role": c.role, "semantic_type": c.semantic_type} for c in analysed.columns]}]
        for partner in partners[:max_partners]:
            report = check_join(new, _load_partner(partner.release), config=config, **settings)
            findings += report.findings
            suppressed += report.suppressed
            checked.append({"release": partner.release.name, "path": partner.release.path, "verdict": report.verdict,
                            "codes": sorted(report.codes()), "metrics": dict(report.metrics)})
            datasets.append({"name": partner.release.name, "location": partner.release.path,
                             "records": partner.release.records, "columns": []})
        return CatalogueReport(release=new.name, location=new.location, findings=_sorted(findings), partners=partners,
                               checked=tuple(checked), indexed_releases=len(catalogue.releases()), suppressed=tuple(suppressed),
                               fail_on=options.fail_on, policy=options.policy_name, datasets=tuple(datasets))
    finally:
        if not isinstance(index, Catalogue):
            catalogue.close()


def _load_partner(indexed: IndexedRelease):
    releases = read_releases(indexed.path)
    for release in releases:
        if release.name == indexed.resource:
            return release
    raise InputError(f"{indexed.path}: the indexed table {indexed.resource!r} is no longer there; re-index the catalogue")


_JOIN_ONLY = {"window_minutes", "distance_m", "max_k", "exact_distinct_max", "min_containment", "pair_limit"}


def _existing(path: str | os.PathLike) -> Path:
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no catalogue index here; build one with `sharecheck catalogue index`")
    return path
