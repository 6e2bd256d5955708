"""One release understood: read into memory once, profiled, its columns classified and given
their roles, and its kind (records about people, records about things, a table of counts) decided.

The scan, the join check and the catalogue all start from an AnalysedRelease.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from typing import Mapping

import polars as pl

from .classify import ColumnClassification, default_role, semantic_types
from .classify.documented import classify_documented
from .classify.features import header_tokens
from .classify.words import words
from .config import Options
from .errors import InputError, UsageError
from .profile import ColumnProfile, profile_frame
from .readers import describe_parse_error
from .release import Release
from .report import ColumnReport
from .subject import Subject, decide_subject, vocabulary
from .subject_units import grouping_qis

log = logging.getLogger("sharecheck")

@dataclass(frozen=True)
class AnalysedRelease:
    """Everything known about one release after classification: the input of models and joins."""

    release: Release
    frame: pl.DataFrame
    profiles: Mapping[str, ColumnProfile]
    classifications: Mapping[str, ColumnClassification]
    columns: tuple[ColumnReport, ...]
    subject: Subject | None = None  # what a row is about (sharecheck.subject), decided once
    # In a table of things the subject makes every column `other` (a permit's date is the
    # permit's); joined to records about people the same columns describe those people. The
    # roles the classifier gave them are kept for that: {column: role} where the subject changed it.
    roles_if_joined: Mapping[str, str] = field(default_factory=dict)

    @property
    def is_aggregate(self) -> bool:
        return self.subject is not None and self.subject.is_aggregate

    @property
    def aggregate_count_column(self) -> str | None:
        """The column counting people in an aggregate table (None when it counts things)."""
        if not self.is_aggregate or not self.subject.counts_people:
            return None
        return self.subject.count_column

    def columns_with_role(self, role: str) -> list[str]:
        return [column.name for column in self.columns if column.role == role]

    @property
    def quasi_identifiers(self) -> list[str]:
        return self.columns_with_role("quasi_identifier")

    @property
    def sensitive(self) -> list[str]:
        return self.columns_with_role("sensitive")

    def joined_role(self, role: str) -> list[str]:
        """The columns of `role` once this release is joined to records about people."""
        return [c.name for c in self.columns if self.roles_if_joined.get(c.name, c.role) == role]

    def role_in_join(self, role: str, partner_about_people: bool) -> list[str]:
        """The columns of `role` in a join: a release not about people joined to one that is
        describes the partner's people, so its columns take the roles the classifier gave them."""
        return self.joined_role(role) if partner_about_people and not self.about_people else self.columns_with_role(role)

    @property
    def about_people(self) -> bool:
        """Could a person be identified or learnt about from this release? The subject decides:
        people and events yes, counts of people yes, organisations only where natural persons are
        named, places and things no."""
        return self.subject is None or self.subject.involves_people

    def has_values(self, name: str) -> bool:
        """Whether the column's values are in `frame` (a large file keeps only the columns the models need)."""
        return name in self.frame.columns

    def column(self, name: str) -> ColumnReport:
        return next(column for column in self.columns if column.name == name)


def safe_column_name(name: str, position: int) -> str:
    # polars reads "*" and "^...$" in pl.col() as patterns; such a header would select other columns.
    if name == "*" or (name.startswith("^") and name.endswith("$")) or not name.strip():
        return f"column_{position + 1}"
    return name


def _safe_lazy(release: Release) -> pl.LazyFrame:
    names = release.frame.collect_schema().names()
    renamed = {name: safe_column_name(name, i) for i, name in enumerate(names) if safe_column_name(name, i) != name}
    return release.frame.rename(renamed) if renamed else release.frame


def collect(release: Release, columns: list[str] | None = None, every: int = 1) -> pl.DataFrame:
    """Materialise a release (or some of its columns, or every n-th row) once; parse errors
    that polars defers surface here, as input errors."""
    lazy = _safe_lazy(release)
    if columns is not None:
        lazy = lazy.select([pl.col(c) for c in columns])
    if every > 1:
        lazy = lazy.gather_every(every)
    try:
        frame = lazy.collect() if release.fits_in_memory else lazy.collect(engine="streaming")
    except pl.exceptions.PolarsError as exc:
        raise InputError(f"{release.location}: {describe_parse_error(exc)}") from None
    # One contiguous chunk per column: the parallel CSV parse leaves one per thread, and every
    # row sample and gather across chunks is ~10x slower (Adult: 12 ms -> 1 ms per sample,
    # three samples per scan). Values never depend on it; large frames keep their chunks
    # rather than hold two copies at once.
    if frame.estimated_size() <= RECHUNK_BYTES and max(frame.n_chunks("all"), default=1) > 1:
        frame = frame.rechunk()
    return frame


RECHUNK_BYTES = 256 * 2**20


def _row_count(release: Release) -> int:
    try:
        return int(_safe_lazy(release).select(pl.len()).collect(engine="streaming").item())
    except pl.exceptions.PolarsError as exc:
        raise InputError(f"{release.location}: {describe_parse_error(exc)}") from None


