"""A column's values can veto its type: the last step of the classifier's policy (policy.decide).

The role model reads the header and the values together, and a strong header ("name", "ccn",
"registration number", "dept") can carry a type whose values plainly are something else. The
checks a privacy officer makes by looking at a column, each on the shape of its sampled values
(ColumnProfile.sample, distinct values) and the profile's counts, never on a token of any table:

- a person's name is words of letters: where most values are single words holding digits or
  slashes (a study code, a time-zone path), they are codes, not names (owners' columns excepted:
  businesses' names among them carry numbers, and the subject's natural-person rule judges them);
- a payment card number has 12 to 19 digits and passes the Luhn check;
- a registration plate carries a handful of letters and digits (at most 8 in every national
  format): a longer code is a register's number, not a plate;
- an employer or an occupation is named in words: one or two characters (departments A to F) are
  codes of a category, which place no one;
- a record id under a header naming a day, whose whole numbers run within 1 to 31 and repeat, is
  the day of a month;
- a person's count of legal outcomes (citations, convictions) starts at none or a few: where even the smallest value is a tally of dozens, each row counts many cases (a journal's
  citations, a court's caseload), not one person's;
- a yes/no flag names and reaches no one: a column holding nothing but yes and no (whether a
  person has an e-mail address, owns a home) is no e-mail address and no owner's name;
- an address's second line (APT 4, SUITE 200: the secondary unit designators of USPS
  Publication 28) places a person only beside the street line: a quasi-identifier, not the
  direct identifier the whole address is;
- an address named by its header alone whose values mostly hold no house number (villages, as
  a rural survey spells them) places a person in an area, not at a door: a quasi-identifier;
- a person's name holds a given name or a surname: under a name header, twenty and more values
  in the Latin alphabet of which hardly any holds one of the census names are things' names
  (clinics, teams); other scripts, which the lists do not cover, stay with the model;
- one value on every filled row tells no row apart: it is no identifier;
- and the converse: a key unique on (nearly) every row that the model left `other`, whose values
  are a given name with a surname or a surname with initials, names people.

A veto only changes what the model and the policy decided; a role the user or a data package
declares is applied later (analysis.assign_roles) and stands. Words and thresholds are in
rules/classifier.yaml (`words.day`, `thresholds`).
"""
from __future__ import annotations

import re

from .features import header_tokens
from .words import words

_SAMPLE = 500  # sampled values read by the per-value checks (Luhn, census names)
_CODE_IN_NAME = re.compile(r"^\S*[0-9/]\S*$")  # PAL0708, America/New_York; not "Acme Holdings 2 LLC"
_FIRST_WORD = re.compile(r"[A-Za-z]+")
# a number standing on its own or opening a word (12, 12B, #4, 5th), not one glued to a word's
# end (a village's `caijia6`, a code's `PAL0708`)
_HOUSE_NUMBER = re.compile(r"(?:^|[^A-Za-z0-9])\d")


