"""The scan pipeline: analyse (sharecheck.analysis) -> privacy models -> rules -> report."""
from __future__ import annotations

import logging
import os
from typing import Any

import polars as pl

from .analysis import AnalysedRelease, analyse, collect
from .config import Options, resolve_options
from .detectors._base import ScanContext
from .errors import UsageError
from .findings import Finding, plural
from .readers import read_with
from .release import Release, release_from_frame
from .report import DatasetReport, Report
from .rules import default_rules, select_rules
from .waivers import apply_waivers


def _records(count: int) -> str:
    return plural(count, "record")


log = logging.getLogger("sharecheck")


def equivalent_columns(frame: pl.DataFrame, columns: list[str]) -> dict[str, list[str]]:
    """Columns that determine each other (station id, its name, its coordinates) as rep -> aliases.

    They partition records identically, so the models keep one of each group: the numbers do
    not change, and the column sets that single people out stop repeating themselves.
    """
    if len(columns) < 2:
        return {}
    distinct = frame.select(pl.col(c).n_unique() for c in columns).row(0)
    representative = {c: c for c in columns}
    for i, left in enumerate(columns):
        if representative[left] != left:
            continue
        for j in range(i + 1, len(columns)):
            right = columns[j]
            if representative[right] != right or distinct[i] != distinct[j]:
                continue
            together = frame.select(pl.struct(left, right).n_unique()).item()
            if together == distinct[i]:
                representative[right] = left
    groups: dict[str, list[str]] = {}
    for column, rep in representative.items():
        if column != rep:
            groups.setdefault(rep, []).append(column)
    return groups


def _population_table(options: Options, qis: list[str]) -> pl.DataFrame | None:
    """The population the release samples, with the same quasi-identifiers (journalist risk)."""
    if not options.population_table:
        return None
    from .readers import read_release

    frame = collect(read_release(options.population_table))
    missing = [q for q in qis if q not in frame.columns]
    if missing:
        raise UsageError(f"{options.population_table}: the population table lacks the quasi-identifiers "
                         f"{', '.join(missing)}")
    return frame.select(qis)


def _hierarchies(options: Options, sensitive: list[str]) -> dict[str, list[list[str]]] | None:
    """ARX-style hierarchies (leaf; more general; ...; root, one row per value) for t-closeness."""
    if not options.hierarchies:
        return None
    import csv

    loaded = {}
    for column, path in options.hierarchies.items():
        if column not in sensitive:
            raise UsageError(f"hierarchy for {column!r}: it is not a sensitive attribute of this release")
        try:
            with open(path, encoding="utf-8-sig", newline="") as handle:
                sample = handle.read(4096)
                handle.seek(0)
                delimiter = ";" if sample.count(";") >= sample.count(",") else ","
                loaded[column] = [row for row in csv.reader(handle, delimiter=delimiter) if row]
        except OSError as exc:
            raise UsageError(f"{path}: cannot read hierarchy: {exc.strerror}") from None
    return loaded


def _assess(analysed: AnalysedRelease, options: Options, policy, aliases: dict[str, list[str]], table=None):
    from .models import assess

    if analysed.is_aggregate:
        return None
    hidden = {alias for group in aliases.values() for alias in group}
    qis = [q for q in analysed.quasi_identifiers if q not in hidden]
    return assess(
        analysed.frame, qis, analysed.sensitive, policy=policy,
        population=_population_table(options, qis), hierarchies=_hierarchies(options, analysed.sensitive),
        entity_id=options.entity_id, population_size=options.population_size,
        sampling_fraction=options.sampling_fraction, null_mode=options.null_mode,
        max_msu_size=options.max_msu_size, inference=options.inference, seed=options.seed, table=table,
    )


