"""Reconstruct ``seizure_cases``: individual drug seizures with their routes, 2006 to June 2017.

UNODC's individual drug seizure (IDS) files are not public, and no case of the five countries is
published anywhere else. The bulletin's statements about routes (C7, C8 and the Northern route
text of Milestones 2017-Q2) and the official annual seizures are all there is, so every row of the
table is made here, by the rules below, from a fixed seed, and marked ``reconstructed``. When the
IDS reader of ``bulletin import`` fills the table from UNODC's files, its rows replace these.

What the bulletin says, and the rule that follows from it:

- "Afghan cannabis, mostly hashish, reaches Russian drug market through the Northern route";
  Central Asia "continues to be a major route of the heroin smuggled into the Russian Federation";
  "increase in heroin trafficking through Caucasian countries and Caspian Sea"; "large areas of
  wild cannabis growth in Kazakhstan and Kyrgyzstan" (C5). **Rule 1, the network**: drugs move
  along the fixed routes of ``ROUTES``, each a path from the producing country to the destination
  with a weight: opiates from Afghanistan through Tajikistan, Uzbekistan or Turkmenistan, then
  Kyrgyzstan and Kazakhstan, to the Russian Federation (and on to Belarus), or across the Caspian
  to the Caucasus and Ukraine, or to the local markets on the way; hashish along the same routes
  and from Kyrgyzstan and Kazakhstan; marijuana mostly where it grows.
- "there are no new offshoots in drug trafficking routes in Central Asia in the last six years
  (2012-June 2017)" (C7). **Rule 2, the same network every year**: ``ROUTES`` does not change
  over time, and every leg a case can show was seen before 2012: for each seizing country, drug
  and producing country, the most likely route variants (rule 5) that bring a leg not yet shown
  are given one case each in 2006-2011 (years in turn), so the baseline shows every leg the
  network can produce. The period may lack some of them (legs that fell out of use).
- "The most of cannabis seized both in Tajikistan and Uzbekistan is of Afghan origin" (C8), and
  wild cannabis in Kazakhstan and Kyrgyzstan (C5). **Rule 3, origins**: each seizing country's
  cannabis comes from the producing countries of ``CANNABIS_ORIGINS`` (in Tajikistan and
  Uzbekistan 4 in 5 herb cases and 9 in 10 hashish cases come from Afghanistan; in Kazakhstan and
  Kyrgyzstan most cases are local); every opiate case comes from Afghanistan. Given the origin,
  the case's route is one of those of rule 1 that start there and pass the seizing country,
  drawn by weight; the case is seized where its route meets the seizing country.

How the cases are drawn:

4. **Seizing countries, drugs and numbers.** The five countries, Afghanistan and the Russian
   Federation seize cannabis herb, cannabis resin, heroin and opium (Afghanistan no herb). Each
   year, the number of cases of a country and drug is drawn from a Poisson law of mean
   ``CASES_PER_YEAR`` (half of it for January-June 2017). The means are assumptions stated here
   (IDS reporting is uneven; they only set the table's size, about 11,300 cases).
5. **Route variants.** The consignment leaves from the producing country, or (1 case in 5, when
   the route crosses a country before the seizing one) from the first country it crosses; the
   countries between departure and seizure are the transit countries; the destination is the
   route's end (a case seized in its destination country has it both as ``country`` and as
   ``destination_country``). Records are incomplete, and an unknown country stays unknown, never
   guessed: ``UNKNOWN_PARTS`` gives how often the producing country, the departure country, the
   transit countries, the destination, or all but the seizing country are missing.
6. **Dates.** A day drawn evenly in the year (January-June in 2017); 1 date in 30 is kept to
   the month and 1 in 70 to the year, as in real records (never only the year in 2017, which the
   table covers to June only).
7. **Weights.** Each case is first given a size from a log-normal law (median ``MEDIAN_KG`` by
   drug, spread ``SIZE_SPREAD``). The cases of each of the five countries, drug and year are then
   scaled so that they add up, to the gram, to the country's official annual kilograms of that
   drug (``seizures_annual`` rows with status ``official``, the WDR 2018 annex, 2012-2016), each
   case keeping at least one gram. Years without an official row (2006-2011, a missing year, and
   2017) are scaled to the mean official kilograms of 2012-2016 (half of it for 2017): the
   reconstructed annual rows of ``seizures_annual`` for 2006-2011 are deliberately not used, so
   that no reconstruction is built on another one. Where the official figure is zero, that
   country, drug and year has no case; where it is above zero, at least one. The shipped cases
   thus stand for all the seizures of the five countries, so that the legs read in the same
   tons as the annual charts (real IDS files cover only part of them). The cases seized in
   Afghanistan and the Russian Federation keep their drawn sizes (rounded to the gram): only part
   of those countries' seizures travel through Central Asia, and no official figure says which.
8. **Identifiers.** Cases are sorted by date, seizing country, drug and size, and numbered within
   each year: ``RC2013-00042``.

The seed is fixed (``SEED``), and every country, drug and year draws from its own stream, so the
table is the same on every run. ``draw_cases`` draws any number of cases from the same network
(used by ``bench/bench_routes.py``).

Run ``python -m bulletin.reconstruct.seizure_cases`` to rewrite ``data/seizure_cases.csv`` from
``data/seizures_annual.csv``; ``--check`` only compares and exits 1 on a difference.
"""

