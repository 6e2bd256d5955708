"""From the model's probabilities to a column's role, semantic type and readable evidence.

The model decides. A few facts overrule it, each because the values prove what no header or
statistic can outweigh, or because the rest of the pipeline relies on it:

- an empty column identifies no one;
- a column of digests stands in for what was hashed (and a reversed one reveals it);
- checksum-valid national IDs, IBANs and card numbers are what they are;
- a given name beside a surname in the same table spells a person's full name;
- a house number beside its street spells an address (QI206 reports it);
- free text is never a quasi- or direct identifier as a whole (every row would be unique):
  what it reveals is reported by its embedded entities;
- values that prove their type (type_distribution) keep that type's role, and a direct-
  identifier type shown by values or the header's head noun stays a direct identifier: whose
  it is (a person's or a business's) is the subject step's call, made on the whole table;
- and last, a column's values can veto its type (vetoes.py): digits in names, card numbers
  without a Luhn digit, plates too long, one-letter employers, a day of month taken for an id.

Where the model calls a column `other` but its type, shown by its values or its header's head
noun, is personal and the model gives that type's role some probability, a publication gate
errs towards caution: a missed quasi-identifier is a silent pass, a spare one a stricter verdict.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..naming import normalise_column_name
from .evidence import ColumnEvidence
from .features import header_tokens
from .model import RoleModel
from .vetoes import overrule
from .words import words


@dataclass
class Decision:
    role: str
    semantic_type: str
    confidence: float
    reasons: list[str]
    share: float | None = None
    details: dict = field(default_factory=dict)
    entities: dict = field(default_factory=dict)
    examples: tuple[str, ...] = ()


def _phrase(feature: str) -> str:
    """A feature name in words, for the evidence line."""
    for prefix, text in (("name_buried_", "a word in the column name points to a {}"), ("name_", "the column name points to a {}"),
                         ("value_weak_", "some values fit the pattern of a {}"), ("value_", "the values are shaped like a {}"),
                         ("ctx_", "the other columns: {}"), ("tok_", "header word '{}'"), ("grain_", "dates to the {}")):
        if feature.startswith(prefix):
            rest = feature[len(prefix):]
            if prefix == "tok_":
                return text.format(rest)
            return text.format({"other": "non-personal column"}.get(rest, rest.replace("_", " ")))
    return feature.replace("_", " ")


def type_distribution(candidates: list[tuple[str, dict]], scores: np.ndarray) -> np.ndarray:
    """Probabilities over the candidate types. Values that prove a type (a checksum, a digest,
    a shape nothing else has) settle it: no header outweighs what the values are."""
    if not candidates:
        return np.zeros(0)
    facts = np.array([features.get("c_fact", 0.0) * features.get("c_decides", 0.0) for _, features in candidates])
    if facts.max() > 0:
        out = np.zeros(len(candidates))
        out[int(np.argmax(facts))] = 1.0
        return out
    total = float(scores.sum())
    return scores / total if total > 0 else np.full(len(candidates), 1.0 / len(candidates))


def decide(evidence: ColumnEvidence, kinds: list[str], type_proba: np.ndarray, role_row: np.ndarray, role_proba: np.ndarray,
           model: RoleModel) -> Decision:
    from . import default_role

    classes = model.role.classes
    probability = dict(zip(classes, (float(p) for p in role_proba)))
    best = int(np.argmax(type_proba)) if len(kinds) else -1
    semantic_type, type_confidence = (kinds[best], float(type_proba[best])) if best >= 0 else ("unknown", 0.0)
    named = next((hint.semantic_type for hint in evidence.hints if hint.exact and hint.semantic_type != semantic_type
                  and any(item.source == "pattern" and item.share and item.share >= 0.3 for item in evidence.items
                          if item.semantic_type == hint.semantic_type)), None)
    if type_confidence == 1.0 and named:
        # a header naming exactly another type the values also fit (`ssn` over numbers that
        # could be phones) outweighs a shape both types share
        semantic_type, type_confidence = named, 0.9
    spelled_sensitive = next((hint.semantic_type for hint in evidence.hints if hint.exact and evidence.head.get(hint.semantic_type)
                              and default_role(hint.semantic_type) == "sensitive" and hint.semantic_type in kinds), None)
    if spelled_sensitive and default_role(semantic_type) != "sensitive" and type_confidence < 1.0 and \
            not any(item.decides for item in evidence.items):
        # the whole header is a vocabulary term of a sensitive attribute (`person_searched`,
        # `diagnosis`) and no value proves another type: a weak generic type (a category) must not
        # drop it, or l-diversity never runs on the outcome of a stop or a diagnosis
        semantic_type, type_confidence = spelled_sensitive, max(type_confidence, float(type_proba[kinds.index(spelled_sensitive)]))
    role = max(probability, key=probability.get)
    typed_role = default_role(semantic_type)
    shown_by_values = any(item.decides for item in evidence.items if item.semantic_type == semantic_type)
    backed = shown_by_values or any(hint.semantic_type == semantic_type and evidence.head.get(semantic_type) for hint in evidence.hints)
    caution = None
    if typed_role == "direct_identifier" and backed and role != "direct_identifier":
        # an address, a plate, a badge number shown by the values or the header's head noun is
        # an identifier; whether it is a person's or an organisation's is the subject step's
        # call (sharecheck/subject.py), which reads the whole table, not this column's model
        caution = f"{semantic_type} is a direct identifier of whoever it belongs to (P({role}) = {probability[role]:.2f})"
        role = typed_role
    elif role == "other" and typed_role != "other" and backed and probability.get(typed_role, 0.0) >= _type_role_floor(typed_role):
        # a gate errs towards caution: values or a header that show a personal type are not
        # dropped on a weak `other` (a missed quasi-identifier is a silent pass)
        caution = f"type {semantic_type} implies {typed_role}; P(other) = {probability['other']:.2f} is not enough to drop it"
        role = typed_role
    elif role == "quasi_identifier" and typed_role == "direct_identifier" and any(
            item.decides for item in evidence.items if item.semantic_type == semantic_type):
        # values shaped like a direct identifier (an address with a house number) are not
        # demoted to a quasi-identifier by table statistics
        caution = f"values are {semantic_type}s: a direct identifier"
        role = typed_role
    elif role == "sensitive" and typed_role != "sensitive" and not _sensitive_support(evidence) and (
            probability["sensitive"] < words().thresholds["sensitive_unsupported_min_probability"] or evidence.profile.distinct < 2
            or semantic_type == "record_id"):
        # nothing in the header or the values names a sensitive attribute: an l-diversity
        # verdict on a dog licence's fee would fail a release for nothing; and one value on every
        # row tells nothing of one person that it does not tell of all; values typed as a record's
        # key are a key, whatever the model makes of a header it cannot read
        role = max((r for r in classes if r not in ("sensitive", "quasi_identifier")), key=probability.get)
        caution = (f"no header word or value points to a sensitive attribute; P(sensitive) = {probability['sensitive']:.2f} is too weak alone"
                   if evidence.profile.distinct >= 2 else "no header word or value points to a sensitive attribute, and one value fills every row")
    elif role == "quasi_identifier" and semantic_type == "record_id" and shown_by_values:
        # codes unique per row are a record's key: they single out a row by construction, not as
        # a combination of traits others know, so k-anonymity over them says k = 1 and nothing
        # more. A key is a pseudonym or bookkeeping, and joins still meet it as a shared key.
        role = max(("pseudonym", "other"), key=probability.get)
        caution = f"values are a record's key, not a trait: P(quasi_identifier) = {probability['quasi_identifier']:.2f} does not make it one"
    reasons: list[str] = []
    decision = Decision(role, semantic_type, probability[role], reasons)
    if evidence.facts.get("empty"):
        decision.role, decision.confidence = "other", 1.0
        reasons.append("column is empty")
        return decision
    digest = evidence.best("hash")
    checksum = next((item for item in evidence.items if item.validated and item.decides
                     and item.semantic_type in words().checksum_decisive), None)
    if digest:
        decision.semantic_type, decision.role = "hash", "pseudonym"
        decision.confidence = max(decision.confidence, 0.95)
    elif checksum:
        decision.semantic_type, decision.role = checksum.semantic_type, default_role(checksum.semantic_type)
        decision.confidence = max(decision.confidence, 0.95)
    elif semantic_type == "free_text" and role in ("quasi_identifier", "direct_identifier"):
        # the column as a whole identifies no one: what its rows reveal is in its entities
        decision.role = "other"
    elif type_confidence == 1.0 and role != default_role(semantic_type):
        # values that prove a type (type_distribution) carry its role: a proven MAC address is no
        # pseudonym. Whose it is (an agency's e-mail is not personal) is the subject step's call.
        decision.role = default_role(semantic_type)
    if (named and decision.semantic_type == named or backed) and decision.role == default_role(decision.semantic_type):
        # the role is the one its type implies, and the values or the header's head noun show
        # the type: the role is as certain as the type
        decision.confidence = max(decision.confidence, type_confidence)
    if caution and decision.role == role:
        reasons.append(caution)
        # the role follows from the type here, so it is as certain as the type
        decision.confidence = max(decision.confidence, type_confidence)
    _attach(decision, evidence)
    if decision.role == "sensitive" and default_role(decision.semantic_type) != "sensitive" and not _sensitive_support(evidence):
        # the model alone calls it sensitive: the subject step (sharecheck/subject.py) does not
        # take such a call, below its own bar, as proof that the rows are about people
        decision.details["sensitive_support"] = "model only"
    vetoed = overrule(decision.role, decision.semantic_type, evidence)
    if vetoed:
        # the column's own values contradict the type (vetoes.py): the reason goes first
        decision.role, decision.semantic_type, reason = vetoed
        decision.confidence = max(decision.confidence, 0.9)
        reasons.insert(0, reason)
    elif backed and decision.semantic_type == semantic_type:
        # the subject step (analysis.roles_for_subject) gives a shown type its role on rows about
        # people whatever the model made of the table around it
        decision.details["type_shown"] = "values" if shown_by_values else "header"
    drivers = model.role.contributions(role_row, classes.index(decision.role)) if decision.role in classes else []
    described = "; ".join(_phrase(name) for name, _ in drivers[:3])
    reasons.append(f"model: {decision.role} with probability {probability.get(decision.role, 0.0):.2f}"
                   + (f" ({described})" if described else "") + f"; type {decision.semantic_type} ({type_confidence:.2f})")
    return decision


def _type_role_floor(typed_role: str) -> float:
    """The probability a value- or header-backed type's role needs to overrule the model's `other`.
    A record id's type says nothing of whose record it is: a row number is one as much as a
    patient id, so a pseudonym needs the model's own support (rules/classifier.yaml)."""
    thresholds = words().thresholds
    return thresholds["pseudonym_type_min_probability" if typed_role == "pseudonym" else "type_role_min_probability"]