def scan_release(release: Release, options: Options, analysed: AnalysedRelease | None = None) -> DatasetReport:
    # `analysed`: a caller that analysed the release already (the audit) does not pay twice.
    analysed = analysed if analysed is not None else analyse(release, options)
    policy = options.model_policy()
    # An engine-backed release (sharecheck.engines): analysed.frame is its bounded sample.
    source, screen = getattr(release, "source", None), None
    log.info("%s: privacy models over %d quasi-identifiers", release.name, len(analysed.quasi_identifiers))
    if source is not None:
        from .engines.models import engine_models

        assessment, aliases, screen = engine_models(analysed, options, policy, _assess)
    else:
        aliases = {} if analysed.is_aggregate else equivalent_columns(analysed.frame, analysed.quasi_identifiers)
        assessment = _assess(analysed, options, policy, aliases)
    context = ScanContext(analysed=analysed, assessment=assessment, policy=policy, options=options)
    findings: list[Finding] = []
    rules = select_rules(default_rules(), options.select, options.ignore_rules, options.preview, scope="scan")
    for rule in rules:
        from .detectors import REGISTRY

        findings.extend(REGISTRY[rule.detector].run(context, rule))
    if screen is not None:
        from .engines.models import screen_findings

        findings.extend(screen_findings(context, rules, screen))
    if not analysed.about_people:
        findings = [_as_note(finding, analysed.subject) for finding in findings]
    findings, suppressed = apply_waivers(findings, options.parsed_waivers(), options.baseline_fingerprints())
    records = source.n_rows if source is not None else analysed.frame.height
    metrics = _headline_metrics(analysed, assessment, aliases)
    if source is not None:
        from .engines.models import screen_metrics

        metrics.update({"records": records, "engine": source.engine, **screen_metrics(screen)})
    return DatasetReport(
        name=release.name, location=release.location, format=release.format, records=records,
        columns=analysed.columns, findings=tuple(findings), metrics=metrics,
        kind="aggregate" if analysed.is_aggregate else "records",
        about_people=analysed.about_people,
        subject=analysed.subject.to_dict() if analysed.subject is not None else {},
        notes=analysed.release.notes, assessment=assessment.to_dict() if assessment is not None else {},
        summary=tuple(_summary_lines(analysed, assessment)),
        suppressed=tuple(suppressed),
    )


# Findings that stay a warning whoever the rows are about: a name or a phone typed into free
# text is a person's, even in a table of permits or inspections (a real finding to review).
_PERSONAL_WHATEVER_THE_SUBJECT = ("ID120",)
# Findings on the assessment itself (AS0xx) keep their severity too: a limit of the judgement
# undermines the subject decision as well; it is not the rows' risk that a note would play down.
_ABOUT_THE_ASSESSMENT = "AS"


def _as_note(finding: Finding, subject=None) -> Finding:
    from dataclasses import replace

    about = f"The rows are about {subject.label()}" if subject is not None else "No column describes a person"
    if finding.code.startswith(_ABOUT_THE_ASSESSMENT):
        return replace(finding, message=finding.message + " What the rows are about (see 'About') was judged from the "
                       "same values.")
    if finding.code in _PERSONAL_WHATEVER_THE_SUBJECT:
        severity = "warning" if finding.severity == "error" else finding.severity
        return replace(finding, severity=severity, message=finding.message + f" {about} (see 'About'), so the rows "
                       "themselves are not records about people; the embedded names or contacts still are: review them.")
    return replace(finding, severity="info", message=finding.message + f" {about} (see 'About'), "
                   "so this is a note, not a risk to people.")


