"""Synthetic seizure cases for the route benchmark: a fixed network of routes, drawn at any size.

Not data: nothing here reaches ``data/``. ``data/seizure_cases.csv`` holds only real cases
imported from UNODC's individual drug seizures (``bulletin import``); the benchmark needs a
million cases shaped like them (routes with up to three transit countries, unknown countries,
dates kept to the month or the year), so it draws them here:

1. **The network** (``ROUTES``): paths from the producing country to the destination with a
   weight: opiates from Afghanistan through Tajikistan, Uzbekistan or Turkmenistan, then
   Kyrgyzstan and Kazakhstan, to the Russian Federation (and on to Belarus), or across the Caspian
   to the Caucasus and Ukraine, or to the local markets on the way; hashish along the same routes
   and from Kyrgyzstan and Kazakhstan; marijuana mostly where it grows.
2. **Origins** (``CANNABIS_ORIGINS``): where each seizing country's cannabis comes from; every
   opiate case comes from Afghanistan. A case's route is one of those that start at its origin
   and pass the seizing country, drawn by weight; the case is seized where its route meets it.
3. **Countries and drugs**: the five, Afghanistan and the Russian Federation seize cannabis herb,
   resin, heroin and opium in the proportions of ``CASES_PER_YEAR``, evenly over 2006-2017.
4. **Route variants**: the consignment leaves from the producing country or (1 case in 5, when
   the route crosses a country before the seizing one) from the first country it crosses; the
   countries between departure and seizure are the transit countries; parts of a record are left
   unknown as often as ``UNKNOWN_PARTS`` says.
5. **Dates**: a day drawn evenly in the year (January-June in 2017); 1 date in 30 kept to the
   month and 1 in 70 to the year. **Sizes**: log-normal around each drug's median (``MEDIAN_KG``).

``draw_cases(count, seed)`` gives the same cases for the same arguments, text columns typed as
``bulletin.data.tables.load_table`` types them, so the analysis reads them as it reads the table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bulletin.data.tables import table_spec

AFG = "AFG"
SEED = 20170630
SOURCE = "synthetic cases generated for a benchmark by bench/route_cases.py (not data)"
FIRST_YEAR, LAST_YEAR = 2006, 2017
LAST_MONTH = 6  # cases stop at June 2017, the end of the bulletin's period


# Rule 1: the network. Paths run from the producing country to the destination.
ROUTES: dict[str, tuple[tuple[tuple[str, ...], float], ...]] = {
    "heroin": (
        (("AFG", "TJK", "KGZ", "KAZ", "RUS"), 5.0),
        (("AFG", "TJK", "UZB", "KAZ", "RUS"), 3.0),
        (("AFG", "UZB", "KAZ", "RUS"), 2.0),
        (("AFG", "TKM", "UZB", "KAZ", "RUS"), 1.0),
        (("AFG", "TKM", "KAZ", "RUS"), 1.0),
        (("AFG", "TJK", "KGZ", "KAZ", "RUS", "BLR"), 0.5),
        (("AFG", "TKM", "AZE", "GEO", "UKR"), 0.5),
        (("AFG", "TJK"), 2.0),
        (("AFG", "TJK", "KGZ"), 1.0),
        (("AFG", "TJK", "UZB"), 1.0),
        (("AFG", "UZB"), 1.0),
        (("AFG", "TJK", "KGZ", "KAZ"), 1.0),
    ),
    "opium": (
        (("AFG", "TKM"), 4.0),
        (("AFG", "TJK"), 3.0),
        (("AFG", "UZB"), 2.0),
        (("AFG", "TJK", "UZB"), 1.0),
        (("AFG", "TJK", "KGZ"), 1.0),
        (("AFG", "IRN", "TKM"), 0.5),
        (("AFG", "TKM", "UZB"), 0.5),
        (("AFG", "TJK", "KGZ", "KAZ"), 0.5),
        (("AFG", "TJK", "KGZ", "KAZ", "RUS"), 0.3),
    ),
    "cannabis_resin": (
        (("AFG", "TJK", "KGZ", "KAZ", "RUS"), 3.0),
        (("AFG", "TJK", "UZB", "KAZ", "RUS"), 2.0),
        (("AFG", "TJK"), 3.0),
        (("AFG", "UZB"), 2.0),
        (("AFG", "TJK", "UZB"), 1.0),
        (("AFG", "TJK", "KGZ"), 1.0),
        (("AFG", "TKM"), 1.0),
        (("KGZ", "KAZ", "RUS"), 2.0),
        (("KGZ",), 2.0),
        (("KGZ", "UZB"), 0.5),
        (("KAZ",), 2.0),
        (("KAZ", "RUS"), 2.0),
        (("TJK",), 1.0),
    ),
    "cannabis_herb": (
        (("KAZ",), 6.0),
        (("KAZ", "RUS"), 2.0),
        (("KGZ",), 4.0),
        (("KGZ", "KAZ"), 2.0),
        (("KGZ", "KAZ", "RUS"), 1.0),
        (("KGZ", "UZB"), 1.0),
        (("AFG", "TJK"), 3.0),
        (("AFG", "UZB"), 2.0),
        (("AFG", "TJK", "UZB"), 1.0),
        (("AFG", "TKM"), 1.0),
        (("TJK",), 2.0),
        (("UZB",), 2.0),
        (("TKM",), 1.0),
        (("RUS",), 4.0),
    ),
}

# Rule 2: where each seizing country's cannabis comes from (share of its cases).
CANNABIS_ORIGINS: dict[tuple[str, str], dict[str, float]] = {
    ("KAZ", "cannabis_herb"): {"KAZ": 0.85, "KGZ": 0.15},
    ("KAZ", "cannabis_resin"): {"KAZ": 0.45, "KGZ": 0.25, "AFG": 0.30},
    ("KGZ", "cannabis_herb"): {"KGZ": 1.0},
    ("KGZ", "cannabis_resin"): {"KGZ": 0.6, "AFG": 0.4},
    ("TJK", "cannabis_herb"): {"AFG": 0.8, "TJK": 0.2},
    ("TJK", "cannabis_resin"): {"AFG": 0.9, "TJK": 0.1},
    ("UZB", "cannabis_herb"): {"AFG": 0.8, "UZB": 0.15, "KGZ": 0.05},
    ("UZB", "cannabis_resin"): {"AFG": 0.9, "KGZ": 0.1},
    ("TKM", "cannabis_herb"): {"AFG": 0.5, "TKM": 0.5},
    ("TKM", "cannabis_resin"): {"AFG": 1.0},
    ("AFG", "cannabis_resin"): {"AFG": 1.0},
    ("RUS", "cannabis_herb"): {"RUS": 0.85, "KAZ": 0.10, "KGZ": 0.05},
    ("RUS", "cannabis_resin"): {"AFG": 0.6, "KGZ": 0.2, "KAZ": 0.2},
}

# Rule 3: the proportions of cases by seizing country and drug (mean cases a year).
CASES_PER_YEAR: dict[tuple[str, str], float] = {
    ("KAZ", "cannabis_herb"): 120, ("KAZ", "cannabis_resin"): 25,
    ("KAZ", "heroin"): 40, ("KAZ", "opium"): 5,
    ("KGZ", "cannabis_herb"): 50, ("KGZ", "cannabis_resin"): 30,
    ("KGZ", "heroin"): 30, ("KGZ", "opium"): 10,
    ("TJK", "cannabis_herb"): 40, ("TJK", "cannabis_resin"): 60,
    ("TJK", "heroin"): 50, ("TJK", "opium"): 50,
    ("TKM", "cannabis_herb"): 10, ("TKM", "cannabis_resin"): 3,
    ("TKM", "heroin"): 5, ("TKM", "opium"): 40,
    ("UZB", "cannabis_herb"): 60, ("UZB", "cannabis_resin"): 25,
    ("UZB", "heroin"): 30, ("UZB", "opium"): 50,
    ("AFG", "cannabis_resin"): 20, ("AFG", "heroin"): 30, ("AFG", "opium"): 30,
    ("RUS", "cannabis_herb"): 60, ("RUS", "cannabis_resin"): 25,
    ("RUS", "heroin"): 60, ("RUS", "opium"): 3,
}  # fmt: skip

# Rule 4: departure from the first country crossed, and the parts of a record left unknown.
DEPARTURE_FROM_FIRST_CROSSED = 0.2
UNKNOWN_PARTS: tuple[tuple[str, float], ...] = (
    ("none", 0.62),
    ("producing", 0.12),
    ("departure", 0.06),
    ("transit", 0.10),
    ("destination", 0.06),
    ("all but seizing", 0.04),
)
# Rule 5: dates kept to the month or to the year only.
MONTH_ONLY, YEAR_ONLY = 1 / 30, 1 / 70
# Rule 5: case sizes.
MEDIAN_KG = {"heroin": 1.5, "opium": 4.0, "cannabis_resin": 2.0, "cannabis_herb": 3.0}
SIZE_SPREAD = 1.0  # sigma of log(kg)

ROUTE_FIELDS = (
    "producing_country",
    "departure_country",
    "transit_countries",
    "destination_country",
)


# --- the network and its variants (rules 1, 2, 4) -----------------------------------------------


def origins(country: str, drug: str) -> dict[str, float]:
    """Rule 2: the producing countries of a seizing country's drug and their shares of cases."""
    if drug in ("heroin", "opium"):
        return {AFG: 1.0}
    return CANNABIS_ORIGINS[(country, drug)]


