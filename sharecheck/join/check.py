"""`check_join`: can two (or more) releases that each look safe be joined into personal data?"""
from __future__ import annotations

import logging
import math
import os
from dataclasses import dataclass, replace
from itertools import combinations
from typing import Any, Sequence

import polars as pl

from ..analysis import AnalysedRelease
from ..config import Options, resolve_options
from ..errors import UsageError
from ..findings import Finding
from ..readers import read_with
from ..release import Release, release_from_frame
from ..rules import default_rules, select_rules
from ..waivers import apply_waivers
from .forms import release_forms
from .chain import analyse_chain
from .measures import ClassMeasures
from .pair import JoinSettings, PairAnalysis, analyse_pair
from .report import JoinDataset, JoinReport, PairResult

log = logging.getLogger("sharecheck")

JOIN_SETTINGS = {
    "window_minutes": "time window in minutes within which two timestamps link",
    "distance_m": "distance in metres within which two points link",
    "max_k": "a record linked to at most this many records counts as narrowed down",
    "exact_distinct_max": "columns with more distinct values are compared through MinHash sketches",
    "min_containment": "smallest value containment for a candidate join column",
    "pair_limit": "most linked pairs materialised for the combined release",
    "overlap": "share of the smaller release's people assumed to be in the larger one (default 1)",
}
_LIST_SETTINGS = ("qi", "sensitive", "ignore", "select", "ignore_rules")


@dataclass(frozen=True)
class JoinContext:
    """What a join detector sees: one analysed pair, or the chain through all releases."""

    options: Options
    policy: Any  # sharecheck.models.ModelPolicy
    pair: PairAnalysis | None = None
    chain: Any = None  # sharecheck.join.chain.ChainAnalysis

    @property
    def dataset(self) -> str:
        return self.pair.name if self.pair is not None else self.chain.name

    def finding(self, rule, message: str, columns=(), metrics=None, evidence=None, severity: str | None = None) -> Finding:
        from ..detectors._base import make_finding

        return make_finding(rule, self.dataset, message, columns, metrics, evidence, severity)


def _positive(name: str, value: Any, integer: bool = False) -> Any:
    try:
        number = int(value) if integer else float(value)
    except (TypeError, ValueError):
        raise UsageError(f"{name.replace('_', '-')} must be a {'whole ' if integer else ''}number, not {value!r}") from None
    if integer and float(value) != number:
        raise UsageError(f"{name.replace('_', '-')} must be a whole number, not {value!r}")
    if not math.isfinite(number) or number <= 0:
        raise UsageError(f"{name.replace('_', '-')} must be positive, not {value!r}")
    return number


def join_settings(values: dict[str, Any]) -> JoinSettings:
    settings = JoinSettings()
    changes = {}
    for key, value in values.items():
        if value is None:
            continue
        integer = key in ("max_k", "exact_distinct_max", "pair_limit")
        number = _positive(key, value, integer)
        if key in ("min_containment", "overlap") and number > 1:
            raise UsageError(f"{key.replace('_', '-')} must be at most 1")
        changes[key] = number
    return replace(settings, **changes)


def _parse_on(on, n_sources: int) -> tuple[tuple[str, str], ...]:
    if not on:
        return ()
    if isinstance(on, (str, tuple)) and (isinstance(on, str) or (len(on) == 2 and all(isinstance(x, str) for x in on))):
        on = [on]
    pairs = []
    for item in on:
        if isinstance(item, str):
            if item.count("=") != 1 or not all(part.strip() for part in item.split("=")):
                raise UsageError(f"--on takes A_COLUMN=B_COLUMN, not {item!r}")
            a_column, b_column = (part.strip() for part in item.split("="))
        else:
            try:
                a_column, b_column = item
            except (TypeError, ValueError):
                raise UsageError(f"each join pair must be (a_column, b_column), not {item!r}") from None
            if not isinstance(a_column, str) or not isinstance(b_column, str):
                raise UsageError(f"join columns must be column names, not {item!r}")
        pairs.append((a_column, b_column))
    if n_sources != 2:
        raise UsageError(f"forced join columns (--on) apply to exactly two releases; {n_sources} were given")
    return tuple(pairs)