def _check_columns_exist(frame: pl.DataFrame, options: Options, release: Release) -> None:
    named = set(options.qi) | set(options.sensitive) | set(options.ignore) | set(options.roles)
    if options.entity_id:
        named.add(options.entity_id)
    missing = sorted(named - set(frame.columns))
    if missing:
        raise UsageError(f"{release.location}: no column named {', '.join(map(repr, missing))} "
                         f"(columns are: {', '.join(frame.columns[:30])}{' ...' if frame.width > 30 else ''})")


def assign_roles(release: Release, frame: pl.DataFrame, profiles: Mapping[str, ColumnProfile],
                 classifications: Mapping[str, ColumnClassification], options: Options) -> tuple[ColumnReport, ...]:
    """Detected roles, then the publisher's declarations (data package), then the user's word."""
    user_roles: dict[str, str] = {}
    for name in options.qi:
        user_roles[name] = "quasi_identifier"
    for name in options.sensitive:
        user_roles[name] = "sensitive"
    for name in options.ignore:
        user_roles[name] = "other"
    user_roles.update(options.roles)
    if options.entity_id:
        user_roles.setdefault(options.entity_id, "pseudonym")
    columns = []
    for name in frame.columns:
        detected = classifications[name]
        role, semantic, source, evidence = detected.role, detected.semantic_type, "detected", list(detected.evidence)
        declared = release.fields.get(name)
        if declared and (declared.role or declared.semantic_type):
            if declared.semantic_type and declared.semantic_type in semantic_types():
                semantic = declared.semantic_type
                role = default_role(semantic)
            if declared.role:
                role = declared.role
            source = "datapackage"
            evidence.insert(0, "role declared in the data package")
        if name in user_roles:
            role, source = user_roles[name], "user"
            evidence.insert(0, "role set by the user")
        columns.append(ColumnReport(
            name=name, role=role, semantic_type=semantic, confidence=1.0 if source != "detected" else detected.confidence,
            source=source, evidence=tuple(evidence), profile=profiles[name].to_dict(),
            classification=detected.to_dict(),
        ))
    return tuple(columns)


# A release too large for memory is profiled and classified on this many rows, taken evenly
# through the file; only the columns the models need are then read in full.
LARGE_FILE_SAMPLE_ROWS = 200_000


