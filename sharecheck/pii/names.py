"""Person names without a language model.

The 1990 US Census name-frequency lists (public statistics, shipped by the `names` package)
say which tokens are given names and surnames. A value looks like a person's name when, once
titles, suffixes and initials are set aside, it has two to four tokens, at least one a known
given name and another a known surname, and no word that names a business, a street, a place
or a thing. The share of sampled values that look like names decides; no single value does.
Works for "First M Last", "LAST, FIRST M" and "Last,First" alike, because token order is not
used.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

_TOKEN = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ'’-]+")

TITLES = frozenset("MR MRS MS MISS DR PROF REV SIR HON SGT CPT CAPT LT DET OFC OFFICER PO SRA SR SRTA M MME MLLE HERR FRAU SIG SIGRA DHR MEVR".split())
SUFFIXES = frozenset("JR SR II III IV V MD PHD ESQ DDS RN CPA DO".split())

# Words that make a string a business, a street, a place or a thing rather than a person.
# Upper case, compared per token. Kept here rather than in YAML: they are part of the
# algorithm, not a policy a city would tune.
NON_PERSON_WORDS = frozenset("""
LLC L.L.C INC INCORPORATED CORP CORPORATION CO COMPANY COMPANIES LTD LIMITED LLP LP PLLC PC PA GMBH AG SA SARL SAS BV NV SPA SRL
GROUP HOLDINGS PARTNERS ASSOCIATES ASSOC ASSN ASSOCIATION ENTERPRISES ENTERPRISE INDUSTRIES INTERNATIONAL INTL NATIONAL SERVICES SERVICE
SOLUTIONS SYSTEMS TECHNOLOGIES TECHNOLOGY TECH CONSULTING CONSULTANTS MANAGEMENT DEVELOPMENT PROPERTIES PROPERTY REALTY REAL ESTATE
INVESTMENTS CAPITAL FINANCIAL BANK TRUST FUND FOUNDATION INSTITUTE UNIVERSITY COLLEGE SCHOOL ACADEMY CHURCH MINISTRIES TEMPLE MOSQUE
HOSPITAL CLINIC MEDICAL HEALTH CARE CENTER CENTRE PHARMACY LAB LABS LABORATORY DENTAL
RESTAURANT CAFE COFFEE BAR GRILL PIZZA PIZZERIA KITCHEN BAKERY DELI DINER TAVERN PUB LOUNGE CLUB HOTEL MOTEL INN SUITES HOSTEL
BISTRO BRASSERIE BURGER BURGERS TACO TACOS SUSHI BBQ CATERING CATERERS FOODS FOOD MARKET MART STORE SHOP SHOPPE BOUTIQUE SALON SPA
BARBER BEAUTY NAILS FITNESS GYM STUDIO STUDIOS GALLERY THEATER THEATRE CINEMA MUSEUM LIBRARY
CONSTRUCTION CONTRACTING CONTRACTORS CONTRACTOR BUILDERS BUILDING ELECTRIC ELECTRICAL PLUMBING HEATING ROOFING PAINTING LANDSCAPING
CLEANING JANITORIAL MOVING TRANSPORT TRANSPORTATION TRUCKING LOGISTICS AUTO AUTOMOTIVE MOTORS REPAIR TOWING GARAGE PARKING
INSURANCE AGENCY LAW LEGAL ATTORNEYS FIRM MEDIA COMMUNICATIONS MARKETING ADVERTISING DESIGN PRINTING PUBLISHING
DEPARTMENT DEPT OFFICE CITY COUNTY STATE FEDERAL GOVERNMENT AUTHORITY COMMISSION BOARD COUNCIL COMMITTEE DISTRICT DIVISION BUREAU
STREET ST AVENUE AVE AV ROAD RD BOULEVARD BLVD DRIVE DR LANE LN COURT CT PLACE PL WAY TERRACE TER PARKWAY PKWY HIGHWAY HWY
CIRCLE CIR SQUARE SQ PLAZA ALLEY ROUTE RTE EXPRESSWAY EXPY TURNPIKE PIKE BRIDGE TUNNEL PIER WHARF
PARK GARDEN GARDENS PLAYGROUND FIELD FIELDS POOL BEACH LAKE RIVER CREEK HILL HILLS HEIGHTS VALLEY WOODS FOREST ISLAND HARBOR
STATION PATH TERMINAL SUBWAY STOP DEPOT AIRPORT PORT YARD CAMPUS TOWER TOWERS APARTMENTS APTS APT HOMES HOUSING HOUSE
VILLAGE CONDOMINIUM CONDO CONDOS RESIDENCES ESTATES MANOR COMMONS CROSSING LANDING POINTE POINT SQUARE MALL OUTLET
NORTH SOUTH EAST WEST N S E W NE NW SE SW
TREE TREES MAPLE OAK ELM PINE SPRUCE BIRCH ASH CEDAR WILLOW CHERRY PLUM APPLE PEAR DOGWOOD MAGNOLIA HONEYLOCUST LINDEN SYCAMORE
DOG CAT BREED PET PETS ANIMAL ANIMALS HOSPITALITY RENTAL RENTALS LODGE RESORT
THE OF AND FOR AT IN ON BY &
UNKNOWN NONE NULL NA N/A TBD VACANT VARIOUS OTHER TOTAL
""".split())


def _names_dir() -> Path:
    import names  # the package only ships the census files; importing it is cheap

    return Path(names.__file__).resolve().parent


@lru_cache(maxsize=None)
def _census(filename: str) -> frozenset[str]:
    # Every line is "NAME frequency cumulative rank": splitting the whole file once is 5x faster
    # than a loop over lines, and ~90,000 surnames are read at every scan that looks for names.
    with open(_names_dir() / filename, encoding="ascii") as handle:
        fields = handle.read().split()
    if len(fields) % 4:
        raise ValueError(f"{filename}: expected four fields a line")
    return frozenset(fields[0::4])  # only membership is asked: the frequencies are not parsed


@lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    return _census("dist.female.first") | _census("dist.male.first")


@lru_cache(maxsize=1)
def surnames() -> frozenset[str]:
    return _census("dist.all.last")


@lru_cache(maxsize=None)
def _census_column(filename: str):
    """The names of a census file (the first field of every line) as a polars Series."""
    import polars as pl

    lines = pl.read_csv(_names_dir() / filename, has_header=False, separator="\t", new_columns=["line"],
                        quote_char=None, infer_schema=False, encoding="utf8")["line"]
    fields = lines.str.split_exact(" ", 1)
    if fields.struct.field("field_1").null_count():
        raise ValueError(f"{filename}: expected a name and its frequencies on every line")
    return fields.struct.field("field_0")


_KNOWN: dict[str, tuple[bool, bool]] = {}  # word -> (a given name, a surname), asked so far


def known_names(words: Iterable[str]) -> tuple[frozenset[str], frozenset[str]]:
    """(the given names, the surnames) among `words`.

    A scan asks about a few hundred words: finding them in the census columns (one hash
    lookup per census name, in polars) costs a fifth of building the 90,000-name sets in
    Python, which only a caller that needs the whole sets (`given_names`, `surnames`) pays.
    """
    import polars as pl

    words = set(words)
    new = [word for word in words if word not in _KNOWN]
    if new:
        asked = pl.Series(new, dtype=pl.String).implode()
        found = [set(column.filter(column.is_in(asked)).to_list())
                 for column in (pl.concat([_census_column("dist.female.first"), _census_column("dist.male.first")]),
                                _census_column("dist.all.last"))]
        for word in new:
            _KNOWN[word] = (word in found[0], word in found[1])
    return (frozenset(word for word in words if _KNOWN[word][0]), frozenset(word for word in words if _KNOWN[word][1]))


def tokens(value: str) -> list[str]:
    return [token.strip("'’-").upper() for token in _TOKEN.findall(value) if token.strip("'’-")]


@dataclass(frozen=True)
class NameShares:
    """Shares of sampled values that look like a full name, a given name alone, a surname alone."""
    full: float
    given: float
    surname: float
    blocked: float  # values with a business/street/object word
    values: int


def classify_value(value: str, known: tuple[frozenset[str], frozenset[str]] | None = None) -> str:
    """'full' | 'given' | 'surname' | 'blocked' | 'none' for one value. `known`: the given names
    and surnames among the value's tokens (`known_names`), when the caller looked them up."""
    words = tokens(value)
    # "Dr" opens a name (title) but closes an address (Drive): leading titles go first
    while words and words[0] in TITLES:
        words = words[1:]
    if not words or len(words) > 7:
        return "none"
    if any(word in NON_PERSON_WORDS for word in words if len(word) > 1 or word == "&") or "&" in value:
        return "blocked"
    if any(ch.isdigit() for ch in value):
        return "none"
    core = [word for word in words if word not in TITLES and word not in SUFFIXES and len(word) > 1]
    if not core or len(core) > 4:
        return "none"
    first, last = known if known is not None else (given_names(), surnames())
    if len(core) == 1:
        word = core[0]
        if word in first:
            return "given"
        if word in last:
            return "surname"
        return "none"
    known_first = [index for index, word in enumerate(core) if word in first]
    known_last = [index for index, word in enumerate(core) if word in last]
    # one token a given name and a *different* token a surname; a single unknown token is
    # tolerated in 3–4 token names (rare second surnames, middle names)
    if known_first and known_last and any(i != j for i in known_first for j in known_last):
        unknown = sum(1 for word in core if word not in first and word not in last)
        if unknown <= max(0, len(core) - 2):
            return "full"
    return "none"


def name_shares(values: Iterable[str]) -> NameShares:
    counts = {"full": 0, "given": 0, "surname": 0, "blocked": 0, "none": 0}
    texts = [text for text in (str(value).strip() for value in values if value is not None) if text]
    known = known_names(word for text in texts for word in tokens(text))
    for text in texts:
        counts[classify_value(text, known)] += 1
    total = len(texts)
    if not total:
        return NameShares(0.0, 0.0, 0.0, 0.0, 0)
    return NameShares(counts["full"] / total, counts["given"] / total, counts["surname"] / total,
                      counts["blocked"] / total, total)


_FREE_TEXT_NAME = re.compile(r"\b(?:(?:Mr|Mrs|Ms|Dr|Miss)\.? )?([A-Z][a-z]+)(?: [A-Z]\.?)? ([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\b")


def text_mentions_person(text: str) -> bool:
    """A capitalised given name followed by a capitalised surname inside running text."""
    first, last = given_names(), surnames()
    for match in _FREE_TEXT_NAME.finditer(text):
        given, family = match.group(1).upper(), match.group(2).upper()
        if given in first and family in last and given not in NON_PERSON_WORDS and family not in NON_PERSON_WORDS:
            return True
    return False
