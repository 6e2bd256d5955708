"""Health releases: EMS incidents and their counts, clinic visits, and the EMS dispatch and
patient-outcome pair that is safe alone and identifying joined."""
from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from .draw import _age_band, _coarse_age_band, _days_since_epoch, _share_in_safe_classes, _stream, _suppress_small_classes, _unique_codes
from .plan import OTHER, PSEUDONYM, QI, SAFE_K, SENSITIVE, PlannedRelease, Risk
from .population import EVENT_YEAR, WARD_OF_ZIP


# --------------------------------------------------------------------------- health

_CALL_TYPES = np.array([
    "Fall", "Breathing problems", "Chest pain", "Sick person", "Unconscious", "Overdose",
    "Psychiatric emergency", "Stroke", "Seizure", "Diabetic problem", "Pregnancy", "Cardiac arrest",
    "Assault victim", "Traffic injury",
])
_CALL_TYPE_SHARES = np.array([16, 13, 11, 14, 8, 6, 7, 4, 4, 4, 3, 2, 4, 4], dtype=float)


def ems_incidents(population: pl.DataFrame, seed: int) -> PlannedRelease:
    rng = _stream(seed, 40)
    age = population["age"].to_numpy()
    rate = 0.04 + 0.0022 * age  # older residents call more often
    calls = rng.poisson(rate)
    person_rows = np.repeat(np.arange(population.height), calls)
    count = len(person_rows)
    people = population[person_rows]
    day = _days_since_epoch(date(EVENT_YEAR, 1, 1)) + rng.integers(0, 365, count)
    birth = people["birth_date"].to_physical().to_numpy().astype(np.int64)
    age_at_incident = np.floor((day - birth) / 365.25).astype(np.int64)
    order = np.lexsort((people["person_id"].to_numpy(), day))
    age_column = pl.Series(age_at_incident[order].astype(float))
    age_column[np.flatnonzero(rng.random(count) < 0.02)] = None  # "age unknown" on some run sheets
    frame = pl.DataFrame({
        "incident_number": [f"E{EVENT_YEAR % 100}-{index + 1:06d}" for index in range(count)],
        "incident_date": pl.Series(day[order]).cast(pl.Date).dt.strftime("%Y-%m-%d"),
        "patient_age": age_column.cast(pl.Int64),
        "patient_sex": people["sex"].to_numpy()[order],
        "patient_zip": people["zip"].to_numpy()[order],
        "call_type": rng.choice(_CALL_TYPES, size=count, p=_CALL_TYPE_SHARES / _CALL_TYPE_SHARES.sum()),
    })
    return PlannedRelease(
        name="ems_incidents", file="ems_incidents.csv", format="csv", frame=frame,
        columns={
            "incident_number": (OTHER, "record_id"),
            "incident_date": (QI, "date"),
            "patient_age": (QI, "age"),
            "patient_sex": (QI, "sex"),
            "patient_zip": (QI, "postal_code"),
            "call_type": (SENSITIVE, "health"),
        },
        about_people=True, safe=False,
        risks=[Risk("ems-date-and-zip", "quasi_identifier_precision", ("incident_date", "patient_zip"), {"precision": "day, 5-digit ZIP"})],
        notes="No names, but exact day, age, sex and 5-digit ZIP with a medical call type.",
        person_ids=people["person_id"].to_numpy()[order],
    )


def ems_counts(incidents: PlannedRelease) -> PlannedRelease:
    """Counts by ZIP x age group x sex x call type: the cross with the sensitive attribute is what
    makes a small cell disclose something ("the one woman over 65 in 02809 who overdosed")."""
    frame = (
        incidents.frame.group_by(
            pl.col("patient_zip").alias("zip"),
            _coarse_age_band(pl.col("patient_age")).alias("age_group"),
            pl.col("patient_sex").alias("sex"),
            pl.col("call_type"),
        )
        .agg(pl.len().cast(pl.Int64).alias("count"))
        .sort(["zip", "age_group", "sex", "call_type"])
    )
    return PlannedRelease(
        name="ems_counts", file="ems_counts_by_zip_age_sex_call.csv", format="csv", frame=frame,
        columns={
            "zip": (QI, "postal_code"), "age_group": (QI, "age_group"), "sex": (QI, "sex"),
            "call_type": (SENSITIVE, "health"), "count": (OTHER, "count"),
        },
        about_people=True, safe=False, count_column="count",
        notes="EMS incidents counted by ZIP x age group x sex x call type, non-zero cells only, no suppression.",
    )


