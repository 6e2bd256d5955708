"""The catalogue index: one SQLite file, safe for concurrent writers and interrupted runs.

Writers serialise on `BEGIN IMMEDIATE` (WAL journal, busy timeout): a release is analysed
outside any transaction, and written in one short transaction that first re-reads what another
writer may have stored meanwhile. An interrupted run leaves every committed release whole and
nothing of the one in flight. A new index is built in a temporary file and linked into place,
so no process ever sees a half-made one; a file that is not a sharecheck index is refused,
never turned into one.
"""
from __future__ import annotations

import json
import logging
import os
import secrets
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable

import numpy as np

from ..errors import InputError, SharecheckError, UsageError
from .columns import stored_columns
from .files import fingerprint, release_files
from .keys import key_check, load_key
from .profiles import read_profile, stored_profile

log = logging.getLogger("sharecheck")

APPLICATION = "sharecheck-catalogue"
INDEX_VERSION = 2
_BUSY_MS = 60_000
_SQLITE_HEADER = b"SQLite format 3\x00"
_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE releases (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, path TEXT NOT NULL, resource TEXT NOT NULL,
    fingerprint TEXT NOT NULL, size INTEGER, records INTEGER, about_people INTEGER, kind TEXT,
    columns TEXT, indexed_at TEXT, UNIQUE (path, resource)
);
CREATE TABLE columns (
    release_id INTEGER NOT NULL REFERENCES releases(id) ON DELETE CASCADE,
    name TEXT NOT NULL, role TEXT, semantic_type TEXT, form TEXT NOT NULL, variant TEXT NOT NULL,
    distinct_values INTEGER, distinct_ratio REAL, initials_share REAL, dense_integers INTEGER, shift INTEGER,
    minhash BLOB, hashes BLOB
);
CREATE INDEX columns_form ON columns(form, variant);
CREATE INDEX columns_release ON columns(release_id);
"""


@dataclass(frozen=True)
class IndexedRelease:
    id: int
    name: str
    path: str
    resource: str
    records: int
    about_people: bool
    kind: str  # records | aggregate

    @property
    def person_level(self) -> bool:
        """Records about people: the partners whose joins can identify someone."""
        return self.about_people and self.kind == "records"

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "path": self.path, "resource": self.resource, "records": self.records,
                "about_people": self.about_people, "kind": self.kind}


@dataclass(frozen=True)
class IndexedColumn:
    """A stored column as matching reads it: its MinHash now, its hashes when they are needed."""

    release_id: int
    rowid: int
    name: str
    role: str
    semantic_type: str
    form: str
    variant: str
    distinct: int
    distinct_ratio: float
    initials_share: float
    dense_integers: bool
    shift: int
    minhash: np.ndarray


def _not_a_catalogue(path: Path, why: str) -> UsageError:
    return UsageError(f"{path}: not a sharecheck catalogue index ({why}); give a new file name or an existing index")


def _check_is_catalogue(path: Path) -> None:
    """Refuse, without writing a byte, any file that is not a sharecheck index."""
    try:
        with open(path, "rb") as handle:
            header = handle.read(len(_SQLITE_HEADER))
    except OSError as exc:
        raise InputError(f"{path}: cannot read the catalogue index ({exc.strerror})") from None
    if header != _SQLITE_HEADER:
        raise _not_a_catalogue(path, "an empty file" if not header else "not an SQLite database")
    try:
        probe = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=_BUSY_MS / 1000)
        try:
            meta = dict(probe.execute("SELECT key, value FROM meta").fetchall())
        finally:
            probe.close()
    except sqlite3.DatabaseError:
        meta = {}
    if "application" not in meta and "version" in meta and "releases" in _tables(path):
        raise UsageError(f"{path}: a sharecheck index of version {meta['version']}, whose sketches are unkeyed and can be "
                         "read back; delete it and rebuild it with `sharecheck catalogue index`")
    if meta.get("application") != APPLICATION:
        raise _not_a_catalogue(path, "an SQLite database of something else")


def _tables(path: Path) -> set[str]:
    probe = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return {row[0] for row in probe.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        probe.close()


def _create(path: Path, key: bytes) -> None:
    """Build an empty index beside `path` and link it into place (atomic: if another writer made
    one first, theirs is kept)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        db = sqlite3.connect(temporary)
        try:
            db.executescript(_SCHEMA)
            db.executemany("INSERT INTO meta VALUES (?, ?)", [
                ("application", APPLICATION), ("version", str(INDEX_VERSION)), ("key_check", key_check(key))])
            db.commit()
            db.execute("PRAGMA journal_mode = WAL")  # persistent; readers never block the writer
        finally:
            db.close()
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        except OSError:  # a file system without hard links
            if not path.exists():
                os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _column_summary(analysed) -> list[dict[str, Any]]:
    """Per column its roles and what the classifier found, in words and counts: masked examples
    and details (which can hold fragments of values) are not stored."""
    summary = []
    for column in analysed.columns:
        detected = analysed.classifications[column.name]
        summary.append({"name": column.name, "role": column.role, "semantic_type": column.semantic_type, "detected": {
            "column": detected.column, "role": detected.role, "semantic_type": detected.semantic_type,
            "confidence": detected.confidence, "evidence": list(detected.evidence), "match_share": detected.match_share,
            "entities": dict(detected.entities)}, "profile": stored_profile(analysed.profiles[column.name])})
    return summary


