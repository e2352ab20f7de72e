"""The names of ``indicators.csv``: which indicator is which, and what its disaggregation says.

- The Kyrgyz series the GBV and policing pages read (analyses 9-10), shared with the
  reconstruction that fills what the bulletin states but nobody published
  (``bulletin.reconstruct.indicators_gbv``), and the way a figure a source gives loosely ("over
  3,500") carries its word in ``disaggregation`` (:func:`split_qualifier`, :func:`with_qualifier`).
- For the coverage of crime statistics (analysis 8): an indicator's SDG code and framework
  (:func:`sdg_code`, :func:`framework_of`), the denominators left out (:func:`is_denominator`),
  and a disaggregation's sex and level (:func:`sex_of`, :func:`is_national_level`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from bulletin.analyses.series import TOTAL
from bulletin.core.wording import STATED_QUALIFIERS
from bulletin.data.vocab import indicator_label

COUNTRY = "KGZ"
"""The country of the GBV and policing series: Kyrgyzstan."""
FEMALE = "sex=female"
MALE = "sex=male"
QUALIFIER_KEY = "qualifier"
"""A figure the source gives loosely has its word as a ``qualifier=<word>`` part of
``disaggregation``: ``total; qualifier=over`` is the total, given as "over" the value
(data/README.md). Parts are ``key=value`` pairs joined by "; ", as ``bulletin import`` writes them.
"""
PART_SEPARATOR = "; "
# The bulletin's own series (it cites the National Statistical Committee).
CRISIS_CENTRE_CLIENTS = "gbv_crisis_centre_clients"
POLICE_GBV_CASES = "gbv_cases_registered_by_police"
# The bulletin's figures for 2016, citing the Ministry of Interior (analysis 10).
WOMEN_SHARE = "certified_police_officers_share"
MINORITY_AMONG_WOMEN_SHARE = "certified_police_women_ethnic_minority_share"


def kyrgyz_rows(indicators: pd.DataFrame, names: tuple[str, ...], last_year: int) -> pd.DataFrame:
    """The rows of some Kyrgyz series of ``indicators.csv``, up to ``last_year``.

    >>> table = pd.DataFrame({"country": ["KGZ", "KGZ", "KAZ"], "indicator": ["a", "a", "a"],
    ...                       "year": [2016, 2017, 2016]})
    >>> kyrgyz_rows(table, ("a",), 2016).index.tolist()
    [0]
    """
    selected = (
        (indicators["country"] == COUNTRY)
        & indicators["indicator"].isin(names)
        & (indicators["year"] <= last_year)
    )
    return indicators.loc[selected]


def split_qualifier(rows: pd.DataFrame) -> pd.DataFrame:
    """Take a loose figure's word out of ``disaggregation`` into a ``qualifier`` column.

    ``total; qualifier=over`` becomes disaggregation ``total`` and qualifier ``over``; a plain
    figure has an empty qualifier.

    Raises:
        ValueError: for a word that is not one of ``STATED_QUALIFIERS``, naming the row.
    """
    disaggregations, qualifiers = [], []
    for line in rows.itertuples():
        parts = str(line.disaggregation).split(PART_SEPARATOR)
        words = [p.split("=", 1)[1] for p in parts if p.startswith(f"{QUALIFIER_KEY}=")]
        kept = [p for p in parts if not p.startswith(f"{QUALIFIER_KEY}=")]
        if len(words) > 1 or (words and words[0] not in STATED_QUALIFIERS):
            raise ValueError(
                f"indicators: {line.indicator} {line.year} has disaggregation "
                f"{line.disaggregation!r}; expected at most one '{QUALIFIER_KEY}=' part, one of "
                + ", ".join(STATED_QUALIFIERS)
            )
        disaggregations.append(PART_SEPARATOR.join(kept) or TOTAL)
        qualifiers.append(words[0] if words else None)
    return rows.assign(
        disaggregation=pd.Series(disaggregations, index=rows.index, dtype=object),
        qualifier=pd.Series(qualifiers, index=rows.index, dtype=object),
    )


def with_qualifier(disaggregation: str, qualifier: str | None) -> str:
    """The disaggregation that carries a loose figure's word.

    >>> with_qualifier("total", "over")
    'total; qualifier=over'
    """
    if qualifier is None:
        return disaggregation
    if qualifier not in STATED_QUALIFIERS:
        raise ValueError(f"expected one of {', '.join(STATED_QUALIFIERS)}, got {qualifier!r}")
    return f"{disaggregation}{PART_SEPARATOR}{QUALIFIER_KEY}={qualifier}"


# --- frameworks, SDG codes and disaggregations (the coverage of crime statistics, analysis 8) ---

ARQ = "UNODC annual report questionnaire (WDR annex 10.1)"
SDG = "SDG global indicator"
UN_CTS = "UN-CTS / national crime statistics"
BY_SEX = ", by sex"
"""The end of the name of an indicator's breakdown by sex in the coverage matrix."""
_SDG_CODE = re.compile(r"^(?:sdg[ _-]?)?(\d{1,2})[._](\d{1,2})[._](\d{1,2})", re.IGNORECASE)
_FEMALE = re.compile(r"\b(female|women|woman|girls?)\b", re.IGNORECASE)
_MALE = re.compile(r"\b(male|men|man|boys?)\b", re.IGNORECASE)


