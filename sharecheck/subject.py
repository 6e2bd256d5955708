"""What a row is about, decided once: people, events involving people, organisations, places,
things, or a table of counts; and, where several rows belong to one person, which column names them.

Every later step asks this one decision (AnalysedRelease.subject): the roles of contact columns,
whether record-level models run, whether a finding is a risk to people or a note. The evidence
is general and in words: the semantic types and roles of the columns (an age or a sex is only
ever a person's; a phone can be a shop's), whether an identifier repeats over rows (one person
followed through many), whether the table is keyed by areas, whether a column counts. The word
lists are data (rules/subject.yaml). The user's `--about` and a data package's `sharecheck:about`
override the detection.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Mapping, Sequence

import polars as pl

from .errors import UsageError
from .naming import match_column_name
from .subject_attributes import attributes as _attributes
from .subject_contacts import shared_contacts
from .subject_counts import count_table
from .subject_rules import counts_people, has_word, thresholds, title_subject, vocabulary
from .subject_units import group_sizes, names_of_things, taxa

SUBJECTS = ("people", "events", "organisations", "places", "things", "counts")
SOURCES = ("detected", "user", "datapackage")

_LABELS = {"people": "records about people", "events": "events involving people", "organisations": "organisations",
           "places": "places (one row per area or site)", "things": "things, not people", "counts": "a table of counts"}


@dataclass(frozen=True)
class Subject:
    about: str  # people | events | organisations | places | things | counts
    person_column: str | None = None  # names the person behind several rows
    count_column: str | None = None  # the column of counts (a table of counts, or people per area)
    dimensions: tuple[str, ...] = ()  # the columns labelling a count's cell
    counts_people: bool = False  # the count column counts people (its small cells point at them)
    evidence: tuple[str, ...] = ()  # reasons in words; never values
    source: str = "detected"  # detected | user | datapackage
    natural_persons: tuple[str, ...] = ()  # in a table of organisations: columns naming natural persons
    named_things: tuple[str, ...] = ()  # "name" columns whose values are rarely people's: names of things
    shared_contacts: tuple[str, ...] = ()  # contacts each shared by many people or events: an organisation's

    def __post_init__(self) -> None:
        if self.about not in SUBJECTS:
            raise UsageError(f"about must be one of {', '.join(SUBJECTS)}, not {self.about!r}")
        if self.source not in SOURCES:
            raise ValueError(f"subject source must be one of {SOURCES}")

    @property
    def involves_people(self) -> bool:
        """Could a person be identified or learnt about from these rows?"""
        if self.about in ("people", "events"):
            return True
        if self.about == "counts":
            return self.counts_people
        # organisations and sites: only where natural persons (sole traders, landlords) are named
        return bool(self.natural_persons)

    @property
    def is_aggregate(self) -> bool:
        """Rows are cells or areas with numbers beside them: record-level models do not apply."""
        return self.about == "counts" or (self.about == "places" and self.count_column is not None)

    def label(self) -> str:
        text = _LABELS[self.about]
        if self.about == "counts":
            text = "a table of counts of people" if self.counts_people else "a table of counts of things"
        if self.about == "organisations" and self.natural_persons:
            text += ", some of them natural persons"
        return text

    def to_dict(self) -> dict:
        return {
            "about": self.about,
            "label": self.label(),
            "involves_people": self.involves_people,
            "person_column": self.person_column,
            "count_column": self.count_column,
            "dimensions": list(self.dimensions),
            "counts_people": self.counts_people,
            "natural_persons": list(self.natural_persons),
            "named_things": list(self.named_things),
            "shared_contacts": list(self.shared_contacts),
            "evidence": list(self.evidence),
            "source": self.source,
        }


# --------------------------------------------------------------------------------------------
# records


def _area_key(frame: pl.DataFrame, profiles: Mapping, columns: Sequence) -> str | None:
    """An area column holding a different value on every row (one row per area), or an area
    and a period unique together (one row per area and year: a panel of areas)."""
    if frame.height < 3:
        return None
    areas = [c for c in columns if c.semantic_type in vocabulary()["area_types"] and profiles[c.name].nulls == 0]
    for column in areas:
        if profiles[column.name].distinct == frame.height:
            return column.name
    periods = [c for c in columns if c.semantic_type == "date" and profiles[c.name].nulls == 0]
    for column in areas:
        for period in periods:
            if profiles[column.name].distinct * profiles[period.name].distinct < frame.height:
                continue
            if not frame.select(column.name, period.name).is_duplicated().any():
                return f"{column.name}' and period '{period.name}"
    return None


def _owners_among_businesses(columns: Sequence, classifications: Mapping) -> list[str]:
    """Owner or applicant columns whose values the classifier found mostly businesses' names:
    where a noticeable share are not, natural persons (sole traders, private landlords) are among them."""
    floor = thresholds()["natural_person_min_share"]
    out = []
    for column in columns:
        if column.role != "other" or column.semantic_type != "category" or not has_word(column.name, "owner_words"):
            continue
        classification = classifications.get(column.name)
        share = getattr(classification, "match_share", None)
        if _is_business_names(column, classification, any_role=True) and share is not None and 1.0 - share >= floor:
            out.append(column.name)
    return out


def _person_column(columns: Sequence, profiles: Mapping, entity_id: str | None) -> tuple[str | None, str | None]:
    """The column naming the person behind several rows, and why."""
    if entity_id:
        return entity_id, f"'{entity_id}' names the person behind each row (set by the user)"
    candidates = []
    for column in columns:
        profile = profiles[column.name]
        if profile.non_null == 0 or profile.uniqueness >= 0.95 or profile.distinct < 2:
            continue
        personal_id = column.role == "pseudonym" and (column.semantic_type == "hash" or has_word(column.name, "owner_words")
                                                     or _names_a_person(column.name))
        # a full name, not a given name or a surname alone: namesakes share those
        named = column.role == "direct_identifier" and column.semantic_type == "person_name"
        if personal_id or named:
            candidates.append((0 if personal_id else 1, column.name, profile.uniqueness))
    if not candidates:
        return None, None
    _, name, uniqueness = min(candidates)
    return name, f"'{name}' repeats over rows ({uniqueness:.0%} distinct per row): several rows belong to one person"


def _names_a_person(name: str) -> bool:
    return any(hint.semantic_type in vocabulary()["person_name_types"] for hint in match_column_name(name))


def _is_business_names(column, classification, any_role: bool = False) -> bool:
    """A column the header calls a name whose values the classifier found to be businesses' or places'."""
    if (column.role != "other" and not any_role) or not (_names_a_person(column.name) or has_word(column.name, "owner_words")):
        return False
    evidence = " ".join(getattr(classification, "evidence", ()) or ())
    return "business" in evidence or "place names" in evidence


def _naming_columns(columns: Sequence, profiles: Mapping, classifications: Mapping, key: str) -> list[str]:
    """Text columns whose header says they name an organisation (or a site) and whose values vary:
    the entity each row is about, most distinct first."""
    words = vocabulary()
    found = []
    for column in columns:
        profile = profiles[column.name]
        # a name varies over many entities: a code with a handful of values (vendor_id) names none
        if profile.is_numeric or profile.distinct < 10 or column.semantic_type in ("date", "datetime", "time", "record_id", "hash"):
            continue
        if column.semantic_type in words["person_name_types"] or column.semantic_type in words["contact_types"] - {"street_address"}:
            continue
        if key == "organisation_words" and (has_word(column.name, key) or _is_business_names(column, classifications.get(column.name))):
            found.append(column.name)
        elif key == "place_words" and has_word(column.name, key):
            found.append(column.name)
    return sorted(found, key=lambda name: -profiles[name].uniqueness)


def _records(frame: pl.DataFrame, profiles: Mapping, columns: Sequence, classifications: Mapping, release_name: str = "") -> Subject:
    found = _attributes(columns, profiles)
    names = [c.name for c in columns if c.role == "direct_identifier" and c.semantic_type in vocabulary()["person_name_types"]]
    things_named = [] if found.persons else names_of_things(frame, columns, names)
    subject = _records_about(frame, profiles, columns, classifications, found, names, things_named, release_name)
    # whatever the rows turn out to be about (a menu's orders are events), a "name" whose values
    # are not people's names no one: the subject says so once and the roles follow (analysis.py)
    return replace(subject, named_things=tuple(things_named)) if things_named else subject


def _records_about(frame: pl.DataFrame, profiles: Mapping, columns: Sequence, classifications: Mapping, found,
                   names: list[str], things_named: list[str], release_name: str = "") -> Subject:
    words = vocabulary()
    attributes, statistics, dummies = found.persons, found.statistics, found.dummies
    owners = _owners_among_businesses(columns, classifications)
    names = [n for n in names if n not in things_named] + owners
    reaching = [c.name for c in columns if c.role == "direct_identifier" and c.semantic_type in words["person_reaching_types"]]
    tracked = [c.name for c in columns if c.role == "pseudonym" and (c.semantic_type == "hash" or profiles[c.name].uniqueness < 0.95)]
    organisations = _naming_columns(columns, profiles, classifications, "organisation_words")
    sites = _naming_columns(columns, profiles, classifications, "place_words")
    area = _area_key(frame, profiles, columns)
    free = [c.name for c in columns if c.semantic_type == "free_text" and _people_in_text(classifications.get(c.name))]
    events = _event_times(columns, profiles)
    # an area's statistics are numbers (a rate, a median); a sex or a race on a row is a person's
    # (a two-valued flag of an area, such as metropolitan or not, is the area's)
    categorical = [name for name in attributes if not profiles[name].is_numeric and name not in dummies]
    if area and not names and not reaching and not tracked and not categorical:
        evidence = [f"one row per area '{area}': the rows describe areas, not people"]
        if attributes + statistics:
            evidence.append(f"{_list(attributes + statistics)} {'is' if len(attributes + statistics) == 1 else 'are'} then "
                            "statistics of each area, not attributes of a person")
        return Subject("places", evidence=tuple(evidence))
    unit = _unit(frame, profiles, columns, names + reaching, categorical, attributes + statistics)
    if unit is not None:
        return unit
    if attributes and found.shares and not found.traits and not names and not reaching and not tracked:
        # a row holding a share of a group (of graduates, of the poor: its values show it, not
        # only a header word such as "median", which a patient's lab value can carry) is the
        # group; beside it a number under an income or age header is the group's too, unless a
        # category of the person's own (sex, race, education) says the row is one person
        kind = "places" if any(c.semantic_type in words["area_types"] for c in columns) else "things"
        evidence = [f"{_list(found.shares)} {'holds shares' if len(found.shares) == 1 else 'hold shares'} "
                    "of a group, and no column holds a person's own category (sex, race, education ...): each row "
                    "describes a unit (an area, a school, a firm)",
                    f"{_list(attributes)} {'is' if len(attributes) == 1 else 'are'} then the unit's, not a person's"]
        return Subject(kind, evidence=tuple(evidence))
    if attributes:
        evidence = [f"{_list(attributes)} describe{'s' if len(attributes) == 1 else ''} a person"]
        return _people_or_events(evidence, events)
    if statistics and not names and not reaching and not tracked:
        kind = "places" if any(c.semantic_type in words["area_types"] for c in columns) else "things"
        evidence = [f"{_list(statistics)} {'is a statistic' if len(statistics) == 1 else 'are statistics'} of groups of "
                    "people (a median, a share, a rate), and no column holds one person's attribute: each row describes "
                    "a unit (an area, a school, a firm), not a person"]
        return Subject(kind, evidence=tuple(evidence))
    homes = [c.name for c in columns if has_word(c.name, "home_words")]
    addresses = [c.name for c in columns if c.semantic_type in ("street_address", "street")
                 or (classifications.get(c.name) is not None and (classifications[c.name].details or {}).get("address_part_of"))]
    if homes and addresses and not organisations:
        evidence = [f"{_list(homes)} say{'s' if len(homes) == 1 else ''} the address in {_list(addresses[:2])} is a home: "
                    "a household's address, so the rows are about the people who live there"]
        return _people_or_events(evidence, events)
    # a repeating digest or a holder's ID follows a person, whatever else the table names; a
    # repeating registration number may follow a business, so it waits for the organisation test
    followed = [name for name in tracked if profiles[name].uniqueness < 0.95
                and (next(c for c in columns if c.name == name).semantic_type == "hash" or has_word(name, "owner_words"))]
    if followed:
        return _people_or_events([f"{_list(followed)} follow{'s' if len(followed) == 1 else ''} one person through many rows"], events)
    # names more distinct per row than the organisation: each row is a person (lobbyists of a
    # firm, employees of an agency); names as distinct as the businesses: owners of each business
    if names and organisations and (max(profiles[n].uniqueness for n in names)
                                    > profiles[organisations[0]].uniqueness + 0.1):
        evidence = [f"{_list(names)} name{'s' if len(names) == 1 else ''} people, more distinct per row than "
                    f"{_list(organisations[:1])}: each row is about the person named, not the organisation beside them"]
        return _people_or_events(evidence, events)
    if (organisations or sites) and not reaching:
        entity, kind = (organisations, "organisations") if organisations else (sites, "places")
        evidence = [f"{_list(entity[:2])} name{'s' if len(entity[:2]) == 1 else ''} the "
                    f"{'organisation' if organisations else 'building or site'} each row is about",
                    "no column holds an attribute only a person has (age, sex, race, health ...)"]
        if names:
            evidence.append(f"{_list(names)} name{'s' if len(names) == 1 else ''} natural persons (owners, sole traders, "
                            "private landlords) among them: personal data, kept as direct identifiers")
        return Subject(kind, evidence=tuple(evidence), natural_persons=tuple(names))
    if names or reaching:
        evidence = [f"{_list(names + reaching)} name{'s' if len(names + reaching) == 1 else ''} or reach{'es' if len(names + reaching) == 1 else ''} people"]
        return _people_or_events(evidence, events)
    contacts = [c.name for c in columns if c.semantic_type in words["contact_types"] and c.role == "direct_identifier"]
    personal_contacts = [name for name in contacts if next(c for c in columns if c.name == name).semantic_type != "street_address"]
    if tracked or personal_contacts:
        if tracked:
            why = f"{_list(tracked)} follow{'s' if len(tracked) == 1 else ''} one entity through many rows"
        else:
            why = f"{_list(personal_contacts)} reach{'es' if len(personal_contacts) == 1 else ''} someone and no organisation is named"
        return _people_or_events([why], events)
    if free and events:
        # a log of calls or complaints whose notes name people: events involving them
        return _people_or_events([f"free text in {_list(free)} names or reaches people"], events)
    titled = None if things_named else title_subject(release_name)
    if titled is not None:
        # headers such as x, y or z1 say nothing; the publisher's name for the rows does
        about, word = titled
        why = f"no column describes, names or tracks a person, but the release's name calls its rows '{word}'"
        return Subject("events", evidence=(why,)) if about == "events" else _people_or_events([why], events)
    evidence = ["no column describes, names or tracks a person"]
    if things_named:
        evidence.append(f"{_list(things_named)} hold{'s' if len(things_named) == 1 else ''} names that are rarely people's "
                        "(census given names and surnames): the names of things")
    if contacts:
        evidence[0] += f"; {_list(contacts)} give{'s' if len(contacts) == 1 else ''} a location whose occupant the table does not name"
    if free:
        # names typed into a permit's description are those of contractors, owners, callers:
        # reported (ID120, a warning), but they do not make each row a record about a person
        evidence.append(f"free text in {_list(free)} embeds names or contacts: reported, but the rows are not about people")
    personal = [c.name for c in columns if c.role in ("quasi_identifier", "sensitive")]
    if personal:
        # the decision rests on what no column says: the user is told what it leaves unchecked
        evidence[0] += (f"; if the rows are about people after all, declare it (--about people or events): {_list(personal)} "
                        "would then be checked as quasi-identifiers or sensitive attributes")
    return Subject("things", evidence=tuple(evidence))


def _unit(frame: pl.DataFrame, profiles: Mapping, columns: Sequence, named: list[str], categorical: list[str],
          attributes: list[str]) -> Subject | None:
    """Rows that are groups (a people count beside them) or living things (a species), when no
    column names or reaches a person; None otherwise."""
    if named:
        return None
    groups = group_sizes(frame, profiles, columns)
    if groups and not categorical:
        kind = "places" if any(c.semantic_type in vocabulary()["area_types"] for c in columns) else "organisations"
        evidence = [f"{_list([g for g, _ in groups])} count{'s' if len(groups) == 1 else ''} the people in each row "
                    f"(median {groups[0][1]:,.0f}, more than any household): each row is a group (an area, a school, a firm)"]
        if attributes:
            evidence.append(f"{_list(attributes)} {'is' if len(attributes) == 1 else 'are'} then statistics of the group, "
                            "not attributes of a person")
        return Subject(kind, evidence=tuple(evidence))
    species = taxa(profiles, columns)
    if species:
        evidence = [f"{_list(species)} give{'s' if len(species) == 1 else ''} each row's species or breed: the rows are "
                    "animals or plants, whose sex, age and measurements are not personal data"]
        return Subject("things", evidence=tuple(evidence))
    return None


def _people_or_events(evidence: list[str], events: list[str]) -> Subject:
    if events:
        evidence.append(f"{_list(events)} time{'s' if len(events) == 1 else ''} each row: rows are events involving people")
        return Subject("events", evidence=tuple(evidence))
    return Subject("people", evidence=tuple(evidence))


def _people_in_text(classification) -> bool:
    entities = dict(getattr(classification, "entities", {}) or {})
    return any(entity not in ("STREET_ADDRESS", "LOCATION", "URL", "DATE_TIME") and rows for entity, rows in entities.items())


def _event_times(columns: Sequence, profiles: Mapping) -> list[str]:
    """Dates and timestamps of something that happened: to the hour or finer, or named as an event."""
    out = []
    for column in columns:
        if column.role != "quasi_identifier" or column.semantic_type not in ("date", "datetime", "time"):
            continue
        grain = profiles[column.name].granularity
        if grain in ("hour", "minute", "second") or column.semantic_type == "time" or has_word(column.name, "event_words"):
            out.append(column.name)
    return out


def _list(names: Sequence[str]) -> str:
    quoted = [f"'{n}'" for n in names[:4]]
    more = f" and {len(names) - 4} more" if len(names) > 4 else ""
    return ", ".join(quoted) + more


# --------------------------------------------------------------------------------------------
# the decision


def decide_subject(frame: pl.DataFrame, profiles: Mapping, columns: Sequence, classifications: Mapping, *,
                   count_column: str | None, about: str | None = None, source: str = "detected",
                   entity_id: str | None = None, records_only: bool = False, release_name: str = "") -> Subject:
    """`count_column` is what sharecheck.models.aggregate found; `about` a declared subject
    (`source` says who declared it); `records_only` when the user's QIs or entity id say rows are
    records; `release_name` the file's name or title, read only when no column says anything."""
    person, person_why = _person_column(columns, profiles, entity_id)
    detected = None
    if not records_only:
        detected = count_table(frame, profiles, columns, count_column)
    if detected is None:
        detected = _records(frame, profiles, columns, classifications, release_name)
    if about is not None:
        subject = _declared(about, source, detected, frame, person, person_why)
    else:
        evidence = detected.evidence + ((person_why,) if person_why and detected.about in ("people", "events") else ())
        subject = Subject(detected.about, person if detected.about in ("people", "events", "organisations") else None,
                          detected.count_column, detected.dimensions, detected.counts_people, evidence, "detected",
                          detected.natural_persons, detected.named_things)
    if subject.about in ("people", "events"):
        # whose a contact is stays a detection, whoever said what the rows are about
        shared, why = shared_contacts(frame, columns, subject.person_column)
        subject = replace(subject, shared_contacts=tuple(shared), evidence=subject.evidence + tuple(why)) if shared else subject
    return subject


