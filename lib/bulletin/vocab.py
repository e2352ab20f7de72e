"""The project's fixed vocabularies: countries, drugs and drug groups.

They are read from ``data/reference/`` so that the schemas, the importers and the notebooks share
one definition; each is cached after the first read.
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from bulletin.paths import REFERENCE_DIR

CENTRAL_ASIA: tuple[str, ...] = ("KAZ", "KGZ", "TJK", "TKM", "UZB")
"""The five countries the bulletin covers, in the order it lists them."""

REGION_NAME = "Central Asia"


@cache
def load_reference(name: str) -> pd.DataFrame:
    """Read one reference vocabulary from ``data/reference/<name>.csv`` as strings."""
    return pd.read_csv(REFERENCE_DIR / f"{name}.csv", dtype=str, keep_default_na=False)


@cache
def country_names() -> dict[str, str]:
    """Map each ISO3 code to its English short name.

    >>> country_names()["KGZ"]
    'Kyrgyzstan'
    """
    frame = load_reference("countries")
    return dict(zip(frame["iso3"], frame["name"], strict=True))


def country_codes() -> frozenset[str]:
    """All ISO3 codes a table may use."""
    return frozenset(country_names())


@cache
def drug_groups() -> dict[str, str]:
    """Map each drug of the vocabulary to its drug group.

    >>> drug_groups()["cannabis_resin"]
    'cannabis'
    """
    frame = load_reference("drugs")
    return dict(zip(frame["drug"], frame["drug_group"], strict=True))


def drugs() -> tuple[str, ...]:
    """The drug vocabulary, in reference order."""
    return tuple(drug_groups())


@cache
def drug_labels() -> dict[str, str]:
    """Map each drug and each drug group to the label charts and tables use."""
    drug_frame = load_reference("drugs")
    group_frame = load_reference("drug_groups")
    labels = dict(zip(drug_frame["drug"], drug_frame["label"], strict=True))
    labels.update(zip(group_frame["drug_group"], group_frame["label"], strict=True))
    return labels


def country_name(iso3: str) -> str:
    """English short name of an ISO3 code (the code itself if it is unknown)."""
    return country_names().get(iso3, iso3)
