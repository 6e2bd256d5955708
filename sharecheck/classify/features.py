"""One feature vector per column (role model) and one per column and candidate type (type model).

Features are numbers in about [0, 1], named, so that the shipped model (rules/role_model.json)
lists the features it was fitted on and the loader can refuse a model built for other ones:

- header: tokens split on case, digits and separators (`nameFirst` -> name, first); vocabulary
  hits (naming.py) aggregated by the role of the type they point to, as head noun or buried;
  words of rules/classifier.yaml (person-id words, record-id words, bookkeeping times);
- values: dtype, cardinality, uniqueness, entropy, lengths, shapes, null share, numeric range
  facts, date granularity, and every recogniser's hit rate (evidence.py) by the role it implies;
- context: what the other headers of the table point to (a first name beside a last name,
  person attributes elsewhere), so that a column is read as part of its table.

Everything is computed from the profile, the evidence and one bounded sample per column:
no per-row Python loop.
"""
from __future__ import annotations

import math
import re
from functools import lru_cache

import polars as pl

from ..naming import normalise_column_name
from ..profile import ColumnProfile
from .evidence import ColumnEvidence
from .words import words

ROLE_NAMES = ("direct_identifier", "quasi_identifier", "sensitive", "pseudonym", "other")
GRAINS = ("year", "month", "day", "hour", "minute", "second")
SOURCES = ("pattern", "set", "names", "presidio", "date", "numeric", "coordinates", "id", "hash", "free_text")
# Types a column can be without any recogniser or name pointing at it: the type model scores
# them from the column's plain statistics.
GENERIC_TYPES = ("category", "measure", "unknown", "record_id", "count", "date", "datetime", "free_text")
GENERIC_STATS = ("dtype_text", "dtype_int", "dtype_float", "dtype_temporal", "uniqueness", "log_distinct", "mean_words",
                 "integral", "sequential", "any_name", "any_value", "top_share", "id_like", "has_grain", "range_year",
                 "entropy_norm")


def header_tokens(name: str) -> list[str]:
    """`nameFirst` -> [name, first]; `address2` -> [address, 2]; `Zip+4` -> [zip, 4]."""
    return re.findall(r"[a-z]+|\d+", normalise_column_name(name))


@lru_cache(maxsize=1)
def _roles_of_types() -> dict[str, tuple[str, str]]:
    from . import semantic_types

    return {name: (entry.get("role", "other"), entry.get("about", "record")) for name, entry in semantic_types().items()}


def _entropy(series: pl.Series, rows: int) -> tuple[float, float]:
    """(entropy in bits / 16, entropy / log2(distinct)) over a bounded sample of rows."""
    present = series.drop_nulls()
    if present.len() > rows:
        present = present.sample(n=rows, seed=0)
    if present.len() < 2:
        return 0.0, 0.0
    if isinstance(present.dtype, (pl.List, pl.Struct, pl.Array, pl.Object)):
        present = present.cast(pl.String, strict=False).drop_nulls()
    # sorted: value_counts' order varies between runs, and so would the float sum's last bit
    counts = present.value_counts(name="_n").get_column("_n").cast(pl.Float64).sort()
    shares = counts / counts.sum()
    bits = float(-(shares * shares.log(2)).sum())
    distinct = counts.len()
    return min(1.0, bits / 16), (bits / math.log2(distinct) if distinct > 1 else 0.0)


