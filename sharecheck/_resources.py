"""Where the declarative rules live: inside the wheel (sharecheck/_rules) or, in a checkout, ../rules.

Parsed rule files are cached (marshal, keyed by a hash of the file's bytes) in the user's cache
directory, so that a scan neither imports PyYAML nor parses ~100 KB of YAML at
every start (about 40 ms of a fresh process's CPU), nor the role model's ~380 KB of JSON (~6 ms). SHARECHECK_CACHE_DIR moves the cache; set
to an empty string it turns it off.
"""
from __future__ import annotations

import hashlib
import marshal
import os
import sys
from functools import lru_cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
# marshal's format belongs to one interpreter version: a cache written by another is ignored.
_CACHE_TAG = f"sharecheck-rules-1-{sys.implementation.cache_tag}-{marshal.version}"


def safe_loader():
    """libyaml's loader parses the rule files ~7x faster than the pure-Python one (same documents)."""
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=1)
def rules_dir() -> Path:
    for candidate in (_PACKAGE_DIR / "_rules", _PACKAGE_DIR.parent / "rules"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("sharecheck's rules/ directory is missing from the installation")


@lru_cache(maxsize=None)
def load_yaml(relative: str):
    return load_yaml_file(rules_dir() / relative)


def cache_dir() -> Path | None:
    configured = os.environ.get("SHARECHECK_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured else None
    base = Path(os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"))
    # No home to expand (a service account, a sandbox): no cache, never one in the working folder.
    return base / "sharecheck" if base.is_absolute() else None


def load_yaml_file(path: Path):
    """The YAML document in `path` (yaml.YAMLError when it is not valid), from the cache when
    these bytes were parsed before."""

    def parse(raw: bytes):
        import yaml

        return yaml.load(raw.decode("utf-8"), Loader=safe_loader())

    return _parsed(Path(path), "yaml", parse)


def load_json_file(path: Path, *, cache: bool = True):
    """The JSON document in `path` (ValueError when it is not valid JSON), from the cache when
    these bytes were parsed before: the role model (rules/role_model.json, ~380 KB of numbers)
    is read at every scan. marshal keeps every float bit for bit, so the cached document equals
    the parsed one. `cache=False` for a one-off file (a model fitted for one evaluation), which
    would only fill the cache."""
    import json

    return _parsed(Path(path), "json", lambda raw: json.loads(raw.decode("utf-8")), cache)


def _parsed(path: Path, kind: str, parse, cache: bool = True):
    raw = path.read_bytes()
    digest = hashlib.sha1(raw).hexdigest()
    directory = cache_dir() if cache else None
    # YAML keeps its old file names (a cache written before JSON was cached stays valid).
    cached = directory / (f"{digest}.marshal" if kind == "yaml" else f"{digest}.{kind}.marshal") if directory else None
    stamp = (_CACHE_TAG, digest) if kind == "yaml" else (_CACHE_TAG, kind, digest)
    if cached is not None:
        try:
            found_stamp, document = marshal.loads(cached.read_bytes())
            if found_stamp == stamp:
                return document
        except (OSError, ValueError, EOFError, TypeError):
            pass  # missing, unreadable or from another version: parse the file
    document = parse(raw)
    if cached is not None:
        _store(cached, stamp, document)
    return document


def _store(cached: Path, stamp: tuple, document) -> None:
    try:
        payload = marshal.dumps((stamp, document))
    except ValueError:
        return  # a value marshal cannot hold (a YAML timestamp): no cache for this file
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed: a concurrent scan reads the old cache or the new, never half.
        partial = cached.with_name(f"{cached.name}.{os.getpid()}.tmp")
        partial.write_bytes(payload)
        os.replace(partial, cached)
    except OSError:
        pass  # a read-only home: the cache is an optimisation, not a requirement
