"""Bike share (stations, trips, crash reports at stations) and taxi trips: people on the move."""
from __future__ import annotations

from datetime import date, datetime

import numpy as np
import polars as pl

from .draw import _days_since_epoch, _md5_upper, _minutes_to_datetime, _stream, _unique_codes
from .plan import OTHER, PSEUDONYM, QI, SENSITIVE, PlannedRelease, Risk
from .population import CITY_CENTRE, EVENT_YEAR, STREET_ROOTS, STREET_SUFFIXES, ZIP_CODES, ZIP_SHARES, zip_centroids

MEDALLION_SPACE = r"\d[A-Z]\d\d"
MEDALLION_SPACE_SIZE = 10 * 26 * 10 * 10
HACK_LICENCE_SPACE = "6-digit 100000-999999 or 7-digit 5000000-5999999"
HACK_LICENCE_SPACE_SIZE = 900_000 + 1_000_000


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