def _releases(sources: Sequence[Any], options: Options) -> list:
    releases: list = []
    for index, source in enumerate(sources, start=1):
        if isinstance(source, (Release, AnalysedRelease)):
            releases.append(source)
        elif isinstance(source, (pl.DataFrame, pl.LazyFrame)):
            releases.append(release_from_frame(source, f"frame_{index}"))
        elif isinstance(source, (str, os.PathLike)):
            releases.extend(read_with(source, options))
        else:
            raise UsageError(f"cannot check {type(source).__name__!s} as a release: give a path, a polars frame, "
                             "a Release or an AnalysedRelease")
    seen: dict[str, int] = {}
    unique = []
    for item in releases:
        # Two files called data.csv in different folders must stay apart in the report.
        release = item.release if isinstance(item, AnalysedRelease) else item
        count = seen.get(release.name, 0)
        seen[release.name] = count + 1
        renamed = release if count == 0 else replace(release, name=f"{release.name}_{count + 1}")
        unique.append(replace(item, release=renamed) if isinstance(item, AnalysedRelease) else renamed)
    return unique


def _options_for(options, columns):
    return options.for_columns(columns)

def _check_named_columns(options: Options, releases: list[Release], forced) -> None:
    all_columns = {c for release in releases for c in release.columns}
    named = set(options.qi) | set(options.sensitive) | set(options.ignore) | set(options.roles)
    if options.entity_id:
        named.add(options.entity_id)
    missing = sorted(named - all_columns)
    if missing:
        raise UsageError(f"no release has a column named {', '.join(map(repr, missing))}")
    for index in (0, 1) if forced else ():
        columns = releases[index].columns
        for pair in forced:
            if pair[index] not in columns:
                raise UsageError(f"{releases[index].location}: no column named {pair[index]!r} to join on "
                                 f"(columns are: {', '.join(columns[:30])}{' ...' if len(columns) > 30 else ''})")


def check_join(*sources: Any, on: Sequence = (), config: str | None = None, options: Options | None = None,
               **settings: Any) -> JoinReport:
    """Check what joining the releases reveals about people.

    `sources`: paths, polars frames, Releases or AnalysedReleases (two or more). `on`: (a_column, b_column) pairs
    (or "A=B" strings) forcing the join of two releases. Settings: those of
    `sharecheck.config.Options`, plus window_minutes, distance_m, max_k, exact_distinct_max,
    min_containment and pair_limit.
    """
    join_values = {key: settings.pop(key) for key in list(settings) if key in JOIN_SETTINGS}
    settings = {key.replace("-", "_"): value for key, value in settings.items()}
    join_values.update({key: settings.pop(key) for key in list(settings) if key in JOIN_SETTINGS})
    if options is None:
        for key in _LIST_SETTINGS:
            if isinstance(settings.get(key), str):
                settings[key] = (settings[key],)
            elif settings.get(key) is not None:
                settings[key] = tuple(settings[key])
        options = resolve_options(config, **settings)
    join = join_settings(join_values)
    if len(sources) == 1 and isinstance(sources[0], (list, tuple)):
        sources = tuple(sources[0])
    items = _releases(sources, options)  # Releases to analyse, and releases already analysed
    if len(items) < 2:
        raise UsageError(f"a join check needs at least two releases; {len(items)} given")
    forced = _parse_on(on, len(items))
    _check_named_columns(options, [i.release if isinstance(i, AnalysedRelease) else i for i in items], forced)
    fresh = iter(analyse_releases([i for i in items if isinstance(i, Release)], options))
    analysed = [i if isinstance(i, AnalysedRelease) else next(fresh) for i in items]  # the order given: the chain's
    return check_analysed(analysed, options, on=forced, join=join)


def analyse_releases(releases: Sequence[Release], options: Options) -> list[AnalysedRelease]:
    """Each release analysed once (roles, semantic types), taking the column settings it has."""
    from .. import analysis

    return [analysis.analyse(release, _options_for(options, release.columns)) for release in releases]


