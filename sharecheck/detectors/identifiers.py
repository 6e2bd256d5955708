"""ID1xx, PS15x, QI2xx: columns that name a person, stand in for one, or narrow one down.

They read the column classification (sharecheck.classify) and profiles; they never look at
values themselves, so nothing raw can leak from here.
"""
from __future__ import annotations

from typing import Iterable

from ..findings import Finding
from ._base import Detector, ScanContext

_NOUNS = {
    "person_name": "person names", "first_name": "given names", "last_name": "surnames", "email": "e-mail addresses",
    "phone": "phone numbers", "national_id": "national identity numbers", "street_address": "street addresses",
    "vehicle_plate": "vehicle plates", "iban": "bank account numbers", "payment_card": "payment card numbers",
    "ip_address": "IP addresses", "mac_address": "MAC addresses", "username": "user names",
    "url_personal": "links to personal pages", "license_number": "personal licence or badge numbers",
}


def _share_text(classification: dict) -> str:
    share = classification.get("match_share")
    return f" ({share:.0%} of non-empty rows match)" if isinstance(share, (int, float)) else ""


def direct_identifier_columns(ctx: ScanContext, rule) -> Iterable[Finding]:
    wanted = set(rule.params["semantic_types"])
    for column in ctx.analysed.columns:
        if column.role != "direct_identifier" or column.semantic_type not in wanted:
            continue
        if column.source == "detected" and column.confidence < rule.params["min_confidence"]:
            continue
        noun = _NOUNS.get(column.semantic_type, column.semantic_type.replace("_", " "))
        profile = ctx.analysed.profiles[column.name]
        yield ctx.finding(
            rule,
            f"Column '{column.name}' holds {noun}{_share_text(column.classification)}: "
            f"each of its {profile.distinct:,} distinct values can point straight at a person.",
            columns=(column.name,),
            metrics={"rows": profile.non_null, "distinct": profile.distinct,
                     "match_share": column.classification.get("match_share"), "confidence": round(column.confidence, 3)},
            evidence={"examples": list(ctx.examples(column.name)), "reasons": list(column.evidence)},
        )


def free_text_pii(ctx: ScanContext, rule) -> Iterable[Finding]:
    for column in ctx.analysed.columns:
        entities = {entity: rows for entity, rows in (column.classification.get("entities") or {}).items()
                    if rows >= rule.params["min_rows"]}
        if not entities or column.role == "direct_identifier":
            continue
        rows = ctx.analysed.profiles[column.name].rows
        affected = max(entities.values())
        listing = ", ".join(f"{_NOUNS.get(entity, entity)} in {count:,} rows" for entity, count in sorted(entities.items()))
        yield ctx.finding(
            rule,
            f"Free-text column '{column.name}' embeds personal data: {listing}.",
            columns=(column.name,),
            metrics={"rows_affected": affected, "share_affected": round(affected / rows, 6) if rows else 0.0,
                     "entities": dict(entities)},
            evidence={"examples": list(column.classification.get("masked_examples") or [])},
        )


def pseudonym_columns(ctx: ScanContext, rule) -> Iterable[Finding]:
    for column in ctx.analysed.columns:
        if column.role != "pseudonym" or column.semantic_type == "hash" and _reversal(column):
            continue
        profile = ctx.analysed.profiles[column.name]
        if column.source == "detected" and profile.uniqueness < rule.params["min_uniqueness"] and profile.distinct < 50:
            continue
        per_value = profile.non_null / profile.distinct if profile.distinct else 0.0
        yield ctx.finding(
            rule,
            f"Column '{column.name}' is an opaque identifier ({profile.distinct:,} distinct values, "
            f"{per_value:.1f} rows each): it links these records to any other release that carries it.",
            columns=(column.name,),
            metrics={"distinct": profile.distinct, "uniqueness": round(profile.uniqueness, 4)},
        )


def _reversal(column) -> dict | None:
    details = column.classification.get("details") or {}
    reversal = details.get("hash_reversal")
    return reversal if isinstance(reversal, dict) else None


def reversible_hashes(ctx: ScanContext, rule) -> Iterable[Finding]:
    for column in ctx.analysed.columns:
        reversal = _reversal(column)
        if not reversal or (reversal.get("recovered_share") or 0.0) < rule.params["min_recovered_share"]:
            continue
        share = reversal["recovered_share"]
        yield ctx.finding(
            rule,
            f"Column '{column.name}' is an unsalted {reversal.get('algorithm', 'hash').upper()} of a small identifier "
            f"space ({reversal.get('space', 'unknown space')}): {share:.0%} of its values were reversed by enumeration.",
            columns=(column.name,),
            metrics={"recovered_share": share, "algorithm": reversal.get("algorithm"), "space": reversal.get("space")},
        )


def _qi_columns(ctx: ScanContext, semantic_types: Iterable[str]):
    # In a table of counts a full ZIP or an exact date labels a cell; SD4xx judges the cell sizes.
    if ctx.analysed.is_aggregate:
        return
    wanted = set(semantic_types)
    for column in ctx.analysed.columns:
        if column.semantic_type in wanted and column.role in ("quasi_identifier", "direct_identifier"):
            yield column, ctx.analysed.profiles[column.name]