_DIAGNOSES = np.array([
    "Hypertension", "Type 2 diabetes", "Depression", "Anxiety disorder", "Asthma", "COPD",
    "Substance use disorder", "HIV", "Pregnancy", "Chlamydia", "Hepatitis C", "Bipolar disorder",
])


def clinic_visits(population: pl.DataFrame, seed: int) -> PlannedRelease:
    """A health release without names: birth date, sex and ZIP of each patient (parquet)."""
    rng = _stream(seed, 50)
    patients = rng.choice(population.height, size=max(30, int(population.height * 0.08)), replace=False)
    returning = patients[rng.random(len(patients)) < 0.15]
    rows = np.concatenate([patients, returning])
    people = population[rows]
    count = len(rows)
    visit_day = _days_since_epoch(date(EVENT_YEAR, 1, 1)) + rng.integers(0, 365, count)
    order = np.lexsort((people["person_id"].to_numpy(), visit_day))
    frame = pl.DataFrame({
        "visit_id": [f"CV-{index + 1:06d}" for index in range(count)],
        "visit_date": pl.Series(visit_day[order]).cast(pl.Date),
        "patient_birth_date": people["birth_date"].to_numpy()[order],
        "patient_sex": np.where(people["sex"].to_numpy()[order] == "F", "Female", "Male"),
        # An integer ZIP, as exported from a system that typed it as a number: leading zero lost.
        "patient_zip": people["zip"].cast(pl.Int32).to_numpy()[order],
        "diagnosis": rng.choice(_DIAGNOSES, size=count),
    })
    return PlannedRelease(
        name="clinic_visits", file="clinic_visits.parquet", format="parquet", frame=frame,
        columns={
            "visit_id": (OTHER, "record_id"),
            "visit_date": (QI, "date"),
            "patient_birth_date": (QI, "birth_date"),
            "patient_sex": (QI, "sex"),
            "patient_zip": (QI, "postal_code"),
            "diagnosis": (SENSITIVE, "health"),
        },
        about_people=True, safe=False,
        risks=[
            Risk("clinic-full-birth-date", "quasi_identifier_precision", ("patient_birth_date",), {"precision": "day"}),
            Risk("clinic-x-register", "linkage", ("patient_zip", "patient_birth_date", "patient_sex"), {"join": "clinic-x-register"}),
        ],
        notes="Sweeney's attack: ZIP + birth date + sex against the voter register.",
        person_ids=people["person_id"].to_numpy()[order],
    )


# --------------------------------------------------------------------------- the pair safe alone, identifying joined

_PERIODS = (
    ("day", "%Y-%m-%d"), ("week", "%G-W%V"), ("month", "%Y-%m"), ("quarter", None), ("year", "%Y"),
)


def _period_expression(name: str, pattern: str | None, column: pl.Expr) -> pl.Expr:
    if name == "quarter":
        return pl.concat_str([column.dt.year().cast(pl.String), pl.lit("-Q"), column.dt.quarter().cast(pl.String)])
    return column.dt.strftime(pattern)