def _sensitive_support(evidence: ColumnEvidence) -> bool:
    """A header word or a value names a sensitive attribute: a sensitive type, or a word of a
    clinical finding or an assessment (rules/classifier.yaml)."""
    from . import default_role

    vocabulary = words()
    tokens = set(header_tokens(evidence.name))
    return any(default_role(hint.semantic_type) == "sensitive" for hint in evidence.hints) or any(
        default_role(item.semantic_type) == "sensitive" for item in evidence.items) or bool(
        tokens & (vocabulary.clinical | vocabulary.assessment))


def _attach(decision: Decision, evidence: ColumnEvidence) -> None:
    """The chosen type's own evidence: its reasons, match share and the details detectors read."""
    hint = next((hint for hint in evidence.hints if hint.semantic_type == decision.semantic_type), None)
    if hint:
        decision.reasons.append(f"column name matches '{hint.term}' ({hint.language})")
    items = sorted((item for item in evidence.items if item.semantic_type == decision.semantic_type), key=lambda item: item.strength)
    for item in items:  # strongest last, so that its details win
        decision.reasons.extend(reason for reason in item.reasons if reason not in decision.reasons)
        decision.details.update(item.details)
        decision.entities = item.entities or decision.entities
        decision.examples = item.examples or decision.examples
    if items:
        decision.share = items[-1].share
    if decision.semantic_type == "free_text":
        free = evidence.best("free_text")
        if free:
            decision.entities, decision.examples = dict(free.entities), free.examples
            decision.details.update(free.details)