from __future__ import annotations

import logging
import sys

import numpy as np
import pandas as pd

from bulletin.reconstruct import rows_of_source, run_reconstruction
from bulletin.reconstruct.seizures_quarterly import split_by_largest_remainder
from bulletin.routes import case_legs
from bulletin.tables import check_table, load_table, table_spec
from bulletin.vocab import CENTRAL_ASIA

log = logging.getLogger(__name__)

SOURCE = (
    "reconstructed from the bulletin text (Milestones 2017-Q2) and UNODC official annual "
    "seizures 2012-2016, by bulletin.reconstruct.seizure_cases"
)
SEED = 20170630
FIRST_YEAR, LAST_YEAR = 2006, 2017
LAST_MONTH = 6  # the table stops at June 2017, the end of the bulletin's period
BASELINE_YEARS = tuple(range(2006, 2012))
OFFICIAL_YEARS = tuple(range(2012, 2017))
SEIZING_COUNTRIES = (*CENTRAL_ASIA, "AFG", "RUS")
DRUGS = ("heroin", "opium", "cannabis_resin", "cannabis_herb")
AFG, RUS = "AFG", "RUS"

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

# Rule 3: where each seizing country's cannabis comes from (share of its cases).
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

# Rule 4: mean cases a year, by seizing country and drug.
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

# Rule 5: departure from the first country crossed, and the parts of a record left unknown.
DEPARTURE_FROM_FIRST_CROSSED = 0.2
UNKNOWN_PARTS: tuple[tuple[str, float], ...] = (
    ("none", 0.62),
    ("producing", 0.12),
    ("departure", 0.06),
    ("transit", 0.10),
    ("destination", 0.06),
    ("all but seizing", 0.04),
)
# Rule 6: dates kept to the month or to the year only.
MONTH_ONLY, YEAR_ONLY = 1 / 30, 1 / 70
# Rule 7: case sizes before scaling.
MEDIAN_KG = {"heroin": 1.5, "opium": 4.0, "cannabis_resin": 2.0, "cannabis_herb": 3.0}
SIZE_SPREAD = 1.0  # sigma of log(kg)
GRAMS = 1000

ROUTE_FIELDS = (
    "producing_country",
    "departure_country",
    "transit_countries",
    "destination_country",
)


# --- the network and its variants (rules 1, 3, 5) -----------------------------------------------


def origins(country: str, drug: str) -> dict[str, float]:
    """Rule 3: the producing countries of a seizing country's drug and their shares of cases."""
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
    """Rule 5: the recorded forms of a case of ``path`` seized in ``country``."""
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