def route_variants() -> pd.DataFrame:
    """Every way a case of each seizing country and drug can be recorded, with its probability.

    Returns:
        ``country, drug, producing_country, departure_country, transit_countries,
        destination_country, probability``: the probabilities of a country and drug add up to 1;
        variants recorded alike are merged. Sorted by country, drug, then most likely first.
    """
    records = []
    for country, drug in CASES_PER_YEAR:
        for origin, origin_share in origins(country, drug).items():
            paths = [
                (path, weight)
                for path, weight in ROUTES[drug]
                if path[0] == origin and country in path
            ]
            if not paths:
                raise ValueError(f"no route of {drug} from {origin} passes {country}")
            total = sum(weight for _, weight in paths)
            for path, weight in paths:
                records += _variants_of_path(country, drug, path, origin_share * weight / total)
    frame = pd.DataFrame(records, columns=["country", "drug", *ROUTE_FIELDS, "probability"]).fillna(
        {"transit_countries": ""}
    )
    keys = ["country", "drug", *ROUTE_FIELDS]
    frame = frame.fillna("").groupby(keys, as_index=False, sort=False)["probability"].sum()
    frame = frame.sort_values(
        ["country", "drug", "probability", *ROUTE_FIELDS],
        ascending=[True, True, False, True, True, True, True],
        kind="stable",
        ignore_index=True,
    )
    return frame.replace({"": None})


