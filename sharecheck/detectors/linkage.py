"""LK6xx: joins that identify people. Each detector reads one analysed pair (or the chain) from a
`sharecheck.join.JoinContext` and words its finding as the attack: which columns link, how many
people, what becomes known about them, and which column to drop or coarsen in which release."""
from __future__ import annotations

from ..classify import semantic_types

from ._base import Detector

# How to take the linking power out of a column, by what it holds.
_COARSEN = {
    "postal_code": "publish 3-digit ZIP codes (or the area) instead of the full code",
    "birth_date": "publish the birth year or an age band instead of the date",
    "birth_year": "publish age bands instead of birth years",
    "age": "publish age bands instead of single years",
    "sex": "drop it",
    "date": "publish the month (or week) instead of the date",
    "datetime": "round timestamps to the hour or the day",
    "time": "round times to the hour",
    "person_name": "drop the names",
    "first_name": "drop the names",
    "last_name": "drop the names",
    "record_id": "replace it with an identifier generated for this release alone",
    "license_number": "replace it with an identifier generated for this release alone",
    "hash": "replace it with a keyed (salted) identifier generated for this release alone",
    "place": "publish a coarser area",
    "street": "publish the district instead of the street",
    "latitude": "snap points to a grid of several hundred metres",
    "longitude": "snap points to a grid of several hundred metres",
}


def _percent(share: float) -> str:
    return f"{share:.1%}" if share < 0.995 or share == 1 else f"{share:.2%}"


def _names(pair) -> tuple[str, str]:
    return pair.a.release.name, pair.b.release.name


def _semantic(analysed, column: str) -> str:
    for part in column.split("+"):
        try:
            return analysed.column(part).semantic_type
        except StopIteration:
            continue
    return "unknown"


def _remedy(pair) -> str:
    """The smallest change that breaks the link: the join column whose removal leaves the fewest
    unique links, named in both releases (either change breaks the join)."""
    if not pair.plan:
        return ""
    best_label, left = min(pair.without, key=lambda item: item[1])
    component = next(c for c in pair.plan if c.label == best_label)
    a_name, b_name = _names(pair)
    a_column, b_column = component.candidate.a_column, component.candidate.b_column
    how_a = _COARSEN.get(_semantic(pair.a, a_column), "drop it or coarsen it")
    how_b = _COARSEN.get(_semantic(pair.b, b_column), "drop it or coarsen it")
    after = f" (leaves {left:,} unique links)" if len(pair.plan) > 1 else ""
    return (f"In {a_name}, {how_a} for `{a_column}`, or in {b_name}, {how_b} for `{b_column}`{after}.")


def _link_metrics(pair) -> dict:
    metrics = pair.metrics()
    keys = ("records_a", "records_b", "linked_any", "linked_exactly_one", "linked_unique_share", "max_k",
            "linked_at_most_k", "linked_at_most_k_share", "expected_reidentifications", "reidentified", "exposed_side",
            "expected_reidentifications_a", "expected_reidentifications_b", "overlap_assumed", "match_probability",
            "k_a", "k_b", "k_combined", "sample_uniques_combined")
    return {key: metrics[key] for key in keys}


def _evidence(pair) -> dict:
    evidence = {"join_columns": pair.join_columns(), "remedy": _remedy(pair)}
    for component in pair.plan:
        evidence[component.label] = list(component.candidate.evidence)
    return evidence


def _what_b_adds(pair, side: str = "b") -> str:
    other = pair.b if side == "b" else pair.a
    join_columns = {c.candidate.b_column if side == "b" else c.candidate.a_column for c in pair.plan}
    facts = [c.name for c in other.columns if c.role in ("direct_identifier", "quasi_identifier", "sensitive")
             and c.name not in join_columns]
    return ", ".join(f"`{f}`" for f in facts[:6]) + (" ..." if len(facts) > 6 else "")


