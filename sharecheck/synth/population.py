"""The people of Port Alder, a fictional city: one row per resident, built vectorised.

Every release (`mobility.py`, `services.py`, `health.py`, `safe_releases.py`) is derived from
this frame, so the ground truth about who is who is known exactly. Names come from the public
1990 US Census name-frequency files shipped by the `names` package, drawn with their published
frequencies so that common names collide as they do in a real city (which is what makes
name-based linkage ambiguous).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

CITY_NAME = "Port Alder"
# Ages and "current" facts are as of this day; every event release covers the year before it.
REFERENCE_DATE = date(2024, 1, 1)
EVENT_YEAR = 2023
CITY_CENTRE = (41.8240, -71.4128)

# Leading zeros on purpose: a release that stores ZIP as an integer loses them, which is
# exactly the normalisation an intruder has to undo before joining.
ZIP_CODES = (
    "02801", "02802", "02803", "02804", "02806", "02807", "02808", "02809", "02812", "02813",
    "02814", "02815", "02816", "02817", "02818", "02822", "02825", "02827", "02830", "02831",
    "02901", "02902", "02903", "02904", "02905", "02906", "02907", "02908", "02909", "02910",
)
# Zipf-like shares (largest about 6x the smallest); fixed so that ZIP sizes do not depend on
# the seed and the smallest ZIP still holds ~1.3 % of residents.
_ZIP_WEIGHTS = 1.0 / (np.arange(len(ZIP_CODES)) + 3.0) ** 0.9
ZIP_SHARES = _ZIP_WEIGHTS / _ZIP_WEIGHTS.sum()
# ZIPs are grouped into wards; aggregate and generalised releases use them.
WARD_OF_ZIP = {zip_code: f"Ward {index % 6 + 1}" for index, zip_code in enumerate(ZIP_CODES)}

STREET_ROOTS = (
    "Maple", "Oak", "Cedar", "Elm", "Pine", "Birch", "Willow", "Chestnut", "Walnut", "Spruce",
    "Hickory", "Magnolia", "Laurel", "Sycamore", "Poplar", "Juniper", "Harbor", "Bay", "River",
    "Mill", "Church", "School", "Market", "Bridge", "Water", "Union", "Franklin", "Washington",
    "Jefferson", "Madison", "Monroe", "Lincoln", "Grant", "Adams", "Hope", "Benefit", "Angell",
    "Wickenden", "Broad", "Atwells", "Federal", "Smith", "Chalkstone", "Academy", "Prospect",
    "Summit", "Highland", "Lakeview", "Orchard", "Meadow", "Ridge", "Valley", "Forest", "Spring",
    "Sunset", "Park", "Garden", "Pleasant", "Central", "Lafayette",
)
STREET_SUFFIXES = ("St", "Ave", "Rd", "Blvd", "Ln", "Dr", "Ct", "Pl", "Way", "Ter")
STREETS_PER_ZIP = 12

SEXES = ("F", "M")
RACES = ("White", "Black", "Hispanic", "Asian", "Two or more races", "American Indian", "Pacific Islander")
_RACE_SHARES = np.array([0.55, 0.16, 0.17, 0.07, 0.03, 0.015, 0.005])

OCCUPATIONS = (
    "Registered nurse", "Retail salesperson", "Cashier", "Office clerk", "Teacher", "Cook",
    "Truck driver", "Software developer", "Accountant", "Janitor", "Construction laborer",
    "Customer service representative", "Home health aide", "Electrician", "Carpenter",
    "Mechanic", "Waiter", "Security guard", "Manager", "Lawyer", "Physician", "Pharmacist",
    "Plumber", "Hairdresser", "Social worker", "Engineer", "Graphic designer", "Bartender",
    "Real estate agent", "Dental assistant",
)
_OCCUPATION_WEIGHTS = np.linspace(3.0, 0.5, len(OCCUPATIONS))
PRIVATE_EMPLOYERS = (
    "Alder Health System", "Narragansett Grocers", "Bayside Logistics", "Harborview University",
    "Ocean State Insurance", "Providence Textile Co", "Riverside Schools", "Seaport Hotels",
    "Crescent Software", "Atlantic Builders", "Port Alder Transit", "Greene Pharmacy",
)

# department -> (job titles, median annual salary of each title)
CITY_DEPARTMENTS = {
    "Police": (("Police Officer", "Sergeant", "Lieutenant", "Dispatcher", "Police Captain"), (72000, 88000, 99000, 52000, 118000)),
    "Fire": (("Firefighter", "Fire Lieutenant", "Paramedic", "Fire Captain"), (69000, 91000, 74000, 108000)),
    "Public Works": (("Laborer", "Equipment Operator", "Civil Engineer", "Foreman"), (46000, 54000, 86000, 63000)),
    "Parks and Recreation": (("Park Ranger", "Recreation Leader", "Arborist", "Groundskeeper"), (48000, 39000, 57000, 41000)),
    "Library": (("Librarian", "Library Assistant", "Archivist"), (61000, 38000, 64000)),
    "Water Supply": (("Water Plant Operator", "Meter Reader", "Chemist"), (58000, 44000, 77000)),
    "Finance": (("Accountant", "Budget Analyst", "Payroll Clerk", "Treasurer"), (66000, 71000, 43000, 135000)),
    "Health": (("Public Health Nurse", "Epidemiologist", "Health Inspector"), (76000, 83000, 59000)),
    "Transportation": (("Traffic Engineer", "Parking Enforcement Officer", "Bus Operator"), (82000, 42000, 51000)),
    "Mayor's Office": (("Chief of Staff", "Policy Advisor", "Press Secretary"), (142000, 78000, 96000)),
}
CITY_EMPLOYER = f"City of {CITY_NAME}"

_HOUSEHOLD_SIZES = np.array([1, 2, 3, 4, 5, 6])
_HOUSEHOLD_SIZE_SHARES = np.array([0.28, 0.34, 0.15, 0.13, 0.06, 0.04])


@dataclass(frozen=True)
class NameTable:
    names: np.ndarray
    probabilities: np.ndarray


def names_directory() -> Path:
    import names  # the PyPI package: its only role here is to ship the census files

    return Path(names.__file__).resolve().parent


@functools.lru_cache(maxsize=None)
def census_names(kind: str) -> NameTable:
    """`kind` is 'last', 'female' or 'male'; frequencies are the census 'percent' column."""
    filename = {"last": "dist.all.last", "female": "dist.female.first", "male": "dist.male.first"}[kind]
    rows = [line.split() for line in (names_directory() / filename).read_text().splitlines() if line.strip()]
    words = np.array([row[0].title() for row in rows])
    frequencies = np.array([float(row[1]) for row in rows])
    # Tail names are listed with frequency 0.000 after rounding; they are real but rare.
    frequencies = np.maximum(frequencies, 0.0005)
    return NameTable(words, frequencies / frequencies.sum())


def _age_weights() -> np.ndarray:
    ages = np.arange(100)
    weights = np.ones(100)
    weights *= 1.0 + 0.25 * np.exp(-((ages - 32) / 9.0) ** 2)  # the young-adult bulge of a city
    weights[ages >= 55] *= np.exp(-(ages[ages >= 55] - 55) / 14.0)
    return weights / weights.sum()


def _sample_categorical_by_group(rng: np.random.Generator, group: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Draw one category per row, with probabilities `table[group_of_row]` (rows sum to 1)."""
    cumulative = np.cumsum(table, axis=1)
    draws = rng.random(len(group))
    return np.minimum((draws[:, None] > cumulative[group]).sum(axis=1), table.shape[1] - 1)


