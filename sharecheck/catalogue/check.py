"""`check_against_catalogue`: one new release against every indexed release it could join.

The new release is read and analysed once; its keyed sketches are compared with the index
(nothing else is read for that); only the best partners are then read, each analysed once, and
joined with the already-analysed new release.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from ..errors import InputError, SharecheckError, UsageError
from ..findings import Finding
from ..report import FindingsSummary, _sorted
from .files import fingerprint
from .match import Partner, find_partners
from .store import Catalogue, IndexedRelease, _options_for

log = logging.getLogger("sharecheck")

_JOIN_ONLY = {"window_minutes", "distance_m", "max_k", "exact_distinct_max", "min_containment", "pair_limit"}


@dataclass(frozen=True)
class CatalogueReport(FindingsSummary):
    """A new release checked against every indexed release it could be joined with."""

    release: str
    location: str
    findings: tuple[Finding, ...]
    partners: tuple[Partner, ...]
    checked: tuple[Mapping[str, Any], ...]  # one join check summary per partner checked
    indexed_releases: int
    fail_on: str = "error"
    policy: str = "open-data"
    datasets: tuple[Mapping[str, Any], ...] = field(default=())
    suppressed: tuple = ()  # sharecheck.waivers.Suppressed
    unavailable: tuple[str, ...] = ()  # partners whose file could not be read again
    kind: str = field(default="catalogue", init=False)

    @property
    def metrics(self) -> dict[str, Any]:
        return {"indexed_releases": self.indexed_releases, "candidate_partners": len(self.partners),
                "partners_checked": len(self.checked), "partners_unavailable": len(self.unavailable),
                "identifying_partners": sum(1 for c in self.checked if c["verdict"] == "fail")}

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.document_header(),
            "datasets": list(self.datasets),
            "partners": [p.to_dict() for p in self.partners],
            "checked": list(self.checked),
            "unavailable_partners": list(self.unavailable),
        }


def _existing(path: str | os.PathLike) -> Path:
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no catalogue index here; build one with `sharecheck catalogue index`")
    return path


def _load_partner(indexed: IndexedRelease, options):
    from ..readers import read_with

    for release in read_with(indexed.path, options):
        if release.name == indexed.resource:
            return release
    raise InputError(f"{indexed.path}: the indexed table {indexed.resource!r} is no longer there; re-index the catalogue")


def analyse_with_classifications(release, options, classifications, profiles=None):
    """A partner analysed with the column classifications (and profiles) the index kept, so it is
    read, never profiled or classified again (those are most of an analysis' time). Its subject
    and roles are decided afresh, as for any release."""
    from .. import analysis

    return analysis.analyse(release, options, classifications=classifications, profiles=profiles)


def check_analysed_pair(new, partner, options, join_values: dict[str, Any], cache: dict | None = None):
    """The join check of two releases analysed already, exactly as `check_join` runs it for a
    pair; `cache` (one dict per catalogue check) keeps the new release's join forms for every partner."""
    from ..join.check import check_analysed, join_settings

    return check_analysed([new, partner], options, join=join_settings(join_values), cache=cache)


def check_against_catalogue(source, index: str | os.PathLike | Catalogue, *, max_partners: int = 10,
                            config: str | None = None, **settings: Any) -> CatalogueReport:
    """Check one new release against every indexed release it could be joined with."""
    from .. import analysis
    from ..config import resolve_options
    from ..join.forms import release_forms
    from ..readers import read_with
    from .columns import stored_columns

    if max_partners < 1:
        raise UsageError("max partners must be at least 1")
    catalogue = index if isinstance(index, Catalogue) else Catalogue(_existing(index), create=False)
    try:
        settings = {key.replace("-", "_"): value for key, value in settings.items()}
        join_values = {k: v for k, v in settings.items() if k in _JOIN_ONLY}
        options = resolve_options(config, **{k: v for k, v in settings.items() if k not in _JOIN_ONLY})
        releases = read_with(source, options)
        if len(releases) != 1:
            raise UsageError(f"{source}: holds {len(releases)} tables; check one release at a time")
        new = releases[0]
        analysed = analysis.analyse(new, _options_for(options, new.columns))
        exclude = str(new.path.resolve()) if new.path else None
        # The new release's join forms: built once, for its sketches and for every partner's check.
        new_forms = release_forms(analysed)
        join_cache: dict = {"forms": {(id(analysed), ()): (analysed, new_forms)}}
        sketches = stored_columns(analysed, catalogue.key, new_forms)
        partners = tuple(find_partners(catalogue, sketches, exclude_path=exclude))
        findings: list[Finding] = []
        suppressed: list = []
        checked, unavailable = [], []
        datasets = [{"name": new.name, "location": new.location, "format": new.format,
                     "records": analysed.frame.height,
                     "columns": [{"name": c.name, "role": c.role, "semantic_type": c.semantic_type} for c in analysed.columns]}]
        for partner in partners[:max_partners]:
            try:
                release = _load_partner(partner.release, options)
                indexed_fingerprint, classifications = catalogue.stored_analysis(partner.release.id)
                profiles = catalogue.stored_profiles(partner.release.id)
                if fingerprint(Path(partner.release.path)) != indexed_fingerprint:
                    classifications = profiles = None  # changed since indexing: analysed afresh
                partner_analysed = analyse_with_classifications(release, _options_for(options, release.columns),
                                                                classifications, profiles)
            except SharecheckError as exc:
                # A partner moved or broken since indexing is named, not a reason to stop.
                log.warning("partner skipped: %s", exc)
                unavailable.append(partner.release.path)
                continue
            report = check_analysed_pair(analysed, partner_analysed, options, join_values, join_cache)
            for entries in join_cache.values():  # keep the new release's, let the partner go
                for key in [key for key in entries if entries[key][0] is not analysed]:
                    del entries[key]
            findings += report.findings
            suppressed += report.suppressed
            checked.append({"release": partner.release.name, "path": partner.release.path, "verdict": report.verdict,
                            "codes": sorted(report.codes()), "metrics": dict(report.metrics)})
            datasets.append({"name": partner.release.name, "location": partner.release.path,
                             "records": partner.release.records, "columns": catalogue.release_columns(partner.release.id)})
        return CatalogueReport(release=new.name, location=new.location, findings=_sorted(findings), partners=partners,
                               checked=tuple(checked), indexed_releases=len(catalogue.releases()), suppressed=tuple(suppressed),
                               fail_on=options.fail_on, policy=options.policy_name, datasets=tuple(datasets),
                               unavailable=tuple(unavailable))
    finally:
        if not isinstance(index, Catalogue):
            catalogue.close()