def _options_for(options, columns):
    return options.for_columns(columns)

class Catalogue:
    """An index of published releases in one SQLite file, its key beside it (or in the environment)."""

    def __init__(self, path: str | os.PathLike, *, create: bool = True):
        self.path = Path(path)
        if self.path.is_dir():
            raise UsageError(f"{self.path}: the catalogue index is a file, not a directory")
        if self.path.exists():
            _check_is_catalogue(self.path)
        elif not create:
            raise InputError(f"{self.path}: no catalogue index here; build one with `sharecheck catalogue index`")
        elif not self.path.parent.is_dir():
            raise UsageError(f"{self.path}: its folder does not exist")
        # A new index gets a new key; an existing one without its key is of no use (say so).
        self.key, self.key_source = load_key(self.path, create=not self.path.exists())
        if not self.path.exists():
            _create(self.path, self.key)
        self._db = sqlite3.connect(self.path, timeout=_BUSY_MS / 1000, isolation_level=None)
        self._db.execute(f"PRAGMA busy_timeout = {_BUSY_MS}")
        self._db.execute("PRAGMA foreign_keys = ON")
        meta = dict(self._db.execute("SELECT key, value FROM meta").fetchall())
        if meta.get("version") != str(INDEX_VERSION):
            self._db.close()
            raise UsageError(f"{self.path}: index version {meta.get('version')}; this sharecheck reads version "
                             f"{INDEX_VERSION} (rebuild it)")
        if meta.get("key_check") != key_check(self.key):
            self._db.close()
            raise UsageError(f"{self.path}: built under another key than {self.key_source}; use the index's own key "
                             "or rebuild the index")
        self.skipped: list[str] = []
        self.pruned = 0
        self._writes = 0
        self.ensembles: dict = {}  # LSH Ensembles over the index, rebuilt when it changes

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> "Catalogue":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def _write(self):
        """One writer at a time: BEGIN IMMEDIATE takes the write lock up front (waiting up to the
        busy timeout), so two writers never interleave a read-then-insert."""
        for attempt in range(5):
            try:
                self._db.execute("BEGIN IMMEDIATE")
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc) or attempt == 4:
                    raise UsageError(f"{self.path}: the index is locked by another writer; try again") from None
                time.sleep(0.2 * (attempt + 1))
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")
        self._writes += 1
        self.ensembles.clear()

    # ------------------------------------------------------------------ indexing

    def add(self, paths: Iterable[str | os.PathLike], *, options=None) -> list[IndexedRelease]:
        """Index (or re-index, when their content changed) the releases under `paths`; prune
        releases that are gone. Unreadable files are skipped and listed in `self.skipped`."""
        from ..config import resolve_options

        options = options or resolve_options()
        self.skipped, self.pruned = [], 0
        files, walked = release_files(paths)
        added: list[IndexedRelease] = []
        seen: set[tuple[str, str]] = set()
        failed: set[str] = set()
        for path in files:
            try:
                added += self._add_file(path, options, seen)
            except (SharecheckError, OSError) as exc:
                self._skip(path, exc)
                failed.add(str(path.resolve()))
            except Exception as exc:  # one bad file must never abort the index of the others
                self._skip(path, exc, internal=True)
                failed.add(str(path.resolve()))
        self.pruned = self._prune({str(p.resolve()) for p in files}, [str(w.resolve()) for w in walked], seen, failed)
        return added

    def _skip(self, path: Path, exc: BaseException, internal: bool = False) -> None:
        from ..readers import describe_parse_error

        message = f"{path}: internal error ({type(exc).__name__})" if internal else (
            str(exc) if isinstance(exc, SharecheckError) else f"{path}: {getattr(exc, 'strerror', None) or describe_parse_error(exc)}")
        log.warning("skipped %s", message)
        self.skipped.append(message)

    def _add_file(self, path: Path, options, seen: set) -> list[IndexedRelease]:
        from .. import analysis
        from ..join.forms import release_forms
        from ..readers import read_with

        key = str(path.resolve())
        digest = fingerprint(path)
        stored = self._db.execute("SELECT resource, fingerprint FROM releases WHERE path = ?", (key,)).fetchall()
        if stored and all(row[1] == digest for row in stored):
            seen.update((key, row[0]) for row in stored)
            return []  # unchanged since it was indexed
        releases = read_with(path, options)
        added = []
        for release in releases:
            seen.add((key, release.name))
            analysed = analysis.analyse(release, _options_for(options, release.columns))
            columns = stored_columns(analysed, self.key, release_forms(analysed))
            summary = json.dumps(_column_summary(analysed))
            with self._write() as db:
                db.execute("DELETE FROM releases WHERE path = ? AND resource = ?", (key, release.name))
                release_id = db.execute(
                    "INSERT INTO releases (name, path, resource, fingerprint, size, records, about_people, kind, columns,"
                    " indexed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (release.name, key, release.name, digest, release.size_bytes, analysed.frame.height,
                     int(analysed.about_people), "aggregate" if analysed.is_aggregate else "records", summary,
                     datetime.now(timezone.utc).isoformat(timespec="seconds"))).lastrowid
                db.executemany("INSERT INTO columns VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
                    (release_id, c.name, c.role, c.semantic_type, c.form, c.variant, c.distinct, c.distinct_ratio,
                     c.initials_share, int(c.dense_integers), c.shift, c.minhash.astype("<u8").tobytes(), c.hashes.astype("<u8").tobytes())
                    for c in columns])
            added.append(self._release(release_id))
            log.info("indexed %s (%d joinable columns)", release.name, len(columns))
        return added

    def _prune(self, files: set[str], walked: list[str], seen: set[tuple[str, str]], failed: set[str]) -> int:
        """Drop releases whose file is gone or no longer readable, files no longer under a folder
        that was walked, and resources a re-read package no longer has."""
        doomed = []
        seen_paths = {path for path, _ in seen}
        for release_id, path, resource in self._db.execute("SELECT id, path, resource FROM releases").fetchall():
            under_walk = any(path.startswith(folder.rstrip(os.sep) + os.sep) for folder in walked)
            if (not Path(path).exists() or path in failed or (under_walk and path not in files)
                    or (path in seen_paths and (path, resource) not in seen)):
                doomed.append(release_id)
        if doomed:
            with self._write() as db:
                db.executemany("DELETE FROM releases WHERE id = ?", [(i,) for i in doomed])
        return len(doomed)

    def remove(self, target: str | os.PathLike) -> int:
        """Drop the releases at a path (file or package folder) or with a name; how many went."""
        path = Path(target)
        keys = {str(path.resolve()), str((path / "datapackage.json").resolve())}
        with self._write() as db:
            removed = 0
            for key in keys:
                removed += db.execute("DELETE FROM releases WHERE path = ?", (key,)).rowcount
            if not removed:
                removed = db.execute("DELETE FROM releases WHERE name = ?", (str(target),)).rowcount
        return removed

    # ------------------------------------------------------------------ reading

    @property
    def generation(self) -> int:
        """Changes whenever any connection commits a write (SQLite's data_version, plus our own)."""
        return self._db.execute("PRAGMA data_version").fetchone()[0] * 1_000_003 + self._writes

    def release_ids(self, path: str) -> set[int]:
        return {row[0] for row in self._db.execute("SELECT id FROM releases WHERE path = ?", (path,))}

    def releases(self) -> list[IndexedRelease]:
        rows = self._db.execute("SELECT id FROM releases ORDER BY name, path").fetchall()
        return [self._release(row[0]) for row in rows]

    def _release(self, release_id: int) -> IndexedRelease:
        row = self._db.execute("SELECT id, name, path, resource, records, about_people, kind FROM releases WHERE id = ?",
                               (release_id,)).fetchone()
        return IndexedRelease(row[0], row[1], row[2], row[3], row[4], bool(row[5]), row[6])

    def release_columns(self, release_id: int) -> list[dict[str, Any]]:
        """The roles of an indexed release's columns, as stored (no need to read the release)."""
        return [{"name": c["name"], "role": c["role"], "semantic_type": c["semantic_type"]}
                for c in self._summary(release_id)]

    def _summary(self, release_id: int) -> list[dict[str, Any]]:
        row = self._db.execute("SELECT columns FROM releases WHERE id = ?", (release_id,)).fetchone()
        return json.loads(row[0]) if row and row[0] else []

    def stored_analysis(self, release_id: int):
        """(fingerprint, detected classifications per column) as indexed: what check needs to
        analyse a partner again without classifying it again."""
        from ..classify import ColumnClassification

        row = self._db.execute("SELECT fingerprint FROM releases WHERE id = ?", (release_id,)).fetchone()
        classifications = {}
        for column in self._summary(release_id):
            detected = column.get("detected")
            if detected is None:
                return row[0], None  # indexed by an older sharecheck
            classifications[column["name"]] = ColumnClassification(
                detected["column"], detected["role"], detected["semantic_type"], detected["confidence"],
                tuple(detected["evidence"]), detected["match_share"], dict(detected["entities"]))
        return row[0], classifications

    def stored_profiles(self, release_id: int):
        """The column profiles kept at indexing (without values), or None for an older index."""
        summary = self._summary(release_id)
        if not summary or any("profile" not in column for column in summary):
            return None
        return {column["name"]: read_profile(column["profile"]) for column in summary}

    def indexed_columns(self, form: str, variant: str, exclude_path: str | None = None) -> list[IndexedColumn]:
        """Every indexed column of one form and variant (MinHash only; `hashes` loads the rest)."""
        rows = self._db.execute(
            "SELECT c.release_id, c.rowid, c.name, c.role, c.semantic_type, c.form, c.variant, c.distinct_values,"
            " c.distinct_ratio, c.initials_share, c.dense_integers, c.shift, c.minhash FROM columns c JOIN releases r ON r.id = c.release_id"
            " WHERE c.form = ? AND c.variant = ? AND (? IS NULL OR r.path != ?)",
            (form, variant, exclude_path, exclude_path)).fetchall()
        return [IndexedColumn(*row[:10], bool(row[10]), row[11], np.frombuffer(row[12], dtype="<u8").astype(np.uint64))
                for row in rows]

    def hashes(self, column: IndexedColumn) -> np.ndarray:
        row = self._db.execute("SELECT hashes FROM columns WHERE rowid = ?", (column.rowid,)).fetchone()
        return np.frombuffer(row[0], dtype="<u8").astype(np.uint64)

    def integrity(self) -> str:
        return self._db.execute("PRAGMA integrity_check").fetchone()[0]
