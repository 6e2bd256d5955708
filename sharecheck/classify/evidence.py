"""What each recogniser sees in one column: hit rates and flags, never a decision.

Sources, each reported as `TypeEvidence` (a semantic type, how strongly the values support it,
the reasons in words, the details detectors read):

- value patterns of rules/recognizers.yaml, tried on the profile's distinct sample and then
  counted with one vectorised polars regex over the whole column (`share` is a share of rows);
- checksums (python-stdnum) on the sampled matches; `validated` says the check digits hold;
- census name lists (pii/names.py), closed value sets (sex, race ...), digests and their
  reversal (pii/hashes.py);
- dates and the ages they imply, coordinates and numeric ranges (dates_numbers.py);
- presidio on a bounded sample of distinct values, whole-value hits only, run only on columns
  no validated pattern explains (it is slow and adds nothing there).

`decides` marks evidence its recogniser declares sufficient alone (min_share reached, no name
needed); the model (model.py) weighs it, and policy.py keeps only checksum facts as rules.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Mapping

import polars as pl

from .._resources import load_yaml
from ..naming import NameHint, normalise_column_name
from ..profile import ColumnProfile, precision_metres
from .words import words


@dataclass
class TypeEvidence:
    semantic_type: str
    source: str  # pattern | set | names | presidio | date | numeric | coordinates | id | hash | free_text
    strength: float  # 0..1: hit rate or share that supports the type
    reasons: list[str]
    share: float | None = None
    details: dict = field(default_factory=dict)
    decides: bool = False  # the recogniser's own rule says the values alone suffice
    validated: bool = False  # check digits hold on nearly all sampled matches
    fact: bool = False  # the values prove the type (checksums, a specific shape, digests): policy.py keeps it
    entities: dict = field(default_factory=dict)
    examples: tuple[str, ...] = ()


@dataclass
class ColumnEvidence:
    name: str
    profile: ColumnProfile
    hints: tuple[NameHint, ...]
    head: dict[str, bool]  # semantic type -> the hint's term is the name's head noun
    fits: dict[str, bool]  # semantic type -> the values fit what the name promises
    items: list[TypeEvidence] = field(default_factory=list)
    facts: dict[str, float] = field(default_factory=dict)  # column-level hit rates and flags

    def best(self, semantic_type: str) -> TypeEvidence | None:
        found = [item for item in self.items if item.semantic_type == semantic_type]
        return max(found, key=lambda item: item.strength) if found else None


@dataclass
class Context:
    nlp_model: str | None
    hash_deadline: float
    today: date


def column_evidence(series: pl.Series, profile: ColumnProfile, context: Context, hints: tuple[NameHint, ...]) -> ColumnEvidence:
    """`hints`: what the name says read beside the table's other names (naming.table_name_hints)."""
    evidence = ColumnEvidence(profile.name, profile, hints,
                              head={hint.semantic_type: hint_is_head(hint, profile.name) for hint in hints},
                              fits={hint.semantic_type: hint_fits_values(hint, profile) for hint in hints})
    if profile.non_null == 0:
        evidence.facts["empty"] = 1.0
        return evidence
    by_type = {hint.semantic_type: hint for hint in hints}
    from .dates_numbers import date_evidence, numeric_evidence, temporal_evidence

    dtype = series.dtype
    if dtype == pl.String or dtype == pl.Categorical:
        _text_evidence(series, evidence, by_type, context)
    elif dtype.is_numeric() and profile.granularity not in (None, "year"):
        # epoch seconds or Excel days under a name that says time (sharecheck.temporal)
        evidence.items += date_evidence(profile, by_type, context, [])
    elif dtype.is_numeric():
        numeric_evidence(series, evidence, by_type, context)
    elif dtype.is_temporal():
        temporal_evidence(series, evidence, by_type, context)
    return evidence


def hint_is_head(hint: NameHint, column: str) -> bool:
    """Whether the matched term is the name's head noun. In `lobbyist_email` the column is an
    e-mail, not a lobbyist; a term buried before the head only corroborates value evidence."""
    if hint.exact:
        return True
    vocabulary = words()
    tokens = normalise_column_name(column).split("_")
    term = normalise_column_name(hint.term).split("_")
    for preposition in sorted(vocabulary.prepositions):
        if preposition in tokens[1:] and preposition not in term:
            tokens = tokens[: tokens.index(preposition, 1)]
            break
    while True:
        tail = tokens[-len(term):]
        if len(tokens) >= len(term) and (tail == term or (tail[:-1] == term[:-1] and tail[-1].startswith(term[-1]))):
            return True
        if len(tokens) <= 1 or tokens[-1] not in vocabulary.qualifiers:
            return False
        tokens = tokens[:-1]