def column_features(series: pl.Series, evidence: ColumnEvidence) -> dict[str, float]:
    profile: ColumnProfile = evidence.profile
    facts = evidence.facts
    vocabulary = words()
    dtype = series.dtype
    f: dict[str, float] = {
        "dtype_text": float(profile.is_text), "dtype_int": float(dtype.is_integer()), "dtype_float": float(dtype.is_float()),
        "dtype_bool": float(dtype == pl.Boolean), "dtype_temporal": float(dtype.is_temporal()),
        "null_share": profile.null_share, "uniqueness": profile.uniqueness, "top_share": profile.top_share,
        "log_distinct": min(1.0, math.log10(profile.distinct + 1) / 6), "log_rows": min(1.0, math.log10(profile.rows + 1) / 7),
        "few_distinct": float(profile.distinct <= 10), "binary": float(profile.distinct == 2),
        "mean_length": min(1.0, (profile.mean_length or 0) / 50), "mean_words": min(1.0, (profile.mean_words or 0) / 10),
        "decimals": min(1.0, (profile.decimals or 0) / 10),
        "empty": facts.get("empty", 0.0),
    }
    f["entropy_bits"], f["entropy_norm"] = _entropy(series, int(vocabulary.thresholds["entropy_sample"])) if profile.non_null else (0.0, 0.0)
    shapes = profile.shapes
    f["shape_top"] = shapes[0][1] if shapes else 0.0
    f["shape_digits"] = sum(share for shape, share in shapes if shape and set(shape) <= set("9.,-+ ")) if shapes else 0.0
    f["shape_letters"] = sum(share for shape, share in shapes if re.search(r"[Aa]", shape)) if shapes else 0.0
    f["shape_mixed"] = sum(share for shape, share in shapes if re.search(r"[Aa]", shape) and "9" in shape) if shapes else 0.0
    low, high = profile.numeric_range or (0.0, 0.0)
    integral = facts.get("integral", 0.0)
    f.update(integral=integral, sequential=facts.get("sequential", 0.0), negative=float(profile.numeric_range is not None and low < 0),
             range_age=float(bool(profile.numeric_range) and integral and 0 <= low and high <= 120 and high >= 15),
             range_year=float(bool(profile.numeric_range) and integral and 1870 <= low and high <= 2100),
             range_small=float(bool(profile.numeric_range) and integral and high - low <= 12),
             range_lat=float(bool(profile.numeric_range) and not integral and -90 <= low and high <= 90),
             range_big=float(bool(profile.numeric_range) and max(abs(low), abs(high)) >= 10 ** 6))
    for grain in GRAINS:
        f[f"grain_{grain}"] = float(profile.granularity == grain)
    f["time_of_day"] = float(profile.time_of_day)
    f["has_grain"] = float(bool(profile.granularity or profile.time_of_day))
    # no feature reads how much of a digest column was reversed: that depends on the hashing
    # time budget and the machine's load, and a refit must give the same model (policy.py
    # makes every digest a pseudonym whatever was recovered)
    for key in ("digest", "id_like", "names_full", "names_given", "names_surname", "names_blocked", "free_text_entities"):
        f[key] = float(facts.get(key, 0.0))
    # name hints, by the role and the subject of the type they point to
    roles = _roles_of_types()
    for role in ROLE_NAMES:
        f[f"name_{role}"] = f[f"name_buried_{role}"] = f[f"value_{role}"] = f[f"value_weak_{role}"] = 0.0
    f["name_person"] = f["value_person"] = 0.0
    for hint in evidence.hints:
        role, about = roles.get(hint.semantic_type, ("other", "record"))
        if evidence.head.get(hint.semantic_type) and evidence.fits.get(hint.semantic_type, True):
            f[f"name_{role}"] = max(f[f"name_{role}"], hint.score)
            if about == "person":
                f["name_person"] = max(f["name_person"], hint.score)
        else:
            f[f"name_buried_{role}"] = max(f[f"name_buried_{role}"], hint.score)
    f["name_exact"] = float(any(hint.exact for hint in evidence.hints))
    f["any_name"] = float(bool(evidence.hints))
    for item in evidence.items:
        role, about = roles.get(item.semantic_type, ("other", "record"))
        key = f"value_{role}" if item.decides else f"value_weak_{role}"
        f[key] = max(f[key], item.strength)
        if about == "person" and item.decides:
            f["value_person"] = max(f["value_person"], item.strength)
    f["value_validated"] = float(any(item.validated and item.decides for item in evidence.items))
    f["any_value"] = float(any(item.decides for item in evidence.items))
    tokens = set(header_tokens(profile.name))
    f.update(word_person_id=float(bool(tokens & vocabulary.person_id)), word_record_id=float(bool(tokens & vocabulary.record_id)),
             word_metadata_time=float(bool(tokens & vocabulary.metadata_time)), n_tokens=min(1.0, len(tokens) / 5),
             has_digit_token=float(any(token.isdigit() for token in tokens)),
             word_clinical=float(bool(tokens & vocabulary.clinical)), word_assessment=float(bool(tokens & vocabulary.assessment)))
    identifier = max(f["value_pseudonym"], f["value_weak_pseudonym"], f["name_pseudonym"])
    f["id_x_person_word"] = identifier * f["word_person_id"]
    f["id_x_record_word"] = identifier * f["word_record_id"]
    f["contact_x_repeats"] = f["value_direct_identifier"] * (1.0 - profile.uniqueness)
    return f


