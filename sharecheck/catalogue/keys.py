"""The catalogue's secret: the key under which every stored value hash is computed.

A stored sketch is only as private as its hashes. An unkeyed hash (polars' seeded hash, any
public function) is inverted by hashing a dictionary of likely values (every date 1920-2010,
every 5-digit ZIP, a list of names) and looking the results up. Under a keyed PRF (BLAKE2b in
keyed mode) the same attack needs the key, so the key never goes into the index file: it lives
in `<index>.key` (mode 0600, created beside the index) or, for a portal, in the environment
variable SHARECHECK_CATALOGUE_KEY. Losing the key means re-indexing: nothing in the index can be
compared with a new release without it.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

import numpy as np
import polars as pl

from ..errors import UsageError

KEY_ENV = "SHARECHECK_CATALOGUE_KEY"
KEY_BYTES = 32
_CHECK_MESSAGE = b"sharecheck catalogue key check v2"


def key_path(index: Path) -> Path:
    return index.with_name(index.name + ".key")


def _from_environment() -> bytes | None:
    text = os.environ.get(KEY_ENV)
    if text is None:
        return None
    text = text.strip()
    if len(text) < 16:
        raise UsageError(f"{KEY_ENV} is too short to be a secret: give at least 16 characters (32 random bytes in hex is best)")
    # Any secret string serves; it is stretched to a fixed-size BLAKE2b key.
    return hashlib.sha256(b"sharecheck catalogue key\0" + text.encode("utf-8")).digest()


def _read_key_file(path: Path) -> bytes:
    data = path.read_bytes().strip()
    try:
        key = bytes.fromhex(data.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        key = b""
    if len(key) != KEY_BYTES:
        raise UsageError(f"{path}: not a sharecheck catalogue key file")
    return key


def _create_key_file(path: Path) -> None:
    """Write a new random key, readable by its owner only, atomically: a concurrent writer
    either sees no key file or a whole one."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(secrets.token_bytes(KEY_BYTES).hex() + "\n")
        try:
            os.link(temporary, path)  # fails if another writer made one first: theirs is kept
        except FileExistsError:
            pass
    finally:
        temporary.unlink(missing_ok=True)


def load_key(index: Path, *, create: bool) -> tuple[bytes, str]:
    """The catalogue's key and where it came from ('environment' or the key file's path)."""
    from_env = _from_environment()
    if from_env is not None:
        return from_env, KEY_ENV
    path = key_path(index)
    if not path.exists():
        if not create:
            raise UsageError(f"{index}: its key ({path.name}, or {KEY_ENV}) is missing; without it the index "
                             "cannot be compared with anything: rebuild the index with `sharecheck catalogue index`")
        try:
            _create_key_file(path)
        except OSError as exc:
            raise UsageError(f"{path}: cannot create the catalogue key ({exc.strerror})") from None
    if path.stat().st_mode & 0o077:
        raise UsageError(f"{path}: the catalogue key is readable by others; run `chmod 600 {path}`")
    return _read_key_file(path), str(path)


def key_check(key: bytes) -> str:
    """A value stored in the index that tells whether a key is the one it was built under (a PRF
    output of a constant: it says nothing about the key or any value)."""
    return hmac.new(key, _CHECK_MESSAGE, hashlib.sha256).hexdigest()[:32]


def keyed_hashes(values: pl.Series, key: bytes) -> np.ndarray:
    """Sorted unique 64-bit keyed BLAKE2b hashes of a column's distinct non-null values (as text,
    so 2021 and '2021' meet). One hash per distinct value, not per row."""
    distinct = values.drop_nulls().unique()
    if distinct.dtype != pl.String:
        distinct = distinct.cast(pl.String)
    blake = hashlib.blake2b
    digest = b"".join(blake(text.encode("utf-8"), key=key, digest_size=8, person=b"sharecheck").digest()
                      for text in distinct.to_list())
    return np.unique(np.frombuffer(digest, dtype="<u8").astype(np.uint64))