def hint_fits_values(hint: NameHint, profile: ColumnProfile) -> bool:
    """`trip_time_in_secs` and `Full or Part-Time` are not times, an `age` of 4,000 is no age."""
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
        calendar = sum(1 for value in sample if value in words().calendar or re.match(r"^\d{1,2}(:\d{2})?( ?[ap]m)?$", value))
        return bool(sample) and calendar >= 0.8 * len(sample)
    return True


# --------------------------------------------------------------------------------------------
# text columns


def _text_evidence(series: pl.Series, out: ColumnEvidence, by_type: Mapping[str, NameHint], context: Context) -> None:
    profile = out.profile
    text = series.cast(pl.String).drop_nulls()
    text = text.filter(text.str.strip_chars() != "")
    if not text.len():
        return
    values = [value for value in profile.sample if value and value.strip()]
    if _hash_evidence(text, values, out, context):
        return
    if profile.granularity or profile.time_of_day:
        from .dates_numbers import date_evidence, years_from_text

        out.items += date_evidence(profile, by_type, context, years_from_text(values))
        return  # dates need no pattern or presidio run
    _pattern_evidence(text, values, out, by_type)
    _value_set_evidence(text, out, by_type)
    _name_evidence(values, out, by_type)
    free = _free_text_evidence(text, values, out, by_type, context)
    if not free and not any(item.decides and item.strength >= 0.8 for item in out.items):
        _presidio_evidence(values, out, context)
    _id_evidence(values, out, by_type)


def _pattern_evidence(text: pl.Series, values: list[str], out: ColumnEvidence, by_type: Mapping[str, NameHint]) -> None:
    from ..pii.recognizers import value_patterns

    limits = words().thresholds
    sample = values[: int(limits["pattern_sample"])]
    if not sample:
        return
    best: dict[str, TypeEvidence] = {}
    for pattern in value_patterns():
        matched = [value for value in sample if pattern.python_anchored.match(value)]
        if len(matched) < limits["min_sample_share"] * len(sample):
            continue
        needs_name = pattern.needs_name and pattern.semantic_type not in by_type
        plausible_zip = pattern.name == "us_zip" and needs_name and zip_distribution(text)
        checked = matched[:200]
        validity = sum(1 for value in checked if _valid(pattern.validator, value)) / len(checked)
        share = float(text.str.contains(pattern.anchored).mean()) * validity
        reasons = [f"{share:.0%} of rows match the {pattern.name} pattern (vectorised over {text.len():,} rows)"]
        if pattern.validator:
            reasons.append(f"{validity:.0%} of sampled matches pass the {pattern.validator} check")
        if plausible_zip:
            reasons.append("5-digit codes clustered on a few prefixes, as a city's ZIP codes are")
        item = TypeEvidence(pattern.semantic_type, "pattern", share * (0.5 + 0.5 * pattern.specificity), reasons, share=share,
                            details={"pattern": pattern.name, "entity": pattern.entity},
                            decides=(share >= pattern.min_share and not needs_name) or (plausible_zip and share >= 0.9),
                            validated=bool(pattern.validator) and validity >= 0.9)
        # a shape nothing else has (specificity >= 0.85, rules/recognizers.yaml) over nearly every row
        item.fact = item.decides and share >= 0.9 and (pattern.specificity >= 0.85 or item.validated and pattern.specificity >= 0.7)
        if pattern.semantic_type == "coordinates":
            decimals = _text_decimals(values)
            if decimals is not None:
                item.details["precision_m"] = precision_metres(decimals)
        previous = best.get(pattern.semantic_type)
        if previous is None or item.strength > previous.strength:
            best[pattern.semantic_type] = item
    out.items += best.values()


def _valid(validator: str | None, value: str) -> bool:
    from ..pii.checksums import validate

    return validate(validator, value.strip())