def _headline_metrics(analysed: AnalysedRelease, assessment, aliases: dict[str, list[str]]) -> dict[str, Any]:
    metrics: dict[str, Any] = {
        "records": analysed.frame.height,
        "columns": analysed.frame.width,
        "quasi_identifiers": analysed.quasi_identifiers,
        "sensitive_attributes": analysed.sensitive,
        "direct_identifiers": analysed.columns_with_role("direct_identifier"),
        "pseudonyms": analysed.columns_with_role("pseudonym"),
        "k_anonymity": None,
    }
    if assessment is not None:
        k_result, risk = assessment.k_anonymity, assessment.risk
        metrics.update({
            "k_anonymity": k_result.k,
            "classes": k_result.n_classes,
            "records_below_k": k_result.records_below_threshold,
            "k_min": k_result.k_threshold,
            "sample_uniques": risk.sample_uniques,
            "sample_uniqueness": risk.sample_uniqueness,
            "prosecutor_risk_highest": risk.prosecutor.highest,
            "prosecutor_risk_average": risk.prosecutor.average,
            "records_at_risk": risk.prosecutor.records_at_risk,
        })
        if assessment.persons is not None:
            metrics["persons"] = assessment.persons.n_persons
            metrics["person_k_anonymity"] = assessment.persons.k
    metrics["about_people"] = analysed.about_people
    if analysed.is_aggregate:
        metrics["count_column"] = analysed.aggregate_count_column
        metrics["table"] = analysed.subject.evidence[0] if analysed.subject.evidence else ""
    if aliases:
        metrics["equivalent_columns"] = aliases
    return metrics


def _summary_lines(analysed: AnalysedRelease, assessment) -> list[str]:
    """The first lines a person reads: who is named outright, and which columns single people out."""
    lines = []
    direct = analysed.columns_with_role("direct_identifier")
    if direct:
        lines.append(f"Names or reaches people directly through: {', '.join(direct)}.")
    if assessment is None:
        return lines
    msu = assessment.msu
    if msu is not None and msu.groups:
        for group in msu.groups[:5]:
            lines.append(f"{{{', '.join(group.columns)}}} singles out {_records(group.records)} ({group.share:.1%}).")
    elif assessment.qis:
        k = assessment.k_anonymity.k
        lines.append(f"No record is unique on {{{', '.join(assessment.qis)}}}; the smallest group holds {k} records.")
    return lines


def scan(source: str | os.PathLike | pl.DataFrame | pl.LazyFrame | Release, *, config: str | None = None,
         name: str | None = None, options: Options | None = None, **settings: Any) -> Report:
    """Scan one release (a path, a polars frame, a DuckDB relation, a Spark DataFrame or a Release).

    Settings are those of `sharecheck.config.Options` (qi=[...], sensitive=[...], entity_id=...,
    fail_on="warning", thresholds={"k_min": 10} ...); unset ones come from the config file.
    """
    if options is None:
        for key in ("qi", "sensitive", "ignore", "select", "ignore_rules"):
            if isinstance(settings.get(key), str):
                settings[key] = (settings[key],)
            elif settings.get(key) is not None:
                settings[key] = tuple(settings[key])
        options = resolve_options(config, **settings)
    if isinstance(source, Release):
        releases = [source]
    elif isinstance(source, (pl.DataFrame, pl.LazyFrame)):
        releases = [release_from_frame(source, name or "frame")]
    elif type(source).__module__.split(".")[0] in ("duckdb", "pyspark"):
        # A DuckDB relation or Spark DataFrame: records stay in the engine (sharecheck.engines).
        from .engines import engine_release

        releases = [engine_release(source, name or "frame", seed=options.seed)]
    else:
        return scan_paths([source], options)
    datasets = tuple(scan_release(release, options) for release in releases)
    return Report(datasets=datasets, fail_on=options.fail_on, policy=options.policy_name, show_values=options.show_values,
                  config_file=options.config_file)


def scan_paths(paths, options: Options) -> Report:
    """Scan several files into one report (one section per table), as the CLI does."""
    from .limits import reading_limits

    with reading_limits(options.reading_limits()):
        releases = [release for path in paths for release in read_with(path, options)]
    names = [release.name for release in releases]
    if len(set(names)) != len(names):
        # Two files called data.csv in different folders must stay apart in the report.
        releases = [_renamed(release, index) for index, release in enumerate(releases)]
    datasets = tuple(scan_release(release, options) for release in releases)
    return Report(datasets=datasets, fail_on=options.fail_on, policy=options.policy_name, show_values=options.show_values,
                  config_file=options.config_file)


def _renamed(release: Release, index: int) -> Release:
    from dataclasses import replace

    return replace(release, name=f"{release.name}#{index + 1}")