def _linked_sentence(pair) -> str:
    a_name, b_name = _names(pair)
    m = pair.metrics()
    exposed = a_name if m["exposed_side"] == "a" else b_name
    records = m["records_a"] if m["exposed_side"] == "a" else m["records_b"]
    return (f"{m['linked_exactly_one']:,} of {m['records_a']:,} records of {a_name} ({_percent(m['linked_unique_share'])}) "
            f"link to exactly one record of {b_name}, {m['linked_at_most_k']:,} to at most {m['max_k']}; "
            f"expected correct re-identifications of {exposed}'s {records:,} records: "
            f"{m['expected_reidentifications']:,.1f}, {m['reidentified']:,} of them more likely right than wrong "
            f"({m['overlap_note']})")


def _columns_text(pair) -> str:
    return ", ".join(f"`{c.candidate.a_column}` ~ `{c.candidate.b_column}`" for c in pair.plan)


def join_overview(context, rule):
    """What joins, even when nobody is identified: the publisher should know the tables meet."""
    pair = context.pair
    if pair is None or not pair.links:
        return
    a_name, b_name = _names(pair)
    evidence = _evidence(pair)
    if pair.about_people and pair.different_populations:
        verdict = ("The releases cannot describe the same people, so these matches are chance agreement of "
                   "coarse values and identify no one: " + "; ".join(pair.population.evidence))
        evidence["population"] = pair.population.to_dict()
    elif pair.about_people:
        verdict = "see the other LK6xx findings for what it reveals"
    else:
        area_side = a_name if pair.kind_a == "areas" else b_name if pair.kind_b == "areas" else None
        verdict = (f"No one is identified by it: {area_side} describes areas or cells, not people" if area_side
                   else "No one is identified by it: neither release describes people")
    yield context.finding(
        rule,
        f"{a_name} and {b_name} join on {_columns_text(pair)}: {_linked_sentence(pair)}. {verdict[0].upper()}{verdict[1:]}.",
        columns=pair.plan_columns(), metrics=_link_metrics(pair), evidence=evidence,
    )


def _coincidence(pair) -> tuple[str, str] | None:
    """(severity, reason) when a quasi-identifier link pairs records that merely share a place or a day.

    A link identifies when it runs through a fact about a person (birth date, sex, age, name ...)
    between two releases about people. Linking a person to a record about a thing (a tree in the
    same ZIP code) tells nothing about them; matching only a ZIP code or an event date between two
    releases about people identifies them only if both releases cover the same people.
    """
    if pair.plan_kind != "quasi_identifier":
        return None
    if pair.kind_a != "people" or pair.kind_b != "people":
        return "info", (" One release describes things, not people: a person matched to a thing in the same "
                        "place or on the same day is not identified by it.")
    types = semantic_types()
    person_link = any(
        types.get(_semantic(pair.a, c.candidate.a_column), {}).get("about") == "person"
        or types.get(_semantic(pair.b, c.candidate.b_column), {}).get("about") == "person"
        for c in pair.plan
    )
    if person_link:
        return None
    return "warning", (" No fact about a person is in the link (only places or event dates), so these are matches "
                       "of place or day; they identify people only if both releases cover the same people.")


def _linkage_finding(context, rule, plan_kind: str, describe):
    """One finding when the chosen join is of `plan_kind` and singles out enough of A's records."""
    pair = context.pair
    if pair is None or not pair.identifies or pair.plan_kind != plan_kind:
        return
    m = pair.metrics()
    if m["reidentified"] == 0 or m["linked_unique_share"] < rule.params["min_unique_share"]:
        return
    a_name, b_name = _names(pair)
    message, severity = describe(pair, a_name, b_name), None
    weak = _coincidence(pair)
    if weak:
        severity, note = weak
        message += note
    yield context.finding(rule, message, columns=pair.plan_columns(), metrics=_link_metrics(pair),
                          evidence=_evidence(pair), severity=severity)