def check_analysed(analysed: Sequence[AnalysedRelease], options: Options, on: Sequence = (),
                   join: JoinSettings | None = None, cache: dict | None = None) -> JoinReport:
    """The join check on releases already analysed (sharecheck.analysis.analyse): every pair, and
    the chain through all of them in the order given. Nothing is read or classified again; each
    release's join forms and class sizes are computed once and shared by its pairs and the chain.
    The catalogue calls this with the releases it has analysed, once per partner, passing one
    `cache` dict so the new release's join forms and class sizes are built once for all partners."""
    analysed = list(analysed)
    if len(analysed) < 2:
        raise UsageError(f"a join check needs at least two releases; {len(analysed)} given")
    join = join or JoinSettings()
    forced = _parse_on(on, len(analysed))
    policy = options.model_policy()
    cache = {} if cache is None else cache
    forms_cache: dict = cache.setdefault("forms", {})
    alone_cache: dict = cache.setdefault("alone", {})

    # Entries keep their release alive: an id is unique only while its object lives, and a cache
    # shared across calls would otherwise hand a freed partner's forms to the next one.
    def forms(release, keep=()):
        key = (id(release), tuple(keep))
        if key not in forms_cache:
            forms_cache[key] = (release, release_forms(release, tuple(keep)))
        return forms_cache[key][1]

    def alone(release):
        if id(release) not in alone_cache:
            alone_cache[id(release)] = (release, ClassMeasures.of(release.frame, release.quasi_identifiers, policy, options.null_mode))
        return alone_cache[id(release)][1]

    rules = select_rules(default_rules(), options.select, options.ignore_rules, options.preview, scope="join")
    from ..detectors import REGISTRY

    pair_analyses: list[PairAnalysis] = []
    pair_results: list[PairResult] = []
    findings: list[Finding] = []
    for i, j in combinations(range(len(analysed)), 2):
        pair = analyse_pair(analysed[i], analysed[j], options, policy, join, forced if len(analysed) == 2 else (),
                            forms=forms, alone=alone)
        log.info("%s: %d candidate columns, plan %s", pair.name, len(pair.candidates), pair.join_columns())
        context = JoinContext(options, policy, pair=pair)
        pair_findings = [f for rule in rules for f in REGISTRY[rule.detector].run(context, rule)]
        findings.extend(pair_findings)
        pair_analyses.append(pair)
        pair_results.append(PairResult(analysed[i].release.name, analysed[j].release.name, pair.metrics(),
                                       tuple(sorted({f.code for f in pair_findings}))))
    chain = None
    if len(analysed) >= 3:
        chain = analyse_chain(analysed, pair_analyses, policy, options, alone=alone)
        if chain is not None:
            context = JoinContext(options, policy, chain=chain)
            findings.extend(f for rule in rules for f in REGISTRY[rule.detector].run(context, rule))

    findings, suppressed = apply_waivers(findings, options.parsed_waivers(), options.baseline_fingerprints())
    datasets = tuple(
        JoinDataset(a.release.name, a.release.location, a.release.format, a.frame.height,
                    tuple((c.name, c.role, c.semantic_type) for c in a.columns), a.about_people)
        for a in analysed
    )
    candidates = tuple(c for pair in pair_analyses for c in pair.candidates)
    metrics = pair_results[0].metrics if len(pair_results) == 1 else _summary_metrics(pair_results, chain)
    return JoinReport(datasets=datasets, findings=tuple(findings), metrics=dict(metrics), candidates=candidates,
                      pairs=tuple(pair_results), chain=chain.metrics() if chain else None, fail_on=options.fail_on,
                      policy=options.policy_name, show_values=options.show_values, suppressed=tuple(suppressed),
                      config_file=options.config_file)


def _summary_metrics(pairs: list[PairResult], chain) -> dict[str, Any]:
    linking = [p for p in pairs if p.metrics["linked_any"]]
    ks = [p.metrics["k_combined"] for p in linking if p.metrics["k_combined"] is not None]
    return {
        "releases": len({p.a for p in pairs} | {p.b for p in pairs}),
        "pairs_checked": len(pairs),
        "pairs_linking": len(linking),
        "linked_unique_share_max": max((p.metrics["linked_unique_share"] for p in pairs), default=0.0),
        "linked_exactly_one_max": max((p.metrics["linked_exactly_one"] for p in pairs), default=0),
        "expected_reidentifications_max": max((p.metrics["expected_reidentifications"] for p in pairs), default=0.0),
        "k_combined_min": min(ks) if ks else None,
        "chain": chain.metrics() if chain else None,
    }
