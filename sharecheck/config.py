"""Options for a run, resolved from: explicit arguments > --config FILE > sharecheck.toml >
[tool.sharecheck] in the nearest pyproject.toml > rules/policy.yaml defaults.

Discovery looks in the working folder and its parents up to the project root (the nearest
folder holding `.git` or `pyproject.toml`) and never reads from, or climbs through, a folder
anyone may write to (/tmp): a file planted there must not steer an unattended run. Two settings
weaken a run and so are command-line (or explicit API) only: `show_values` and `fail_on = "never"`
in a config file are errors. Every report names the config file it used (`config` in JSON).
"""
from __future__ import annotations

import stat
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
    header: str = "auto"  # a delimited file's first line: "auto" (judged from the file), "yes", "no"
    seed: int = 0
    waivers: tuple[Mapping[str, Any], ...] = ()  # accepted findings, each with a reason (sharecheck.waivers)
    baseline: str | None = None  # an earlier JSON report: its findings do not fail this run
    about: str | None = None  # what a row is about, overriding detection (sharecheck.subject.SUBJECTS)
    limits: Mapping[str, int] = field(default_factory=dict)  # sharecheck.limits.Limits changes, e.g. {"depth": 64}
    config_file: str | None = None  # the config file these options came from, named in every report

    def for_columns(self, columns) -> "Options":
        """Column settings name columns of any release (a join, a catalogue, an audit): each
        release takes the ones it has."""
        from dataclasses import replace

        present = set(columns)
        return replace(self, qi=tuple(c for c in self.qi if c in present),
                       sensitive=tuple(c for c in self.sensitive if c in present),
                       ignore=tuple(c for c in self.ignore if c in present),
                       roles={c: r for c, r in self.roles.items() if c in present},
                       entity_id=self.entity_id if self.entity_id in present else None)

    def __post_init__(self) -> None:
        if self.fail_on not in SEVERITIES + ("never",):
            raise UsageError(f"fail-on must be one of {', '.join(SEVERITIES + ('never',))}, not {self.fail_on!r}")
        for column, role in self.roles.items():
            if role not in ROLE_NAMES:
                raise UsageError(f"role of {column!r} must be one of {', '.join(ROLE_NAMES)}, not {role!r}")
        if self.null_mode not in ("value", "wildcard"):
            raise UsageError("null-mode must be 'value' or 'wildcard'")
        if isinstance(self.header, bool):  # `header = false` in a TOML config
            object.__setattr__(self, "header", "yes" if self.header else "no")
        if self.header not in ("auto", "yes", "no"):
            raise UsageError(f"header must be auto, yes or no, not {self.header!r}")
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
        self.reading_limits()

    def reading_limits(self):
        from .limits import limits_from_mapping

        if not isinstance(self.limits, Mapping):
            raise UsageError("limits must be a table of NAME = NUMBER")
        return limits_from_mapping(self.limits)

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
_MAPPING_KEYS = {"thresholds", "roles", "hierarchies", "limits"}
# Settings that weaken a run: a config file (which an uploader or a shared folder may supply)
# cannot set them; only the person running the command can.
COMMAND_LINE_ONLY = {"show_values": "--show-values", "config_file": "--config"}


def options_from_mapping(values: Mapping[str, Any], source: str = "options") -> Options:
    known = {item.name for item in fields(Options)}
    cleaned: dict[str, Any] = {}
    for key, value in values.items():
        key = str(key).replace("-", "_")
        if key not in known:
            raise UsageError(f"{source}: unknown setting {key!r}")
        if key in _LIST_KEYS:
            value = (value,) if isinstance(value, str) else tuple(value or ())
        cleaned[key] = value
    try:
        return Options(**cleaned)
    except (TypeError, ValueError, AttributeError) as exc:
        # A config value of the wrong type (a list where a number goes ...): one usage line.
        raise UsageError(f"{source}: a setting has the wrong type ({type(exc).__name__})") from None