# --------------------------------------------------------------------------------------------
# across columns


def cross_column(decisions: dict[str, Decision], evidence: dict[str, ColumnEvidence]) -> None:
    """Facts one column cannot know alone: name parts, address parts, coordinate pairs."""
    kinds = {name: decision.semantic_type for name, decision in decisions.items()}
    _surname_beside_given_name(decisions, kinds)
    firsts = [name for name, kind in kinds.items() if kind == "first_name"]
    lasts = [name for name, kind in kinds.items() if kind == "last_name"]
    if firsts and lasts:
        # The pair names a person, and the surname carries that finding (a direct identifier);
        # a given name stays the quasi-identifier it is alone: dropping the surname leaves it
        # in the release, where it must still be counted with the other QIs.
        for name in firsts + lasts:
            decision = decisions[name]
            partner = lasts[0] if name in firsts else firsts[0]
            decision.reasons.append(f"with column '{partner}' it spells a full name")
            if name in lasts:
                decision.role = "direct_identifier"
            decision.details["name_part_of"] = sorted(firsts + lasts)
    _split_addresses(decisions, evidence, kinds)
    coordinates = [name for name, kind in kinds.items() if kind in ("latitude", "longitude", "coordinates")]
    if len(coordinates) >= 2:
        for name in coordinates:
            decisions[name].details.setdefault("paired_with", [other for other in coordinates if other != name][:3])


