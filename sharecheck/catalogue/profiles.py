"""Column profiles kept in the catalogue index, so a partner is never profiled again.

Only the statistics the subject and role decisions read are kept: never the sampled values,
masked examples or numeric extremes (the index holds no value of a release, only keyed hashes).
"""
from __future__ import annotations

from typing import Any

_PROFILE_FIELDS = ("name", "dtype", "rows", "nulls", "distinct", "top_share", "shapes", "mean_length", "mean_words",
                   "decimals", "precision_m", "granularity", "time_of_day")


def stored_profile(profile) -> dict[str, Any]:
    return {name: getattr(profile, name) for name in _PROFILE_FIELDS}


def read_profile(stored: dict[str, Any]):
    from ..profile import ColumnProfile

    values = {name: stored[name] for name in _PROFILE_FIELDS}
    values["shapes"] = tuple((shape, share) for shape, share in values["shapes"])
    return ColumnProfile(**values)