def shared_key_linkage(context, rule):
    yield from _linkage_finding(context, rule, "shared_key", lambda pair, a_name, b_name: (
        f"{_columns_text(pair)} hold the same identifiers in {a_name} and {b_name}: {_linked_sentence(pair)}. "
        f"Each link hands {a_name}'s record {_what_b_adds(pair) or 'the other release'} from {b_name}."))


def quasi_identifier_linkage(context, rule):
    yield from _linkage_finding(context, rule, "quasi_identifier", lambda pair, a_name, b_name: (
        f"The quasi-identifiers {_columns_text(pair)} single people out across the releases: {_linked_sentence(pair)}. "
        f"Each link attaches {_what_b_adds(pair) or 'the other record'} from {b_name} to a record of {a_name}."))


def identifiers_on_sensitive(context, rule):
    pair = context.pair
    if pair is None or not pair.identifies:
        return
    for side in ("a", "b"):
        attached = pair.names_attached_a if side == "a" else pair.names_attached_b
        if attached < rule.params["min_records"]:
            continue
        target, source = (pair.a, pair.b) if side == "a" else (pair.b, pair.a)
        identifiers = pair.new_identifiers_for_a if side == "a" else pair.new_identifiers_for_b
        sensitive = ", ".join(f"`{s}`" for s in target.sensitive)
        ids = ", ".join(f"`{i}`" for i in identifiers)
        total = target.frame.height
        columns = [f"{target.release.name}.{s}" for s in target.sensitive] + [f"{source.release.name}.{i}" for i in identifiers]
        weak = _coincidence(pair)
        yield context.finding(
            rule,
            f"Joining on {_columns_text(pair)} puts {ids} from {source.release.name} next to {sensitive} of "
            f"{attached:,} of {total:,} records of {target.release.name} ({_percent(attached / total)}), whose best link is "
            f"more likely the same person than not: the sensitive values get a name.{weak[1] if weak else ''}",
            severity=weak[0] if weak else None,
            columns=columns,
            metrics={"records_named": attached, "records": total, "share": round(attached / total, 6),
                     "identifiers": list(identifiers), "sensitive": list(target.sensitive)},
            evidence=_evidence(pair),
        )


def spatiotemporal_linkage(context, rule):
    pair = context.pair
    if pair is None or not pair.identifies or pair.plan_kind != "spatio_temporal":
        return
    m = pair.metrics()
    if m["reidentified"] == 0 or m["linked_unique_share"] < rule.params["min_unique_share"]:
        return
    a_name, b_name = _names(pair)
    bounds = []
    if "window_minutes" in m:
        bounds.append(f"within {m['window_minutes']:g} minutes")
    if "distance_m" in m:
        bounds.append(f"within {m['distance_m']:g} m")
    clocks = [c.candidate.clock.describe(c.candidate.a_column, c.candidate.b_column) for c in pair.plan
              if c.candidate.clock.shifted]
    if clocks:
        bounds.append("after reconciling the clocks: " + "; ".join(clocks))
    yield context.finding(
        rule,
        f"Time and place link the releases ({_columns_text(pair)}, {' and '.join(bounds) or 'same place'}): "
        f"{_linked_sentence(pair)}. Each link attaches {_what_b_adds(pair) or 'the other record'} from {b_name} "
        f"to an event of {a_name}.",
        columns=pair.plan_columns(), metrics=_link_metrics(pair), evidence=_evidence(pair),
    )


