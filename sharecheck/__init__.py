"""sharecheck: can a person be identified from this release, alone or joined with others?

Public API (imported lazily so `import sharecheck` and `sharecheck --help` stay light):

    sharecheck.scan(path_or_frame, **options) -> Report
    sharecheck.check_join(a, b, **options) -> JoinReport
    sharecheck.read_release(path) -> Release
"""
from __future__ import annotations

__version__ = "0.1.0"

_EXPORTS = {
    "scan": ("sharecheck.pipeline", "scan"),
    "Report": ("sharecheck.report", "Report"),
    "Finding": ("sharecheck.findings", "Finding"),
    "Options": ("sharecheck.config", "Options"),
    "read_release": ("sharecheck.readers", "read_release"),
    "read_releases": ("sharecheck.readers", "read_releases"),
    "check_join": ("sharecheck.join", "check_join"),
    "Catalogue": ("sharecheck.catalogue", "Catalogue"),
    "check_against_catalogue": ("sharecheck.catalogue", "check_against_catalogue"),
    "SharecheckError": ("sharecheck.errors", "SharecheckError"),
    "InputError": ("sharecheck.errors", "InputError"),
    "UsageError": ("sharecheck.errors", "UsageError"),
    "RuleError": ("sharecheck.errors", "RuleError"),
    "InternalError": ("sharecheck.errors", "InternalError"),
}
# Callables that raise only the SharecheckError family (sharecheck.errors.api_boundary).
_GUARDED = {"scan", "read_release", "read_releases", "check_join", "check_against_catalogue"}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str):
    if name in _EXPORTS:
        import importlib

        module_name, attribute = _EXPORTS[name]
        value = getattr(importlib.import_module(module_name), attribute)
        if name in _GUARDED:
            from .errors import api_boundary

            value = api_boundary(value)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'sharecheck' has no attribute {name!r}")