def add_context(features: dict[str, dict[str, float]], evidence: dict[str, ColumnEvidence]) -> None:
    """What the other columns of the table say, added to each column's features in place."""
    names = list(features)
    top_types = {name: {hint.semantic_type for hint in evidence[name].hints[:2]} for name in names}
    first = [name for name in names if "first_name" in top_types[name]]
    last = [name for name in names if "last_name" in top_types[name]]
    width = len(names)
    totals = {key: sum(features[name][key] > 0.5 for name in names)
              for key in ("name_person", "value_person", "name_direct_identifier", "name_sensitive", "names_full")}
    for name in names:
        own = features[name]
        others = max(1, width - 1)
        own["ctx_width"] = min(1.0, math.log10(width + 1) / 2)
        for key, total in totals.items():
            own[f"ctx_{key}"] = (total - (own[key] > 0.5)) / others
        own["ctx_first_last"] = float(bool(first) and bool(last) and (name in first or name in last))
        own["ctx_name_beside"] = float(any(other != name for other in first + last))
        own["ctx_single_row_per_value"] = float(own["uniqueness"] >= 0.99 and own["ctx_value_person"] > 0)
    # Each column's share of the OTHER columns passing a test is the table's count less its own:
    # counted once per table, not once per column (a 20,000-column file took minutes).
    counts = {key: sum(test(features[name]) for name in names) for key, test in _CONTEXT_TESTS.items()}
    for name in names:
        own = features[name]
        shares = {key: (counts[key] - test(own)) / (width - 1) if width > 1 else 0.0
                  for key, test in _CONTEXT_TESTS.items()}
        _table_context(own, shares)


# What the other columns of a table are: the tests whose shares _table_context reads.
_CONTEXT_TESTS = {
    "person": lambda row: max(row["name_person"], row["value_person"]) > 0.5,
    "person_words": lambda row: row["word_person_id"] > 0,
    "record_words": lambda row: row["word_record_id"] > 0,
    "numeric": lambda row: row["dtype_int"] + row["dtype_float"] > 0,
    "clinical": lambda row: row["word_clinical"] + row["name_sensitive"] > 0,
}


def _table_context(own: dict[str, float], shares: dict[str, float]) -> None:
    """What the table as a whole is about, and this column's statistics read in that light.

    The same column means different things in different tables: a measurement beside an age
    and a sex is a person's (health, pay, a score: sensitive), the same measurement in a table
    of cars or areas describes a thing. A linear model cannot multiply two features itself, so
    the products are features too. Identifiers, places and times get no "nobody in the table"
    product: an event log of times and coordinates holds no age or sex and still reaches people;
    whose an address or a ZIP is stays the subject step's call (sharecheck/subject.py).
    """
    person = shares["person"]
    own["ctx_person_share"] = person
    own["ctx_any_person"] = anyone = float(person > 0)
    own["ctx_person_words"] = shares["person_words"]
    own["ctx_record_words"] = shares["record_words"]
    own["ctx_numeric"] = shares["numeric"]
    own["ctx_clinical"] = shares["clinical"]
    numeric = float(own["dtype_int"] + own["dtype_float"] > 0 and not own["range_year"])
    measure = numeric * (1.0 - own["few_distinct"])
    own["x_measure_person"] = measure * anyone
    own["x_measure_noperson"] = measure * (1.0 - anyone)
    own["x_float_person"] = own["dtype_float"] * anyone
    own["x_binary_person"] = own["binary"] * anyone
    own["x_few_person"] = own["few_distinct"] * (1.0 - own["binary"]) * anyone
    own["x_clinical_person"] = own["word_clinical"] * anyone
    own["x_assessment_person"] = own["word_assessment"] * anyone
    own["x_clinical_table"] = numeric * own["ctx_clinical"]