def _declared(about: str, source: str, detected: Subject, frame: pl.DataFrame, person: str | None, person_why) -> Subject:
    who = "the user" if source == "user" else "the data package (sharecheck:about)"
    evidence = (f"declared by {who}",) + tuple(f"detection said {detected.about}: {reason}" for reason in detected.evidence[:2])
    if about == "counts":
        count = detected.count_column or _first_count_column(frame)
        if count is None:
            raise UsageError("--about counts: no column of non-negative whole numbers to count with")
        dimensions = detected.dimensions or tuple(c for c in frame.columns if c != count)
        return Subject("counts", None, count, dimensions, True, evidence, source)
    if about == "places":
        return Subject("places", None, detected.count_column, detected.dimensions, detected.counts_people, evidence, source)
    if about in ("people", "events"):
        return Subject(about, person, None, (), False, evidence + ((person_why,) if person_why else ()), source)
    return Subject(about, None, None, (), False, evidence, source, detected.natural_persons if about == "organisations" else ())


def _first_count_column(frame: pl.DataFrame) -> str | None:
    for name in frame.columns:
        series = frame[name]
        if series.dtype.is_integer() and bool((series.drop_nulls() >= 0).all()) and counts_people(name):
            return name
    return next((n for n in frame.columns if frame[n].dtype.is_integer() and bool((frame[n].drop_nulls() >= 0).all())), None)