def _surname_beside_given_name(decisions: dict[str, Decision], kinds: dict[str, str]) -> None:
    """`baker_first` holding given names beside `baker_last`: the second is the surname. The
    headers alone would not say it (`first` and `last` also order laps, visits and dates); the
    given names in the first column do."""
    stems = {}
    for name in kinds:
        tokens = normalise_column_name(name).split("_")
        for position, word in ((-1, tokens[-1]), (0, tokens[0])):
            if word in ("first", "last") and len(tokens) > 1:
                rest = tokens[:-1] if position == -1 else tokens[1:]
                stems.setdefault((tuple(rest), position), {})[word] = name
    for pair in stems.values():
        given, surname = pair.get("first"), pair.get("last")
        if given and surname and kinds[given] == "first_name" and kinds[surname] not in ("first_name", "last_name"):
            decision = decisions[surname]
            decision.semantic_type = kinds[surname] = "last_name"
            decision.reasons.insert(0, f"beside '{given}', which holds given names: a surname")


def _split_addresses(decisions: dict[str, Decision], evidence: dict[str, ColumnEvidence], kinds: dict[str, str]) -> None:
    """A house number in one column and its street in another spell an address together.

    Whose address it is the columns do not say (a home, a shop, a work site), so both stay
    quasi-identifiers of the street kind, marked as parts of one address: rule QI206 reports it.
    """
    vocabulary = words()

    def tokens(name: str) -> set[str]:
        return set(header_tokens(name)) | set(normalise_column_name(name).split("_"))

    streets = [name for name, kind in kinds.items() if kind == "street"]
    numbers = [name for name in kinds if (tokens(name) & vocabulary.house_number and tokens(name) & vocabulary.street)
               or tokens(name) & vocabulary.house_number_alone
               or (name in streets and evidence[name].profile.is_numeric)]
    names = [name for name in streets if name not in numbers]
    if not numbers or not names:
        return
    for name in numbers + names:
        decision = decisions[name]
        partner = names[0] if name in numbers else numbers[0]
        decision.reasons.append(f"with column '{partner}' it spells a street address")
        decision.role, decision.semantic_type = "quasi_identifier", "street"
        decision.details["address_part_of"] = sorted(numbers + names)
