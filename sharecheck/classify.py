"""Column classification: role and semantic type of every column, with the evidence.

Each column collects candidate semantic types from independent sources, and the strongest wins:

- the column name (naming.py, seven languages);
- value patterns from rules/recognizers.yaml, tried on the profile's distinct sample and then
  counted with one vectorised polars regex over the *whole* column, so that one stray e-mail
  does not make an e-mail column (`match_share` is the share of rows, not of samples);
- checksums (python-stdnum) on the sampled matches: a shape that fails its check digit is not
  the identifier, and a column is an NHS/BSN/Aadhaar column only when nearly all values pass;
- census name lists for person names (pii/names.py), closed value sets for sex/race/marital
  status, digest shapes and hash reversal (pii/hashes.py), dates and the ages they imply;
- presidio on a bounded sample of distinct values (never every cell). Its hits count only
  when the entity covers the whole value, and only the reliable recognizers may decide alone:
  presidio calls an e-mail a URL (the domain part), an address a PHONE_NUMBER and a phone a
  US_DRIVER_LICENSE, so those entities only support what the patterns found.

Free-text columns keep role `other` and report the entities embedded in them (`entities`).
presidio and spaCy are imported on first use only (pii/engine.py).
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Mapping

import polars as pl

from ._resources import load_yaml
from .naming import NameHint, match_column_name, normalise_column_name
from .profile import ColumnProfile, precision_metres, profile_frame

ROLES = ("direct_identifier", "quasi_identifier", "sensitive", "pseudonym", "other")

PRESIDIO_SAMPLE = 16  # distinct values per column given to presidio (~4 ms each)
PATTERN_SAMPLE = 400  # distinct values tried against every pattern in Python
MIN_SAMPLE_SHARE = 0.25  # a pattern this rare in the sample is not counted over the column

# presidio entities that may decide a column on their own: their recognizers validate (checksum,
# TLD) or have a shape nothing else has. The others only corroborate our patterns.
PRESIDIO_DECISIVE = frozenset({"EMAIL_ADDRESS", "IBAN_CODE", "CREDIT_CARD", "IP_ADDRESS", "MAC_ADDRESS",
                               "UK_NINO", "IT_FISCAL_CODE", "ES_NIF", "ES_NIE", "KR_RRN", "PERSON"})


@lru_cache(maxsize=1)
def semantic_types() -> dict[str, dict]:
    return load_yaml("semantic_types.yaml")["types"]


def default_role(semantic_type: str) -> str:
    return semantic_types().get(semantic_type, {}).get("role", "other")


@dataclass(frozen=True)
class ColumnClassification:
    column: str
    role: str
    semantic_type: str
    confidence: float
    evidence: tuple[str, ...] = ()  # reasons in words; never raw values
    match_share: float | None = None  # share of non-null rows whose values fit the semantic type
    entities: Mapping[str, int] = field(default_factory=dict)  # entity type -> rows holding it (free text)
    masked_examples: tuple[str, ...] = ()
    details: Mapping[str, object] = field(default_factory=dict)  # e.g. hash reversal, precision_m

    def to_dict(self) -> dict:
        return {
            "column": self.column,
            "role": self.role,
            "semantic_type": self.semantic_type,
            "confidence": round(self.confidence, 3),
            "evidence": list(self.evidence),
            "match_share": None if self.match_share is None else round(self.match_share, 4),
            "entities": dict(self.entities),
            "masked_examples": list(self.masked_examples),
            "details": dict(self.details),
        }


@dataclass
class _Candidate:
    semantic_type: str
    confidence: float
    evidence: list[str]
    share: float | None = None
    details: dict = field(default_factory=dict)
    role: str | None = None
    entities: dict = field(default_factory=dict)
    examples: tuple[str, ...] = ()


def hash_budget_seconds() -> float:
    """Seconds all hash columns of one classification may spend hashing candidate spaces."""
    from .pii.hashes import _config

    return float(_config().get("budget_seconds", 12))


@dataclass
class _Context:
    nlp_model: str | None
    hash_deadline: float
    today: date


def classify_columns(
    frame: pl.DataFrame,
    profiles: Mapping[str, ColumnProfile],
    *,
    nlp_model: str | None = None,
) -> dict[str, ColumnClassification]:
    context = _Context(nlp_model=nlp_model, hash_deadline=time.monotonic() + hash_budget_seconds(), today=date.today())
    missing = [name for name in frame.columns if name not in profiles]
    if missing:
        profiles = {**profiles, **profile_frame(frame.select(missing))}
    chosen: dict[str, tuple[_Candidate, ColumnProfile]] = {}
    for name in frame.columns:
        profile = profiles[name]
        chosen[name] = (_classify_column(frame.get_column(name), profile, context), profile)
    _cross_column(chosen)
    return {name: _finish(name, candidate, profile) for name, (candidate, profile) in chosen.items()}


# Contact data that a whole table shares (the tow yard's phone, the agency's address) belongs to
# an institution; a person's contact data repeats only over that person's rows.
_CONTACT_TYPES = frozenset({"phone", "email", "street_address", "url_personal"})


# Whose identifier is it? An ID named after a person (rider, voter, patient) follows one person
# across rows and releases: a pseudonym. An ID named after an event or an object (incident,
# request, visit, tree, bike) keys a record; it links releases only where another release
# carries it too, which the join check and the catalogue test. Ambiguous names ("id", "key",
# "case": a police case is an event, a social-services case is a person) stay pseudonyms.
_PERSON_ID_WORDS = frozenset(
    "person people rider riders voter patient client customer member user account subscriber employee emp staff "
    "driver owner applicant resident citizen student pupil beneficiary claimant victim suspect offender defendant "
    "taxpayer household family contact caller requester complainant individual participant respondent "
    "personne patient usager agent habitant person kunde fahrer antragsteller persona usuario cliente utente "
    "cittadino persoon klant gebruiker pessoa cliente".split())
_RECORD_ID_WORDS = frozenset(
    "incident request report visit trip ride tree bike vehicle permit parcel inspection ticket complaint "
    "summons arrest offense crime call event order application file docket record row object fid transaction "
    "invoice payment property building site facility station meter stop route segment asset item license "
    "vendor company agency operator provider business firm establishment bikeid tripid objectid rideid "
    "licence dossier demande vorgang antrag expediente solicitud pratica zaak aanvraag processo pedido".split())


def _identifier_role(name: str) -> str:
    tokens = set(normalise_column_name(name).split("_"))
    if tokens & _PERSON_ID_WORDS:
        return "pseudonym"
    if tokens & _RECORD_ID_WORDS:
        return "other"
    return "pseudonym"


def _finish(name: str, candidate: _Candidate, profile: ColumnProfile) -> ColumnClassification:
    role = candidate.role or default_role(candidate.semantic_type)
    if candidate.semantic_type == "record_id" and role == "pseudonym":
        role = _identifier_role(name)
        if role == "other":
            candidate.evidence.append("names an event or an object: a record key, not a person's")
    if role == "direct_identifier" and candidate.semantic_type in _CONTACT_TYPES and profile.distinct <= 10 and profile.non_null >= 500:
        role = "other"
        candidate.evidence.append(f"only {profile.distinct} distinct values over {profile.non_null:,} rows: an institution's contact, not people's")
    return ColumnClassification(
        column=name,
        role=role,
        semantic_type=candidate.semantic_type,
        confidence=round(max(0.0, min(1.0, candidate.confidence)), 3),
        evidence=tuple(candidate.evidence),
        match_share=candidate.share,
        entities=dict(candidate.entities),
        masked_examples=candidate.examples or profile.masked_examples,
        details=dict(candidate.details),
    )


# --------------------------------------------------------------------------------------------
# one column


def _classify_column(series: pl.Series, profile: ColumnProfile, context: _Context) -> _Candidate:
    hints = match_column_name(profile.name)
    by_type = {hint.semantic_type: hint for hint in hints}
    candidates: list[_Candidate] = []
    usable = [hint for hint in hints if _hint_is_head(hint, profile.name) and _temporal_hint_fits(hint, profile)]
    if usable:
        hint = usable[0]
        candidates.append(_Candidate(hint.semantic_type, 0.3 + 0.3 * hint.score,
                                     [f"column name matches '{hint.term}' ({hint.language})"]))
    if profile.non_null == 0:
        # an empty column identifies no one, whatever its name promises
        best = candidates[0] if candidates else _Candidate("unknown", 0.0, [])
        best.confidence *= 0.5
        best.evidence.append("column is empty")
        best.role = "other"
        return best
    dtype = series.dtype
    if dtype == pl.String or dtype == pl.Categorical:
        candidates += _text_candidates(series, profile, by_type, context)
    elif dtype.is_numeric() and profile.granularity not in (None, "year"):
        # epoch seconds or Excel days under a name that says time (sharecheck.temporal)
        candidates += _date_candidates(profile, by_type, context, [])
    elif dtype.is_numeric():
        candidates += _numeric_candidates(series, profile, by_type, context)
    elif dtype.is_temporal():
        candidates += _temporal_candidates(series, profile, by_type, context)
    if not candidates:
        if profile.is_text and profile.distinct <= max(50, 0.05 * profile.non_null):
            return _Candidate("category", 0.3, ["few distinct values, no identifying pattern"])
        if profile.is_numeric:
            return _Candidate("measure", 0.3, ["numeric values, no identifying pattern"])
        return _Candidate("unknown", 0.0, ["no evidence"])
    return _agree(candidates, by_type)


# Trailing tokens that qualify the head noun without changing what it is: street_no is a
# street (number), pay_amount is pay, zip_cd is a zip.
_QUALIFIERS = frozenset("no nr num number nbr id cd code desc description amount amt value val line flag name 1 2 3 4 text".split())


def _hint_is_head(hint: NameHint, column: str) -> bool:
    """Whether the matched term is the name's head noun. In `lobbyist_email` the column is an
    e-mail, not a lobbyist; `lobbyist_prefix` is a prefix. A term buried before the head only
    corroborates value evidence; on its own it does not decide."""
    if hint.exact:
        return True
    tokens = normalise_column_name(column).split("_")
    term = normalise_column_name(hint.term).split("_")
    for preposition in ("of", "at", "for", "in", "on"):
        # English puts the head before the preposition: precinct_of_occur is a precinct
        if preposition in tokens[1:] and preposition not in term:
            tokens = tokens[: tokens.index(preposition, 1)]
            break
    while True:
        tail = tokens[-len(term):]
        if len(tokens) >= len(term) and (tail == term or (tail[:-1] == term[:-1] and tail[-1].startswith(term[-1]))):
            return True
        if len(tokens) <= 1 or tokens[-1] not in _QUALIFIERS:
            return False
        tokens = tokens[:-1]


_CALENDAR_WORDS = frozenset("monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri sat sun "
                            "january february march april may june july august september october november december "
                            "jan feb mar apr jun jul aug sep sept oct nov dec".split())


def _temporal_hint_fits(hint: NameHint, profile: ColumnProfile) -> bool:
    """`trip_time_in_secs` and `Full or Part-Time` are not times, an `age` of 4,000 is no age:
    a name whose type constrains numbers must fit the values."""
    if hint.semantic_type in ("age", "birth_year") and profile.is_numeric and profile.numeric_range:
        low, high = profile.numeric_range
        return 0 <= low and high <= 130 if hint.semantic_type == "age" else 1870 <= low and high <= 2100
    if hint.semantic_type not in ("date", "datetime", "time") or profile.granularity or profile.time_of_day:
        return True
    if profile.non_null == 0:
        return True
    if profile.is_numeric and profile.numeric_range:
        low, high = profile.numeric_range
        if hint.semantic_type == "time":
            return 0 <= low and high <= 2400
        return 0 <= low and high <= 2400 or 1800 <= low and high <= 2100 or high >= 10 ** 9
    if profile.is_text:
        sample = [value.strip().lower() for value in profile.sample[:200]]
        calendar = sum(1 for value in sample if value in _CALENDAR_WORDS or re.match(r"^\d{1,2}(:\d{2})?( ?[ap]m)?$", value))
        return bool(sample) and calendar >= 0.8 * len(sample)
    return True


def _agree(candidates: list[_Candidate], by_type: Mapping[str, NameHint]) -> _Candidate:
    """Pick the strongest; evidence of the same type from other sources raises confidence."""
    merged: dict[str, _Candidate] = {}
    for candidate in candidates:
        key = candidate.semantic_type
        if key not in merged:
            merged[key] = candidate
            continue
        kept = merged[key]
        stronger, weaker = (candidate, kept) if candidate.confidence > kept.confidence else (kept, candidate)
        stronger.evidence = stronger.evidence + [reason for reason in weaker.evidence if reason not in stronger.evidence]
        stronger.confidence = 1 - (1 - stronger.confidence) * (1 - 0.3 * weaker.confidence)
        stronger.details = {**weaker.details, **stronger.details}
        stronger.entities = stronger.entities or weaker.entities
        if stronger.share is None:
            stronger.share = weaker.share
        stronger.role = stronger.role or weaker.role
        merged[key] = stronger
    return max(merged.values(), key=lambda candidate: candidate.confidence)


# --------------------------------------------------------------------------------------------
# text columns


def _text_candidates(series: pl.Series, profile: ColumnProfile, by_type: Mapping[str, NameHint], context: _Context) -> list[_Candidate]:
    text = series.cast(pl.String).drop_nulls()
    text = text.filter(text.str.strip_chars() != "")
    if not text.len():
        return []
    values = [value for value in profile.sample if value and value.strip()]
    out: list[_Candidate] = []
    digest = _hash_candidate(text, values, profile, context)
    if digest:
        return [digest]
    if profile.granularity or profile.time_of_day:
        out += _date_candidates(profile, by_type, context, _years_from_text(values))
        if out and set(normalise_column_name(profile.name).split("_")) & _METADATA_TIME_TOKENS:
            out[-1].role = "other"
            out[-1].evidence.append("the column name says it records when the row was kept, not when something happened to someone")
        if out and out[-1].confidence >= 0.6:
            return out
    out += _pattern_candidates(text, values, profile, by_type)
    out += _value_set_candidates(text, profile, by_type)
    out += _name_candidates(values, profile, by_type)
    free = _free_text_candidate(text, values, profile, by_type, context)
    if free:
        out.append(free)
    elif not any(candidate.confidence >= 0.8 for candidate in out):
        # presidio is slow (~4 ms a value) and adds nothing to a column the validated patterns
        # already decided; it earns its time on the undecided ones
        out += _presidio_candidates(values, by_type, context, out)
    identifier = _id_candidate(values, profile, by_type)
    if identifier:
        out.append(identifier)
    return out


def _pattern_candidates(text: pl.Series, values: list[str], profile: ColumnProfile, by_type: Mapping[str, NameHint]) -> list[_Candidate]:
    from .pii.recognizers import value_patterns

    sample = values[:PATTERN_SAMPLE]
    if not sample:
        return []
    out = []
    seen_types: dict[str, _Candidate] = {}
    for pattern in value_patterns():
        hint = by_type.get(pattern.semantic_type)
        matched = [value for value in sample if pattern.python_anchored.match(value)]
        if len(matched) < MIN_SAMPLE_SHARE * len(sample):
            continue
        allowed = not pattern.needs_name or hint is not None
        plausible_zip = False
        if pattern.name == "us_zip" and not allowed:
            plausible_zip = allowed = _zip_distribution(text)
        if not allowed:
            continue
        checked = matched[:200]
        validity = sum(1 for value in checked if _valid(pattern.validator, value)) / len(checked)
        full = float(text.str.contains(pattern.anchored).mean())
        share = full * validity
        agrees = hint.score if hint else 0.0
        if share >= pattern.min_share and not pattern.needs_name:
            confidence = 0.5 + 0.4 * share * pattern.specificity + 0.1 * agrees
        elif plausible_zip and share >= 0.9:
            confidence = 0.6
        elif hint and share >= 0.3:
            confidence = 0.45 + 0.25 * share + 0.25 * agrees
        else:
            continue
        evidence = [f"{share:.0%} of rows match the {pattern.name} pattern (vectorised over {text.len():,} rows)"]
        if pattern.validator:
            evidence.append(f"{validity:.0%} of sampled matches pass the {pattern.validator} check")
        if plausible_zip:
            evidence.append("5-digit codes clustered on a few prefixes, as a city's ZIP codes are")
        candidate = _Candidate(pattern.semantic_type, confidence, evidence, share=share,
                               details={"pattern": pattern.name, "entity": pattern.entity})
        previous = seen_types.get(pattern.semantic_type)
        if previous is None or candidate.confidence > previous.confidence:
            seen_types[pattern.semantic_type] = candidate
    out.extend(seen_types.values())
    for candidate in out:
        if candidate.semantic_type == "coordinates":
            decimals = _text_decimals(values)
            if decimals is not None:
                candidate.details["precision_m"] = precision_metres(decimals)
        if candidate.semantic_type == "url":
            candidate.role = "other"
    return out


def _valid(validator: str | None, value: str) -> bool:
    from .pii.checksums import validate

    return validate(validator, value.strip())


def _zip_distribution(text: pl.Series) -> bool:
    """Without a name, a 5-digit column is a ZIP only if it is distributed like one: values repeat
    (many people per code) and most share a 3-digit prefix, as the ZIPs of one region do."""
    five = text.filter(text.str.contains(r"^\d{5}$"))
    if five.len() < 20:
        return False
    distinct = five.n_unique()
    if distinct < 3 or distinct > 0.2 * five.len():
        return False
    prefixes = five.str.slice(0, 3).value_counts(sort=True)
    return prefixes.item(0, "count") / five.len() >= 0.4


def _text_decimals(values: list[str]) -> int | None:
    found = [len(match) for value in values[:200] for match in re.findall(r"\.(\d+)", value)]
    if not found:
        return None
    found.sort()
    return found[len(found) // 2]


def _value_set_candidates(text: pl.Series, profile: ColumnProfile, by_type: Mapping[str, NameHint]) -> list[_Candidate]:
    from .pii.recognizers import value_sets

    out = []
    if profile.distinct > max(value_set.max_distinct for value_set in value_sets().values()):
        return out
    upper = text.str.strip_chars().str.to_uppercase()
    distinct = set(upper.unique().to_list())
    for semantic_type, value_set in value_sets().items():
        if len(distinct) > value_set.max_distinct:
            continue
        known = distinct & value_set.values
        if not known:
            continue
        hint = by_type.get(semantic_type)
        if known <= value_set.weak_values and not hint:
            continue
        if semantic_type == "sex" and any(len(v) == 1 and v not in value_set.values for v in distinct if v):
            continue  # {F, P} is full/part time: a one-letter code beside F that is no sex spelling codes something else
        share = float(upper.is_in(list(value_set.values)).mean())
        if share < value_set.min_share:
            continue
        confidence = 0.55 + 0.35 * share + (0.1 if hint else 0.0)
        out.append(_Candidate(semantic_type, confidence, [f"{share:.0%} of rows hold a known {semantic_type} value"], share=share))
    return out


_METADATA_TIME_TOKENS = frozenset({"updated", "update", "modified", "load", "loaded", "extract", "extracted", "refresh", "ingested", "etl"})


@lru_cache(maxsize=1)
def _non_person_name_tokens() -> frozenset[str]:
    """Tokens that, in a column name, say the names in it belong to things (vocabulary.yaml)."""
    document = load_yaml("vocabulary.yaml")
    exclude = set(document["types"]["person_name"].get("exclude") or ())
    # the name-part tokens are excluded there for another reason (first_name is not a full name)
    return frozenset(exclude - {"first", "given", "last", "sur", "family", "middle", "user", "account", "host"})


def _name_candidates(values: list[str], profile: ColumnProfile, by_type: Mapping[str, NameHint]) -> list[_Candidate]:
    from .pii.names import name_shares

    if profile.mean_words is not None and profile.mean_words > 6:
        return []
    shares = name_shares(values[:PATTERN_SAMPLE])
    if not shares.values:
        return []
    tokens = set(normalise_column_name(profile.name).split("_"))
    about_things = tokens & _non_person_name_tokens() and not ({"first_name", "last_name", "person_name"} & set(by_type))
    if about_things and shares.full < 0.3:
        # a pet's or a street's name is a given name or a surname often enough to fool the
        # lists; the column's name settles it unless the values are plainly people's names
        return []
    out = []
    person_hint = by_type.get("person_name")
    described = f"{shares.full:.0%} of sampled values are given name + surname (census lists)"
    persons = round(shares.full * shares.values)
    if person_hint:
        if shares.full >= 0.15:
            out.append(_Candidate("person_name", 0.6 + 0.35 * min(1.0, shares.full / 0.6), [described], share=shares.full))
        elif shares.full >= 0.02 and persons >= 5:
            # owners, applicants, licensees: mostly firms, but the individuals among them are named
            out.append(_Candidate("person_name", 0.8, [f"{described}: individuals named among businesses"], share=shares.full))
        elif shares.blocked >= 0.4:
            # "Name" of a business, a station or a property: the values say what the name does not
            out.append(_Candidate("category", 0.75, [f"{shares.blocked:.0%} of sampled values are business, street or place names"],
                                  share=shares.blocked, role="other"))
    elif shares.full >= 0.3 or (shares.full >= 0.2 and shares.blocked < 0.1):
        out.append(_Candidate("person_name", 0.5 + 0.4 * shares.full, [described], share=shares.full))
    first_hint, last_hint = by_type.get("first_name"), by_type.get("last_name")
    if first_hint and shares.given + shares.full >= 0.3:
        out.append(_Candidate("first_name", 0.7 + 0.2 * shares.given, [f"{shares.given:.0%} of sampled values are census given names"], share=shares.given))
    elif not first_hint and not person_hint and shares.given >= 0.6 and profile.distinct >= 30 and shares.blocked < 0.1:
        out.append(_Candidate("first_name", 0.5 + 0.3 * shares.given, [f"{shares.given:.0%} of sampled values are census given names"], share=shares.given))
    if last_hint and shares.surname + shares.given + shares.full >= 0.3:
        out.append(_Candidate("last_name", 0.7 + 0.2 * shares.surname, [f"{shares.surname:.0%} of sampled values are census surnames"], share=shares.surname))
    return out


def _free_text_candidate(text: pl.Series, values: list[str], profile: ColumnProfile, by_type: Mapping[str, NameHint], context: _Context) -> _Candidate | None:
    words = profile.mean_words or 0.0
    hinted = "free_text" in by_type
    if not (words >= 5 or (hinted and words >= 2.5)):
        return None
    # a column whose name says what the text is about (offence, health ...) keeps that meaning
    best = max(by_type.values(), key=lambda hint: hint.score, default=None)
    if best and best.semantic_type != "free_text" and best.score >= 0.9:
        return None
    from .pii.freetext import scan_free_text

    scan = scan_free_text(text, values[:400], nlp_model=context.nlp_model)
    evidence = [f"free text: {words:.1f} words per value on average"]
    if scan.entities:
        listed = ", ".join(f"{entity} in {rows:,} rows" for entity, rows in sorted(scan.entities.items(), key=lambda item: -item[1]))
        evidence.append(f"embedded personal data in {scan.share_affected:.1%} of rows: {listed}")
        if scan.estimated:
            evidence.append(f"estimated from a sample: {', '.join(scan.estimated)}")
    confidence = 0.55 + (0.2 if hinted else 0.0) + min(0.2, words / 100)
    return _Candidate("free_text", confidence, evidence, share=None, entities=dict(scan.entities),
                      details={"rows_with_entities": scan.rows_affected, "share_with_entities": round(scan.share_affected, 4)},
                      examples=scan.masked_examples, role="other")


def _presidio_candidates(values: list[str], by_type: Mapping[str, NameHint], context: _Context, found: list[_Candidate]) -> list[_Candidate]:
    """presidio on a few distinct values; only whole-value hits count."""
    sample = [value for value in values if len(value) <= 200][:PRESIDIO_SAMPLE]
    if len(sample) < 3:
        return []
    from .pii.engine import analyze_values
    from .pii.recognizers import presidio_config

    _, entity_types = presidio_config()
    counts: dict[str, int] = {}
    for hits in analyze_values(sample, nlp_model=context.nlp_model):
        whole = {hit.entity for hit in hits if hit.coverage >= 0.9}
        for entity in whole:
            counts[entity] = counts.get(entity, 0) + 1
    out = []
    found_types = {candidate.semantic_type for candidate in found}
    for entity, count in counts.items():
        share = count / len(sample)
        semantic_type = entity_types.get(entity)
        if not semantic_type or share < 0.5:
            continue
        reason = f"presidio: {entity} covers {count}/{len(sample)} sampled values"
        if semantic_type in found_types:
            out.append(_Candidate(semantic_type, 0.3 * share, [reason], share=None))
        elif entity in PRESIDIO_DECISIVE and (entity != "PERSON" or context.nlp_model):
            out.append(_Candidate(semantic_type, 0.45 + 0.35 * share, [reason], share=share))
    return out


_ID_TOKEN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_./#:-]{1,29}( [A-Za-z0-9_./#:-]{1,10})?$")


def _id_candidate(values: list[str], profile: ColumnProfile, by_type: Mapping[str, NameHint]) -> _Candidate | None:
    sample = values[:PATTERN_SAMPLE]
    if not sample:
        return None
    id_like = sum(1 for value in sample if _ID_TOKEN.match(value.strip()) and any(ch.isdigit() for ch in value)) / len(sample)
    if id_like < 0.9:
        return None
    hint = by_type.get("record_id") or by_type.get("license_number")
    if profile.uniqueness >= 0.5 and profile.distinct >= 20:
        confidence = 0.45 + 0.3 * profile.uniqueness + (0.15 if hint else 0.0)
        return _Candidate(hint.semantic_type if hint else "record_id", confidence,
                          [f"identifier-like codes, {profile.uniqueness:.0%} distinct per row"], share=id_like)
    return None


def _hash_candidate(text: pl.Series, values: list[str], profile: ColumnProfile, context: _Context) -> _Candidate | None:
    from .pii.hashes import digest_kind, reverse_hashes

    if not values or (profile.mean_words or 1) > 1.05:
        return None
    kind = digest_kind(values[:500])
    if not kind:
        return None
    algorithm, encoding = kind
    evidence = [f"{encoding} digests of {algorithm} length"]
    distinct = text.unique()
    reversal = reverse_hashes(distinct.to_list(), algorithm, encoding, deadline=context.hash_deadline)
    details = {"hash_reversal": reversal.to_details()}
    if reversal.recovered:
        evidence.append(f"unsalted: {reversal.recovered_share:.1%} of {reversal.distinct:,} distinct hashes recovered "
                        f"by hashing {details['hash_reversal']['space']}")
    elif not reversal.complete:
        evidence.append("hash reversal stopped at the time budget before every candidate space was searched")
    else:
        evidence.append("no hash recovered from the candidate spaces (salted or a large space)")
    return _Candidate("hash", 0.95, evidence, share=1.0, details=details, role="pseudonym")


# --------------------------------------------------------------------------------------------
# dates and ages


_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")


def _years_from_text(values: list[str]) -> list[int]:
    years = []
    for value in values[:1000]:
        match = _YEAR.search(value)
        if match:
            years.append(int(match.group(1)))
    return years


def _implied_ages(years: list[int], today: date) -> tuple[float, float] | None:
    """(median age, interquartile range) the years imply, if they read as birth years."""
    if len(years) < 20:
        return None
    ages = sorted(today.year - year for year in years)
    median = ages[len(ages) // 2]
    iqr = ages[(3 * len(ages)) // 4] - ages[len(ages) // 4]
    return float(median), float(iqr)


def _looks_like_birth(years: list[int], today: date) -> bool:
    implied = _implied_ages(years, today)
    if not implied:
        return False
    median, iqr = implied
    young = sum(1 for year in years if today.year - year < 14) / len(years)
    return 18 <= median <= 90 and iqr >= 10 and young <= 0.05


def _date_candidates(profile: ColumnProfile, by_type: Mapping[str, NameHint], context: _Context, years: list[int]) -> list[_Candidate]:
    if profile.time_of_day:
        return [_Candidate("time", 0.7, ["time-of-day values"], share=1.0, details={"granularity": "time"})]
    grain = profile.granularity
    details = {"granularity": grain}
    if "birth_date" in by_type or "birth_year" in by_type:
        semantic_type = "birth_year" if grain == "year" else "birth_date"
        return [_Candidate(semantic_type, 0.9, [f"column name says birth; values are dates to the {grain}"], share=1.0, details=details)]
    named_event = {"date", "datetime", "time"} & set(by_type)
    if not named_event and grain in ("day", "month", "year") and _looks_like_birth(years, context.today):
        median, iqr = _implied_ages(years, context.today)
        semantic_type = "birth_year" if grain == "year" else "birth_date"
        return [_Candidate(semantic_type, 0.65, [f"dates imply ages with median {median:.0f} and spread {iqr:.0f} years, as birth dates do"],
                           share=1.0, details=details)]
    semantic_type = "datetime" if grain in ("hour", "minute", "second") else "date"
    return [_Candidate(semantic_type, 0.7, [f"calendar values to the {grain}"], share=1.0, details=details)]


def _temporal_candidates(series: pl.Series, profile: ColumnProfile, by_type: Mapping[str, NameHint], context: _Context) -> list[_Candidate]:
    dtype = series.dtype
    if dtype == pl.Time:
        return [_Candidate("time", 0.7, ["time-of-day values"], share=1.0)]
    years = series.drop_nulls().dt.year().sample(n=min(1000, series.drop_nulls().len()), seed=0).to_list()
    grain = profile.granularity or ("day" if dtype == pl.Date else "second")
    profile_like = ColumnProfile(name=profile.name, dtype=profile.dtype, rows=profile.rows, nulls=profile.nulls,
                                 distinct=profile.distinct, top_share=profile.top_share, granularity=grain)
    return _date_candidates(profile_like, by_type, context, years)


# --------------------------------------------------------------------------------------------
# numeric columns


def _numeric_candidates(series: pl.Series, profile: ColumnProfile, by_type: Mapping[str, NameHint], context: _Context) -> list[_Candidate]:
    values = series.drop_nulls()
    if not values.len():
        return []
    low, high = profile.numeric_range or (float(values.min()), float(values.max()))
    is_float = series.dtype.is_float()
    integral = not is_float or bool((values == values.round(0)).all())
    out: list[_Candidate] = []
    coordinates = _coordinate_candidate(values, profile, by_type, low, high, is_float)
    if coordinates:
        return [coordinates]
    if integral:
        out += _integer_candidates(values, profile, by_type, context, low, high)
    return out


def _coordinate_candidate(values: pl.Series, profile: ColumnProfile, by_type: Mapping[str, NameHint], low: float, high: float, is_float: bool) -> _Candidate | None:
    hinted = next((by_type[kind] for kind in ("latitude", "longitude", "coordinates") if kind in by_type), None)
    decimals = profile.decimals
    precision = profile.precision_m if profile.precision_m is not None else precision_metres(decimals or 0)
    details = {"precision_m": precision, "decimals": decimals}
    if hinted:
        kind = hinted.semantic_type
        # a few garbage rows (0.0, 999) must not hide a column of real coordinates
        low, high = float(values.quantile(0.02)), float(values.quantile(0.98))
        if kind == "latitude" and -90 <= low and high <= 90 or kind == "longitude" and -180 <= low and high <= 180:
            return _Candidate(kind, 0.75 + 0.2 * hinted.score, [f"degrees with {decimals} decimals: about {precision} m on the ground"],
                              share=1.0, details=details)
        if max(abs(low), abs(high)) >= 1000 and not (hinted.term in {"x", "y"} and not is_float and high - low < 1000):
            # state-plane or UTM coordinates: a metre or a foot per unit
            details = {"precision_m": 1.0 if not is_float else round(10 ** -(decimals or 0), 3), "projected": True}
            return _Candidate("coordinates", 0.7 + 0.2 * hinted.score, ["projected coordinates (values in feet or metres)"], share=1.0, details=details)
        return None
    # no name: a float column of many decimals confined to a city-sized box of degrees
    span = high - low
    if is_float and (decimals or 0) >= 4 and 0 < span <= 3 and 1 <= abs((low + high) / 2) <= 180 and profile.distinct >= 20:
        kind = "latitude" if -90 <= low and high <= 90 and abs(low) < 90 else "longitude"
        return _Candidate("coordinates", 0.55, [f"{decimals}-decimal degrees within a {span:.2f}° box, as a city's coordinates are"],
                          share=1.0, details={**details, "axis_guess": kind})
    return None


def _integer_candidates(values: pl.Series, profile: ColumnProfile, by_type: Mapping[str, NameHint], context: _Context, low: float, high: float) -> list[_Candidate]:
    out = []
    today = context.today
    if "postal_code" in by_type and 0 <= low and high <= 99999:
        five = float(((values >= 501) & (values <= 99950)).mean())
        out.append(_Candidate("postal_code", 0.7 + 0.25 * five, [f"{five:.0%} of values are valid 5-digit ZIP numbers (leading zeros lost)"], share=five))
    elif not by_type and 10000 <= low and high <= 99999:
        text = values.cast(pl.String)
        if _zip_distribution(text):
            out.append(_Candidate("postal_code", 0.6, ["5-digit codes clustered on a few prefixes, as a city's ZIP codes are"], share=1.0))
    if "phone" in by_type and 10 ** 9 <= low and high < 10 ** 13:
        out.append(_Candidate("phone", 0.8, ["10 to 13-digit numbers under a phone column name"], share=1.0))
    if ("age" in by_type) and 0 <= low and high <= 120:
        out.append(_Candidate("age", 0.9, ["whole years between 0 and 120 under an age column name"], share=1.0))
    if 1870 <= low and high <= today.year:
        years = values.sample(n=min(1000, values.len()), seed=0).cast(pl.Int64).to_list()
        if "birth_year" in by_type or "birth_date" in by_type:
            out.append(_Candidate("birth_year", 0.9, ["years under a birth column name"], share=1.0, details={"granularity": "year"}))
        elif not by_type and _looks_like_birth(years, today):
            median, iqr = _implied_ages(years, today)
            out.append(_Candidate("birth_year", 0.6, [f"years imply ages with median {median:.0f} and spread {iqr:.0f}, as birth years do"],
                                  share=1.0, details={"granularity": "year"}))
        elif "date" in by_type or not by_type:
            out.append(_Candidate("date", 0.55, ["calendar years"], share=1.0, details={"granularity": "year"}))
    id_hint = by_type.get("record_id") or by_type.get("license_number")
    if profile.uniqueness >= 0.95 and profile.distinct >= 100:
        sequential = high - low + 1 == profile.distinct
        if sequential and not by_type.get("license_number"):
            out.append(_Candidate("record_id", 0.55 + (0.2 if id_hint else 0.0), ["consecutive integers: a row number"], share=1.0, role="other"))
        elif id_hint or not by_type:
            out.append(_Candidate(id_hint.semantic_type if id_hint else "record_id", 0.5 + 0.3 * profile.uniqueness + (0.15 if id_hint else 0.0),
                                  [f"integers, {profile.uniqueness:.0%} distinct per row: an identifier"], share=1.0))
    return out


# --------------------------------------------------------------------------------------------
# across columns


_HOUSE_NUMBER_TOKENS = frozenset("number no num nr nbr numero nummer hausnummer huisnummer".split())
_STREET_TOKENS = frozenset("street st house building civic address addr rue strasse calle via straat rua".split())


def _split_addresses(chosen: dict[str, tuple[_Candidate, ColumnProfile]], kinds: dict[str, str]) -> None:
    """A house number in one column and its street in another spell an address together.

    Whose address it is the columns do not say (a home, a shop, a work site), so both stay
    quasi-identifiers of the street kind, marked as parts of one address: rule QI206 reports it.
    """
    def tokens(name: str) -> set[str]:
        return set(normalise_column_name(name).split("_"))

    streets = [name for name, kind in kinds.items() if kind == "street"]
    # Whatever its values looked like (a unique number reads as an ID), "street number" says what it is.
    numbers = [name for name in kinds if (tokens(name) & _HOUSE_NUMBER_TOKENS and tokens(name) & _STREET_TOKENS)
               or tokens(name) & {"hausnummer", "huisnummer", "housenumber"}
               or (name in streets and chosen[name][1].is_numeric)]
    names = [name for name in streets if name not in numbers]
    if not numbers or not names:
        return
    for name in numbers + names:
        candidate = chosen[name][0]
        partner = names[0] if name in numbers else numbers[0]
        candidate.evidence.append(f"with column '{partner}' it spells a street address")
        candidate.role = "quasi_identifier"
        candidate.semantic_type = "street"
        candidate.details["address_part_of"] = sorted(numbers + names)


def _cross_column(chosen: dict[str, tuple[_Candidate, ColumnProfile]]) -> None:
    """Facts one column cannot know alone: name parts, coordinate pairs."""
    kinds = {name: candidate.semantic_type for name, (candidate, _) in chosen.items()}
    firsts = [name for name, kind in kinds.items() if kind == "first_name"]
    lasts = [name for name, kind in kinds.items() if kind == "last_name"]
    if firsts and lasts:
        for name in firsts + lasts:
            candidate = chosen[name][0]
            partner = lasts[0] if name in firsts else firsts[0]
            candidate.evidence.append(f"with column '{partner}' it spells a full name")
            candidate.role = "direct_identifier"
            candidate.details["name_part_of"] = sorted(firsts + lasts)
    _split_addresses(chosen, kinds)
    coordinates = [name for name, kind in kinds.items() if kind in ("latitude", "longitude", "coordinates")]
    if len(coordinates) >= 2:
        for name in coordinates:
            chosen[name][0].details.setdefault("paired_with", [other for other in coordinates if other != name][:3])
