"""Small helpers shared by the result types: JSON-clean numbers and dict export."""
from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np


def plain(value: Any) -> Any:
    """Turn numpy scalars, tuples and non-finite floats into JSON-safe Python values."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        number = float(value)
        if math.isnan(number):
            return None
        if math.isinf(number):
            return "inf" if number > 0 else "-inf"
        return number
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        to_dict = getattr(value, "to_dict", None)
        return to_dict() if callable(to_dict) else as_dict(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def as_dict(result: Any) -> dict[str, Any]:
    return {f.name: plain(getattr(result, f.name)) for f in dataclasses.fields(result)}


def safe_div(numerator: float, denominator: float) -> float | None:
    return float(numerator) / float(denominator) if denominator else None