def overrule(role: str, semantic_type: str, evidence) -> tuple[str, str, str] | None:
    """(role, semantic type, reason) where the column's values contradict the decided type (or
    prove a person's name the model missed); None where they do not."""
    from ..subject_rules import has_word, vocabulary

    profile = evidence.profile
    spelt = semantic_type.replace("_", " ")
    what = f"not {'an' if spelt[0] in 'aeiou' else 'a'} {spelt}: "
    if role in ("direct_identifier", "pseudonym") and profile.distinct == 1 and profile.non_null >= 2:
        # a value written on every row (a licence type repeated under a licence header) tells
        # no row apart: it names and tracks no one
        return "other", "category", what + f"one value on all {profile.non_null:,} filled rows names and tracks no one"
    # spellings vary (yes, Yes, YES ): a handful of distinct values, all in the sample
    if role in ("direct_identifier", "pseudonym") and 0 < profile.distinct <= 8 and profile.sample \
            and {str(v).strip().lower() for v in profile.sample if v is not None} - {""} <= words().flag_values:
        return "other", "category", what + "every value is a yes/no flag, which names and reaches no one"
    values = [v.strip() for v in profile.sample if isinstance(v, str) and v.strip()]
    if not values or profile.non_null == 0:
        return None
    limits = words().thresholds
    floor = limits["contradicting_values_min_share"]
    if role == "direct_identifier" and semantic_type in ("street_address", "street") and profile.is_text:
        share = _share(values, _secondary_unit)
        if share >= floor:
            return "quasi_identifier", semantic_type, (f"the second line of an address: {share:.0%} of values are an "
                                                      "apartment, suite, floor or unit, which places a person only beside "
                                                      "the street line")
    if role == "direct_identifier" and semantic_type == "street_address" and profile.is_text \
            and not any(item.semantic_type == "street_address" for item in evidence.items) and _in_latin(values):
        share = _share(values, lambda v: bool(_HOUSE_NUMBER.search(v)))
        if share < 1.0 - floor:
            return "quasi_identifier", semantic_type, (f"only {share:.0%} of values hold a house number and none reads as a "
                                                       "street address: the column places a person in an area (a village, "
                                                       "a street), not at a door")
    if role == "direct_identifier":
        if semantic_type in vocabulary()["person_name_types"] and not has_word(profile.name, "owner_words"):
            share = _share(values, lambda v: bool(_CODE_IN_NAME.match(v)))
            if share >= floor:
                return "other", "category", what + f"{share:.0%} of values are single words holding digits or slashes: codes, not people's names"
            named = sum(evidence.facts.get(key, 0.0) for key in ("names_full", "names_given", "names_surname"))
            if "names_full" in evidence.facts and profile.distinct >= limits["name_free_min_distinct"] \
                    and named <= limits["name_free_max_share"] and _in_latin(values):
                # the name lists cover given names and surnames written in the Latin alphabet:
                # where not one value in twenty holds one, the header's `name` is a thing's
                return "other", "category", what + (f"{named:.0%} of values hold a known given name or surname: "
                                                    "the names of things (clinics, teams, units), not of people")
        if semantic_type == "payment_card":
            share = _share(values[:_SAMPLE], _card)
            if share < floor:
                return "other", "record_id", what + (f"only {share:.0%} of values have the 12 to 19 digits and the Luhn check "
                                                     "digit of a payment card: not card numbers")
        if semantic_type == "vehicle_plate":
            longest = int(limits["plate_max_characters"])
            share = _share(values, lambda v: len(re.sub(r"[^0-9A-Za-z]", "", v)) > longest)
            if share >= floor:
                return "other", "record_id", what + (f"{share:.0%} of values carry more than {longest} letters and digits, "
                                                     "more than any registration plate: a register's number")
    if semantic_type in ("employer", "occupation") and profile.is_text:
        share = _share(values, lambda v: len(v) <= int(limits["code_max_characters"]))
        if share >= floor:
            return role, "category", what + (f"{share:.0%} of values are codes of at most {int(limits['code_max_characters'])} "
                                              "characters, not names of an employer or an occupation: a category that places no one")
    if semantic_type == "record_id" and profile.is_numeric and _day_of_month(profile):
        return ("quasi_identifier" if role == "pseudonym" else role), "date", (
            "not a record id: whole numbers within 1 to 31 that repeat over rows, under a header naming a day: the day of a month")
    if semantic_type == "legal_outcome" and profile.is_numeric and profile.numeric_range is not None \
            and evidence.facts.get("integral") and profile.numeric_range[0] > limits["tally_min_value"] \
            and not set(header_tokens(profile.name)) & words().code:
        # a numbered outcome (a disposition code) is a code, not a tally: its header says so
        return "other", "count", what + (f"even the smallest value counts more than {limits['tally_min_value']:.0f} cases: "
                                         "each row tallies many, where one person's count starts at none or a few")
    if role == "other" and semantic_type in ("category", "unknown") and profile.is_text and profile.non_null >= 20 \
            and profile.uniqueness >= 0.9:
        from ..pii.names import known_names, tokens

        sample = values[:_SAMPLE]
        known = known_names(word for value in sample for word in tokens(value))
        share = _share(sample, lambda value: _person_named(value, known))
        if share >= limits["people_key_min_share"]:
            return "direct_identifier", "person_name", (f"{share:.0%} of values are a given name and a surname, or a surname "
                                                        "with initials, one per row: people's names")
    return None


def _in_latin(values: list[str]) -> bool:
    """Nearly all values written in the Latin alphabet (accents allowed): the script the name
    lists and the house numbers' shapes cover. Asked last, on the two checks' narrow paths only
    (it folds every sampled value); a column in another script is judged by the model alone."""
    import unicodedata

    def latin(value: str) -> bool:
        return all(ord(ch) < 128 for ch in unicodedata.normalize("NFKD", value) if not unicodedata.combining(ch))

    return _share(values, latin) >= words().thresholds["latin_values_min_share"]


def _share(values: list[str], test) -> float:
    return sum(1 for value in values if test(value)) / len(values) if values else 0.0


def _secondary_unit(value: str) -> bool:
    """APT 4B, Suite 200, #12, STE: 5: a value opening with a secondary unit designator."""
    if value.startswith("#"):
        return True
    first = _FIRST_WORD.match(value)
    return bool(first) and first.group(0).lower() in words().secondary_unit


def _card(value: str) -> bool:
    from ..pii.checksums import validate

    digits = re.sub(r"[ -]", "", value)
    return digits.isdigit() and 12 <= len(digits) <= 19 and validate("luhn", digits)


def _day_of_month(profile) -> bool:
    if profile.numeric_range is None or profile.uniqueness >= 1.0 or profile.distinct > 31:
        return False
    low, high = profile.numeric_range
    # at most 31 distinct values: the sample holds every one
    return 1 <= low and high <= 31 and profile.sampled_whole_numbers and bool(set(header_tokens(profile.name)) & words().day)


def _person_named(value: str, known: tuple[frozenset[str], frozenset[str]]) -> bool:
    """A given name with a surname, or a surname with initials ("SMITH, J.R.", "J. Smith"): forms
    no place or thing takes. `known`: the given names and surnames among the sample's words
    (pii.names.known_names), looked up once for the whole sample."""
    from ..pii.names import classify_value, tokens

    kind = classify_value(value, known)
    if kind == "full":
        return True
    parts = tokens(value)
    initials = [w for w in parts if len(w) == 1]
    core = [w for w in parts if len(w) > 1]
    given, surnames = known
    return bool(initials) and len(core) == 1 and (core[0] in surnames or core[0] in given) and kind != "blocked"
