"""The privacy models for an engine-backed release: the frequency table is counted in the engine,
everything after it (k, l, t, risks, subsets) runs on that table in polars, and the attribute
inference model reads the bounded sample already drawn for classification.
"""
from __future__ import annotations

import logging
from typing import Any, Callable

from ..errors import UsageError
from ..findings import Finding
from .source import UniquenessScreen

log = logging.getLogger("sharecheck")


def engine_models(analysed, options, policy, assess_release: Callable[..., Any]):
    """``(assessment or None, aliases, screen or None)`` for ``analysed.release.source``.

    ``assess_release(analysed, options, policy, aliases, table=...)`` is the pipeline's own
    model runner, so both paths apply the same options.
    """
    from ..pipeline import equivalent_columns

    source = analysed.release.source
    if analysed.is_aggregate:
        return None, {}, None
    if options.entity_id:
        raise UsageError(f"{analysed.release.location}: --entity-id is not supported with --engine {source.engine} yet; "
                         "use the polars engine")
    qis, sensitive = analysed.quasi_identifiers, analysed.sensitive
    screen = source.screen(qis) if qis else None
    if screen is not None and screen.nearly_unique:
        log.info("%s: about %d QI combinations over %d records; class table not built", analysed.release.name,
                 screen.approx_classes, screen.records)
        source.release()
        return None, {}, screen
    log.info("%s: frequency table in %s", analysed.release.name, source.engine)
    table = source.frequency_table(qis, sensitive, null_mode=options.null_mode)
    source.release()  # the rest of the scan reads only the fetched table and the sample
    # Two columns determine each other over the records exactly when they do over the distinct
    # QI combinations, so the class table answers the question without another pass.
    aliases = equivalent_columns(table.classes, qis)
    hidden = {alias for group in aliases.values() for alias in group}
    if hidden:
        table = table.project([q for q in qis if q not in hidden])
    return assess_release(analysed, options, policy, aliases, table=table), aliases, screen


def screen_findings(ctx, rules, screen: UniquenessScreen | None) -> list[Finding]:
    """The k-anonymity finding when the screen alone settled it (no frequency table was built)."""
    if screen is None or not screen.nearly_unique:
        return []
    qis = ctx.analysed.quasi_identifiers
    findings = []
    for rule in rules:
        if rule.detector != "k_anonymity":
            continue
        findings.append(ctx.finding(
            rule,
            f"k = 1 over {{{', '.join(qis)}}}: about {screen.approx_classes:,} distinct combinations over "
            f"{screen.records:,} records ({screen.share:.0%}), so at least {screen.uniques_at_least:,} records are "
            "unique on them. Nearly every record is its own group; the class table was not built.",
            columns=qis,
            metrics={"k": 1, "k_min": ctx.policy.k_min, "approx_classes": screen.approx_classes,
                     "sample_uniques_at_least": screen.uniques_at_least, "records": screen.records},
        ))
    return findings


def screen_metrics(screen: UniquenessScreen | None) -> dict:
    if screen is None or not screen.nearly_unique:
        return {}
    return {"k_anonymity": 1 if screen.k_is_one else None, "classes_approx": screen.approx_classes,
            "sample_uniques_at_least": screen.uniques_at_least, "nearly_unique": True}


def scan_on_engine(locations, options, engine: str, *, memory_limit: str | None = None, temp_dir: str | None = None):
    """The CLI's ``scan --engine duckdb|spark``: each location (file, folder, URI, table) read by ``engine``."""
    from ..pipeline import scan_release
    from ..report import Report
    from .source import open_release

    releases = [open_release(str(location), engine, memory_limit=memory_limit, temp_dir=temp_dir, seed=options.seed)
                for location in locations]
    datasets = tuple(scan_release(release, options) for release in releases)
    return Report(datasets=datasets, fail_on=options.fail_on, policy=options.policy_name, show_values=options.show_values)
