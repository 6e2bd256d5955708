"""Options for a run, resolved from: explicit arguments > --config FILE > sharecheck.toml >
[tool.sharecheck] in the nearest pyproject.toml > rules/policy.yaml defaults."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Mapping

from ._resources import load_yaml
from .errors import UsageError
from .findings import SEVERITIES

ROLE_NAMES = ("direct_identifier", "quasi_identifier", "sensitive", "pseudonym", "other")


@dataclass(frozen=True)
class Options:
    fail_on: str = "error"
    policy: str | None = None
    thresholds: Mapping[str, Any] = field(default_factory=dict)  # policy fields changed for this run
    qi: tuple[str, ...] = ()
    sensitive: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    roles: Mapping[str, str] = field(default_factory=dict)  # column -> role
    entity_id: str | None = None
    population_size: int | None = None
    sampling_fraction: float | None = None
    population_table: str | None = None  # a file with the same QIs: population class sizes F_i
    hierarchies: Mapping[str, str] = field(default_factory=dict)  # sensitive column -> ARX-style hierarchy CSV
    select: tuple[str, ...] = ()
    ignore_rules: tuple[str, ...] = ()
    preview: bool = True
    show_values: bool = False
    nlp_model: str | None = None
    max_msu_size: int = 4
    null_mode: str = "value"
    inference: bool = True
    sheet: str | None = None
    seed: int = 0
    waivers: tuple[Mapping[str, Any], ...] = ()  # accepted findings, each with a reason (sharecheck.waivers)
    baseline: str | None = None  # an earlier JSON report: its findings do not fail this run
    about: str | None = None  # what a row is about, overriding detection (sharecheck.subject.SUBJECTS)

    def __post_init__(self) -> None:
        if self.fail_on not in SEVERITIES + ("never",):
            raise UsageError(f"fail-on must be one of {', '.join(SEVERITIES + ('never',))}, not {self.fail_on!r}")
        for column, role in self.roles.items():
            if role not in ROLE_NAMES:
                raise UsageError(f"role of {column!r} must be one of {', '.join(ROLE_NAMES)}, not {role!r}")
        if self.null_mode not in ("value", "wildcard"):
            raise UsageError("null-mode must be 'value' or 'wildcard'")
        if self.sampling_fraction is not None and not 0 < self.sampling_fraction <= 1:
            raise UsageError("sampling fraction must be in (0, 1]")
        if self.population_size is not None and self.population_size < 1:
            raise UsageError("population size must be a positive number")
        if self.max_msu_size < 1:
            raise UsageError("max MSU size must be at least 1")
        from .subject import SUBJECTS

        if self.about is not None and self.about not in SUBJECTS:
            raise UsageError(f"about must be one of {', '.join(SUBJECTS)}, not {self.about!r}")
        self.parsed_waivers()  # a malformed waiver is refused before any work is done

    def parsed_waivers(self):
        from .waivers import parse_waivers

        return parse_waivers(self.waivers)

    def baseline_fingerprints(self) -> frozenset[str]:
        from .waivers import load_baseline

        return load_baseline(self.baseline) if self.baseline else frozenset()

    def model_policy(self):
        from .models import ModelPolicy

        document = load_yaml("policy.yaml")
        name = self.policy or document["default"]
        if name not in document["policies"]:
            raise UsageError(f"unknown policy {name!r}; known: {', '.join(document['policies'])}")
        values = {key: value for key, value in document["policies"][name].items() if key != "summary"}
        values.update(self.thresholds)
        try:
            return ModelPolicy.from_mapping(values)
        except (TypeError, ValueError) as exc:
            raise UsageError(f"policy {name!r}: {exc}") from None

    @property
    def policy_name(self) -> str:
        return self.policy or load_yaml("policy.yaml")["default"]


_LIST_KEYS = {"qi", "sensitive", "ignore", "select", "ignore_rules", "waivers"}


def options_from_mapping(values: Mapping[str, Any], source: str = "options") -> Options:
    known = {item.name for item in fields(Options)}
    cleaned: dict[str, Any] = {}
    for key, value in values.items():
        key = key.replace("-", "_")
        if key not in known:
            raise UsageError(f"{source}: unknown setting {key!r}")
        if key in _LIST_KEYS:
            value = (value,) if isinstance(value, str) else tuple(value or ())
        cleaned[key] = value
    return Options(**cleaned)


def _read_toml(path: Path) -> dict:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: invalid TOML: {exc}") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read config: {exc.strerror}") from None


def find_config(start: Path | None = None) -> tuple[Path | None, dict]:
    """sharecheck.toml in the working directory or above, else [tool.sharecheck] in pyproject.toml."""
    directory = (start or Path.cwd()).resolve()
    for folder in (directory, *directory.parents):
        candidate = folder / "sharecheck.toml"
        if candidate.is_file():
            return candidate, _read_toml(candidate)
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            section = _read_toml(pyproject).get("tool", {}).get("sharecheck")
            if section is not None:
                return pyproject, section
    return None, {}


def resolve_options(config: str | Path | None = None, **explicit: Any) -> Options:
    """Config file settings overlaid with explicit ones; an explicit None or empty value means 'not given'.

    `thresholds` and `roles` merge key by key, so `--k 10` keeps the config file's other thresholds.
    """
    if config is not None:
        path = Path(config)
        if not path.is_file():
            raise UsageError(f"{path}: config file not found")
        document = _read_toml(path)
        settings = document.get("tool", {}).get("sharecheck", {}) if path.name == "pyproject.toml" else document
        source = str(path)
    else:
        found, settings = find_config()
        source = str(found) if found else "options"
    merged = {key.replace("-", "_"): value for key, value in settings.items()}
    for key, value in explicit.items():
        if value is None or value == () or value == [] or value == {}:
            continue
        if key in ("thresholds", "roles", "hierarchies"):
            merged[key] = {**merged.get(key, {}), **value}
        elif key == "waivers":
            merged[key] = [*merged.get(key, ()), *value]
        else:
            merged[key] = value
    return options_from_mapping(merged, source)


def with_options(options: Options, **changes: Any) -> Options:
    return replace(options, **changes)
