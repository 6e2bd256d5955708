"""The releases of city services that name or locate people: 311 service requests with free
text, the payroll, the voter register, and the French grants to associations (Latin-1)."""
from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from .draw import _days_since_epoch, _event_year_start_minutes, _minutes_to_datetime, _stream, _unique_codes
from .plan import DI, OTHER, PSEUDONYM, QI, SENSITIVE, PlannedRelease, Risk
from .population import CITY_NAME, EVENT_YEAR, REFERENCE_DATE, STREET_ROOTS, ZIP_CODES, zip_centroids


# --------------------------------------------------------------------------- 311 service requests

_COMPLAINTS = {
    "Noise - Residential": ("Loud music from the neighbours on ", " every night, it goes on past midnight."),
    "Pothole": ("Large pothole on ", " near the corner, cars swerve around it."),
    "Street Light Out": ("Street light out on ", ", the whole block is dark."),
    "Illegal Dumping": ("Someone dumped a mattress and old furniture on ", "."),
    "Graffiti": ("Graffiti on the wall of the laundromat on ", "."),
    "Missed Trash Pickup": ("Trash was not picked up on ", " this week."),
    "Rodent Sighting": ("Rats seen near the bins behind the houses on ", "."),
    "Sidewalk Repair": ("Broken sidewalk on ", ", an elderly neighbour tripped there."),
}
_EMAIL_DOMAINS = ("gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "alder.net")


def service_requests(population: pl.DataFrame, seed: int) -> PlannedRelease:
    rng = _stream(seed, 20)
    adults = population.filter(pl.col("age") >= 18)
    count = max(40, int(population.height * 0.15))
    requester = rng.integers(0, adults.height, count)
    people = adults[requester]
    types = np.array(list(_COMPLAINTS))
    complaint = types[rng.integers(0, len(types), count)]
    # Residential complaints are filed from home: the exact point is the requester's house.
    at_home = rng.random(count) < 0.7
    centroids = np.array([zip_centroids()[code] for code in ZIP_CODES])
    zip_index = np.searchsorted(np.array(ZIP_CODES), people["zip"].to_numpy())
    latitude = np.where(at_home, people["latitude"].to_numpy(), centroids[zip_index, 0] + rng.normal(0, 0.004, count))
    longitude = np.where(at_home, people["longitude"].to_numpy(), centroids[zip_index, 1] + rng.normal(0, 0.005, count))
    created_minute = _event_year_start_minutes() + rng.integers(0, 365 * 1440, count)

    emails_planted = max(3, round(count * 0.05))
    phones_planted = max(3, round(count * 0.04))
    has_email = np.zeros(count, dtype=bool)
    has_email[rng.choice(count, emails_planted, replace=False)] = True
    has_phone = np.zeros(count, dtype=bool)
    has_phone[rng.choice(count, phones_planted, replace=False)] = True

    area = rng.choice(np.array([401, 508, 774]), size=count)
    exchange = rng.integers(200, 1000, count)
    line = rng.integers(0, 10000, count)
    phone_style = rng.integers(0, 4, count)
    email_number = rng.integers(1, 100, count)
    frame = pl.DataFrame({
        "complaint": complaint,
        "street": people["street"],
        "first": people["first_name"].str.to_lowercase(),
        "last": people["last_name"].str.to_lowercase(),
        "email_number": np.where(rng.random(count) < 0.5, email_number, -1),
        "domain": np.array(_EMAIL_DOMAINS)[rng.integers(0, len(_EMAIL_DOMAINS), count)],
        "area": area.astype(str), "exchange": exchange.astype(str),
        "line": pl.Series(line).cast(pl.String).str.zfill(4),
        "phone_style": phone_style,
        "has_email": has_email, "has_phone": has_phone,
    })
    prefix = pl.col("complaint").replace_strict({key: value[0] for key, value in _COMPLAINTS.items()})
    suffix = pl.col("complaint").replace_strict({key: value[1] for key, value in _COMPLAINTS.items()})
    email = pl.concat_str([
        pl.col("first"), pl.lit("."), pl.col("last"),
        pl.when(pl.col("email_number") >= 0).then(pl.col("email_number").cast(pl.String)).otherwise(pl.lit("")),
        pl.lit("@"), pl.col("domain"),
    ])
    phone = (
        pl.when(pl.col("phone_style") == 0).then(pl.format("({}) {}-{}", "area", "exchange", "line"))
        .when(pl.col("phone_style") == 1).then(pl.format("{}-{}-{}", "area", "exchange", "line"))
        .when(pl.col("phone_style") == 2).then(pl.format("{}.{}.{}", "area", "exchange", "line"))
        .otherwise(pl.format("{}{}{}", "area", "exchange", "line"))
    )
    description = pl.concat_str([
        prefix, pl.col("street"), suffix,
        pl.when(pl.col("has_email")).then(pl.concat_str([pl.lit(" Please email me at "), email, pl.lit(" with updates.")])).otherwise(pl.lit("")),
        pl.when(pl.col("has_phone")).then(pl.concat_str([pl.lit(" You can call me at "), phone, pl.lit(".")])).otherwise(pl.lit("")),
    ])
    text = frame.select(description.alias("description"), email.alias("email"), phone.alias("phone"))

    order = np.argsort(created_minute, kind="stable")
    published = pl.DataFrame({
        "service_request_id": [f"SR-{EVENT_YEAR}-{index + 1:07d}" for index in range(count)],
        "created_date": _minutes_to_datetime(created_minute[order]).dt.strftime("%Y-%m-%dT%H:%M:00"),
        "complaint_type": complaint[order],
        "description": text["description"].to_numpy()[order],
        "street": people["street"].to_numpy()[order],
        "zip": people["zip"].to_numpy()[order],
        "latitude": np.round(latitude[order], 6),
        "longitude": np.round(longitude[order], 6),
        "status": np.where(rng.random(count) < 0.8, "Closed", "Open"),
    })
    return PlannedRelease(
        name="service_requests", file="service_requests.ndjson", format="ndjson", frame=published,
        columns={
            "service_request_id": (OTHER, "record_id"),
            "created_date": (QI, "datetime"),
            "complaint_type": (OTHER, "category"),
            "description": (OTHER, "free_text"),
            "street": (QI, "street"),
            "zip": (QI, "postal_code"),
            "latitude": (QI, "latitude"),
            "longitude": (QI, "longitude"),
            "status": (OTHER, "category"),
        },
        about_people=True, safe=False,
        risks=[
            Risk("sr-description-pii", "free_text_pii", ("description",), {
                "records_with_email": int(has_email.sum()), "records_with_phone": int(has_phone.sum()),
                "records_with_any": int((has_email | has_phone).sum()),
            }),
            Risk("sr-exact-coordinates", "quasi_identifier_precision", ("latitude", "longitude"), {
                "decimals": 6, "records_at_requester_home": int(at_home.sum()),
            }),
        ],
        notes="Requests filed from home carry the home's exact coordinates; some descriptions hold an e-mail or phone.",
        person_ids=people["person_id"].to_numpy()[order],
        extra={"emails": text["email"].to_numpy()[order][has_email[order]].tolist(),
               "phones": text["phone"].to_numpy()[order][has_phone[order]].tolist()},
    )


# --------------------------------------------------------------------------- payroll and register

def payroll(population: pl.DataFrame) -> PlannedRelease:
    staff = population.filter(pl.col("department").is_not_null())
    frame = staff.select(
        pl.concat_str([
            pl.col("last_name").str.to_uppercase(), pl.lit(", "), pl.col("first_name").str.to_uppercase(),
            pl.when(pl.col("middle_initial").is_not_null()).then(pl.lit(" ") + pl.col("middle_initial")).otherwise(pl.lit("")),
        ]).alias("employee_name"),
        pl.col("department"),
        pl.col("job_title"),
        pl.col("annual_salary"),
        pl.col("zip").alias("home_zip"),
        pl.col("person_id"),
    ).sort(["employee_name", "person_id"])
    return PlannedRelease(
        name="payroll", file="payroll.csv", format="csv", frame=frame.drop("person_id"),
        columns={
            "employee_name": (DI, "person_name"),
            "department": (QI, "employer"),
            "job_title": (QI, "occupation"),
            "annual_salary": (SENSITIVE, "income"),
            "home_zip": (QI, "postal_code"),
        },
        about_people=True, safe=False,
        risks=[
            Risk("payroll-names", "direct_identifier", ("employee_name",), {"format": "LAST, FIRST M"}),
            Risk("payroll-x-register", "linkage", ("employee_name", "home_zip"), {"join": "payroll-x-register"}),
        ],
        notes="Employee names as 'LAST, FIRST M' (middle initial when known).",
        person_ids=frame["person_id"].to_numpy(),
        extra={"float_precision": 2},
    )


def voter_register(population: pl.DataFrame, seed: int) -> PlannedRelease:
    rng = _stream(seed, 30)
    adults = population.filter(pl.col("age") >= 18)
    voters = adults.filter(pl.Series(rng.random(adults.height) < 0.72))
    count = voters.height
    eighteenth = voters["birth_date"].dt.offset_by("18y").to_physical().to_numpy().astype(np.int64)
    today = _days_since_epoch(REFERENCE_DATE)
    registered = eighteenth + np.floor(rng.random(count) * (today - eighteenth)).astype(np.int64)
    frame = voters.select(
        pl.Series("voter_id", [f"V{value:08d}" for value in _unique_codes(rng, count, 0, 10**8)]),
        pl.col("last_name"),
        pl.col("first_name"),
        pl.col("address").alias("residential_address"),
        pl.lit(CITY_NAME).alias("city"),
        pl.col("zip"),
        pl.col("birth_date").dt.strftime("%m/%d/%Y"),
        pl.col("sex"),
        pl.Series("party", rng.choice(np.array(["DEM", "REP", "UNA", "LIB", "GRN"]), size=count, p=[0.42, 0.18, 0.36, 0.02, 0.02])),
        pl.Series("registration_date", registered).cast(pl.Date).dt.strftime("%m/%d/%Y"),
        pl.col("person_id"),
    ).sort(["last_name", "first_name", "voter_id"])
    return PlannedRelease(
        name="voter_register", file="voter_register.csv", format="csv", frame=frame.drop("person_id"),
        columns={
            "voter_id": (PSEUDONYM, "record_id"),
            "last_name": (DI, "last_name"),
            "first_name": (QI, "first_name"),
            "residential_address": (DI, "street_address"),
            "city": (QI, "place"),
            "zip": (QI, "postal_code"),
            "birth_date": (QI, "birth_date"),
            "sex": (QI, "sex"),
            "party": (SENSITIVE, "political_opinion"),
            "registration_date": (QI, "date"),
        },
        about_people=True, safe=False,
        risks=[
            Risk("register-names", "direct_identifier", ("last_name",), {}),
            Risk("register-addresses", "direct_identifier", ("residential_address",), {}),
            Risk("register-full-birth-date", "quasi_identifier_precision", ("birth_date",), {"precision": "day"}),
        ],
        notes="A public voter register, as many US states publish: names, home address, full birth date.",
        person_ids=frame["person_id"].to_numpy(),
    )


# --------------------------------------------------------------------------- French release (Latin-1, ';', decimal comma)

_ASSOCIATIONS = (
    "Amicale des Pêcheurs", "Société Philharmonique", "Comité des Fêtes", "Club de Pétanque",
    "Les Écoliers Solidaires", "Fédération des Parents d'Élèves", "Théâtre du Quartier", "Chorale Sainte-Cécile",
    "Association Sportive", "Cercle d'Échecs", "Jardins Partagés", "Bibliothèque de Rue",
)


def subventions_associations(population: pl.DataFrame, seed: int) -> PlannedRelease:
    rng = _stream(seed, 100)
    adults = population.filter(pl.col("age") >= 25)
    # A city funds a few hundred associations at most, whatever its size.
    count = min(max(15, population.height // 80), 500)
    presidents = adults[rng.choice(adults.height, size=count, replace=False)]
    combos = rng.choice(len(_ASSOCIATIONS) * len(STREET_ROOTS), size=count, replace=False)
    names = [f"{_ASSOCIATIONS[c // len(STREET_ROOTS)]} de {STREET_ROOTS[c % len(STREET_ROOTS)]}" for c in combos]
    paid = _days_since_epoch(date(EVENT_YEAR, 1, 1)) + rng.integers(0, 365, count)
    frame = presidents.select(
        pl.Series("nom_association", names),
        pl.col("last_name").str.to_uppercase().alias("nom"),
        pl.col("first_name").alias("prenom"),
        pl.col("birth_date").dt.strftime("%d/%m/%Y").alias("date_de_naissance"),
        pl.col("zip").alias("code_postal"),
        pl.col("sex").alias("sexe"),
        pl.Series("montant", np.round(rng.lognormal(np.log(2500), 0.8, count), 2)),
        pl.Series("date_de_versement", paid).cast(pl.Date).dt.strftime("%d/%m/%Y"),
        pl.col("person_id"),
    ).sort(["nom_association"])
    return PlannedRelease(
        name="subventions_associations", file="subventions_associations.csv", format="csv", frame=frame.drop("person_id"),
        columns={
            "nom_association": (OTHER, "category"),
            "nom": (DI, "last_name"),
            "prenom": (QI, "first_name"),
            "date_de_naissance": (QI, "birth_date"),
            "code_postal": (QI, "postal_code"),
            "sexe": (QI, "sex"),
            "montant": (OTHER, "measure"),
            "date_de_versement": (QI, "date"),
        },
        about_people=True, safe=False,
        risks=[
            Risk("subventions-nom", "direct_identifier", ("nom", "prenom"), {}),
            Risk("subventions-date-de-naissance", "quasi_identifier_precision", ("date_de_naissance",), {"precision": "day"}),
        ],
        notes="Latin-1, ';' delimiter, decimal comma, dates JJ/MM/AAAA: grants to associations and their presidents.",
        person_ids=frame["person_id"].to_numpy(),
        extra={"encoding": "latin-1", "delimiter": ";", "decimal": ","},
    )
