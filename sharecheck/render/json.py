from __future__ import annotations

import json
import math
import re
from typing import Any

# json.dumps escapes C0 controls but, with ensure_ascii=False, writes C1 controls (U+009B is a
# terminal's CSI), line and paragraph separators and bidi overrides as they are.
_UNSAFE = re.compile("[\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


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
    text = json.dumps(_clean(document), indent=2, ensure_ascii=False, sort_keys=False)
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text) + "\n"