def analyse(release: Release, options: Options, *, classifications: Mapping[str, ColumnClassification] | None = None,
            profiles: Mapping[str, ColumnProfile] | None = None) -> AnalysedRelease:
    """Read, profile, classify, decide the subject and the roles of one release.

    `classifications` (and `profiles`) that a catalogue kept from an earlier analysis of the same
    file skip those steps: classification is most of an analysis' time, and the subject and roles
    are decided afresh from them exactly as for a new release.
    """
    sampled_from = None
    if release.fits_in_memory:
        frame = collect(release)
    else:
        sampled_from = _row_count(release)
        frame = collect(release, every=max(1, -(-sampled_from // LARGE_FILE_SAMPLE_ROWS)))
        log.info("%s: large file; profiling %d of %d rows", release.name, frame.height, sampled_from)
    if frame.height == 0:
        raise InputError(f"{release.location}: holds no data rows")
    if frame.width == 0:
        raise InputError(f"{release.location}: holds no columns")
    _check_columns_exist(frame, options, release)
    log.info("%s: %d rows x %d columns read", release.name, frame.height, frame.width)
    if classifications is not None and set(classifications) != set(frame.columns):
        classifications = None  # the file changed since it was classified
    if profiles is None or set(profiles) != set(frame.columns):
        profiles = profile_frame(frame)
    if classifications is None:
        log.info("%s: classifying columns", release.name)
        classifications = classify_documented(frame, profiles, release.fields, nlp_model=options.nlp_model)
    columns = assign_roles(release, frame, profiles, classifications, options)
    from .models.aggregate import detect_count_column

    records_only = bool(options.entity_id or options.qi)
    about, source = (options.about, "user") if options.about else (release.about, "datapackage") if release.about else (None, "detected")
    subject = decide_subject(frame, profiles, columns, classifications,
                             count_column=None if records_only else detect_count_column(frame),
                             about=about, source=source, entity_id=options.entity_id, records_only=records_only,
                             release_name=release.name)
    classified = columns
    columns = grouping_qis(profiles, roles_for_subject(columns, subject), subject)
    roles_if_joined = roles_when_joined(classified, columns, subject)
    if sampled_from is not None:
        # Every row, but only of the columns that identify or describe people: the rest were
        # judged on the sample and are not needed again.
        needed = [c.name for c in columns if c.role != "other" or c.name == subject.count_column or c.name in roles_if_joined]
        if options.entity_id and options.entity_id not in needed:
            needed.append(options.entity_id)
        frame = collect(release, columns=needed)
        release = replace(release, notes=release.notes + (
            f"profiled and classified on {LARGE_FILE_SAMPLE_ROWS:,} rows taken evenly from {sampled_from:,}; "
            f"privacy models on all rows of {len(needed)} columns",))
    return AnalysedRelease(release, frame, profiles, classifications, columns, subject, roles_if_joined)


def _whose_stays_open(column: ColumnReport, subject: Subject, words) -> bool:
    """A badge or licence number in a table of things that says nothing else: unlike an
    organisation's, whose it is the table does not say, so it stays a direct identifier."""
    return subject.about == "things" and column.role == "direct_identifier" and column.semantic_type not in words["contact_types"]


def roles_when_joined(classified: tuple[ColumnReport, ...], columns: tuple[ColumnReport, ...], subject: Subject) -> dict[str, str]:
    """{column: role} of a table of things once joined to records about people, where the subject
    made the column `other`: the classifier's role, or a quasi-identifier where its type is shown."""
    if subject.about != "things":
        return {}
    out = {}
    for before, now in zip(classified, columns):
        role = "quasi_identifier" if _shown_quasi_identifier(before) else before.role
        if now.role == "other" and role != "other":
            out[before.name] = role
    return out


def _shown_quasi_identifier(column: ColumnReport) -> bool:
    """A column the classifier left `other` although its values or its header's head noun show a
    quasi-identifier's type (a latitude, a ZIP, a district), and no header word calls it the
    record's bookkeeping (`updated_on`). A date or time needs its values to show it: a `time`
    over whole numbers is as often a duration (months served, minutes waited) as a clock."""
    shown = column.classification.get("details", {}).get("type_shown")
    if column.semantic_type in ("date", "datetime", "time") and shown != "values":
        return False
    return (column.role == "other" and default_role(column.semantic_type) == "quasi_identifier" and bool(shown)
            and not set(header_tokens(column.name)) & words().metadata_time)


def _demote(column: ColumnReport, reason: str, semantic_type: str | None = None) -> ColumnReport:
    return replace(column, role="other", semantic_type=semantic_type or column.semantic_type, confidence=1.0 if semantic_type else column.confidence,
                   evidence=(reason,) + tuple(column.evidence))


def roles_for_subject(columns: tuple[ColumnReport, ...], subject: Subject) -> tuple[ColumnReport, ...]:
    """Roles that follow from what the rows are about. Only detected roles change: a role the
    user or the data package declared stands.

    - organisations: their contacts, addresses, licence numbers and the facts about them (ZIP,
      dates) are not personal data; names of natural persons among them stay direct identifiers;
    - places: area columns are keys and the rest are statistics of areas, not QIs of people;
    - things: the same; a street address is where the thing is (a permit's site), not a person's;
    - a table of counts: the count column counts, it describes no one;
    - a "name" whose values are rarely people's, in a table where nothing describes a person
      (animals, dishes, firms), names things, whatever the rows are about;
    - on rows about people or events, a contact each of whose values many of them share (the
      tow yard's address and phone) is an organisation's (sharecheck/subject_contacts.py).
    """
    words = vocabulary()
    updated = []
    for column in columns:
        if column.source == "detected":
            if column.name in subject.natural_persons and column.role == "other":
                # the classifier saw mostly businesses' names; the rest are natural persons
                column = replace(column, role="direct_identifier", semantic_type="person_name", confidence=1.0, evidence=(
                    "owners or applicants: natural persons (sole traders, private landlords) among the businesses, "
                    "so the names are personal data",) + tuple(column.evidence))
            elif column.name in subject.shared_contacts and column.role == "direct_identifier":
                column = _demote(column, "shared by many of the people or events on the rows: an organisation's or a "
                                 "site's contact, not personal data")
            elif column.name in subject.named_things and column.role == "direct_identifier":
                column = _demote(column, "the names of things: its sampled values are rarely census given names or "
                                 "surnames, and no column of the table describes a person", "category")
            elif subject.about in ("people", "events") and not subject.is_aggregate and _shown_quasi_identifier(column):
                # the model, reading a table with few words about people around the column, gave
                # it little weight; on rows about people a place, a time or a trait shown by the
                # values or the header is the person's (745 of the 765 columns of such types in
                # the corpus's tables of people and events are labelled personal)
                column = replace(column, role="quasi_identifier", evidence=(
                    f"a {column.semantic_type.replace('_', ' ')} in {subject.label()}: it is a person's, "
                    f"and helps single them out",) + tuple(column.evidence))
            elif subject.is_aggregate and column.name == subject.count_column:
                column = _demote(column, "count column of an aggregate table", "count")
            elif subject.about in ("organisations", "places", "things") and column.name not in subject.natural_persons \
                    and column.role != "other" and not _whose_stays_open(column, subject, words):
                # nothing on the row describes a person, so its dates, places and codes are facts
                # about the organisation, area or thing (a permit's site and date), as in a register
                whose = {"organisations": "organisation", "places": "area, building or site"}.get(subject.about, "thing")
                if column.role in ("direct_identifier", "pseudonym"):
                    if column.semantic_type in words["contact_types"]:
                        column = _demote(column, f"contact detail or address of the {whose} the row is about: not personal data")
                    elif column.semantic_type not in words["person_name_types"] | words["person_reaching_types"]:
                        column = _demote(column, f"identifies the {whose} the row is about, not a person")
                else:
                    column = _demote(column, f"describes the {whose} the row is about, not a person")
        updated.append(column)
    return tuple(updated)
