from __future__ import annotations

import json
import math
from typing import Any


def _clean(value: Any) -> Any:
    # JSON has no NaN or Infinity; a metric that is undefined is null.
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def render_json(document: dict) -> str:
    return json.dumps(_clean(document), indent=2, ensure_ascii=False, sort_keys=False) + "\n"