def full_birth_dates(ctx: ScanContext, rule) -> Iterable[Finding]:
    for column, profile in _qi_columns(ctx, ["birth_date"]):
        if profile.granularity in ("day", "hour", "minute", "second") or profile.granularity is None and profile.distinct > 366:
            yield ctx.finding(
                rule, f"Column '{column.name}' gives full dates of birth ({profile.distinct:,} distinct dates); "
                      "with sex and ZIP code they single out most people.",
                columns=(column.name,), metrics={"distinct": profile.distinct, "granularity": profile.granularity or "day"},
            )


def full_postal_codes(ctx: ScanContext, rule) -> Iterable[Finding]:
    for column, profile in _qi_columns(ctx, ["postal_code"]):
        shapes = dict(profile.shapes)
        full = sum(share for shape, share in shapes.items() if shape.replace("-", "").replace(" ", "").startswith("99999")
                   or (any(ch.isalpha() for ch in shape) and len(shape) >= 5))
        if full >= 0.5 or (profile.is_numeric and profile.numeric_range and profile.numeric_range[1] >= 1000):
            yield ctx.finding(
                rule, f"Column '{column.name}' gives full postal codes ({profile.distinct:,} distinct areas).",
                columns=(column.name,), metrics={"distinct": profile.distinct},
            )


def precise_coordinates(ctx: ScanContext, rule) -> Iterable[Finding]:
    limit = rule.params["max_precision_m"]
    for column, profile in _qi_columns(ctx, ["latitude", "longitude", "coordinates"]):
        precision = profile.precision_m
        details = column.classification.get("details") or {}
        precision = details.get("precision_m", precision)
        if precision is None or precision > limit or profile.distinct < rule.params["min_distinct"]:
            continue
        # Many rows per point means fixed public sites (stations, meters), not where people live.
        if profile.uniqueness < rule.params["min_points_per_row"]:
            continue
        yield ctx.finding(
            rule, f"Column '{column.name}' gives coordinates to about {max(precision, 0.01):g} m "
                  f"({profile.distinct:,} distinct points): precise enough to point at a home or a doorway.",
            columns=(column.name,), metrics={"precision_m": precision, "distinct": profile.distinct},
        )


def fine_timestamps(ctx: ScanContext, rule) -> Iterable[Finding]:
    wanted = set(rule.params["granularities"])
    for column, profile in _qi_columns(ctx, ["datetime", "date", "time"]):
        if profile.granularity in wanted:
            yield ctx.finding(
                rule, f"Column '{column.name}' records events to the {profile.granularity} "
                      f"({profile.distinct:,} distinct times): a witness or a phone record can match them.",
                columns=(column.name,), metrics={"granularity": profile.granularity, "distinct": profile.distinct},
            )


def split_addresses(ctx: ScanContext, rule) -> Iterable[Finding]:
    reported: set[tuple[str, ...]] = set()
    for column in ctx.analysed.columns:
        parts = tuple((column.classification.get("details") or {}).get("address_part_of") or ())
        if not parts or parts in reported or ctx.analysed.is_aggregate:
            continue
        reported.add(parts)
        yield ctx.finding(
            rule, f"Columns {', '.join(repr(p) for p in parts)} hold a house number and a street: together they give "
                  "the exact address of each record, which points to a household wherever it is a home.",
            columns=parts, metrics={"columns": len(parts)},
        )


def extreme_ages(ctx: ScanContext, rule) -> Iterable[Finding]:
    cap = rule.params["top_code_at"]
    for column, profile in _qi_columns(ctx, ["age"]):
        if not profile.is_numeric:
            continue
        over = ctx.analysed.frame.get_column(column.name).cast(float, strict=False).ge(cap).sum()
        if over:
            yield ctx.finding(
                rule, f"Column '{column.name}' gives exact ages of {cap} and over for {over:,} records; "
                      "so few people are that old that each stands out.",
                columns=(column.name,), metrics={"records_at_or_over": int(over), "top_code_at": cap},
            )


DETECTORS = {
    "direct_identifier_columns": Detector(direct_identifier_columns, {"semantic_types": [], "min_confidence": 0.5}),
    "free_text_pii": Detector(free_text_pii, {"min_rows": 1}),
    "pseudonym_columns": Detector(pseudonym_columns, {"min_uniqueness": 0.05}),
    "reversible_hashes": Detector(reversible_hashes, {"min_recovered_share": 0.5}),
    "full_birth_dates": Detector(full_birth_dates, {}),
    "full_postal_codes": Detector(full_postal_codes, {}),
    "precise_coordinates": Detector(precise_coordinates, {"max_precision_m": 100.0, "min_distinct": 20, "min_points_per_row": 0.01}),
    "fine_timestamps": Detector(fine_timestamps, {"granularities": ["minute", "second"]}),
    "extreme_ages": Detector(extreme_ages, {"top_code_at": 90}),
    "split_addresses": Detector(split_addresses),
}