def ems_dispatch_and_outcomes(incidents: PlannedRelease, seed: int) -> tuple[PlannedRelease, PlannedRelease]:
    """Two releases by the same service: each k>=5 on its own QIs, joinable through a renamed case id.

    The generalisation is picked per city size (finest period, narrowest age band that keeps 90 %
    of records in classes of 5 or more), then small classes are suppressed, so each release is
    safe alone at any size while the join still singles people out.
    """
    rng = _stream(seed, 60)
    source = incidents.frame.with_columns(
        pl.col("incident_date").str.to_date(),
        pl.Series("person_id", incidents.person_ids),
        pl.Series("case_id", [f"C{value:07d}" for value in _unique_codes(rng, incidents.frame.height, 0, 10**7)]),
        pl.Series("response_minutes", np.round(rng.gamma(4.0, 2.0, incidents.frame.height), 1)),
        pl.Series("transported", rng.random(incidents.frame.height) < 0.85),
        pl.col("patient_zip").replace_strict(WARD_OF_ZIP).alias("district"),
    )

    dispatch = None
    for name, pattern in _PERIODS:
        candidate = source.with_columns(_period_expression(name, pattern, pl.col("incident_date")).alias("dispatch_period"))
        dispatch = candidate
        if _share_in_safe_classes(candidate, ["dispatch_period", "district"]) >= 0.9:
            break
    period_used = name
    dispatch, dispatch_suppressed = _suppress_small_classes(dispatch, ["dispatch_period", "district"])
    dispatch = dispatch.sort(["case_id"])

    outcomes_source = source.filter(pl.col("transported") | (pl.Series(rng.random(source.height)) < 0.3))
    for width in (5, 10, 20, 40):
        candidate = outcomes_source.with_columns(_age_band(pl.col("patient_age"), width).alias("patient_age_group"))
        outcomes = candidate
        if _share_in_safe_classes(candidate, ["patient_age_group", "patient_sex"]) >= 0.9:
            break
    band_used = width
    outcomes, outcomes_suppressed = _suppress_small_classes(outcomes, ["patient_age_group", "patient_sex"])
    outcome_labels = np.array(["Transported to hospital", "Treated and released", "Refused care", "Dead on arrival"])
    outcomes = outcomes.with_columns(
        pl.when(pl.col("transported")).then(pl.lit(outcome_labels[0]))
        .otherwise(pl.Series(rng.choice(outcome_labels[1:], size=outcomes.height, p=[0.6, 0.37, 0.03])))
        .alias("outcome")
    ).sort(["case_id"])

    dispatch_release = PlannedRelease(
        name="ems_dispatch", file="ems_dispatch/datapackage.json", format="datapackage",
        frame=dispatch.select("case_id", "dispatch_period", "district", "response_minutes"),
        columns={
            "case_id": (PSEUDONYM, "record_id"),
            "dispatch_period": (QI, "date"),
            "district": (QI, "place"),
            "response_minutes": (OTHER, "measure"),
        },
        about_people=True, safe=True, entity_id="case_id",
        notes=f"Dispatch period generalised to {period_used}; {dispatch_suppressed} records in classes < {SAFE_K} suppressed.",
        person_ids=dispatch["person_id"].to_numpy(),
        extra={"resource_path": "ems_dispatch.csv", "generalisation": period_used, "suppressed": dispatch_suppressed},
    )
    outcomes_release = PlannedRelease(
        name="ems_patient_outcomes", file="ems_patient_outcomes.xlsx", format="xlsx",
        frame=outcomes.select(pl.col("case_id").alias("incident_ref"), "patient_age_group", "patient_sex", "outcome"),
        columns={
            "incident_ref": (PSEUDONYM, "record_id"),
            "patient_age_group": (QI, "age_group"),
            "patient_sex": (QI, "sex"),
            "outcome": (SENSITIVE, "health"),
        },
        about_people=True, safe=True, entity_id="incident_ref",
        notes=f"Age in {band_used}-year bands; {outcomes_suppressed} records in classes < {SAFE_K} suppressed.",
        person_ids=outcomes["person_id"].to_numpy(),
        extra={"generalisation": f"{band_used}-year age bands", "suppressed": outcomes_suppressed},
    )
    return dispatch_release, outcomes_release