def coverage_variants(variants: pd.DataFrame) -> pd.DataFrame:
    """Rule 2: the variants given one case each in the baseline, so that it shows every leg.

    For each seizing country, drug and producing country, the variants are taken most likely
    first, and one is kept when its route has a leg that no variant kept before shows.
    """
    frame = variants.assign(case_id=[f"v{i}" for i in range(len(variants))])
    legs = case_legs(frame)
    legs = legs.merge(frame[["case_id", "country", "drug", "producing_country"]], on="case_id")
    legs["order"] = legs["case_id"].str[1:].astype(int)
    legs = legs.sort_values(["order", "leg"], kind="stable")
    group = ["country", "drug", "producing_country", "from_country", "to_country"]
    firsts = legs.drop_duplicates(group, keep="first")  # NaN producing countries group together
    kept = sorted(set(firsts["order"]))
    return variants.iloc[kept].reset_index(drop=True)


# --- drawing cases (rules 4-7) ------------------------------------------------------------------


def _stream(*keys: int) -> np.random.Generator:
    """The random stream of one country, drug and year (or of the coverage, or of a benchmark)."""
    return np.random.default_rng([SEED, *keys])


def _days(rng: np.random.Generator, years: np.ndarray) -> np.ndarray:
    """Rule 6: a day drawn evenly in each year (January-June for 2017), as ``YYYY-MM-DD``."""
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
    """Rule 6: keep some dates to the month or the year only (never the year only in 2017)."""
    draw = rng.random(len(days))
    dates = days.astype(object)
    month_only = draw < MONTH_ONLY
    year_only = (draw >= MONTH_ONLY) & (draw < MONTH_ONLY + YEAR_ONLY) & (years != LAST_YEAR)
    dates[month_only] = [day[:7] for day in days[month_only]]
    dates[year_only] = [day[:4] for day in days[year_only]]
    return dates