def _variants_of_path(
    country: str, drug: str, path: tuple[str, ...], probability: float
) -> list[tuple]:
    """Rule 4: the recorded forms of a case of ``path`` seized in ``country``."""
    seized_at = path.index(country)
    departures = [(0, 1.0)]
    if seized_at >= 2:
        departures = [(0, 1 - DEPARTURE_FROM_FIRST_CROSSED), (1, DEPARTURE_FROM_FIRST_CROSSED)]
    records = []
    for departure, departure_share in departures:
        full = {
            "producing_country": path[0],
            "departure_country": path[departure],
            "transit_countries": ";".join(path[departure + 1 : seized_at]) or None,
            "destination_country": path[-1],
        }
        for unknown, unknown_share in UNKNOWN_PARTS:
            record = dict(full)
            if unknown == "all but seizing":
                record = dict.fromkeys(ROUTE_FIELDS)
            elif unknown == "producing":
                record["producing_country"] = None
            elif unknown == "departure":
                record["departure_country"] = None
            elif unknown == "transit":
                record["transit_countries"] = None
            elif unknown == "destination":
                record["destination_country"] = None
            records.append(
                (
                    country,
                    drug,
                    *(record[field] for field in ROUTE_FIELDS),
                    probability * departure_share * unknown_share,
                )
            )
    return records