def join_amplification(context, rule):
    pair = context.pair
    if pair is None or not pair.identifies or pair.combined is None or pair.metrics()["reidentified"] == 0:
        return  # a joined table of chance matches has no k worth reporting
    k_min = context.policy.k_min
    k_a, k_b, k_c = pair.alone_a.k, pair.alone_b.k, pair.combined.k
    if k_c is None or k_c >= k_min:
        return
    alone = [k for k in (k_a, k_b) if k is not None]
    if alone and k_c >= min(alone):
        return  # the join adds nothing a release alone did not already reveal
    each_passes = all(k >= k_min for k in alone)
    a_name, b_name = _names(pair)
    qis = ", ".join(f"`{q}`" for q in pair.combined.qis)
    yield context.finding(
        rule,
        f"Alone, {a_name} is k={k_a} and {b_name} is k={k_b}; joined on {_columns_text(pair)}, their quasi-identifiers "
        f"({qis}) give k={k_c}: {pair.combined.sample_uniques:,} of {pair.combined.records:,} joined records are unique "
        f"(policy: k >= {k_min}).",
        columns=list(pair.combined.qis),
        metrics={"k_a": k_a, "k_b": k_b, "k_combined": k_c, "k_min": k_min, "records_combined": pair.combined.records,
                 "sample_uniques_combined": pair.combined.sample_uniques,
                 "records_below_k_combined": pair.combined.records_below_k,
                 "prosecutor_risk_highest_combined": pair.combined.prosecutor_highest},
        evidence=_evidence(pair),
        severity=None if each_passes else "warning",
    )


def attribute_disclosure(context, rule):
    pair = context.pair
    if pair is None or not pair.identifies or pair.metrics()["reidentified"] == 0:
        return
    for disclosure in pair.disclosures:
        gained = disclosure.homogeneous_joined - disclosure.homogeneous_alone
        if gained < rule.params["min_records"] or disclosure.homogeneous_joined == 0:
            continue
        release = disclosure.attribute.split(".", 1)[0]
        yield context.finding(
            rule,
            f"After the join on {_columns_text(pair)}, {disclosure.homogeneous_joined:,} joined records sit in groups of "
            f"two or more whose `{disclosure.attribute.split('.', 1)[1]}` is the same for everyone "
            f"(in {release} alone: {disclosure.homogeneous_alone:,}): knowing that someone is in such a group reveals it.",
            columns=[disclosure.attribute, *pair.combined.qis],
            metrics={"homogeneous_joined": disclosure.homogeneous_joined, "homogeneous_alone": disclosure.homogeneous_alone,
                     "records_combined": pair.combined.records},
            evidence=_evidence(pair),
        )


def chain_linkage(context, rule):
    chain = context.chain
    if chain is None or not chain.about_people or chain.linked_exactly_one == 0:
        return
    k_min = context.policy.k_min
    k_c = chain.combined.k
    if k_c is None or k_c >= k_min:
        return
    pair_ks = [k for k in chain.pairs_k if k is not None]
    worse_than_pairs = not pair_ks or k_c < min(pair_ks)
    hops = "; ".join(", ".join(h) for h in chain.hops)
    yield context.finding(
        rule,
        f"Following the links {' -> '.join(chain.releases)} (on {hops}), {chain.linked_exactly_one:,} of "
        f"{chain.records_first:,} records of {chain.releases[0]} reach exactly one record of {chain.releases[-1]}; "
        f"all quasi-identifiers together give k={k_c} (pairs: {', '.join(str(k) for k in chain.pairs_k)}; policy k >= {k_min}).",
        columns=list(chain.columns),
        metrics=chain.metrics(),
        evidence={"hops": [list(h) for h in chain.hops]},
        severity=None if worse_than_pairs else "warning",
    )


DETECTORS: dict = {
    "join_overview": Detector(join_overview, {}, scope="join"),
    "shared_key_linkage": Detector(shared_key_linkage, {"min_unique_share": 0.0}, scope="join"),
    "quasi_identifier_linkage": Detector(quasi_identifier_linkage, {"min_unique_share": 0.0}, scope="join"),
    "identifiers_on_sensitive": Detector(identifiers_on_sensitive, {"min_records": 1}, scope="join"),
    "spatiotemporal_linkage": Detector(spatiotemporal_linkage, {"min_unique_share": 0.0}, scope="join"),
    "join_amplification": Detector(join_amplification, {}, scope="join"),
    "attribute_disclosure": Detector(attribute_disclosure, {"min_records": 1}, scope="join"),
    "chain_linkage": Detector(chain_linkage, {}, scope="join"),
}
