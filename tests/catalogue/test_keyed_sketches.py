"""The catalogue's sketches reveal nothing without the key: an inversion attack against the index
recovers no value, while the same attack against the old unkeyed sketches recovers them."""
from __future__ import annotations

import sqlite3
import stat
from datetime import date, timedelta

import numpy as np
import polars as pl
import pytest

from sharecheck.catalogue import Catalogue, check_against_catalogue
from sharecheck.catalogue.keys import KEY_ENV, key_path, keyed_hashes
from sharecheck.errors import UsageError
from sharecheck.join import normalise as nz
from sharecheck.join.sketch import _SEED, _permutations, minhash

# Census-common names (not anyone's record), the dictionary an intruder would try.
_FIRST = ["MARY", "PATRICIA", "LINDA", "BARBARA", "ELIZABETH", "JAMES", "JOHN", "ROBERT", "MICHAEL", "DAVID",
          "SUSAN", "JENNIFER", "WILLIAM", "RICHARD", "KAREN", "NANCY"]
_LAST = ["SMITH", "JOHNSON", "WILLIAMS", "BROWN", "JONES", "GARCIA", "MILLER", "DAVIS", "RODRIGUEZ", "MARTINEZ",
         "WILSON", "ANDERSON", "TAYLOR", "THOMAS", "MOORE", "JACKSON"]


def _people(n: int = 80) -> pl.DataFrame:
    return pl.DataFrame({
        "full_name": [f"{_LAST[(i * 7) % 16]}, {_FIRST[(i * 5) % 16]}" for i in range(n)],
        "zip": [f"{2100 + (i * 37) % 900:05d}" for i in range(n)],
        "birth_date": [(date(1925, 1, 1) + timedelta(days=i * 311)).isoformat() for i in range(n)],
        "sex": ["F" if i % 2 else "M" for i in range(n)],
        "diagnosis": [["asthma", "flu", "diabetes", "copd"][i % 4] for i in range(n)],
    })


def _dictionaries() -> dict[str, pl.Series]:
    """Every canonical value an intruder would try: dates 1920-2010, all 5-digit ZIPs, name pairs."""
    days = pl.date_range(date(1920, 1, 1), date(2010, 12, 31), eager=True)
    zips = pl.Series([f"{z:05d}" for z in range(100_000)])
    names, _ = nz.name_form(pl.Series([f"{l}, {f}" for l in _LAST for f in _FIRST]))
    return {"birth_date": days.cast(pl.String), "zip": zips, "full_name": names}


def _old_hash(words: pl.Series) -> np.ndarray:
    """The unkeyed value hash the old index used (polars' hash, public seed), aligned with `words`."""
    return words.hash(seed=_SEED).to_numpy()


def _invert_minhash(signature: np.ndarray, hashes: np.ndarray) -> np.ndarray:
    """Which dictionary hashes produce one of the signature's minima under datasketch's public
    affine64 permutations: the attack on a MinHash of unkeyed hashes."""
    a, b = _permutations()
    hit = np.zeros(hashes.size, dtype=bool)
    with np.errstate(over="ignore"):
        for j in range(a.size):
            hit |= (hashes * a[j] + b[j]) == signature[j]
    return hit


def _stored(index, column: str) -> tuple[np.ndarray, np.ndarray]:
    with sqlite3.connect(index) as db:
        minhash_blob, hashes_blob = db.execute("SELECT minhash, hashes FROM columns WHERE name = ? AND variant = ''",
                                               (column,)).fetchone()
    return np.frombuffer(minhash_blob, dtype="<u8"), np.frombuffer(hashes_blob, dtype="<u8")


