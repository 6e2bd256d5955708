"""Where the declarative rules live: inside the wheel (sharecheck/_rules) or, in a checkout, ../rules."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

_PACKAGE_DIR = Path(__file__).resolve().parent
# libyaml's loader parses the rule files ~7x faster than the pure-Python one (same documents).
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=1)
def rules_dir() -> Path:
    for candidate in (_PACKAGE_DIR / "_rules", _PACKAGE_DIR.parent / "rules"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("sharecheck's rules/ directory is missing from the installation")


@lru_cache(maxsize=None)
def load_yaml(relative: str):
    with open(rules_dir() / relative, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=SAFE_LOADER)