def zip_centroids() -> dict[str, tuple[float, float]]:
    """ZIPs laid out on a 6-wide grid around the centre, about 2 km apart."""
    centroids = {}
    for index, zip_code in enumerate(ZIP_CODES):
        row, column = divmod(index, 6)
        centroids[zip_code] = (CITY_CENTRE[0] + (row - 2) * 0.018, CITY_CENTRE[1] + (column - 2.5) * 0.024)
    return centroids


def build_population(people: int, seed: int) -> pl.DataFrame:
    """One row per resident with identity, demographics, home and job."""
    if people < 50:
        raise ValueError("a city needs at least 50 people for its releases to make sense")
    rng = np.random.default_rng([seed, 0])

    # Households first, so that members share an address, a ZIP and usually a surname.
    expected_households = int(people / (_HOUSEHOLD_SIZES * _HOUSEHOLD_SIZE_SHARES).sum() * 1.2) + 10
    sizes = rng.choice(_HOUSEHOLD_SIZES, size=expected_households, p=_HOUSEHOLD_SIZE_SHARES)
    household_of_person = np.repeat(np.arange(expected_households), sizes)[:people]
    households = int(household_of_person[-1]) + 1
    member_index = np.arange(people) - np.searchsorted(household_of_person, household_of_person)

    # ZIPs by quota over the running head count, so ZIP sizes track ZIP_SHARES closely at any
    # size instead of fluctuating (small ZIPs must stay above the aggregate tables' thresholds).
    people_per_household = np.bincount(household_of_person, minlength=households)
    order = rng.permutation(households)
    running = np.cumsum(people_per_household[order]) - people_per_household[order] / 2
    zip_index_of_household = np.empty(households, dtype=np.int64)
    zip_index_of_household[order] = np.minimum(
        np.searchsorted(np.cumsum(ZIP_SHARES) * people, running), len(ZIP_CODES) - 1
    )

    streets = np.array([f"{root} {suffix}" for root in STREET_ROOTS for suffix in STREET_SUFFIXES])
    street_choice = np.stack([rng.choice(len(streets), STREETS_PER_ZIP, replace=False) for _ in ZIP_CODES])
    household_street = streets[street_choice[zip_index_of_household, rng.integers(0, STREETS_PER_ZIP, households)]]
    household_number = rng.integers(1, 3000, households)
    centroids = np.array([zip_centroids()[code] for code in ZIP_CODES])
    household_lat = centroids[zip_index_of_household, 0] + rng.normal(0, 0.005, households)
    household_lon = centroids[zip_index_of_household, 1] + rng.normal(0, 0.006, households)

    sex_is_male = rng.random(people) < 0.49
    female, male, last = census_names("female"), census_names("male"), census_names("last")
    first_names = np.where(
        sex_is_male,
        rng.choice(male.names, size=people, p=male.probabilities),
        rng.choice(female.names, size=people, p=female.probabilities),
    )
    household_surname = rng.choice(last.names, size=households, p=last.probabilities)
    own_surname = rng.choice(last.names, size=people, p=last.probabilities)
    keeps_household_surname = (member_index == 0) | (rng.random(people) < 0.85)
    last_names = np.where(keeps_household_surname, household_surname[household_of_person], own_surname)
    middle_letters = np.array(list("ABCDEFGHIJKLMNOPRSTW"))
    middle_initial = np.where(rng.random(people) < 0.8, rng.choice(middle_letters, size=people), "")

    # The first member heads the household and is an adult.
    age_weights = _age_weights()
    adult_weights = np.where(np.arange(100) >= 18, age_weights, 0.0)
    ages = np.where(
        member_index == 0,
        rng.choice(100, size=people, p=adult_weights / adult_weights.sum()),
        rng.choice(100, size=people, p=age_weights),
    )
    reference_ordinal = REFERENCE_DATE.toordinal()
    birth_ordinal = reference_ordinal - np.floor(ages * 365.25 + rng.random(people) * 365.0).astype(np.int64) - 1
    # Some twins: same birth date (and half the time same sex) in the same household, which
    # makes ZIP + birth date + sex ambiguous for them, as it is for real twins.
    previous_is_sibling = (member_index >= 2) & (rng.random(people) < 0.06)
    twin_rows = np.flatnonzero(previous_is_sibling)
    birth_ordinal[twin_rows] = birth_ordinal[twin_rows - 1]
    same_sex_twin = twin_rows[rng.random(len(twin_rows)) < 0.5]
    sex_is_male[same_sex_twin] = sex_is_male[same_sex_twin - 1]
    ages = np.floor((reference_ordinal - birth_ordinal) / 365.25).astype(np.int64)

    person_zip = zip_index_of_household[household_of_person]
    race_mix = np.stack([rng.dirichlet(_RACE_SHARES * 25) for _ in ZIP_CODES])
    race_index = _sample_categorical_by_group(rng, person_zip, race_mix)

    working_age = (ages >= 18) & (ages <= 66)
    occupation_index = rng.choice(len(OCCUPATIONS), size=people, p=_OCCUPATION_WEIGHTS / _OCCUPATION_WEIGHTS.sum())
    occupation = np.where(ages < 18, "Student", np.where(ages > 66, "Retired", np.array(OCCUPATIONS)[occupation_index]))
    occupation = np.where(working_age & (rng.random(people) < 0.05), "Unemployed", occupation)
    employed = working_age & (occupation != "Unemployed")

    department_names = list(CITY_DEPARTMENTS)
    department_weights = np.array([9, 7, 6, 3, 2, 2, 2, 2, 3, 1], dtype=float)
    is_city_employee = employed & (rng.random(people) < 0.06)
    department_index = rng.choice(len(department_names), size=people, p=department_weights / department_weights.sum())
    title_draw = rng.random(people)
    job_title = np.empty(people, dtype=object)
    salary = np.zeros(people)
    for index, department in enumerate(department_names):
        titles, medians = CITY_DEPARTMENTS[department]
        rows = np.flatnonzero(is_city_employee & (department_index == index))
        # The first title of each department is the common one; senior titles are rare.
        title_weights = np.array([4.0] + [1.0] * (len(titles) - 1))
        picked = np.minimum((title_draw[rows, None] > np.cumsum(title_weights / title_weights.sum())).sum(axis=1), len(titles) - 1)
        job_title[rows] = np.array(titles)[picked]
        salary[rows] = np.array(medians)[picked] * rng.lognormal(0.0, 0.12, len(rows))
    employer = np.where(
        is_city_employee,
        CITY_EMPLOYER,
        np.where(employed & (rng.random(people) < 0.6), rng.choice(np.array(PRIVATE_EMPLOYERS), size=people), ""),
    )
    occupation = np.where(is_city_employee, job_title.astype(str), occupation)

    frame = pl.DataFrame(
        {
            "person_id": np.arange(people, dtype=np.int64),
            "household_id": household_of_person.astype(np.int64),
            "first_name": first_names,
            "middle_initial": middle_initial,
            "last_name": last_names,
            "sex": np.where(sex_is_male, "M", "F"),
            "birth_date": birth_ordinal - date(1970, 1, 1).toordinal(),
            "age": ages,
            "zip": np.array(ZIP_CODES)[person_zip],
            "house_number": household_number[household_of_person],
            "street": household_street[household_of_person],
            "latitude": household_lat[household_of_person],
            "longitude": household_lon[household_of_person],
            "race": np.array(RACES)[race_index],
            "occupation": occupation,
            "employer": employer,
            "department": np.where(is_city_employee, np.array(department_names)[department_index], ""),
            "job_title": np.where(is_city_employee, job_title.astype(str), ""),
            "annual_salary": np.round(salary, 2),
        }
    )
    return frame.with_columns(
        pl.col("birth_date").cast(pl.Date),
        pl.concat_str([pl.col("house_number").cast(pl.String), pl.col("street")], separator=" ").alias("address"),
        pl.col("middle_initial").replace("", None),
        pl.col("employer").replace("", None),
        pl.col("department").replace("", None),
        pl.col("job_title").replace("", None),
        pl.when(pl.col("annual_salary") > 0).then(pl.col("annual_salary")).alias("annual_salary"),
        pl.col("zip").replace_strict(WARD_OF_ZIP).alias("ward"),
    )