@pytest.fixture
def indexed(tmp_path, monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    frame = _people()
    (tmp_path / "portal").mkdir()
    frame.write_csv(tmp_path / "portal" / "register.csv")
    index = tmp_path / "index.sqlite"
    with Catalogue(index) as catalogue:
        catalogue.add([tmp_path / "portal"])
    return frame, index


def test_inversion_attack_recovers_nothing_without_the_key(indexed):
    frame, index = indexed
    dictionaries = _dictionaries()
    for column in ("birth_date", "zip", "full_name"):
        signature, stored = _stored(index, column)
        guesses = _old_hash(dictionaries[column])  # the unkeyed hash the old index used
        assert not np.isin(guesses, stored).any()
        assert not _invert_minhash(signature, guesses).any()
        # Guessing a key does not help either.
        wrong = keyed_hashes(dictionaries[column], b"\0" * 32)
        assert not np.isin(wrong, stored).any()


def test_the_same_attack_inverts_unkeyed_sketches(indexed):
    """The attack has teeth: on the old scheme (MinHash over polars' seeded hash of the canonical
    values) it names the true values behind the signature's minima."""
    frame, _ = indexed
    dictionaries = _dictionaries()
    truth = {
        "birth_date": set(frame["birth_date"]),
        "zip": set(frame["zip"]),
        "full_name": set(nz.name_form(frame["full_name"])[0]),
    }
    for column, words in dictionaries.items():
        canonical = pl.Series(sorted(truth[column]))
        old_signature = np.asarray(minhash(canonical).hashvalues, dtype=np.uint64)
        recovered = set(words.filter(pl.Series(_invert_minhash(old_signature, _old_hash(words)))))
        assert recovered and recovered <= truth[column]
        assert len(recovered) >= min(20, len(truth[column]) // 3)


def test_sensitive_columns_are_never_sketched(indexed):
    _, index = indexed
    with sqlite3.connect(index) as db:
        names = {row[0] for row in db.execute("SELECT name FROM columns")}
    assert "diagnosis" not in names and {"zip", "birth_date", "full_name"} <= names


def test_key_file_is_private_and_outside_the_index(indexed):
    _, index = indexed
    key_file = key_path(index)
    assert key_file.is_file() and key_file.parent == index.parent and key_file != index
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key_hex = key_file.read_text().strip()
    raw = index.read_bytes()
    assert key_hex.encode() not in raw and bytes.fromhex(key_hex) not in raw


def test_two_releases_under_one_key_match_and_different_keys_do_not(tmp_path, monkeypatch):
    frame = _people()
    values = nz.name_form(frame["full_name"])[0]
    first, second = keyed_hashes(values, b"k" * 32), keyed_hashes(values.sample(fraction=1.0, shuffle=True, seed=1), b"k" * 32)
    assert np.array_equal(first, second)
    assert not np.isin(keyed_hashes(values, b"q" * 32), first).any()

    # Through the catalogue: a clinic checked against a register indexed under the same key links.
    monkeypatch.setenv(KEY_ENV, "portal secret one, 32 characters")
    (tmp_path / "portal").mkdir()
    frame.write_csv(tmp_path / "portal" / "register.csv")
    clinic = tmp_path / "clinic.csv"
    frame.head(40).select(pl.col("zip").alias("patient_zip"), pl.col("birth_date").alias("dob"), "sex",
                          "diagnosis").write_csv(clinic)
    index = tmp_path / "index.sqlite"
    with Catalogue(index) as catalogue:
        catalogue.add([tmp_path / "portal"])
        assert catalogue.key_source == KEY_ENV and not key_path(index).exists()
        report = check_against_catalogue(clinic, catalogue)
    assert [p.release.name for p in report.partners] == ["register"]
    # Another key cannot read the index at all: said so, not silently matching nothing.
    monkeypatch.setenv(KEY_ENV, "portal secret two, 32 characters")
    with pytest.raises(UsageError, match="another key"):
        Catalogue(index)
    monkeypatch.delenv(KEY_ENV)
    with pytest.raises(UsageError, match="key"):
        Catalogue(index, create=False)


def test_a_key_file_readable_by_others_is_refused(indexed):
    _, index = indexed
    key_path(index).chmod(0o644)
    with pytest.raises(UsageError, match="chmod 600"):
        Catalogue(index)