@dataclass(frozen=True)
class SdgCode:
    """An SDG indicator code, e.g. 16.1.1."""

    goal: int
    target: int
    indicator: int

    def __str__(self) -> str:
        """The code as written: "16.1.1"."""
        return f"{self.goal}.{self.target}.{self.indicator}"


def sdg_code(indicator: str) -> SdgCode | None:
    """The SDG code an indicator's name starts with, if any.

    >>> str(sdg_code("sdg_16_1_1_homicide_rate")), str(sdg_code("16.1.1")), sdg_code("police_personnel")
    ('16.1.1', '16.1.1', None)
    """
    match = _SDG_CODE.match(str(indicator).strip())
    return SdgCode(*(int(g) for g in match.groups())) if match else None


# A workbook's population row (the denominator of a rate) is no crime indicator of its own.
_DENOMINATOR = re.compile(r"\(population\)\s*$", re.IGNORECASE)


def is_denominator(indicator: str) -> bool:
    """Whether an indicator is only the population a rate is taken over.

    >>> is_denominator("SDG 16.1.1 (population)"), is_denominator("SDG 16.1.1 (per 100,000 population)")
    (True, False)
    """
    return bool(_DENOMINATOR.search(str(indicator)))


def framework_of(indicator: str) -> str:
    """The data collection an indicator of ``indicators`` belongs to: SDG, or UN-CTS / national."""
    return SDG if sdg_code(indicator) is not None else UN_CTS


def sex_of(disaggregation: str) -> str | None:
    """``female``, ``male`` or None for a disaggregation label.

    A label of ``key=value`` pairs is read by its ``sex`` pair only (``item=Number of women
    treated`` is no breakdown by sex); a plain label by its words.

    >>> sex_of("sex=female"), sex_of("Men"), sex_of("total"), sex_of("age=15-49; sex=F")
    ('female', 'male', None, 'female')
    >>> sex_of("item=Number of women treated in hospital")
    """
    text = str(disaggregation)
    if "=" in text:
        pairs = dict(
            (key.strip().lower(), value.strip().lower())
            for key, _, value in (part.partition("=") for part in text.split(";"))
        )
        value = pairs.get("sex")
        if value in ("female", "f", "women", "woman"):
            return "female"
        if value in ("male", "m", "men", "man"):
            return "male"
        return None
    text = text.replace("_", " ")
    if _FEMALE.search(text):
        return "female"
    if _MALE.search(text):
        return "male"
    return None


def disaggregation_label(disaggregation: str) -> str:
    """A disaggregation in words for a legend or sentence: "women", "men", "total", or as it is.

    >>> disaggregation_label("sex=female"), disaggregation_label("total"), disaggregation_label("age=15-17")
    ('women', 'total', 'age=15-17')
    """
    if is_national_level(disaggregation):
        return {"female": "women", "male": "men"}.get(sex_of(disaggregation) or "", "total")
    return str(disaggregation)


_NATIONAL_LEVEL = re.compile(r"^(total|sex\s*=\s*(female|male))$", re.IGNORECASE)


def is_national_level(disaggregation: str) -> bool:
    """Whether a disaggregation is the whole country, or the whole country by sex.

    >>> is_national_level("total"), is_national_level("sex=female"), is_national_level("territory=Osh city; sex=male")
    (True, True, False)
    """
    return bool(_NATIONAL_LEVEL.match(str(disaggregation).strip()))


def label_of(indicator: str) -> str:
    """An indicator of the coverage matrix as readers see it, from the vocabulary.

    An indicator of ``indicators.csv`` takes its label (``reference/indicator_labels.csv``), its
    breakdown by sex the same label with ", by sex"; the drug-crime series are named in words
    already.

    >>> label_of("certified_police_officers_share, by sex")
    'Women among certified police officers, by sex'
    >>> label_of("Persons arrested for drug offences, by sex")
    'Persons arrested for drug offences, by sex'
    """
    text = str(indicator)
    if text.endswith(BY_SEX):
        return indicator_label(text.removesuffix(BY_SEX)) + BY_SEX
    return indicator_label(text)
