"""Which indexed releases a new one shares values with, and how much that matters.

Two steps, as in a search engine: retrieval, then verification. Retrieval uses datasketch's LSH
Ensemble (an index built for containment, partitioned by set size, so a 1,000-value column
inside a 23,000-value one is found where plain MinHash Jaccard sees 0.04); a form with few
indexed columns is simply compared with all of them. Verification counts the shared keyed
hashes (exact below SAMPLE_MAX distinct values, a coordinated sample above), in both directions:
the new column inside an indexed one, or an indexed column inside the new one.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .columns import NO_INITIALS, StoredColumn

MIN_CONTAINMENT = 0.5
# The LSH Ensemble retrieves below the verification cut: a miss here is a miss for good.
RETRIEVAL_THRESHOLD = 0.3
# Up to this many indexed columns of one form, every one is verified (exact, and cheap).
SCAN_ALL_BELOW = 512
# Forms whose values are so few that sharing them says nothing (every table has M and F).
_LOW_INFORMATION_DISTINCT = 12
# Untyped columns (no shared semantic type, names that do not agree) count only as keys do in the
# join check: broad overlap of many values, one side nearly unique per record.
_UNTYPED_MIN_SHARED = 20
_KEY_LIKE_RATIO = 0.5
_KEY_ROLES = {"direct_identifier", "pseudonym"}
# Words that say a column holds a code, not what the code is of.
_GENERIC_NAME_TOKENS = {"id", "no", "nr", "num", "number", "code", "cd", "key", "of", "the", "ref", "nummer", "numero"}
# Both name columns write middle initials in at least this share: they are kept (as the join does).
_INITIALS_KEPT = 0.2


@dataclass(frozen=True)
class Partner:
    """An indexed release the new one could be joined with, and why."""

    release: Any  # store.IndexedRelease
    score: float
    shared_columns: tuple[tuple[str, str, float], ...]  # (new column, indexed column, containment)

    def to_dict(self) -> dict[str, Any]:
        return {"release": self.release.name, "path": self.release.path, "score": round(self.score, 4),
                "person_level": self.release.person_level,
                "shared_columns": [{"new": a, "indexed": b, "containment": round(c, 4)} for a, b, c in self.shared_columns]}


def _sketch(signature: np.ndarray):
    from datasketch import MinHash

    from ..join.sketch import NUM_PERM, _SEED, _permutations

    return MinHash(num_perm=NUM_PERM, seed=_SEED, hashvalues=signature, permutations=_permutations(), scheme="affine64")


def _ensemble(entries: list[tuple[Any, np.ndarray, int]], threshold: float):
    from datasketch import MinHashLSHEnsemble

    from ..join.sketch import NUM_PERM

    ensemble = MinHashLSHEnsemble(threshold=threshold, num_perm=NUM_PERM, num_part=max(1, min(16, len(entries))))
    ensemble.index([(key, _sketch(signature), max(size, 1)) for key, signature, size in entries])
    return ensemble


def retrieve(new: dict[str, dict[str, Any]], indexed: dict[tuple[int, str], dict[str, Any]], threshold: float,
             scan_all_below: int, cache: dict | None = None, cache_key=None) -> set[tuple[str, tuple[int, str]]]:
    """Candidate (new column, indexed column) pairs of one form. Name columns are retrieved on
    their sketch without initials, so 'DOE JOHN A' and 'DOE JOHN' meet."""
    if len(indexed) <= scan_all_below:
        return {(a, b) for a in new for b in indexed}

    def signature(variants):
        column = variants.get(NO_INITIALS, variants[""])
        return column.minhash, column.distinct

    # The ensemble over the index is the same for every query until the index changes.
    forward = cache.get(cache_key) if cache is not None else None
    if forward is None:
        forward = _ensemble([(key, *signature(v)) for key, v in indexed.items()], threshold)
        if cache is not None:
            cache[cache_key] = forward
    found = {(name, hit) for name, v in new.items() for hit in forward.query(_sketch(signature(v)[0]), max(signature(v)[1], 1))}
    backward = _ensemble([(name, *signature(v)) for name, v in new.items()], threshold)
    found |= {(hit, key) for key, v in indexed.items() for hit in backward.query(_sketch(signature(v)[0]), max(signature(v)[1], 1))}
    return found


def _variants(a: dict[str, Any], b: dict[str, Any]):
    """The two sides in one domain: with initials when both write them, else without."""
    head_a, head_b = a[""], b[""]
    if min(head_a.initials_share, head_b.initials_share) >= _INITIALS_KEPT:
        return head_a, head_b
    return a.get(NO_INITIALS, head_a), b.get(NO_INITIALS, head_b)


def _names_agree(a: str, b: str) -> bool:
    from ..join.candidates import name_evidence
    from ..naming import normalise_column_name

    if name_evidence(a, b)[0] >= 0.7:
        return True
    tokens = [set(normalise_column_name(name).split("_")) - _GENERIC_NAME_TOKENS - {""} for name in (a, b)]
    return bool(tokens[0] & tokens[1])


def _names_share_a_word(a: str, b: str) -> bool:
    """Two code lists are one list only when their names say which: a ward and a community area
    are both places, but ward 7 is not community area 7."""
    from ..naming import normalise_column_name

    tokens = [set(normalise_column_name(name).split("_")) - _GENERIC_NAME_TOKENS - {""} for name in (a, b)]
    return bool(tokens[0] & tokens[1])


def _weight(a, b, shared: float) -> float | None:
    """How much a shared column says about a link, or None when it says nothing."""
    from ..join.candidates import _UNINFORMATIVE_TYPES, name_evidence
    from ..join.normalise import TEXT

    if a.dense_integers and b.dense_integers and not _names_share_a_word(a.name, b.name):
        # Small code numbers filling their range (precincts 1-123, districts 1-25, wards, hours)
        # meet by chance even when both are places; only names that agree say they are one list.
        return None
    same_type = a.semantic_type == b.semantic_type and a.semantic_type not in _UNINFORMATIVE_TYPES
    typed = same_type or a.form != TEXT or name_evidence(a.name, b.name)[0] >= 0.7
    if not typed:
        if a.semantic_type not in _UNINFORMATIVE_TYPES and b.semantic_type not in _UNINFORMATIVE_TYPES:
            return None  # two typed columns of different types: a street is not a name
        if (shared < _UNTYPED_MIN_SHARED or max(a.distinct_ratio, b.distinct_ratio) < _KEY_LIKE_RATIO
                or (a.dense_integers and b.dense_integers)):
            return None  # small numbers filling their range meet by chance (precinct ~ HOUR)
    if min(a.distinct, b.distinct) <= _LOW_INFORMATION_DISTINCT:
        return 0.05
    if a.role in _KEY_ROLES or b.role in _KEY_ROLES or not typed:
        return 1.0  # a shared key links record to record
    return max(min(a.distinct_ratio, b.distinct_ratio), 0.05)


def find_partners(catalogue, new_columns: list[StoredColumn], *, exclude_path: str | None = None,
                  min_containment: float = MIN_CONTAINMENT, threshold: float = RETRIEVAL_THRESHOLD,
                  scan_all_below: int = SCAN_ALL_BELOW) -> list[Partner]:
    """Indexed releases sharing joinable values with the new release: person-level partners first
    (a table of counts or of things never pushes one out of the checked set), then by score.

    Score: a shared high-cardinality key counts fully; a quasi-identifier by how much it narrows
    people down (its distinct ratio), so a shared sex column alone adds almost nothing.
    """
    from ..join.sketch import sampled_overlap

    by_form: dict[str, dict[str, dict[str, StoredColumn]]] = {}
    for column in new_columns:
        if column.distinct >= 2:
            by_form.setdefault(column.form, {}).setdefault(column.name, {})[column.variant] = column
    scores: dict[int, float] = {}
    shared: dict[int, list[tuple[str, str, float]]] = {}
    loaded: dict[int, np.ndarray] = {}
    best: dict[tuple[int, str], float] = {}
    excluded = catalogue.release_ids(exclude_path) if exclude_path else set()
    for form, new in by_form.items():
        new = {name: variants for name, variants in new.items() if "" in variants}
        indexed: dict[tuple[int, str], dict[str, Any]] = {}
        for variant in ("", NO_INITIALS):
            for column in catalogue.indexed_columns(form, variant):
                indexed.setdefault((column.release_id, column.name), {})[variant] = column
        indexed = {key: variants for key, variants in indexed.items() if "" in variants}
        if not new or not indexed:
            continue
        retrieved = retrieve(new, indexed, threshold, scan_all_below, catalogue.ensembles,
                             (form, threshold, catalogue.generation))
        for name, key in sorted(pair for pair in retrieved if pair[1][0] not in excluded):
            a, b = _variants(new[name], indexed[key])
            if b.rowid not in loaded:
                loaded[b.rowid] = catalogue.hashes(b)
            overlap = sampled_overlap(a.hashes, a.shift, a.distinct, loaded[b.rowid], b.shift, b.distinct)
            value = overlap.containment
            weight = _weight(a, b, overlap.shared)
            if value < min_containment or overlap.shared < 1 or weight is None:
                continue
            release_id = key[0]
            # A column counts once per partner, through its best match.
            best[(release_id, name)] = max(best.get((release_id, name), 0.0), value * weight)
            shared.setdefault(release_id, []).append((name, key[1], value))
    for (release_id, _), contribution in best.items():
        scores[release_id] = scores.get(release_id, 0.0) + contribution
    partners = [Partner(catalogue._release(release_id), score, tuple(shared[release_id]))
                for release_id, score in scores.items()]
    return sorted(partners, key=lambda p: (not p.release.person_level, -p.score, p.release.name))