def _read_toml(path: Path) -> dict:
    import tomllib  # only when a config file is found: most scans have none (≈ 5 ms at start)

    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: invalid TOML: {str(exc).splitlines()[0] if str(exc) else 'syntax error'}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read config: {getattr(exc, 'strerror', None) or type(exc).__name__}") from None


def _world_writable(folder: Path) -> bool:
    try:
        return bool(folder.stat().st_mode & stat.S_IWOTH)
    except OSError:
        return True  # a folder we cannot inspect is not one to trust


def _is_project_root(folder: Path) -> bool:
    return (folder / ".git").exists() or (folder / "pyproject.toml").is_file()


def config_folders(start: Path | None = None) -> list[Path]:
    """The folders discovery reads, nearest first: up to the project root, none world-writable."""
    directory = (start or Path.cwd()).resolve()
    folders = []
    for folder in (directory, *directory.parents):
        if _world_writable(folder):
            break
        folders.append(folder)
        if _is_project_root(folder):
            break
    return folders


def find_config(start: Path | None = None) -> tuple[Path | None, dict]:
    """sharecheck.toml in the working directory or above (to the project root), else
    [tool.sharecheck] in the project's pyproject.toml."""
    for folder in config_folders(start):
        candidate = folder / "sharecheck.toml"
        if candidate.is_file():
            return candidate, _read_toml(candidate)
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            document = _read_toml(pyproject)
            tool = document.get("tool") if isinstance(document.get("tool"), dict) else {}
            section = tool.get("sharecheck")
            if section is not None:
                if not isinstance(section, dict):
                    raise UsageError(f"{pyproject}: [tool.sharecheck] must be a table")
                return pyproject, section
    return None, {}


def _check_file_settings(settings: Mapping[str, Any], source: str) -> None:
    for key, value in settings.items():
        key = str(key).replace("-", "_")
        if key in COMMAND_LINE_ONLY:
            raise UsageError(f"{source}: {key} cannot be set in a config file; use {COMMAND_LINE_ONLY[key]} on the command line")
        if key == "fail_on" and value == "never":
            raise UsageError(f"{source}: fail_on = \"never\" cannot be set in a config file; use --fail-on never on the command line")


def config_source(config: str | Path | None = None) -> str | None:
    """The config file a run with this --config value reads (None: defaults only)."""
    if config is not None:
        return str(config)
    found, _ = find_config()
    return str(found) if found else None


def resolve_options(config: str | Path | None = None, **explicit: Any) -> Options:
    """Config file settings overlaid with explicit ones; an explicit None or empty value means 'not given'.

    `thresholds` and `roles` merge key by key, so `--k 10` keeps the config file's other thresholds.
    """
    if config is not None:
        if not isinstance(config, (str, Path)):
            raise UsageError(f"config must be a path to a TOML file, not {type(config).__name__}")
        path = Path(config)
        if not path.is_file():
            raise UsageError(f"{path}: config file not found")
        document = _read_toml(path)
        settings = document.get("tool", {}).get("sharecheck", {}) if path.name == "pyproject.toml" else document
        source = str(path)
    else:
        found, settings = find_config()
        source = str(found) if found else "options"
    if not isinstance(settings, Mapping):
        raise UsageError(f"{source}: [tool.sharecheck] must be a table")
    _check_file_settings(settings, source)
    merged = {key.replace("-", "_"): value for key, value in settings.items()}
    for key, value in merged.items():
        if key in _MAPPING_KEYS and not isinstance(value, Mapping):
            raise UsageError(f"{source}: {key} must be a table of NAME = VALUE")
    for key, value in explicit.items():
        if value is None or value == () or value == [] or value == {}:
            continue
        if key in _MAPPING_KEYS:
            merged[key] = {**merged.get(key, {}), **value}
        elif key == "waivers":
            merged[key] = [*merged.get(key, ()), *value]
        else:
            merged[key] = value
    if source != "options":
        merged["config_file"] = source
    return options_from_mapping(merged, source)


def with_options(options: Options, **changes: Any) -> Options:
    return replace(options, **changes)
