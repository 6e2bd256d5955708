"""Hash pseudonyms that are not anonymous.

A column of MD5/SHA digests looks opaque, but an unsalted digest of a small identifier space
is reversed by hashing the whole space: the NYC taxi medallions (about 10^6 candidates) and hack
licences (10^7) fell within hours in 2014, and take seconds here. We hash candidate spaces from
rules/hash_spaces.yaml, smallest first, and report only the share of distinct digests
recovered, never a recovered value.

Speed: hashlib costs ~0.5 µs per short candidate through `map` (measured: 10^6 MD5 in 0.5 s on
one core); neither polars nor pyarrow has MD5/SHA, and a numpy MD5 would be no faster at these
sizes. So the loop is `set.intersection(map(digest, map(md5, chunk)))` over chunks built by
concatenating a prefix with a precomputed table of suffixes, with the deadline checked between
chunks: 6-digit spaces always fit, 7-digit ones take ~5 s, 8-digit ones only as far as the
budget of candidates (`budget_candidates`, a count, so the same on any machine) allows.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import itertools
import re
import string
import time
from dataclasses import dataclass, field
from functools import lru_cache
from operator import methodcaller
from typing import Iterable, Iterator

from .._resources import load_yaml

_HEX = re.compile(r"^[0-9a-fA-F]+$")
_B64_SHAPE = re.compile(r"^[A-Za-z0-9+/_-]{20,}={0,2}$")
_MIXED = re.compile(r"[a-z]")
_UPPER = re.compile(r"[A-Z]")
_DIGIT = re.compile(r"[0-9]")
_DIGEST = methodcaller("digest")
_CHARSETS = {
    r"\d": string.digits, "[0-9]": string.digits, "[A-Z]": string.ascii_uppercase,
    "[a-z]": string.ascii_lowercase, "[A-Z0-9]": string.ascii_uppercase + string.digits,
    "[0-9A-Z]": string.digits + string.ascii_uppercase,
}
_ATOM = re.compile(r"(\\d|\[[^\]]+\]|\\.|.)(\{(\d+)(?:,(\d+))?\})?")


@dataclass(frozen=True)
class Space:
    name: str
    kind: str
    size: int
    pattern: str = ""
    min_digits: int = 1
    max_digits: int = 6
    lower: bool = False


@dataclass
class HashReversal:
    algorithm: str
    encoding: str  # hex | base64
    distinct: int
    recovered: int = 0
    spaces_hit: list[str] = field(default_factory=list)
    spaces_searched: list[str] = field(default_factory=list)
    complete: bool = True  # False when the budget ran out before every space was searched
    seconds: float = 0.0

    @property
    def recovered_share(self) -> float:
        return self.recovered / self.distinct if self.distinct else 0.0

    def to_details(self) -> dict:
        return {
            "algorithm": self.algorithm,
            "encoding": self.encoding,
            "space": " + ".join(self.spaces_hit) if self.spaces_hit else "none of the searched spaces",
            "recovered_share": round(self.recovered_share, 4),
            "distinct_hashes": self.distinct,
            "spaces_searched": list(self.spaces_searched),
            "search_complete": self.complete,
            "seconds": round(self.seconds, 2),
        }


@lru_cache(maxsize=1)
def _config() -> dict:
    return load_yaml("hash_spaces.yaml")


def algorithms() -> dict[int, str]:
    return {int(length): name for length, name in _config()["algorithms"].items()}


def _expand(pattern: str) -> list[str]:
    """'\\d[A-Z]\\d{2}' -> ['0123456789', 'AB…Z', '0…9', '0…9'] (fixed length only)."""
    positions: list[str] = []
    for match in _ATOM.finditer(pattern):
        atom, _, low, high = match.groups()
        if high is not None and high != low:
            raise ValueError(f"hash space pattern {pattern!r}: use one fixed length per space")
        charset = _CHARSETS.get(atom) or (atom[1] if atom.startswith("\\") else atom)
        if atom.startswith("[") and atom not in _CHARSETS:
            raise ValueError(f"hash space pattern {pattern!r}: unsupported class {atom}")
        positions.extend([charset] * int(low or 1))
    return positions


@lru_cache(maxsize=1)
def spaces() -> tuple[Space, ...]:
    result = []
    for raw in _config()["spaces"]:
        if raw["kind"] == "digits":
            low, high = int(raw.get("min_digits", 1)), int(raw["max_digits"])
            size = sum(10 ** width for width in range(low, high + 1))
            result.append(Space(raw["name"], "digits", size, min_digits=low, max_digits=high))
        elif raw["kind"] == "pattern":
            positions = _expand(raw["pattern"])
            size = 1
            for charset in positions:
                size *= len(charset)
            lower = bool(raw.get("lower", False))
            result.append(Space(raw["name"], "pattern", size * (2 if lower else 1), pattern=raw["pattern"], lower=lower))
        else:
            raise ValueError(f"hash_spaces.yaml: unknown kind {raw['kind']!r}")
    return tuple(sorted(result, key=lambda space: space.size))


def _product_chunks(positions: list[str]) -> Iterator[list[bytes]]:
    """All strings over the positions, in chunks of about 10^3–10^4 sharing a prefix."""
    tail_width = 0
    tail_size = 1
    while tail_width < len(positions) and tail_size < 1000:
        tail_size *= len(positions[-1 - tail_width])
        tail_width += 1
    head, tail = positions[: len(positions) - tail_width], positions[len(positions) - tail_width:]
    suffixes = ["".join(chars).encode() for chars in itertools.product(*tail)]
    for prefix in itertools.product(*head):
        start = "".join(prefix).encode()
        yield [start + suffix for suffix in suffixes]


def candidate_chunks(space: Space) -> Iterator[list[bytes]]:
    if space.kind == "digits":
        for width in range(space.min_digits, space.max_digits + 1):
            yield from _product_chunks([string.digits] * width)
    else:
        positions = _expand(space.pattern)
        for chunk in _product_chunks(positions):
            yield chunk
            if space.lower:
                yield [candidate.lower() for candidate in chunk]


def digest_kind(values: Iterable[str]) -> tuple[str, str] | None:
    """(algorithm, encoding) when (nearly) every value is a digest of one length, else None."""
    lengths: dict[tuple[str, int], int] = {}
    total = 0
    for value in values:
        text = str(value).strip()
        total += 1
        if _HEX.match(text):
            key = ("hex", len(text) // 2 if len(text) % 2 == 0 else -1)
        elif _B64_SHAPE.match(text) and _MIXED.search(text) and _UPPER.search(text) and _DIGIT.search(text):
            # random bytes in base64 mix cases and digits; an IBAN or a code in capitals does not
            raw = _b64(text)
            key = ("base64", len(raw)) if raw is not None else ("none", 0)
        else:
            key = ("none", 0)
        lengths[key] = lengths.get(key, 0) + 1
    if not total:
        return None
    (encoding, size), count = max(lengths.items(), key=lambda item: item[1])
    algorithm = algorithms().get(size * 2)
    if encoding == "none" or algorithm is None or count < 0.9 * total:
        return None
    return algorithm, encoding


def _b64(text: str) -> bytes | None:
    if len(text) < 20:
        return None
    try:
        if "-" in text or "_" in text:
            return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None


def _digest_bytes(text: str, encoding: str) -> bytes | None:
    text = text.strip()
    if encoding == "hex":
        try:
            return bytes.fromhex(text)
        except ValueError:
            return None
    return _b64(text)


def reverse_hashes(values: Iterable[str], algorithm: str, encoding: str = "hex", *,
                   deadline: float | None = None, stop_share: float | None = None,
                   max_candidates: int | None = None) -> HashReversal:
    """Hash candidate spaces until `stop_share` of the distinct digests are recovered, or
    `max_candidates` candidates (default `budget_candidates` of rules/hash_spaces.yaml) are
    hashed, or the `deadline` on this thread's CPU clock (`time.thread_time`) passes. The count
    bounds the work of one column the same on any machine, so what a scan recovers does not
    depend on how busy or fast the machine is; the CPU deadline, shared by a table's columns,
    stays as the outer limit. Recovered preimages are counted, not kept."""
    targets = {digest for digest in (_digest_bytes(str(value), encoding) for value in values) if digest}
    result = HashReversal(algorithm=algorithm, encoding=encoding, distinct=len(targets))
    if not targets:
        return result
    stop_share = float(_config().get("stop_share", 0.95)) if stop_share is None else stop_share
    if max_candidates is None:
        max_candidates = int(float(_config().get("budget_candidates", 15_000_000)))
    constructor = getattr(hashlib, algorithm)
    started = time.thread_time()
    remaining = set(targets)
    hashed = 0
    for space in spaces():
        if len(targets) - len(remaining) >= stop_share * len(targets):
            break
        # a space smaller than the number of distinct digests cannot hold them all, but it can
        # hold some: still search it
        if hashed >= max_candidates or (deadline is not None and time.thread_time() >= deadline):
            result.complete = False
            break
        result.spaces_searched.append(space.name)
        before = len(remaining)
        for chunk in candidate_chunks(space):
            hits = remaining.intersection(map(_DIGEST, map(constructor, chunk)))
            hashed += len(chunk)
            if hits:
                remaining -= hits
                if not remaining:
                    break
            if hashed >= max_candidates or (deadline is not None and time.thread_time() >= deadline):
                result.complete = False
                break
        if len(remaining) < before:
            result.spaces_hit.append(space.name)
        if not result.complete:
            break
    result.recovered = len(targets) - len(remaining)
    result.seconds = time.thread_time() - started
    return result
