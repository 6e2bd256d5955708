"""The releases Port Alder publishes, derived from the population and formatted as cities do.

Each builder returns a `PlannedRelease`: the frame exactly as it is written (strings where the
file holds formatted text), the truth about every column's role, and the risks planted on
purpose. The figures that depend on the random draw (k, uniques, linkage shares) are not
written here: `truth.py` measures them on the published frames.

Every builder draws from its own random stream (`[seed, stream]`), so changing one release
never shifts the values of another.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import numpy as np
import polars as pl

from .population import (
    CITY_CENTRE, CITY_NAME, EVENT_YEAR, REFERENCE_DATE, STREET_ROOTS, STREET_SUFFIXES, WARD_OF_ZIP,
    ZIP_CODES, ZIP_SHARES, zip_centroids,
)

DI, QI, SENSITIVE, PSEUDONYM, OTHER = "direct_identifier", "quasi_identifier", "sensitive", "pseudonym", "other"
SAFE_K = 5
SMALL_CELL_LIMIT = 10  # aggregate cells 1..9 are "small", the usual publication threshold
MEDALLION_SPACE = r"\d[A-Z]\d\d"
MEDALLION_SPACE_SIZE = 10 * 26 * 10 * 10
HACK_LICENCE_SPACE = "6-digit 100000-999999 or 7-digit 5000000-5999999"
HACK_LICENCE_SPACE_SIZE = 900_000 + 1_000_000


@dataclass
class Risk:
    id: str
    kind: str
    columns: tuple[str, ...]
    expected: dict = field(default_factory=dict)


@dataclass
class PlannedRelease:
    name: str
    file: str
    format: str
    frame: pl.DataFrame
    columns: dict[str, tuple[str, str]]  # column -> (role, semantic_type)
    about_people: bool
    safe: bool
    entity_id: str | None = None
    risks: list[Risk] = field(default_factory=list)
    count_column: str | None = None  # set for aggregate tables
    notes: str = ""
    # Row-aligned person ids, never written: lets the truth check that a link found the right person.
    person_ids: np.ndarray | None = None
    extra: dict = field(default_factory=dict)

    @property
    def qis(self) -> list[str]:
        return [name for name, (role, _) in self.columns.items() if role == QI]

    @property
    def sensitive(self) -> list[str]:
        return [name for name, (role, _) in self.columns.items() if role == SENSITIVE]


@dataclass
class PlannedJoin:
    id: str
    a: str
    b: str
    kind: str  # shared_key | shared_qi | spatio_temporal | harmless
    on: dict[str, str]
    identifies: bool
    normalisation: str
    # The intruder's normalisation: key name -> expression on each side; same key names on both.
    a_keys: dict[str, pl.Expr]
    b_keys: dict[str, pl.Expr]
    window_minutes: int | None = None
    a_time: pl.Expr | None = None
    b_time: pl.Expr | None = None
    notes: str = ""


def _stream(seed: int, number: int) -> np.random.Generator:
    return np.random.default_rng([seed, number])


def _minutes_to_datetime(minutes: np.ndarray) -> pl.Series:
    return pl.Series(minutes.astype(np.int64) * 60_000_000, dtype=pl.Int64).cast(pl.Datetime("us"))


def _event_year_start_minutes() -> int:
    return int((datetime(EVENT_YEAR, 1, 1) - datetime(1970, 1, 1)).total_seconds() // 60)


def _days_since_epoch(day: date) -> int:
    return day.toordinal() - date(1970, 1, 1).toordinal()


def _md5_upper(values: list[str]) -> list[str]:
    return [hashlib.md5(value.encode("ascii")).hexdigest().upper() for value in values]


def _unique_codes(rng: np.random.Generator, count: int, low: int, high: int) -> np.ndarray:
    """`count` distinct integers in [low, high), in random order."""
    return low + rng.choice(high - low, size=count, replace=False)


def _age_band(age: pl.Expr, width: int, top: int = 80) -> pl.Expr:
    low = (age // width * width).clip(upper_bound=top)
    return (
        pl.when(age.is_null()).then(pl.lit("Unknown"))
        .when(low >= top).then(pl.lit(f"{top}+"))
        .otherwise(pl.concat_str([low.cast(pl.String), (low + width - 1).cast(pl.String)], separator="-"))
    )


def _coarse_age_band(age: pl.Expr) -> pl.Expr:
    return (
        pl.when(age.is_null()).then(pl.lit("Unknown"))
        .when(age < 18).then(pl.lit("0-17"))
        .when(age < 35).then(pl.lit("18-34"))
        .when(age < 50).then(pl.lit("35-49"))
        .when(age < 65).then(pl.lit("50-64"))
        .otherwise(pl.lit("65+"))
    )


def _suppress_small_classes(frame: pl.DataFrame, qis: list[str], k: int = SAFE_K) -> tuple[pl.DataFrame, int]:
    """What a careful publisher does: drop the records of classes smaller than k."""
    sizes = pl.len().over(qis) if qis else pl.lit(frame.height)
    kept = frame.filter(sizes >= k)
    return kept, frame.height - kept.height


def _share_in_safe_classes(frame: pl.DataFrame, qis: list[str]) -> float:
    if frame.height == 0:
        return 0.0
    return frame.select((pl.len().over(qis) >= SAFE_K).mean()).item()


# --------------------------------------------------------------------------- bike share

def bike_stations(people: int, seed: int) -> pl.DataFrame:
    rng = _stream(seed, 10)
    count = int(np.clip(people // 60, 20, 400))
    zip_index = rng.choice(len(ZIP_CODES), size=count, p=ZIP_SHARES)
    centroids = np.array([zip_centroids()[code] for code in ZIP_CODES])
    roots = np.array(STREET_ROOTS)
    pairs = rng.choice(len(roots) * (len(roots) - 1), size=count, replace=False)
    first, second = pairs // (len(roots) - 1), pairs % (len(roots) - 1)
    second = np.where(second >= first, second + 1, second)  # never "Elm St & Elm St"
    suffixes = np.array(STREET_SUFFIXES)
    names = [
        f"{roots[a]} {suffixes[(a + b) % len(suffixes)]} & {roots[b]} {suffixes[(a * 3 + b) % len(suffixes)]}"
        for a, b in zip(first, second)
    ]
    return pl.DataFrame({
        "station_id": np.sort(_unique_codes(rng, count, 3100, 3100 + 4 * count)),
        "station_name": names,
        "station_lat": np.round(centroids[zip_index, 0] + rng.normal(0, 0.004, count), 7),
        "station_lon": np.round(centroids[zip_index, 1] + rng.normal(0, 0.005, count), 7),
    })


def bike_trips(population: pl.DataFrame, stations: pl.DataFrame, seed: int) -> tuple[PlannedRelease, pl.DataFrame]:
    """Returns the release and the hidden per-trip frame (rider person id, start minute) for crash reports."""
    rng = _stream(seed, 11)
    eligible = population.filter(pl.col("age").is_between(16, 75))
    riders = eligible.filter(pl.Series(rng.random(eligible.height) < 0.12))
    rider_count = riders.height
    trips_per_rider = np.minimum(rng.geometric(0.12, rider_count), 60)
    rider_of_trip = np.repeat(np.arange(rider_count), trips_per_rider)
    trips = len(rider_of_trip)

    station_lat = stations["station_lat"].to_numpy()
    station_lon = stations["station_lon"].to_numpy()
    home_lat, home_lon = riders["latitude"].to_numpy(), riders["longitude"].to_numpy()
    home_station = np.empty(rider_count, dtype=np.int64)
    for start in range(0, rider_count, 20_000):  # chunks keep the distance matrix small at 1M people
        stop = start + 20_000
        distance = (home_lat[start:stop, None] - station_lat) ** 2 + (home_lon[start:stop, None] - station_lon) ** 2
        home_station[start:stop] = distance.argmin(axis=1)

    station_count = stations.height
    home_of_trip = home_station[rider_of_trip]
    start_station = np.where(rng.random(trips) < 0.55, home_of_trip, rng.integers(0, station_count, trips))
    end_station = np.where(rng.random(trips) < 0.45, home_of_trip, rng.integers(0, station_count, trips))

    # Summer quarter; time of day mixes the two commuting peaks with leisure riding.
    day = rng.integers(0, 92, trips)
    peak = rng.random(trips)
    minute_of_day = np.where(
        peak < 0.3, rng.normal(8 * 60, 50, trips),
        np.where(peak < 0.6, rng.normal(17.5 * 60, 70, trips), rng.uniform(6 * 60, 23 * 60, trips)),
    )
    minute_of_day = np.clip(np.round(minute_of_day), 0, 1439).astype(np.int64)
    start_minute = _days_since_epoch(date(EVENT_YEAR, 6, 1)) * 1440 + day * 1440 + minute_of_day
    duration_seconds = np.clip(rng.lognormal(np.log(720), 0.5, trips), 120, 7200).astype(np.int64)
    stop_minute = start_minute + np.round(duration_seconds / 60).astype(np.int64)

    rider_ids = np.array([f"{value:08x}" for value in _unique_codes(rng, rider_count, 0, 16**8)])
    birth_year = riders["birth_date"].dt.year().to_numpy().astype(float)
    birth_year[rng.random(rider_count) < 0.015] = np.nan
    gender = np.where(riders["sex"].to_numpy() == "M", 1, 2)
    gender[rng.random(rider_count) < 0.03] = 0
    user_type = np.where(rng.random(rider_count) < 0.85, "Subscriber", "Customer")

    station_ids = stations["station_id"].to_numpy()
    station_names = stations["station_name"].to_numpy()
    hidden = pl.DataFrame({
        "person_id": riders["person_id"].to_numpy()[rider_of_trip],
        "start_minute": start_minute,
        "start_station": start_station,
        "sex": riders["sex"].to_numpy()[rider_of_trip],
    })
    frame = pl.DataFrame({
        "Trip Duration": duration_seconds,
        "Start Time": _minutes_to_datetime(start_minute),
        "Stop Time": _minutes_to_datetime(stop_minute),
        "Start Station ID": station_ids[start_station],
        "Start Station Name": station_names[start_station],
        "Start Station Latitude": station_lat[start_station],
        "Start Station Longitude": station_lon[start_station],
        "End Station ID": station_ids[end_station],
        "End Station Name": station_names[end_station],
        "End Station Latitude": station_lat[end_station],
        "End Station Longitude": station_lon[end_station],
        "Bike ID": rng.integers(14000, 30000, trips),
        "User Type": user_type[rider_of_trip],
        "Birth Year": pl.Series(birth_year[rider_of_trip], nan_to_null=True).cast(pl.Int64),
        "Gender": gender[rider_of_trip],
        "Rider ID": rider_ids[rider_of_trip],
    })
    order = np.lexsort((rider_of_trip, start_minute))
    frame, hidden = frame[order], hidden[order]
    frame = frame.with_columns(pl.col("Start Time", "Stop Time").dt.strftime("%Y-%m-%d %H:%M"))
    columns = {
        "Trip Duration": (OTHER, "measure"),
        "Start Time": (QI, "datetime"),
        "Stop Time": (QI, "datetime"),
        "Start Station ID": (QI, "place"),
        "Start Station Name": (QI, "place"),
        "Start Station Latitude": (QI, "latitude"),
        "Start Station Longitude": (QI, "longitude"),
        "End Station ID": (QI, "place"),
        "End Station Name": (QI, "place"),
        "End Station Latitude": (QI, "latitude"),
        "End Station Longitude": (QI, "longitude"),
        "Bike ID": (OTHER, "record_id"),
        "User Type": (OTHER, "category"),
        "Birth Year": (QI, "birth_year"),
        "Gender": (QI, "sex"),
        "Rider ID": (PSEUDONYM, "record_id"),
    }
    max_trips = int(trips_per_rider.max()) if rider_count else 0
    release = PlannedRelease(
        name="bike_trips", file="bike_trips.csv", format="csv", frame=frame, columns=columns,
        about_people=True, safe=False, entity_id="Rider ID",
        risks=[
            Risk("bike-rider-id", "pseudonym", ("Rider ID",), {"riders": rider_count, "max_trips_per_rider": max_trips}),
            Risk("bike-minute-timestamps", "quasi_identifier_precision", ("Start Time", "Stop Time"), {"precision": "minute"}),
        ],
        notes="Citi Bike layout; Gender 0=unknown 1=male 2=female; Rider ID is a per-person pseudonym.",
        person_ids=hidden["person_id"].to_numpy(),
    )
    return release, hidden


def bike_crash_reports(trips: PlannedRelease, hidden_trips: pl.DataFrame, stations: pl.DataFrame, seed: int) -> PlannedRelease:
    """Police reports of cyclist crashes at docking stations, a few minutes after a trip began there."""
    rng = _stream(seed, 12)
    planted = max(6, trips.frame.height // 60)
    decoys = max(2, planted // 4)
    picked = rng.choice(trips.frame.height, size=planted, replace=False)
    crash_minute = hidden_trips["start_minute"].to_numpy()[picked] + rng.integers(1, 5, planted)
    crash_station = hidden_trips["start_station"].to_numpy()[picked]
    crash_sex = hidden_trips["sex"].to_numpy()[picked]
    crash_person = hidden_trips["person_id"].to_numpy()[picked]

    summer_start = _days_since_epoch(date(EVENT_YEAR, 6, 1)) * 1440
    decoy_minute = summer_start + rng.integers(0, 92 * 1440, decoys)
    decoy_station = rng.integers(0, stations.height, decoys)
    minutes = np.concatenate([crash_minute, decoy_minute])
    station_index = np.concatenate([crash_station, decoy_station])
    sexes = np.concatenate([crash_sex, np.where(rng.random(decoys) < 0.5, "M", "F")])
    persons = np.concatenate([crash_person, np.full(decoys, -1)])
    count = len(minutes)
    order = np.argsort(minutes, kind="stable")
    severity = rng.choice(
        np.array(["Possible injury", "Minor injury", "Serious injury", "Fatal"]), size=count, p=[0.45, 0.38, 0.15, 0.02]
    )
    frame = pl.DataFrame({
        "report_number": [f"CR{EVENT_YEAR}-{index + 1:05d}" for index in range(count)],
        "crash_datetime": _minutes_to_datetime(minutes[order]).dt.strftime("%Y-%m-%d %H:%M"),
        "nearest_station": stations["station_name"].to_numpy()[station_index[order]],
        "latitude": np.round(stations["station_lat"].to_numpy()[station_index[order]], 4),
        "longitude": np.round(stations["station_lon"].to_numpy()[station_index[order]], 4),
        "cyclist_sex": sexes[order],
        "injury_severity": severity,
    })
    return PlannedRelease(
        name="bike_crash_reports", file="bike_crash_reports.csv", format="csv", frame=frame,
        columns={
            "report_number": (OTHER, "record_id"),
            "crash_datetime": (QI, "datetime"),
            "nearest_station": (QI, "place"),
            "latitude": (QI, "latitude"),
            "longitude": (QI, "longitude"),
            "cyclist_sex": (QI, "sex"),
            "injury_severity": (SENSITIVE, "health"),
        },
        about_people=True, safe=False,
        risks=[Risk("crash-x-bike", "linkage", ("crash_datetime", "nearest_station"), {"join": "crash-x-bike-trips"})],
        notes=f"{planted} crashes planted 1-4 minutes after a trip started at the station, {decoys} unrelated.",
        person_ids=persons[order],
        extra={"planted": planted, "decoys": decoys},
    )


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


# --------------------------------------------------------------------------- taxis

def taxi_trips(population: pl.DataFrame, seed: int) -> PlannedRelease:
    rng = _stream(seed, 70)
    medallion_count = max(15, population.height // 150)
    driver_count = int(medallion_count * 1.6)
    codes = _unique_codes(rng, medallion_count, 0, MEDALLION_SPACE_SIZE)
    letters = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    medallions = [f"{code // 2600}{letters[(code // 100) % 26]}{code % 100:02d}" for code in codes]
    six_digit = rng.random(driver_count) < 0.6
    hack_numbers = np.where(
        six_digit, _unique_codes(rng, driver_count, 100_000, 1_000_000), _unique_codes(rng, driver_count, 5_000_000, 6_000_000)
    )
    hack_licences = [str(value) for value in hack_numbers]
    drivers = rng.choice(population.filter(pl.col("age").is_between(21, 70))["person_id"].to_numpy(), driver_count, replace=False)

    trips_per_driver = rng.poisson(18, driver_count) + 1
    driver_of_trip = np.repeat(np.arange(driver_count), trips_per_driver)
    trips = len(driver_of_trip)
    week_start = int((datetime(EVENT_YEAR, 5, 1) - datetime(1970, 1, 1)).total_seconds())
    pickup_second = week_start + rng.integers(0, 7 * 86400, trips)
    trip_seconds = np.clip(rng.lognormal(np.log(720), 0.6, trips), 60, 5400).astype(np.int64)
    distance = np.round(trip_seconds / 3600 * rng.uniform(8, 22, trips), 2)
    pickup_lat = CITY_CENTRE[0] + rng.normal(0, 0.02, trips)
    pickup_lon = CITY_CENTRE[1] + rng.normal(0, 0.025, trips)
    bearing = rng.uniform(0, 2 * np.pi, trips)
    order = np.lexsort((driver_of_trip, pickup_second))

    medallion_hash = np.array(_md5_upper(medallions))
    hack_hash = np.array(_md5_upper(hack_licences))
    medallion_of_driver = np.arange(driver_count) % medallion_count
    as_datetime = lambda seconds: pl.Series(seconds * 1_000_000).cast(pl.Datetime("us")).dt.strftime("%Y-%m-%d %H:%M:%S")
    frame = pl.DataFrame({
        "medallion": medallion_hash[medallion_of_driver[driver_of_trip]][order],
        "hack_license": hack_hash[driver_of_trip][order],
        "vendor_id": rng.choice(np.array(["CMT", "VTS"]), size=trips)[order],
        "rate_code": np.where(rng.random(trips) < 0.97, 1, 2)[order],
        "pickup_datetime": as_datetime(pickup_second[order]),
        "dropoff_datetime": as_datetime((pickup_second + trip_seconds)[order]),
        "passenger_count": rng.choice(np.array([1, 1, 1, 2, 2, 3, 4]), size=trips)[order],
        "trip_time_in_secs": trip_seconds[order],
        "trip_distance": distance[order],
        "pickup_longitude": np.round(pickup_lon[order], 6),
        "pickup_latitude": np.round(pickup_lat[order], 6),
        "dropoff_longitude": np.round((pickup_lon + np.cos(bearing) * distance / 60)[order], 6),
        "dropoff_latitude": np.round((pickup_lat + np.sin(bearing) * distance / 80)[order], 6),
        "fare_amount": np.round(2.5 + 2.5 * distance[order], 2),
    })
    return PlannedRelease(
        name="taxi_trips", file="taxi_trips.csv", format="csv", frame=frame,
        columns={
            "medallion": (PSEUDONYM, "hash"),
            "hack_license": (PSEUDONYM, "hash"),
            "vendor_id": (OTHER, "category"),
            "rate_code": (OTHER, "category"),
            "pickup_datetime": (QI, "datetime"),
            "dropoff_datetime": (QI, "datetime"),
            "passenger_count": (OTHER, "measure"),
            "trip_time_in_secs": (OTHER, "measure"),
            "trip_distance": (OTHER, "measure"),
            "pickup_longitude": (QI, "longitude"),
            "pickup_latitude": (QI, "latitude"),
            "dropoff_longitude": (QI, "longitude"),
            "dropoff_latitude": (QI, "latitude"),
            "fare_amount": (OTHER, "measure"),
        },
        about_people=True, safe=False, entity_id="hack_license",
        risks=[
            Risk("taxi-medallion-md5", "reversible_hash", ("medallion",), {
                "algorithm": "md5", "salted": False, "encoding": "uppercase hex",
                "space": MEDALLION_SPACE, "space_size": MEDALLION_SPACE_SIZE, "distinct_values": medallion_count,
            }),
            Risk("taxi-hack-licence-md5", "reversible_hash", ("hack_license",), {
                "algorithm": "md5", "salted": False, "encoding": "uppercase hex",
                "space": HACK_LICENCE_SPACE, "space_size": HACK_LICENCE_SPACE_SIZE, "distinct_values": driver_count,
            }),
            Risk("taxi-exact-times-places", "quasi_identifier_precision",
                 ("pickup_datetime", "dropoff_datetime", "pickup_latitude", "pickup_longitude"),
                 {"precision": "second, 6 decimals"}),
        ],
        notes="NYC 2013 layout: unsalted MD5 of medallion and hack licence, reversible by enumerating the spaces.",
        person_ids=drivers[driver_of_trip][order],
        extra={"medallions": medallions, "hack_licences": hack_licences},
    )


# --------------------------------------------------------------------------- objects, aggregates, generalised

_TREE_SPECIES = (
    ("Acer rubrum", "red maple"), ("Quercus palustris", "pin oak"), ("Platanus x acerifolia", "London planetree"),
    ("Gleditsia triacanthos", "honeylocust"), ("Tilia cordata", "littleleaf linden"), ("Pyrus calleryana", "Callery pear"),
    ("Zelkova serrata", "Japanese zelkova"), ("Ginkgo biloba", "ginkgo"), ("Prunus serrulata", "Japanese cherry"),
    ("Ulmus americana", "American elm"),
)


def street_trees(population: pl.DataFrame, seed: int) -> PlannedRelease:
    rng = _stream(seed, 80)
    count = max(100, population.height // 4)
    zip_index = rng.choice(len(ZIP_CODES), size=count, p=ZIP_SHARES)
    centroids = np.array([zip_centroids()[code] for code in ZIP_CODES])
    species = rng.integers(0, len(_TREE_SPECIES), count)
    zips = np.array(ZIP_CODES)[zip_index]
    frame = pl.DataFrame({
        "tree_id": [f"T{index + 1:07d}" for index in range(count)],
        "species_latin": np.array([latin for latin, _ in _TREE_SPECIES])[species],
        "species_common": np.array([common for _, common in _TREE_SPECIES])[species],
        "dbh_in": np.round(np.clip(rng.lognormal(np.log(11), 0.5, count), 2, 60), 1),
        "status": np.where(rng.random(count) < 0.95, "Alive", "Dead"),
        "ward": pl.Series(zips).replace_strict(WARD_OF_ZIP),
        "zip": zips,
        "longitude": np.round(centroids[zip_index, 1] + rng.normal(0, 0.006, count), 6),
        "latitude": np.round(centroids[zip_index, 0] + rng.normal(0, 0.005, count), 6),
    })
    return PlannedRelease(
        name="street_trees", file="street_trees.geojson", format="geojson", frame=frame,
        columns={
            "tree_id": (OTHER, "record_id"),
            "species_latin": (OTHER, "category"),
            "species_common": (OTHER, "category"),
            "dbh_in": (OTHER, "measure"),
            "status": (OTHER, "category"),
            # Places describe where a tree stands: no person is behind them.
            "ward": (OTHER, "place"),
            "zip": (OTHER, "postal_code"),
            "longitude": (OTHER, "longitude"),
            "latitude": (OTHER, "latitude"),
        },
        about_people=False, safe=True,
        notes="Point features; longitude/latitude come from the geometry.",
    )


def trees_by_zip(trees: PlannedRelease) -> PlannedRelease:
    frame = (
        trees.frame.group_by("zip")
        .agg(pl.len().cast(pl.Int64).alias("trees"), pl.col("dbh_in").mean().round(1).alias("mean_dbh_in"))
        .sort("zip")
    )
    return PlannedRelease(
        name="trees_by_zip", file="trees_by_zip.csv", format="csv", frame=frame,
        columns={"zip": (OTHER, "postal_code"), "trees": (OTHER, "count"), "mean_dbh_in": (OTHER, "measure")},
        about_people=False, safe=True, count_column="trees",
        notes="Street trees counted per ZIP.",
    )


def residents_by_zip(population: pl.DataFrame) -> PlannedRelease:
    frame = population.group_by("zip").agg(pl.len().cast(pl.Int64).alias("residents")).sort("zip")
    return PlannedRelease(
        name="residents_by_zip", file="residents_by_zip.csv", format="csv", frame=frame,
        columns={"zip": (QI, "postal_code"), "residents": (OTHER, "count")},
        about_people=True, safe=True, count_column="residents",
        notes="Resident counts per ZIP: every cell is large.",
    )


def dog_licences(population: pl.DataFrame, seed: int) -> PlannedRelease:
    """Generalised record-level release: year, age band, sex, 3-digit ZIP; small classes suppressed."""
    rng = _stream(seed, 90)
    adults = population.filter(pl.col("age") >= 18)
    owners = adults[rng.choice(adults.height, size=min(adults.height, max(60, int(population.height * 0.12))), replace=False)]
    lifetime = rng.random(owners.height) < 0.2
    frame = owners.select(
        pl.Series("licence_year", rng.choice(np.array([EVENT_YEAR - 1, EVENT_YEAR]), size=owners.height)),
        _coarse_age_band(pl.col("age")).alias("owner_age_band"),
        pl.col("sex").alias("owner_sex"),
        pl.col("zip").str.slice(0, 3).alias("zip3"),
        pl.Series("licence_type", np.where(lifetime, "Lifetime", "Annual")),
        pl.Series("fee_paid", np.where(lifetime, 150.0, 25.0)),
        pl.col("person_id"),
    )
    qis = ["licence_year", "owner_age_band", "owner_sex", "zip3"]
    frame, suppressed = _suppress_small_classes(frame, qis)
    frame = frame.sort(qis + ["licence_type", "person_id"])
    return PlannedRelease(
        name="dog_licences", file="dog_licences.csv", format="csv", frame=frame.drop("person_id"),
        columns={
            "licence_year": (QI, "date"),
            "owner_age_band": (QI, "age_group"),
            "owner_sex": (QI, "sex"),
            "zip3": (QI, "postal_code"),
            "licence_type": (OTHER, "category"),
            "fee_paid": (OTHER, "measure"),
        },
        about_people=True, safe=True,
        notes=f"Generalised (year, age band, sex, 3-digit ZIP); {suppressed} records in classes < {SAFE_K} suppressed.",
        person_ids=frame["person_id"].to_numpy(),
        extra={"suppressed": suppressed},
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


# --------------------------------------------------------------------------- joins

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


def build_releases(population: pl.DataFrame, seed: int) -> list[PlannedRelease]:
    stations = bike_stations(population.height, seed)
    trips, hidden_trips = bike_trips(population, stations, seed)
    incidents = ems_incidents(population, seed)
    dispatch, outcomes = ems_dispatch_and_outcomes(incidents, seed)
    trees = street_trees(population, seed)
    return [
        trips,
        bike_crash_reports(trips, hidden_trips, stations, seed),
        service_requests(population, seed),
        payroll(population),
        voter_register(population, seed),
        incidents,
        ems_counts(incidents),
        clinic_visits(population, seed),
        dispatch,
        outcomes,
        taxi_trips(population, seed),
        trees,
        trees_by_zip(trees),
        residents_by_zip(population),
        dog_licences(population, seed),
        subventions_associations(population, seed),
    ]


# --------------------------------------------------------------------------- writers

def write_release(release: PlannedRelease, out_dir: Path) -> None:
    path = out_dir / release.file
    path.parent.mkdir(parents=True, exist_ok=True)
    frame = release.frame
    if release.name == "subventions_associations":
        text = frame.write_csv(separator=";", decimal_comma=True, float_precision=2)
        path.write_bytes(text.encode("latin-1"))
    elif release.format == "csv":
        frame.write_csv(path, float_precision=release.extra.get("float_precision"))
    elif release.format == "parquet":
        frame.write_parquet(path, compression="zstd", statistics=False)
    elif release.format == "ndjson":
        frame.write_ndjson(path)
    elif release.format == "xlsx":
        _write_xlsx(frame, path)
    elif release.format == "geojson":
        _write_geojson(frame, path)
    elif release.format == "datapackage":
        _write_datapackage(release, path)
    else:
        raise ValueError(f"no writer for format {release.format!r}")


def _write_xlsx(frame: pl.DataFrame, path: Path) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path))
    # A fixed creation time keeps the workbook byte-identical from run to run.
    workbook.set_properties({"created": datetime(EVENT_YEAR + 1, 1, 1), "author": f"{CITY_NAME} EMS"})
    sheet = workbook.add_worksheet("Outcomes")
    bold = workbook.add_format({"bold": True})
    for column_index, name in enumerate(frame.columns):
        sheet.write_string(0, column_index, name, bold)
        for row_index, value in enumerate(frame[name].to_list(), start=1):
            sheet.write(row_index, column_index, value)
    workbook.close()


def _write_geojson(frame: pl.DataFrame, path: Path) -> None:
    properties = [name for name in frame.columns if name not in ("longitude", "latitude")]
    # One feature per line, built column-wise: fast at a million trees, and diff-friendly.
    pieces = [pl.lit('{"type":"Feature","geometry":{"type":"Point","coordinates":['),
              pl.col("longitude").cast(pl.String), pl.lit(","), pl.col("latitude").cast(pl.String),
              pl.lit(']},"properties":{')]
    for index, name in enumerate(properties):
        value = pl.col(name)
        encoded = (pl.lit('"') + value.cast(pl.String) + pl.lit('"')) if frame.schema[name] == pl.String else value.cast(pl.String)
        pieces += [pl.lit(("," if index else "") + json.dumps(name) + ":"), encoded]
    pieces.append(pl.lit("}}"))
    lines = frame.select(pl.concat_str(pieces).alias("feature"))["feature"].to_list()
    path.write_text('{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n", encoding="utf-8")


def _write_datapackage(release: PlannedRelease, descriptor_path: Path) -> None:
    resource_path = release.extra["resource_path"]
    release.frame.write_csv(descriptor_path.parent / resource_path)
    types = {pl.String: "string", pl.Float64: "number", pl.Int64: "integer"}
    descriptions = {
        "case_id": "Case number of the dispatch",
        "dispatch_period": f"Period of the dispatch ({release.extra['generalisation']})",
        "district": "Ward the ambulance was sent to",
        "response_minutes": "Minutes from call to arrival",
    }
    fields = []
    for name in release.frame.columns:
        role, semantic = release.columns[name]
        field_descriptor = {"name": name, "type": types[release.frame.schema[name]], "description": descriptions[name]}
        if role in (PSEUDONYM, QI):
            field_descriptor["sharecheck:role"] = role
            field_descriptor["sharecheck:semantic_type"] = semantic
        fields.append(field_descriptor)
    descriptor = {
        "name": "ems-dispatch",
        "title": f"{CITY_NAME} EMS dispatches",
        "licenses": [{"name": "ODC-PDDL-1.0"}],
        "resources": [{
            "name": release.name, "path": resource_path, "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "schema": {"fields": fields, "primaryKey": ["case_id"]},
        }],
    }
    descriptor_path.write_text(json.dumps(descriptor, indent=2) + "\n", encoding="utf-8")