def _sizes(rng: np.random.Generator, drugs: np.ndarray) -> np.ndarray:
    """Rule 7: case sizes before scaling, log-normal around each drug's median."""
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
    """``count`` cases drawn from the network of rules 1-6, years 2006-2017, sizes unscaled.

    For benchmarks: the cases spread over countries and drugs as ``CASES_PER_YEAR`` and evenly
    over the years; ids are ``B0000001``...; status ``reconstructed``. No Python loop per case.
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
    cases["source"] = "generated for a benchmark by bulletin.reconstruct.seizure_cases.draw_cases"
    cases["status"] = "reconstructed"
    cases = cases[table_spec("seizure_cases").columns]
    # Text as Python objects, missing as None: the types bulletin.tables.load_table gives.
    return cases.astype({column: object for column in cases.columns if column != "kg"})


# --- scaling to the official annual kilograms (rule 7) ------------------------------------------


def annual_targets(annual: pd.DataFrame) -> pd.DataFrame:
    """Rule 7: the kilograms the cases of each of the five countries, drug and year add up to.

    Returns:
        ``country, drug, year, kg, basis`` (``official`` for a year with an official row, else
        ``official mean 2012-2016`` or ``half the official mean 2012-2016`` for 2017).

    Raises:
        ValueError: ``seizures_annual`` has no official 2012-2016 row for a country and drug.
    """
    official = annual[
        (annual["status"] == "official")
        & annual["country"].isin(CENTRAL_ASIA)
        & annual["drug"].isin(DRUGS)
        & annual["year"].isin(OFFICIAL_YEARS)
    ]
    means = official.groupby(["country", "drug"])["kg"].mean()
    rows = []
    for country in CENTRAL_ASIA:
        for drug in DRUGS:
            if (country, drug) not in means.index:
                raise ValueError(
                    f"seizures_annual has no official 2012-2016 row of {drug} for {country}: "
                    "import the WDR 2018 annex first (see data/README.md)"
                )
            mine = official[(official["country"] == country) & (official["drug"] == drug)]
            by_year = dict(zip(mine["year"], mine["kg"], strict=True))
            for year in range(FIRST_YEAR, LAST_YEAR + 1):
                if year in by_year:
                    rows.append((country, drug, year, float(by_year[year]), "official"))
                elif year == LAST_YEAR:
                    rows.append(
                        (
                            country,
                            drug,
                            year,
                            means[(country, drug)] / 2,
                            "half the official mean 2012-2016",
                        )
                    )
                else:
                    rows.append(
                        (
                            country,
                            drug,
                            year,
                            float(means[(country, drug)]),
                            "official mean 2012-2016",
                        )
                    )
    return pd.DataFrame(rows, columns=["country", "drug", "year", "kg", "basis"])


def _scale(sizes: np.ndarray, kg: float) -> np.ndarray:
    """Rule 7: sizes scaled to add up to ``kg`` to the gram, each case at least one gram."""
    grams = round(kg * GRAMS)
    floor = np.ones(len(sizes), dtype=int)
    if grams < len(sizes):  # fewer grams than cases: the official figure is below the cases' floor
        return floor / GRAMS
    return (floor + split_by_largest_remainder(grams - len(sizes), sizes)) / GRAMS


# --- the table ----------------------------------------------------------------------------------


def reconstruct_seizure_cases(annual: pd.DataFrame) -> pd.DataFrame:
    """All reconstructed rows of ``seizure_cases`` from the ``seizures_annual`` table."""
    targets = annual_targets(annual).set_index(["country", "drug", "year"])["kg"]
    variants = route_variants()
    frames = []
    for group_index, (country, drug) in enumerate(CASES_PER_YEAR):
        mine = variants[(variants["country"] == country) & (variants["drug"] == drug)]
        for year in range(FIRST_YEAR, LAST_YEAR + 1):
            rng = _stream(1, group_index, year)
            mean = CASES_PER_YEAR[(country, drug)] * (LAST_MONTH / 12 if year == LAST_YEAR else 1)
            count = int(rng.poisson(mean))
            target = targets.get((country, drug, year))
            if target is not None:
                count = 0 if target == 0 else max(count, 1)
            frames.append(_draw_group(rng, mine, count, np.full(count, year)))
    coverage = coverage_variants(variants)
    rng = _stream(2)
    years = np.resize(np.array(BASELINE_YEARS), len(coverage))  # the baseline years in turn
    covered = coverage.drop(columns="probability").assign(year=years)
    days = _days(rng, years)
    covered["day"], covered["date"] = days, days.astype(object)
    covered["kg"] = _sizes(rng, covered["drug"].to_numpy())
    cases = pd.concat([*frames, covered], ignore_index=True)
    cases = _scale_to_targets(cases, targets)
    return _number(cases)


def _scale_to_targets(cases: pd.DataFrame, targets: pd.Series) -> pd.DataFrame:
    """Rule 7: the five countries' cases scaled to the year's kilograms; the others rounded."""
    cases = cases.copy()
    cases["kg"] = np.maximum(cases["kg"].round(3), 0.001)
    central = cases["country"].isin(CENTRAL_ASIA)
    for (country, drug, year), rows in cases[central].groupby(["country", "drug", "year"]):
        cases.loc[rows.index, "kg"] = _scale(rows["kg"].to_numpy(), targets[(country, drug, year)])
    return cases


def _number(cases: pd.DataFrame) -> pd.DataFrame:
    """Rule 8: sort and number the cases within each year; provenance on every row."""
    cases = cases.sort_values(
        ["day", "country", "drug", "kg", *ROUTE_FIELDS], kind="stable", na_position="first"
    ).reset_index(drop=True)
    sequence = cases.groupby("year").cumcount() + 1
    cases["case_id"] = [
        f"RC{year}-{n:05d}" for year, n in zip(cases["year"], sequence, strict=True)
    ]
    cases["source"] = SOURCE
    cases["status"] = "reconstructed"
    rows = cases[table_spec("seizure_cases").columns].sort_values("case_id", ignore_index=True)
    return check_table("seizure_cases", rows)  # checked, and typed as load_table types it


def main(argv: list[str] | None = None) -> int:
    return run_reconstruction(
        argv,
        __doc__.splitlines()[0],
        "seizure_cases",
        lambda data_dir: reconstruct_seizure_cases(load_table("seizures_annual", data_dir)),
        rows_of_source(SOURCE),
    )


if __name__ == "__main__":
    sys.exit(main())