# --------------------------------------------------------------------------------------------
# candidate types


def candidate_types(evidence: ColumnEvidence) -> list[str]:
    from . import semantic_types

    known = semantic_types()
    valued = {item.semantic_type for item in evidence.items}
    # a name the values contradict (an `age` of 4,000) is no candidate unless the values agree
    named = [hint.semantic_type for hint in evidence.hints if evidence.fits.get(hint.semantic_type, True) or hint.semantic_type in valued]
    found = named + [item.semantic_type for item in evidence.items] + list(GENERIC_TYPES)
    return [kind for kind in dict.fromkeys(found) if kind in known]


def candidate_features(kind: str, evidence: ColumnEvidence, column: dict[str, float]) -> dict[str, float]:
    hint = next((hint for hint in evidence.hints if hint.semantic_type == kind), None)
    items = [item for item in evidence.items if item.semantic_type == kind]
    value = max((item.strength for item in items), default=0.0)
    f = {
        "c_name": hint.score if hint else 0.0,
        "c_name_exact": float(bool(hint and hint.exact)),
        "c_name_head": float(bool(hint and evidence.head.get(kind))),
        "c_name_misfit": float(bool(hint) and not evidence.fits.get(kind, True)),
        "c_name_top": float(bool(evidence.hints) and evidence.hints[0].semantic_type == kind),
        "c_value": value,
        "c_decides": max((item.strength for item in items if item.decides), default=0.0),
        "c_validated": float(any(item.validated for item in items)),
        "c_fact": float(any(item.fact for item in items)),
        "c_value_top": float(bool(items) and value >= max((item.strength for item in evidence.items), default=0.0)),
        f"prior_{kind}": 1.0,
    }
    f["c_name_x_value"] = f["c_name"] * value
    f["c_other_decides"] = max((item.strength for item in evidence.items if item.decides and item.semantic_type != kind), default=0.0)
    for source in SOURCES:
        f[f"c_src_{source}"] = max((item.strength for item in items if item.source == source), default=0.0)
    if kind in GENERIC_TYPES:
        for stat in GENERIC_STATS:
            f[f"g_{kind}_{stat}"] = column.get(stat, 0.0)
    return f


@lru_cache(maxsize=1)
def _fixed_names() -> frozenset[str]:
    profile = ColumnProfile(name="x", dtype="String", rows=0, nulls=0, distinct=0, top_share=0.0)
    empty = ColumnEvidence("x", profile, (), {}, {})
    row = column_features(pl.Series("x", [], pl.String), empty)
    add_context({"x": row}, {"x": empty})
    names = set(row) | set(candidate_features("unknown", empty, row)) | set(typed_features([], []))
    names |= {f"g_{kind}_{stat}" for kind in GENERIC_TYPES for stat in GENERIC_STATS}
    return frozenset(name for name in names if not name.startswith("prior_"))


def typed_features(kinds: list[str], probabilities) -> dict[str, float]:
    """The role each candidate type implies, weighted by the type model's probability: how a
    role model fitted on common types carries over to rare ones (a MAC address is rare, a
    direct identifier is not)."""
    roles = _roles_of_types()
    out = {f"typed_{role}": 0.0 for role in ROLE_NAMES}
    for kind, probability in zip(kinds, probabilities):
        out[f"typed_{roles.get(kind, ('other', ''))[0]}"] += float(probability)
    return out


_TOKEN = re.compile(r"[a-z]+|\d+")


def known_feature(name: str) -> bool:
    """Whether this code computes the feature (the model loader refuses any other)."""
    from . import semantic_types

    if name.startswith("tok_"):
        return _TOKEN.fullmatch(name[4:]) is not None
    if name.startswith("prior_"):
        return name[6:] in semantic_types()
    return name in _fixed_names()


def token_features(name: str) -> dict[str, float]:
    return {f"tok_{token}": 1.0 for token in header_tokens(name)}