def zip_distribution(text: pl.Series) -> bool:
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
    found = sorted(len(match) for value in values[:200] for match in re.findall(r"\.(\d+)", value))
    return found[len(found) // 2] if found else None


def _value_set_evidence(text: pl.Series, out: ColumnEvidence, by_type: Mapping[str, NameHint]) -> None:
    from ..pii.recognizers import value_sets

    if out.profile.distinct > max(value_set.max_distinct for value_set in value_sets().values()):
        return
    upper = text.str.strip_chars().str.to_uppercase()
    distinct = set(upper.unique().to_list())
    for semantic_type, value_set in value_sets().items():
        if len(distinct) > value_set.max_distinct:
            continue
        known = distinct & value_set.values
        if not known:
            continue
        if semantic_type == "sex" and any(len(v) == 1 and v not in value_set.values for v in distinct if v):
            continue  # {F, P} is full/part time: a one-letter code beside F that is no sex spelling codes something else
        share = float(upper.is_in(list(value_set.values)).mean())
        weak = known <= value_set.weak_values and semantic_type not in by_type
        out.items.append(TypeEvidence(semantic_type, "set", share * (0.5 if weak else 1.0),
                                      [f"{share:.0%} of rows hold a known {semantic_type} value"
                                       + (" (values such as 0/1 that need a name)" if weak else "")],
                                      share=share, decides=share >= value_set.min_share and not weak))


def _name_evidence(values: list[str], out: ColumnEvidence, by_type: Mapping[str, NameHint]) -> None:
    from ..pii.names import name_shares

    profile = out.profile
    if profile.mean_words is not None and profile.mean_words > 6:
        return
    shares = name_shares(values[: int(words().thresholds["pattern_sample"])])
    if not shares.values:
        return
    out.facts.update(names_full=shares.full, names_given=shares.given, names_surname=shares.surname,
                     names_blocked=shares.blocked)
    person_hinted = bool({"first_name", "last_name", "person_name"} & set(by_type))
    tokens = set(normalise_column_name(profile.name).split("_"))
    if tokens & _non_person_name_tokens() and not person_hinted and shares.full < 0.3:
        # a pet's or a street's name is a given name or a surname often enough to fool the
        # lists; the column's name settles it unless the values are plainly people's names
        out.facts["names_of_things"] = 1.0
        return
    if person_hinted and shares.blocked >= 0.4 and shares.full < 0.15:
        # "Name" of a business, a station or a property: the values say what the name does not
        out.items.append(TypeEvidence("category", "names", shares.blocked,
                                      [f"{shares.blocked:.0%} of sampled values are business, street or place names"],
                                      share=shares.blocked, decides=True, fact=True))
        return
    described = f"{shares.full:.0%} of sampled values are given name + surname (census lists)"
    if shares.full >= 0.02:
        out.items.append(TypeEvidence("person_name", "names", shares.full, [described], share=shares.full,
                                      decides=shares.full >= 0.3 or (shares.full >= 0.2 and shares.blocked < 0.1)))
    if shares.given + shares.full >= 0.3:
        out.items.append(TypeEvidence("first_name", "names", shares.given, [f"{shares.given:.0%} of sampled values are census given names"],
                                      share=shares.given, decides=shares.given >= 0.6 and profile.distinct >= 30 and shares.blocked < 0.1))
    if shares.surname + shares.given + shares.full >= 0.3:
        out.items.append(TypeEvidence("last_name", "names", shares.surname, [f"{shares.surname:.0%} of sampled values are census surnames"],
                                      share=shares.surname))


@lru_cache(maxsize=1)
def _non_person_name_tokens() -> frozenset[str]:
    """Tokens that, in a column name, say the names in it belong to things (vocabulary.yaml)."""
    exclude = set(load_yaml("vocabulary.yaml")["types"]["person_name"].get("exclude") or ())
    return frozenset(exclude - words().name_part_tokens)


def _free_text_evidence(text: pl.Series, values: list[str], out: ColumnEvidence, by_type: Mapping[str, NameHint], context: Context) -> bool:
    profile = out.profile
    mean_words = profile.mean_words or 0.0
    hinted = "free_text" in by_type
    if not (mean_words >= 5 or (hinted and mean_words >= 2.5)):
        return False
    # a column whose name says what the text is about (offence, health ...) keeps that meaning
    best = max(by_type.values(), key=lambda hint: hint.score, default=None)
    if best and best.semantic_type != "free_text" and best.score >= 0.9:
        return False
    from ..pii.freetext import scan_free_text

    scan = scan_free_text(text, values[:400], nlp_model=context.nlp_model)
    reasons = [f"free text: {mean_words:.1f} words per value on average"]
    if scan.entities:
        listed = ", ".join(f"{entity} in {rows:,} rows" for entity, rows in sorted(scan.entities.items(), key=lambda item: -item[1]))
        reasons.append(f"embedded personal data in {scan.share_affected:.1%} of rows: {listed}")
        if scan.estimated:
            reasons.append(f"estimated from a sample: {', '.join(scan.estimated)}")
    out.facts["free_text_entities"] = scan.share_affected
    out.items.append(TypeEvidence("free_text", "free_text", min(1.0, mean_words / 10), reasons, entities=dict(scan.entities),
                                  details={"rows_with_entities": scan.rows_affected, "share_with_entities": round(scan.share_affected, 4)},
                                  examples=scan.masked_examples, decides=mean_words >= 5))
    return True


def _presidio_evidence(values: list[str], out: ColumnEvidence, context: Context) -> None:
    """presidio on a few distinct values; only whole-value hits count."""
    vocabulary = words()
    sample = [value for value in values if len(value) <= 200][: int(vocabulary.thresholds["presidio_sample"])]
    if len(sample) < 3:
        return
    from ..pii.presidio_gate import presidio_can_matter

    if not presidio_can_matter(sample, (item.semantic_type for item in out.items), context.nlp_model):
        return
    from ..pii.engine import analyze_values
    from ..pii.recognizers import presidio_config

    _, entity_types = presidio_config()
    counts: dict[str, int] = {}
    for index, value in enumerate(sample):
        for entity in {hit.entity for hit in analyze_values((value,), nlp_model=context.nlp_model)[0] if hit.coverage >= 0.9}:
            counts[entity] = counts.get(entity, 0) + 1
        # Only an entity on half the sample or more is evidence: once none can get there with the
        # values left, the rest cannot change the answer (most text columns stop after 9 of 16).
        best = max((count for entity, count in counts.items() if entity in entity_types), default=0)
        if 2 * (best + len(sample) - index - 1) < len(sample):
            break
    for entity, count in counts.items():
        share = count / len(sample)
        semantic_type = entity_types.get(entity)
        if not semantic_type or share < 0.5:
            continue
        decisive = entity in vocabulary.presidio_decisive and (entity != "PERSON" or bool(context.nlp_model))
        out.items.append(TypeEvidence(semantic_type, "presidio", share * (1.0 if decisive else 0.5),
                                      [f"presidio: {entity} covers {count}/{len(sample)} sampled values"],
                                      share=share if decisive else None, decides=decisive))


_ID_TOKEN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_./#:-]{1,29}( [A-Za-z0-9_./#:-]{1,10})?$")


def _id_evidence(values: list[str], out: ColumnEvidence, by_type: Mapping[str, NameHint]) -> None:
    profile = out.profile
    sample = values[: int(words().thresholds["pattern_sample"])]
    if not sample:
        return
    id_like = sum(1 for value in sample if _ID_TOKEN.match(value.strip()) and any(ch.isdigit() for ch in value)) / len(sample)
    out.facts["id_like"] = id_like
    if id_like >= 0.9 and profile.distinct >= 20:
        kind = "license_number" if "license_number" in by_type else "record_id"
        out.items.append(TypeEvidence(kind, "id", profile.uniqueness, [f"identifier-like codes, {profile.uniqueness:.0%} distinct per row"],
                                      share=id_like, decides=profile.uniqueness >= 0.5))


def _hash_evidence(text: pl.Series, values: list[str], out: ColumnEvidence, context: Context) -> bool:
    from ..pii.hashes import digest_kind, reverse_hashes

    if not values or (out.profile.mean_words or 1) > 1.05:
        return False
    kind = digest_kind(values[:500])
    if not kind:
        return False
    algorithm, encoding = kind
    reasons = [f"{encoding} digests of {algorithm} length"]
    reversal = reverse_hashes(text.unique().to_list(), algorithm, encoding, deadline=context.hash_deadline)
    details = {"hash_reversal": reversal.to_details()}
    if reversal.recovered:
        reasons.append(f"unsalted: {reversal.recovered_share:.1%} of {reversal.distinct:,} distinct hashes recovered "
                       f"by hashing {details['hash_reversal']['space']}")
    elif not reversal.complete:
        reasons.append("hash reversal stopped at the time budget before every candidate space was searched")
    else:
        reasons.append("no hash recovered from the candidate spaces (salted or a large space)")
    out.facts.update(digest=1.0, hash_reversed=reversal.recovered_share)
    out.items.append(TypeEvidence("hash", "hash", 1.0, reasons, share=1.0, details=details, decides=True, fact=True))
    return True
