"""The joins an intruder would try between the releases, with the normalisation each needs."""
from __future__ import annotations

import polars as pl

from .plan import PlannedJoin


def _zip5(expression: pl.Expr) -> pl.Expr:
    return expression.cast(pl.String).str.zfill(5)


def _sex_letter(expression: pl.Expr) -> pl.Expr:
    return expression.cast(pl.String).str.to_uppercase().str.slice(0, 1)


def planned_joins() -> list[PlannedJoin]:
    payroll_name = pl.col("employee_name").str.split_exact(", ", 1)
    return [
        PlannedJoin(
            id="dispatch-x-outcomes", a="ems_dispatch", b="ems_patient_outcomes", kind="shared_key",
            on={"case_id": "incident_ref"}, identifies=True,
            normalisation="identical strings; the shared id is renamed (case_id -> incident_ref)",
            a_keys={"id": pl.col("case_id")}, b_keys={"id": pl.col("incident_ref")},
            notes="Each release is k>=5 on its own QIs; joined, period x district x age band x sex singles people out.",
        ),
        PlannedJoin(
            id="clinic-x-register", a="clinic_visits", b="voter_register", kind="shared_qi",
            on={"patient_zip": "zip", "patient_birth_date": "birth_date", "patient_sex": "sex"}, identifies=True,
            normalisation="zip zero-padded to 5 digits; birth dates parsed (ISO vs MM/DD/YYYY); sex Female/Male -> F/M",
            a_keys={"zip": _zip5(pl.col("patient_zip")), "birth": pl.col("patient_birth_date").cast(pl.Date),
                    "sex": _sex_letter(pl.col("patient_sex"))},
            b_keys={"zip": _zip5(pl.col("zip")), "birth": pl.col("birth_date").str.to_date("%m/%d/%Y"),
                    "sex": _sex_letter(pl.col("sex"))},
        ),
        PlannedJoin(
            id="crash-x-bike-trips", a="bike_crash_reports", b="bike_trips", kind="spatio_temporal",
            on={"nearest_station": "Start Station Name", "crash_datetime": "Start Time"}, identifies=True,
            normalisation="station names trimmed and case-folded; timestamps parsed to the minute; "
                          "a crash links to every trip that started at that station within +-5 minutes",
            a_keys={"station": pl.col("nearest_station").str.strip_chars().str.to_lowercase()},
            b_keys={"station": pl.col("Start Station Name").str.strip_chars().str.to_lowercase()},
            window_minutes=5,
            a_time=pl.col("crash_datetime").str.to_datetime("%Y-%m-%d %H:%M"),
            b_time=pl.col("Start Time").str.to_datetime("%Y-%m-%d %H:%M"),
            notes="Linking a crash to a trip hands the rider's pseudonym, and with it every trip they made.",
        ),
        PlannedJoin(
            id="payroll-x-register", a="payroll", b="voter_register", kind="shared_qi",
            on={"employee_name": "last_name, first_name", "home_zip": "zip"}, identifies=True,
            normalisation="employee_name split at ', ' into last and first name, middle initial dropped; "
                          "names upper-cased; zip zero-padded",
            a_keys={"last": payroll_name.struct.field("field_0").str.to_uppercase(),
                    "first": payroll_name.struct.field("field_1").str.split(" ").list.first().str.to_uppercase(),
                    "zip": _zip5(pl.col("home_zip"))},
            b_keys={"last": pl.col("last_name").str.to_uppercase(), "first": pl.col("first_name").str.to_uppercase(),
                    "zip": _zip5(pl.col("zip"))},
            notes="Attaches a home address and full birth date to a named salary.",
        ),
        PlannedJoin(
            id="residents-x-trees", a="residents_by_zip", b="trees_by_zip", kind="harmless",
            on={"zip": "zip"}, identifies=False,
            normalisation="zip zero-padded to 5 digits",
            a_keys={"zip": _zip5(pl.col("zip"))}, b_keys={"zip": _zip5(pl.col("zip"))},
            notes="Every ZIP links exactly once, yet both sides are facts about areas, not people.",
        ),
    ]