# --- drawing cases (rules 3, 5) -------------------------------------------------------------------


def _stream(*keys: int) -> np.random.Generator:
    """The random stream of a draw: the same keys give the same cases."""
    return np.random.default_rng([SEED, *keys])


def _days(rng: np.random.Generator, years: np.ndarray) -> np.ndarray:
    """Rule 5: a day drawn evenly in each year (January-June for 2017), as ``YYYY-MM-DD``."""
    starts = (years - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    ends = np.where(
        years == LAST_YEAR,
        np.datetime64(f"{LAST_YEAR}-{LAST_MONTH + 1:02d}-01"),
        (years - 1970 + 1).astype("datetime64[Y]").astype("datetime64[D]"),
    )
    lengths = (ends - starts).astype(int)
    offsets = np.floor(rng.random(len(years)) * lengths).astype(int)
    return np.datetime_as_string(starts + offsets, unit="D")


def _precision(rng: np.random.Generator, days: np.ndarray, years: np.ndarray) -> np.ndarray:
    """Rule 5: keep some dates to the month or the year only (never the year only in 2017)."""
    draw = rng.random(len(days))
    dates = days.astype(object)
    month_only = draw < MONTH_ONLY
    year_only = (draw >= MONTH_ONLY) & (draw < MONTH_ONLY + YEAR_ONLY) & (years != LAST_YEAR)
    dates[month_only] = [day[:7] for day in days[month_only]]
    dates[year_only] = [day[:4] for day in days[year_only]]
    return dates


def _sizes(rng: np.random.Generator, drugs: np.ndarray) -> np.ndarray:
    """Rule 5: case sizes, log-normal around each drug's median."""
    medians = pd.Series(drugs).map(MEDIAN_KG).to_numpy(dtype=float)
    return medians * np.exp(SIZE_SPREAD * rng.standard_normal(len(drugs)))


def _draw_group(
    rng: np.random.Generator, variants: pd.DataFrame, count: int, years: np.ndarray
) -> pd.DataFrame:
    """``count`` cases of one country and drug: variants by probability, dates, sizes."""
    probabilities = variants["probability"].to_numpy()
    chosen = rng.choice(len(variants), size=count, p=probabilities / probabilities.sum())
    cases = variants.iloc[chosen].drop(columns="probability").reset_index(drop=True)
    days = _days(rng, years)
    cases["date"] = _precision(rng, days, years)
    cases["day"] = days
    cases["year"] = years
    cases["kg"] = _sizes(rng, cases["drug"].to_numpy())
    return cases


def draw_cases(count: int, seed: int = 0) -> pd.DataFrame:
    """``count`` cases drawn from the network of rules 1-5, years 2006-2017.

    The cases spread over countries and drugs as ``CASES_PER_YEAR`` and evenly over the years;
    ids are ``B0000001``...; ``source`` says they are synthetic. No Python loop per case.
    """
    rng = _stream(9, seed)
    variants = route_variants()
    groups = list(CASES_PER_YEAR)
    means = np.array([CASES_PER_YEAR[group] for group in groups], dtype=float)
    counts = rng.multinomial(count, means / means.sum())
    frames = []
    for (country, drug), group_count in zip(groups, counts, strict=True):
        mine = variants[(variants["country"] == country) & (variants["drug"] == drug)]
        years = rng.integers(FIRST_YEAR, LAST_YEAR + 1, size=group_count)
        frames.append(_draw_group(rng, mine, int(group_count), years))
    cases = pd.concat(frames, ignore_index=True)
    order = rng.permutation(len(cases))
    cases = cases.iloc[order].reset_index(drop=True)
    cases["kg"] = np.maximum(cases["kg"].round(3), 0.001)
    cases["case_id"] = np.char.add("B", np.char.zfill(np.arange(1, count + 1).astype(str), 7))
    cases["source"] = SOURCE
    cases["status"] = "reconstructed"  # the schema's word for rows the project made itself
    cases = cases[table_spec("seizure_cases").columns]
    # Text as Python objects, missing as None: the types bulletin.data.tables.load_table gives.
    return cases.astype({column: object for column in cases.columns if column != "kg"})


